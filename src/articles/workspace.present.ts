// Page scripts import this module's types (src/client/workspace): keep it free of Node and Express.
import type { ClaimJson } from "../claims/claims.present.js";
import { stanceColour } from "../claims/stance-palette.js";
import { CodePointIndex } from "../text/code-points.js";
import type { RoleName } from "../users/roles.js";

/** A run of body text inside a paragraph: a sentence, or the text between sentences. */
export interface Piece {
  kind: "sentence" | "gap";
  start: number;
  end: number;
  /** Sentence number (0-based) for sentences; -1 for gaps. */
  index: number;
  text: string;
}

export interface Paragraph {
  /** The body text between the previous paragraph and this one (the blank line), verbatim. */
  before: string;
  start: number;
  end: number;
  pieces: Piece[];
}

interface Span {
  start: number;
  end: number;
}

/**
 * The body as paragraphs (split on blank lines) of sentence and gap pieces, all in code points.
 * Concatenating every `before` and piece text gives the body back exactly, so the page can map a
 * point in its text to a body offset. A blank line inside a sentence (the splitter never makes
 * one) does not split the paragraph, so sentences always stay whole. Linear in the body length.
 */
export function layoutParagraphs(body: string, sentences: readonly Span[]): Paragraph[] {
  const index = new CodePointIndex(body);
  const ordered = sentences
    .map((sentence, number) => ({ start: sentence.start, end: sentence.end, number }))
    .sort((a, b) => a.start - b.start);

  const breaks: Span[] = [];
  let s = 0;
  for (const match of body.matchAll(/\n(?:[^\S\n]*\n)+/g)) {
    const start = index.toCodePoint(match.index);
    while (s < ordered.length && ordered[s]!.end <= start) s += 1;
    if (s < ordered.length && ordered[s]!.start < start) continue;
    breaks.push({ start, end: index.toCodePoint(match.index + match[0].length) });
  }
  breaks.push({ start: index.length, end: index.length });

  const paragraphs: Paragraph[] = [];
  let cursor = 0;
  let before = "";
  let next = 0;
  for (const gap of breaks) {
    const end = gap.start;
    const pieces: Piece[] = [];
    let at = cursor;
    while (next < ordered.length && ordered[next]!.start < end) {
      const sentence = ordered[next]!;
      const from = Math.max(sentence.start, at);
      const to = Math.min(sentence.end, end);
      if (from > at) pieces.push(piece(index, "gap", at, from, -1));
      if (to > from) pieces.push(piece(index, "sentence", from, to, sentence.number));
      at = Math.max(at, to);
      next += 1;
    }
    if (end > at) pieces.push(piece(index, "gap", at, end, -1));
    paragraphs.push({ before, start: cursor, end, pieces });
    before = index.slice(gap.start, gap.end);
    cursor = gap.end;
  }
  return paragraphs;
}

function piece(
  index: CodePointIndex,
  kind: Piece["kind"],
  start: number,
  end: number,
  sentence: number,
): Piece {
  return { kind, start, end, index: sentence, text: index.slice(start, end) };
}

export interface LayerOption {
  value: string;
  label: string;
}

/** The layers a user may pick: annotators their own and everyone's; others each annotator and all. */
export function layerOptions(
  user: { role: RoleName },
  annotators: { id: number; name: string; claims: number }[],
  seesOthers = true,
  goldClaims: number | null = null,
): LayerOption[] {
  const count = (n: number) => `${n} ${n === 1 ? "claim" : "claims"}`;
  // Offered once there is something in it: curators start it from the curation page.
  const gold = goldClaims ? [{ value: "gold", label: `Gold layer (${count(goldClaims)})` }] : [];
  if (!seesOthers) return [{ value: "mine", label: "My claims (blind project)" }, ...gold];
  if (user.role === "annotator") {
    return [{ value: "mine", label: "My claims" }, { value: "all", label: "All annotators" }, ...gold];
  }
  return [
    { value: "all", label: "All annotators" },
    ...annotators.map((annotator) => ({
      value: String(annotator.id),
      label: `${annotator.name} (${count(annotator.claims)})`,
    })),
    ...gold,
  ];
}

/**
 * A claim as the page needs it: the API's JSON without what the page can do without (the quote,
 * which the page cuts from the body by its offsets, the context strings, the timestamps), so that
 * an article with thousands of claims stays a light page. Read by workspace-claims.ts.
 */
export type PageClaim = Omit<ClaimJson, "quote" | "prefix" | "suffix" | "createdAt" | "updatedAt">;

/** A stance of the project with its colour from the one stance palette. */
export interface StanceChoice {
  key: string;
  label: string;
  retired: boolean;
  /** #rrggbb, the same as on the Claims page and in the charts. */
  colour: string;
}

export function stanceChoices(stances: readonly Omit<StanceChoice, "colour">[]): StanceChoice[] {
  return stances.map((stance) => ({ ...stance, colour: stanceColour(stance.key) }));
}

/** What the workspace page embeds as JSON (#workspace-data) for its script. */
export interface WorkspaceData {
  article: { id: number; projectId: number; body: string };
  /** Sentence spans in code points, in order. */
  sentences: { start: number; end: number }[];
  claims: PageClaim[];
  stances: StanceChoice[];
  targets: { id: number; name: string; retired: boolean }[];
  user: { id: number; role: RoleName; name: string };
  canWrite: boolean;
  layer: string;
  layers: LayerOption[];
}

/**
 * JSON for a <script type="application/json"> element: "<" is escaped so the text can never close
 * the element or open a comment; U+2028/2029 as well, for old parsers.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
