// Words for claims: list entries, excerpts, and what changed between two versions of a claim.

/** At most `max` code points of `text`, with an ellipsis when cut. */
export function excerpt(text, max = 120) {
  const points = Array.from(text.replace(/\s+/g, " ").trim());
  return points.length > max ? `${points.slice(0, max - 1).join("")}…` : points.join("");
}

export function stanceName(claim, stances) {
  if (!claim.stance) return "";
  const known = stances.find((stance) => stance.key === claim.stance);
  return claim.stanceLabel ?? known?.label ?? claim.stance;
}

const none = "none";
const quoted = (text) => (text ? `“${excerpt(text, 60)}”` : none);

/** The fields a person sees in the form, as words, to compare two versions of a claim. */
function visibleFields(claim, stances) {
  return [
    ["Quote", claim.start === undefined ? "" : `${claim.start}:${claim.end}`, quoted(claim.quote)],
    ["Type", claim.type, claim.type],
    ["Speaker", claim.speaker?.id ?? "", claim.speaker?.name ?? none],
    ["Mention", spanKey(claim.speakerMention), quoted(claim.speakerMention?.text)],
    ["Cue", spanKey(claim.cue), quoted(claim.cue?.text)],
    ["Stance", claim.stance ?? "", stanceName(claim, stances) || none],
    ["Target", claim.target ?? "", claim.target ?? none],
    ["Note", claim.note ?? "", claim.note ? `“${excerpt(claim.note, 60)}”` : "empty"],
  ];
}

function spanKey(span) {
  return span ? `${span.start}:${span.end}` : "";
}

/**
 * Sentences saying what someone else changed: "Stance changed from favor to against by someone else."
 * @returns {string[]}
 */
export function describeChanges(loaded, current, stances) {
  const before = visibleFields(loaded, stances);
  const after = visibleFields(current, stances);
  const changes = [];
  for (let i = 0; i < before.length; i += 1) {
    const [name, oldKey, oldWords] = before[i];
    const [, newKey, newWords] = after[i];
    if (String(oldKey) !== String(newKey)) {
      changes.push(`${name} changed from ${oldWords} to ${newWords} by someone else.`);
    }
  }
  return changes;
}
