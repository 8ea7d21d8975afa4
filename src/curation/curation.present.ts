// Lays an article's claims out for curation, sentence by sentence: claims that overlap form a
// group, shown with one column per annotator and one for gold, and every field on which the
// annotators' claims of a group disagree is named. Pure: no database, no Express.
import type { ClaimJson } from "../claims/claims.present.js";

/** The fields compared between annotators, in the order the page shows them. */
export const comparedFields = ["span", "type", "speaker", "mention", "cue", "stance", "target"] as const;
export type ComparedField = (typeof comparedFields)[number];

export type Decision = { kind: "open" } | { kind: "accepted"; goldClaimId: number } | { kind: "rejected" };

export interface CurationClaim extends ClaimJson {
  decision: Decision;
}

export interface CurationGroup {
  /** Position on the page, for keys and links (#group-3). */
  index: number;
  start: number;
  end: number;
  /** Per annotator (in the order of `annotators`): their claims in the group, usually 0 or 1. */
  cells: CurationClaim[][];
  gold: ClaimJson[];
  /** Fields on which the annotators' claims differ (span also when an annotator has none). */
  differs: ComparedField[];
  /** Every annotator made the same claim, and nobody decided on it yet. */
  exact: boolean;
  open: number;
}

/** What the curation page's script knows of the article besides its groups. */
export interface CurationPageInfo {
  articleId: number;
  annotators: { id: number; name: string; done: boolean }[];
  choices: {
    types: string[];
    stances: { key: string; label: string }[];
    targets: string[];
  };
  curated: boolean;
  /** Annotator claims of the article still waiting for a decision. */
  waiting: number;
  /** The next article to curate (its curation page), if any. */
  next: string | null;
}

/** What the curation page's script works from (#curation-data). */
export interface CurationPageData extends CurationPageInfo {
  groups: CurationGroup[];
}

/** A row of the curation table: its key (s3: sentence 3, g7: group 7) and fingerprint. */
export type CurationRowSignature = [key: string, fingerprint: string];

/**
 * GET …/curate/state: every row's key and fingerprint, and the rows asked for (their groups and
 * markup, drawn by the page's own views), with the other parts of the page that change.
 */
export interface CurationState {
  page: CurationPageInfo;
  rows: CurationRowSignature[];
  groups: Record<string, CurationGroup>;
  html: { rows: string; counts: string; toolbar: string; curated: string };
}

/** A short fingerprint of a value's JSON (the 53-bit cyrb53 hash): equal values, equal prints. */
export function fingerprint(value: unknown): string {
  const text = JSON.stringify(value) ?? "";
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/**
 * The table's rows in order, each sentence (s<index>) followed by its groups (g<index>), with a
 * fingerprint of everything the row shows: a row whose fingerprint is unchanged is not drawn again.
 */
export function curationRows(sentences: CurationSentence[], columns: number): CurationRowSignature[] {
  return sentences.flatMap((sentence): CurationRowSignature[] => [
    [
      `s${sentence.index}`,
      fingerprint([sentence.index, sentence.start, sentence.text, sentence.groups.length > 0, columns]),
    ],
    ...sentence.groups.map((group): CurationRowSignature => [
      `g${group.index}`,
      fingerprint([group, columns]),
    ]),
  ]);
}

export interface CurationSentence {
  index: number;
  start: number;
  end: number;
  text: string;
  groups: CurationGroup[];
}

/** What a field of a claim is, as a comparable value (speakers by registry id). */
export function fieldValue(claim: ClaimJson, field: ComparedField): string {
  switch (field) {
    case "span":
      return `${claim.start}:${claim.end}`;
    case "type":
      return claim.type;
    case "speaker":
      return claim.speaker ? String(claim.speaker.id) : "";
    case "mention":
      return claim.speakerMention ? `${claim.speakerMention.start}:${claim.speakerMention.end}` : "";
    case "cue":
      return claim.cue ? `${claim.cue.start}:${claim.cue.end}` : "";
    case "stance":
      return claim.stance ?? "";
    case "target":
      return claim.target ?? "";
  }
}

interface Span {
  start: number;
  end: number;
}

/** Clusters spans that overlap (directly or through others), in text order. */
function clusters<T extends Span>(items: T[]): T[][] {
  const sorted = [...items].sort((a, b) => a.start - b.start || b.end - a.end);
  const result: T[][] = [];
  let reach = -1;
  for (const item of sorted) {
    const current = result[result.length - 1];
    if (current && item.start < reach) {
      current.push(item);
      reach = Math.max(reach, item.end);
    } else {
      result.push([item]);
      reach = item.end;
    }
  }
  return result;
}

function groupOf(
  index: number,
  members: (CurationClaim | ClaimJson)[],
  annotatorIds: number[],
): CurationGroup {
  const candidates = members.filter((claim): claim is CurationClaim => "decision" in claim);
  const cells = annotatorIds.map((id) => candidates.filter((claim) => claim.annotator.id === id));
  const differs = comparedFields.filter((field) => {
    const values = new Set(candidates.map((claim) => fieldValue(claim, field)));
    return values.size > 1 || (field === "span" && cells.some((cell) => cell.length === 0));
  });
  const open = candidates.filter((claim) => claim.decision.kind === "open").length;
  return {
    index,
    start: Math.min(...members.map((claim) => claim.start)),
    end: Math.max(...members.map((claim) => claim.end)),
    cells,
    gold: members.filter((claim) => !("decision" in claim)),
    differs,
    exact: differs.length === 0 && cells.every((cell) => cell.length === 1) && open === cells.length,
    open,
  };
}

/**
 * The sentences of the article with the groups that start in each. A claim belongs to the
 * sentence its first character is in (claims may run on into the next sentence).
 */
export function curationSentences(
  sentences: Span[],
  bodyPoints: string[],
  claims: CurationClaim[],
  gold: ClaimJson[],
  annotatorIds: number[],
): CurationSentence[] {
  const all: (CurationClaim | ClaimJson)[] = [...claims, ...gold];
  let groupIndex = 0;
  const result: CurationSentence[] = sentences.map((sentence, index) => ({
    index,
    start: sentence.start,
    end: sentence.end,
    text: bodyPoints.slice(sentence.start, sentence.end).join(""),
    groups: [],
  }));
  const sentenceAt = (offset: number) => {
    const found = result.findIndex((sentence) => offset < sentence.end);
    return found === -1 ? result.length - 1 : found;
  };
  for (const cluster of clusters(all)) {
    const sentence = result[sentenceAt(cluster[0]!.start)];
    sentence?.groups.push(groupOf(groupIndex++, cluster, annotatorIds));
  }
  return result;
}
