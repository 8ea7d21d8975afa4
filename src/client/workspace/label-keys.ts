// Label keys of the claim form: one key per stance and target, derived from the project's labels
// so that they stay the same from article to article, and never taken from keys that mean
// something else on the page.
import type { Stance, Target } from "./types.js";

/** Keys the form jumps with: Speaker and Note. */
export const SPEAKER_KEY = "s";
export const NOTE_KEY = "n";

/**
 * Letters the label keys never use: j/k move between sentences, z/y are undo/redo, s/n jump to
 * Speaker and Note, g opens the guidelines, and a/x accept and dismiss suggestions (label keys also
 * act on the claim just accepted, so one key accepts, one sets the stance, one the target). Digits
 * belong to the claim type; Enter, Escape and ? are not letters.
 */
const RESERVED = new Set(["a", "g", "j", "k", "x", "y", "z", SPEAKER_KEY, NOTE_KEY]);
const ALPHABET = "abcdefghijklmnopqrstuvwxyz";

/** The letters of a label in order, accents and case removed ("Über" → u, b, e, r). */
function lettersOf(label: string): string[] {
  const folded = label.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  return Array.from(folded).filter((char) => ALPHABET.includes(char));
}

/**
 * One key per label, in order: the label's first letter not taken yet, else the alphabet's first
 * free letter, else none. Every label of the project takes part, retired ones too, so that
 * retiring one does not change the others' keys.
 */
export function assignKeys(labels: readonly string[]): (string | null)[] {
  const taken = new Set(RESERVED);
  return labels.map((label) => {
    const key = [...lettersOf(label), ...ALPHABET].find((letter) => !taken.has(letter)) ?? null;
    if (key) taken.add(key);
    return key;
  });
}

/** The keys of a project's stances (by key) and targets (by name), over all of them together. */
export function labelKeys(
  stances: readonly Pick<Stance, "key" | "label">[],
  targets: readonly Pick<Target, "name">[],
) {
  const keys = assignKeys([
    ...stances.map((stance) => stance.label),
    ...targets.map((target) => target.name),
  ]);
  return {
    stanceKeys: new Map(stances.map((stance, i) => [stance.key, keys[i] ?? null])),
    targetKeys: new Map(targets.map((target, i) => [target.name, keys[stances.length + i] ?? null])),
  };
}
