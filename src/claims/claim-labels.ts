import { InvalidError } from "../errors.js";

/** A stance label or target of a project, as a claim may name it. */
export interface LabelChoice {
  id: number;
  name: string;
  retired: boolean;
}

/**
 * The id of a project's stance label or target named in a claim. Retired ones are refused on new
 * values and kept where a claim already uses them; the message lists what may be chosen.
 */
function chooseLabel(
  field: "stance" | "target",
  choices: LabelChoice[],
  wanted: string,
  currentId: number | null,
  same: (a: string, b: string) => boolean,
): number {
  const chosen = choices.find((choice) => same(choice.name, wanted));
  const open = choices.filter((choice) => !choice.retired).map((choice) => choice.name);
  const list = open.join(", ") || "none yet";
  if (!chosen)
    throw new InvalidError(`${field} "${wanted}" is not one of this project's ${field}s: ${list}.`, field);
  if (chosen.retired && chosen.id !== currentId) {
    throw new InvalidError(`${field} "${wanted}" is retired in this project; choose one of ${list}.`, field);
  }
  return chosen.id;
}

export function stanceChoices(labels: { id: number; key: string; retired: boolean }[]): LabelChoice[] {
  return labels.map((label) => ({ id: label.id, name: label.key, retired: label.retired }));
}

/** Stance keys are matched exactly: they are the values exports and scripts rely on. */
export function chooseStance(choices: LabelChoice[], key: string, currentId: number | null): number {
  return chooseLabel("stance", choices, key, currentId, (a, b) => a === b);
}

/** Targets are names people type: matched ignoring case. */
export function chooseTarget(choices: LabelChoice[], name: string, currentId: number | null): number {
  return chooseLabel("target", choices, name, currentId, (a, b) => a.toLowerCase() === b.toLowerCase());
}
