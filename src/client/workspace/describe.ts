// Words for claims: list entries, excerpts, and what changed between two versions of a claim.
import { withQuotationMarks } from "../../text/quote-marks.js";
import type { ClaimJson, Stance, WorkspaceClaim } from "./types.js";

/** At most `max` code points of `text`, with an ellipsis when cut. */
export function excerpt(text: string, max = 120): string {
  const points = Array.from(text.replace(/\s+/g, " ").trim());
  return points.length > max ? `${points.slice(0, max - 1).join("")}…` : points.join("");
}

/** An excerpt in quotation marks, without doubling a mark the quote begins with. */
export function quoted(text: string, max = 120): string {
  return withQuotationMarks(excerpt(text, max));
}

type Stanced = Pick<ClaimJson, "stance"> & { stanceLabel?: string | null };

export function stanceName(claim: Stanced, stances: readonly Stance[]): string {
  if (!claim.stance) return "";
  const known = stances.find((stance) => stance.key === claim.stance);
  return claim.stanceLabel ?? known?.label ?? claim.stance;
}

const none = "none";
const quotedOrNone = (text: string | undefined) => (text ? quoted(text, 60) : none);

/** A claim as either side of a comparison: what the form loaded, or the server's current one. */
export type ComparableClaim = WorkspaceClaim | ClaimJson;

/** The fields a person sees in the form, as [name, value to compare, words]. */
function visibleFields(claim: ComparableClaim, stances: readonly Stance[]): [string, string, string][] {
  return [
    ["Quote", `${claim.start}:${claim.end}`, quotedOrNone(claim.quote)],
    ["Type", claim.type, claim.type],
    ["Speaker", String(claim.speaker?.id ?? ""), claim.speaker?.name ?? none],
    ["Mention", spanKey(claim.speakerMention), quotedOrNone(claim.speakerMention?.text)],
    ["Cue", spanKey(claim.cue), quotedOrNone(claim.cue?.text)],
    ["Stance", claim.stance ?? "", stanceName(claim, stances) || none],
    ["Target", claim.target ?? "", claim.target ?? none],
    ["Note", claim.note ?? "", claim.note ? quoted(claim.note, 60) : "empty"],
  ];
}

function spanKey(span: { start: number; end: number } | null): string {
  return span ? `${span.start}:${span.end}` : "";
}

/** Sentences saying what someone else changed: "Stance changed from favor to against by someone else." */
export function describeChanges(
  loaded: ComparableClaim,
  current: ComparableClaim,
  stances: readonly Stance[],
): string[] {
  const before = visibleFields(loaded, stances);
  const after = visibleFields(current, stances);
  const changes: string[] = [];
  before.forEach(([name, oldKey, oldWords], i) => {
    const [, newKey, newWords] = after[i]!;
    if (oldKey !== newKey) changes.push(`${name} changed from ${oldWords} to ${newWords} by someone else.`);
  });
  return changes;
}

type Attributed = Pick<ClaimJson, "speaker" | "speakerMention" | "cue">;

/** Who said it and how: "said by Ilham Aliyev (mention “the president”), cue “said”"; "" if unknown. */
export function attribution(claim: Attributed): string {
  const parts: string[] = [];
  const mention = claim.speakerMention ? ` (mention ${quoted(claim.speakerMention.text, 60)})` : "";
  if (claim.speaker) parts.push(`said by ${claim.speaker.name}${mention}`);
  else if (mention) parts.push(`speaker mention ${quoted(claim.speakerMention!.text, 60)}`);
  if (claim.cue) parts.push(`cue ${quoted(claim.cue.text, 60)}`);
  return parts.join(", ");
}
