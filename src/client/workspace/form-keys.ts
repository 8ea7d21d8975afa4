// The claim form's keyboard: label keys act where focus is in the form but not in a text field.
import type { ChoiceGroup } from "./choice-group.js";

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

export interface LabelKeyTargets {
  groups: { group: ChoiceGroup; name: string; clearable: boolean }[];
  /** Keys that move focus to a field (Speaker, Note). */
  jumps: Record<string, HTMLElement>;
  /** Says what a key chose, for screen readers. */
  announce(text: string): void;
}

/** Acts on a label key pressed in the form, outside text fields; other keys pass through. */
export function applyLabelKey(event: KeyboardEvent, targets: LabelKeyTargets): void {
  if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
  if (isTypingTarget(event.target) || event.key.length !== 1) return;
  const key = event.key.toLowerCase();
  const jump = targets.jumps[key];
  if (jump) {
    event.preventDefault();
    jump.focus();
    return;
  }
  for (const { group, name, clearable } of targets.groups) {
    const value = group.valueOf(key);
    if (value === undefined) continue;
    event.preventDefault();
    // The key of the chosen stance or target again clears it; a type is always set.
    group.value = clearable && group.value === value ? "" : value;
    if (group.contains(event.target)) group.focus();
    targets.announce(`${name}: ${group.value ? group.label : "none"}.`);
    return;
  }
}
