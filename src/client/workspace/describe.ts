// Words for claims: list entries, excerpts, what changed between two versions of a claim, and
// after a 409 which fields the user and someone else both changed.
import { withQuotationMarks } from "../../text/quote-marks.js";
import type { Stance } from "./types.js";

/**
 * At most `max` code points of `text`, its runs of white space made one space and its ends
 * trimmed, with an ellipsis when cut. Splits into code points only when it must (the text is long
 * and holds surrogate pairs): the claim list makes excerpts of every quote, and splitting each
 * whole quote took most of the list's time at 5,000 claims.
 */
export function excerpt(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, " ").trim();
  // A string has at least as many UTF-16 units as code points, and as many without surrogates.
  if (flat.length <= max) return flat;
  if (!/[\uD800-\uDFFF]/.test(flat)) return `${flat.slice(0, max - 1)}…`;
  const points = Array.from(flat);
  return points.length > max ? `${points.slice(0, max - 1).join("")}…` : flat;
}

/** An excerpt in quotation marks, without doubling a mark the quote begins with. */
export function quoted(text: string, max = 120): string {
  return withQuotationMarks(excerpt(text, max));
}

type Stanced = { stance: string | null; stanceLabel?: string | null };

export function stanceName(claim: Stanced, stances: readonly Stance[]): string {
  if (!claim.stance) return "";
  const known = stances.find((stance) => stance.key === claim.stance);
  return claim.stanceLabel ?? known?.label ?? claim.stance;
}

const none = "none";
const quotedOrNone = (text: string | undefined) => (text ? quoted(text, 60) : none);

type TextSpan = { start: number; end: number; text?: string } | null;

/**
 * A claim as any side of a comparison: what the form loaded, the server's current one, or what
 * the form holds now (whose speaker may be a new name, without an id yet).
 */
export interface ComparableClaim {
  start: number;
  end: number;
  quote?: string;
  type: string;
  speaker: { id?: number; name: string } | null;
  speakerMention: TextSpan;
  cue: TextSpan;
  stance: string | null;
  stanceLabel?: string | null;
  target: string | null;
  note?: string | null;
}

export const FIELD_IDS = [
  "quote",
  "type",
  "speaker",
  "speakerMention",
  "cue",
  "stance",
  "target",
  "note",
] as const;
export type FieldId = (typeof FIELD_IDS)[number];

const FIELD_NAMES: Record<FieldId, string> = {
  quote: "Quote",
  type: "Type",
  speaker: "Speaker",
  speakerMention: "Mention",
  cue: "Cue",
  stance: "Stance",
  target: "Target",
  note: "Note",
};

/** One field as a person sees it: a key to compare and the words to show. */
export interface FieldValue {
  field: FieldId;
  name: string;
  key: string;
  words: string;
}

function speakerKey(speaker: ComparableClaim["speaker"]): string {
  if (!speaker) return "";
  return speaker.id === undefined ? `new:${speaker.name.trim()}` : `id:${speaker.id}`;
}

/** The fields a person sees in the form, in the form's order. */
export function fieldValues(claim: ComparableClaim, stances: readonly Stance[]): FieldValue[] {
  const values: Record<FieldId, [string, string]> = {
    quote: [`${claim.start}:${claim.end}`, quotedOrNone(claim.quote)],
    type: [claim.type, claim.type],
    speaker: [speakerKey(claim.speaker), claim.speaker?.name ?? none],
    speakerMention: [spanKey(claim.speakerMention), quotedOrNone(claim.speakerMention?.text)],
    cue: [spanKey(claim.cue), quotedOrNone(claim.cue?.text)],
    stance: [claim.stance ?? "", stanceName(claim, stances) || none],
    target: [claim.target ?? "", claim.target ?? none],
    note: [claim.note ?? "", claim.note ? quoted(claim.note, 60) : "empty"],
  };
  return FIELD_IDS.map((field) => ({
    field,
    name: FIELD_NAMES[field],
    key: values[field][0],
    words: values[field][1],
  }));
}

function spanKey(span: TextSpan): string {
  return span ? `${span.start}:${span.end}` : "";
}

/** Sentences saying what someone else changed: "Stance changed from favor to against by someone else." */
export function describeChanges(
  loaded: ComparableClaim,
  current: ComparableClaim,
  stances: readonly Stance[],
): string[] {
  const after = fieldValues(current, stances);
  return fieldValues(loaded, stances).flatMap((before, i) => {
    const now = after[i]!;
    return before.key === now.key
      ? []
      : [`${before.name} changed from ${before.words} to ${now.words} by someone else.`];
  });
}

/** One field after a 409: who changed it since the version the form loaded. */
export interface FieldComparison {
  field: FieldId;
  name: string;
  base: FieldValue;
  mine: FieldValue;
  theirs: FieldValue;
  mineChanged: boolean;
  theirsChanged: boolean;
  /** Both changed it, to different values: the user chooses which one to keep. */
  conflict: boolean;
}

/** Compares the user's input and someone else's saved version with the version both started from. */
export function compareThreeWay(
  base: ComparableClaim,
  mine: ComparableClaim,
  theirs: ComparableClaim,
  stances: readonly Stance[],
): FieldComparison[] {
  const [baseValues, mineValues, theirValues] = [base, mine, theirs].map((claim) =>
    fieldValues(claim, stances),
  );
  return baseValues!.map((before, i) => {
    const mineValue = mineValues![i]!;
    const theirValue = theirValues![i]!;
    const mineChanged = mineValue.key !== before.key;
    const theirsChanged = theirValue.key !== before.key;
    return {
      field: before.field,
      name: before.name,
      base: before,
      mine: mineValue,
      theirs: theirValue,
      mineChanged,
      theirsChanged,
      conflict: mineChanged && theirsChanged && mineValue.key !== theirValue.key,
    };
  });
}

type Attributed = {
  speaker: { name: string } | null;
  speakerMention: { text: string } | null;
  cue: { text: string } | null;
};

/** Who said it and how: "said by Ilham Aliyev (mention “the president”), cue “said”"; "" if unknown. */
export function attribution(claim: Attributed): string {
  const parts: string[] = [];
  const mention = claim.speakerMention ? ` (mention ${quoted(claim.speakerMention.text, 60)})` : "";
  if (claim.speaker) parts.push(`said by ${claim.speaker.name}${mention}`);
  else if (mention) parts.push(`speaker mention ${quoted(claim.speakerMention!.text, 60)}`);
  if (claim.cue) parts.push(`cue ${quoted(claim.cue.text, 60)}`);
  return parts.join(", ");
}
