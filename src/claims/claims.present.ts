import type { CodePointIndex } from "../text/code-points.js";

/** A claim row with what the API, the workspace and exports show about it. */
export interface ClaimRow {
  id: number;
  layer: "annotator" | "gold";
  articleId: number;
  start: number;
  end: number;
  quote: string;
  prefix: string;
  suffix: string;
  type: string;
  mentionStart: number | null;
  mentionEnd: number | null;
  cueStart: number | null;
  cueEnd: number | null;
  note: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  annotator: { id: number; name: string };
  speaker: { id: number; name: string; role: string; affiliation: string } | null;
  stance: { key: string; label: string } | null;
  target: { id: number; name: string } | null;
  /** Gold claims read with goldInclude: the annotator claims they came from. */
  goldSources?: { sourceClaimId: number }[];
}

export const claimInclude = {
  annotator: { select: { id: true, name: true } },
  speaker: { select: { id: true, name: true, role: true, affiliation: true } },
  stance: { select: { key: true, label: true } },
  target: { select: { id: true, name: true } },
} as const;

/** A gold claim also names its sources (provenance); its annotator is the curator. */
export const goldInclude = {
  ...claimInclude,
  goldSources: { select: { sourceClaimId: true }, orderBy: { sourceClaimId: "asc" } },
} as const;

function span(index: CodePointIndex, start: number | null, end: number | null) {
  if (start === null || end === null) return null;
  return { start, end, text: index.slice(start, end) };
}

/** The claim as JSON: field names of the vocabulary; mention and cue carry their derived text. */
export function presentClaim(claim: ClaimRow, body: CodePointIndex) {
  return {
    id: claim.id,
    articleId: claim.articleId,
    layer: claim.layer,
    annotator: claim.annotator,
    start: claim.start,
    end: claim.end,
    quote: claim.quote,
    prefix: claim.prefix,
    suffix: claim.suffix,
    type: claim.type,
    speaker: claim.speaker,
    speakerMention: span(body, claim.mentionStart, claim.mentionEnd),
    cue: span(body, claim.cueStart, claim.cueEnd),
    stance: claim.stance?.key ?? null,
    stanceLabel: claim.stance?.label ?? null,
    target: claim.target?.name ?? null,
    note: claim.note,
    version: claim.version,
    createdAt: claim.createdAt.toISOString(),
    updatedAt: claim.updatedAt.toISOString(),
    ...(claim.goldSources ? { sources: claim.goldSources.map((source) => source.sourceClaimId) } : {}),
  };
}
export type ClaimJson = ReturnType<typeof presentClaim>;

/** Where the API shows a claim: the Location of a create. */
export function claimLocation(id: number): string {
  return `/api/v1/claims/${id}`;
}
