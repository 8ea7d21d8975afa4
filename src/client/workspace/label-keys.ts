// Label keys of the claim form: one key per stance and target, derived from the project's labels
// so that they stay the same from article to article, and never taken from keys that mean
// something else on the page.

/** Keys the form jumps with: Speaker and Note. */
export const SPEAKER_KEY = "s";
export const NOTE_KEY = "n";

/**
 * Letters the label keys never use: j/k move between sentences, z/y are undo/redo, and s/n jump
 * to Speaker and Note. Digits belong to the claim type; Enter, Escape and ? are not letters.
 */
const RESERVED = new Set(["j", "k", "y", "z", SPEAKER_KEY, NOTE_KEY]);
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

/** Whether a key press is meant for the page rather than typing into a field. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (
    target.isContentEditable ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  )
    return true;
  return (
    target instanceof HTMLInputElement && !["radio", "checkbox", "button", "submit"].includes(target.type)
  );
}
