// Words for claims: list entries, excerpts, and what changed between two versions of a claim.
import type { ClaimJson, Stance, WorkspaceClaim } from "./types.js";

/** At most `max` code points of `text`, with an ellipsis when cut. */
export function excerpt(text: string, max = 120): string {
  const points = Array.from(text.replace(/\s+/g, " ").trim());
  return points.length > max ? `${points.slice(0, max - 1).join("")}…` : points.join("");
}

type Stanced = Pick<ClaimJson, "stance"> & { stanceLabel?: string | null };

export function stanceName(claim: Stanced, stances: readonly Stance[]): string {
  if (!claim.stance) return "";
  const known = stances.find((stance) => stance.key === claim.stance);
  return claim.stanceLabel ?? known?.label ?? claim.stance;
}

const none = "none";
const quoted = (text: string | undefined) => (text ? `“${excerpt(text, 60)}”` : none);

/** A claim as either side of a comparison: what the form loaded, or the server's current one. */
export type ComparableClaim = WorkspaceClaim | ClaimJson;

/** The fields a person sees in the form, as [name, value to compare, words]. */
function visibleFields(claim: ComparableClaim, stances: readonly Stance[]): [string, string, string][] {
  return [
    ["Quote", `${claim.start}:${claim.end}`, quoted(claim.quote)],
    ["Type", claim.type, claim.type],
    ["Speaker", String(claim.speaker?.id ?? ""), claim.speaker?.name ?? none],
    ["Mention", spanKey(claim.speakerMention), quoted(claim.speakerMention?.text)],
    ["Cue", spanKey(claim.cue), quoted(claim.cue?.text)],
    ["Stance", claim.stance ?? "", stanceName(claim, stances) || none],
    ["Target", claim.target ?? "", claim.target ?? none],
    ["Note", claim.note ?? "", claim.note ? `“${excerpt(claim.note, 60)}”` : "empty"],
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
