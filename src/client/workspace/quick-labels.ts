// Stance and target keys on the selected claim, outside the form: after accepting a suggestion (or
// choosing a claim) one key sets its stance and one its target, saved at once with the claim's
// version, so a concurrent edit is reported rather than overwritten, and undone like any edit.
import { callApi, errorMessage } from "../lib/api.js";
import { labelKeys } from "./label-keys.js";
import type { ClaimJson, Stance, Target, WorkspaceClaim } from "./types.js";

interface LabelChoice {
  field: "stance" | "target";
  /** The stored value: a stance's key, a target's name. */
  value: string;
  label: string;
}

export interface QuickLabelHooks {
  /** The claim the keys act on: the selected one, when this user may change it. */
  claim(): WorkspaceClaim | undefined;
  saved(claim: ClaimJson): void;
  /** A 409 carried the claim as it is now. */
  current(claim: ClaimJson): void;
  say(message: string): void;
}

export class QuickLabels {
  private readonly choices = new Map<string, LabelChoice>();
  private busy = false;

  constructor(
    stances: readonly Stance[],
    targets: readonly Target[],
    private readonly hooks: QuickLabelHooks,
  ) {
    const { stanceKeys, targetKeys } = labelKeys(stances, targets);
    for (const stance of stances) {
      const key = stanceKeys.get(stance.key);
      if (key && !stance.retired)
        this.choices.set(key, { field: "stance", value: stance.key, label: stance.label });
    }
    for (const target of targets) {
      const key = targetKeys.get(target.name);
      if (key && !target.retired)
        this.choices.set(key, { field: "target", value: target.name, label: target.name });
    }
  }

  /** Whether a key press is a label key with a claim to act on. */
  handles(event: KeyboardEvent): boolean {
    return !event.shiftKey && this.choices.has(event.key) && this.hooks.claim() !== undefined;
  }

  /** The keys, for the status line: "stance f favor, g against; target r Azerbaijan". */
  hint(): string {
    const keys = (field: LabelChoice["field"]) =>
      [...this.choices]
        .filter(([, choice]) => choice.field === field)
        .map(([key, choice]) => `${key} ${choice.label}`)
        .join(", ");
    const parts = [
      keys("stance") && `stance ${keys("stance")}`,
      keys("target") && `target ${keys("target")}`,
    ];
    return parts.filter(Boolean).join("; ");
  }

  /** Sets (or, pressed again, clears) the stance or target the key stands for. */
  async apply(key: string): Promise<void> {
    const choice = this.choices.get(key);
    const claim = this.hooks.claim();
    if (!choice || !claim || this.busy) return;
    const value = claim[choice.field] === choice.value ? null : choice.value;
    this.busy = true;
    try {
      const result = await callApi<ClaimJson>("PATCH", `/api/v1/claims/${claim.id}`, {
        version: claim.version,
        [choice.field]: value,
      });
      const name = choice.field === "stance" ? "Stance" : "Target";
      if (result.ok) {
        this.hooks.saved(result.data);
        this.hooks.say(`${name}: ${value === null ? "none" : choice.label}.`);
        return;
      }
      const current = result.data?.error?.current as ClaimJson | undefined;
      if (result.status === 409 && current) {
        this.hooks.current(current);
        this.hooks.say(
          `${name} not set: someone else changed this claim after you; it now shows their version. Press the key again to set it.`,
        );
      } else this.hooks.say(`${name} not set: ${errorMessage(result)}`);
    } finally {
      this.busy = false;
    }
  }
}
