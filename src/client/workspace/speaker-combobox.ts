// The Speaker field: an ARIA 1.2 combobox over GET /api/v1/projects/:id/speakers?q=, matching
// names and aliases, with "Create new speaker" revealing Role and Affiliation.
import { callApi } from "../lib/api.js";
import { closestFrom } from "../lib/dom.js";
import type { NewClaimBody, Speaker } from "./types.js";

const SEARCH_DELAY_MS = 120;

/** A speaker as the search answers it: the claim's speaker fields plus aliases. */
export interface SpeakerMatch extends Speaker {
  aliases?: string[];
}

type Option = { kind: "existing"; speaker: SpeakerMatch } | { kind: "new"; name: string };

export interface SpeakerElements {
  input: HTMLInputElement;
  listbox: HTMLElement;
  newBox: HTMLElement;
  role: HTMLInputElement;
  affiliation: HTMLInputElement;
  hint: HTMLElement;
}

export class SpeakerCombobox {
  readonly input: HTMLInputElement;
  private readonly listbox: HTMLElement;
  private readonly newBox: HTMLElement;
  private readonly role: HTMLInputElement;
  private readonly affiliation: HTMLInputElement;
  private readonly hint: HTMLElement;
  private readonly defaultHint: string;
  private chosen: SpeakerMatch | null = null;
  private options: Option[] = [];
  private active = -1;
  private timer = 0;
  private controller: AbortController | null = null;
  private lastResults: SpeakerMatch[] = [];

  constructor(
    elements: SpeakerElements,
    private readonly projectId: number,
  ) {
    this.input = elements.input;
    this.listbox = elements.listbox;
    this.newBox = elements.newBox;
    this.role = elements.role;
    this.affiliation = elements.affiliation;
    this.hint = elements.hint;
    this.defaultHint = this.hint.textContent ?? "";

    this.input.addEventListener("input", () => this.onInput());
    this.input.addEventListener("keydown", (event) => this.onKey(event));
    this.input.addEventListener("blur", () => this.onBlur());
    // Keep focus in the input while an option is clicked.
    this.listbox.addEventListener("mousedown", (event) => event.preventDefault());
    this.listbox.addEventListener("click", (event) => {
      const option = closestFrom(event.target, "[role=option]");
      if (option) this.choose(Number(option.dataset.index));
    });
  }

  /** Shows a claim's speaker (or none), as chosen. */
  set(speaker: Speaker | null): void {
    this.close();
    this.chosen = speaker ? { ...speaker } : null;
    this.input.value = speaker ? speaker.name : "";
    this.role.value = "";
    this.affiliation.value = "";
    this.newBox.hidden = true;
    this.describe();
  }

  /** What the claim sends: { id }, { name, role, affiliation } (found or created by name), or null. */
  value(): NewClaimBody["speaker"] {
    const name = this.input.value.trim();
    if (!name) return null;
    if (this.chosen && this.chosen.name === name) return { id: this.chosen.id };
    const speaker: { name: string; role?: string; affiliation?: string } = { name };
    if (this.role.value.trim()) speaker.role = this.role.value.trim();
    if (this.affiliation.value.trim()) speaker.affiliation = this.affiliation.value.trim();
    return speaker;
  }

  setDisabled(disabled: boolean): void {
    for (const el of [this.input, this.role, this.affiliation]) el.disabled = disabled;
    if (disabled) this.close();
  }

  private describe(): void {
    if (this.chosen && this.input.value.trim() === this.chosen.name) {
      const details = [this.chosen.role, this.chosen.affiliation].filter(Boolean).join(", ");
      this.hint.textContent = details
        ? `Chosen: ${this.chosen.name} (${details}).`
        : `Chosen: ${this.chosen.name}.`;
    } else if (!this.newBox.hidden && this.input.value.trim()) {
      this.hint.textContent = `A new speaker “${this.input.value.trim()}” is created when you save.`;
    } else {
      this.hint.textContent = this.defaultHint;
    }
  }

  private onInput(): void {
    if (this.chosen && this.input.value.trim() !== this.chosen.name) this.chosen = null;
    this.describe();
    clearTimeout(this.timer);
    if (!this.input.value.trim()) {
      this.close();
      this.newBox.hidden = true;
      return;
    }
    this.timer = window.setTimeout(() => void this.search(), SEARCH_DELAY_MS);
  }

  private async search(): Promise<void> {
    const q = this.input.value.trim();
    if (!q) return;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    let speakers: SpeakerMatch[] = [];
    try {
      const url = `/api/v1/projects/${this.projectId}/speakers?q=${encodeURIComponent(q)}`;
      const result = await callApi<{ speakers?: SpeakerMatch[] }>("GET", url, undefined, controller.signal);
      if (result.ok && Array.isArray(result.data?.speakers)) speakers = result.data.speakers;
    } catch {
      return; // aborted: a newer search is on its way
    }
    if (controller !== this.controller || this.input.value.trim() !== q) return;
    this.lastResults = speakers;
    this.show(q, speakers);
  }

  private show(q: string, speakers: SpeakerMatch[]): void {
    const lower = q.toLowerCase();
    const exact = speakers.some((speaker) => isCalled(speaker, lower));
    this.options = speakers.map((speaker): Option => ({ kind: "existing", speaker }));
    if (!exact) this.options.push({ kind: "new", name: q });
    const fragment = document.createDocumentFragment();
    this.options.forEach((option, index) => {
      const li = document.createElement("li");
      li.id = `f-speaker-option-${index}`;
      li.dataset.index = String(index);
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      if (option.kind === "new") {
        li.className = "create-option";
        li.textContent = `Create new speaker “${option.name}”`;
      } else {
        li.textContent = describeSpeaker(option.speaker, lower);
      }
      fragment.append(li);
    });
    this.listbox.replaceChildren(fragment);
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  }

  close(): void {
    clearTimeout(this.timer);
    this.listbox.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  }

  get isOpen(): boolean {
    return !this.listbox.hidden;
  }

  private move(step: number): void {
    if (!this.options.length) return;
    const count = this.options.length;
    this.active = this.active < 0 ? (step > 0 ? 0 : count - 1) : (this.active + step + count) % count;
    for (const li of this.listbox.children) {
      if (li instanceof HTMLElement)
        li.setAttribute("aria-selected", String(Number(li.dataset.index) === this.active));
    }
    const current = this.listbox.children[this.active];
    if (!current) return;
    this.input.setAttribute("aria-activedescendant", current.id);
    current.scrollIntoView({ block: "nearest" });
  }

  private choose(index: number): void {
    const option = this.options[index];
    if (!option) return;
    if (option.kind === "existing") {
      this.chosen = option.speaker;
      this.input.value = option.speaker.name;
      this.newBox.hidden = true;
    } else {
      this.chosen = null;
      this.input.value = option.name;
      this.newBox.hidden = false;
    }
    this.close();
    this.describe();
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!this.isOpen) {
        if (this.input.value.trim()) void this.search();
        return;
      }
      this.move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter" && this.isOpen) {
      event.preventDefault();
      if (this.active >= 0) this.choose(this.active);
      else this.close();
    } else if (event.key === "Escape" && this.isOpen) {
      event.preventDefault();
      event.stopPropagation();
      this.close();
    } else if (event.key === "Tab" && !event.shiftKey) {
      // Settle the name now, so that Tab lands on Role when a new speaker's details are revealed.
      if (this.isOpen && this.active >= 0) this.choose(this.active);
      this.settle();
    }
  }

  private onBlur(): void {
    this.close();
    this.settle();
  }

  /** A typed name of a known speaker or alias chooses them; a name nobody has offers Role and Affiliation. */
  private settle(): void {
    const name = this.input.value.trim();
    if (!name || this.chosen) return;
    const known = this.lastResults.find((speaker) => isCalled(speaker, name.toLowerCase()));
    if (known) {
      this.chosen = known;
      this.input.value = known.name;
    } else {
      this.newBox.hidden = false;
    }
    this.describe();
  }
}

/** Whether the speaker's name or an alias is exactly `lower` (compared in lower case). */
function isCalled(speaker: SpeakerMatch, lower: string): boolean {
  return (
    speaker.name.toLowerCase() === lower ||
    (speaker.aliases ?? []).some((alias) => alias.toLowerCase() === lower)
  );
}

function describeSpeaker(speaker: SpeakerMatch, lowerQuery: string): string {
  const details = [speaker.role, speaker.affiliation].filter(Boolean).join(", ");
  const alias = speaker.name.toLowerCase().includes(lowerQuery)
    ? undefined
    : (speaker.aliases ?? []).find((name) => name.toLowerCase().includes(lowerQuery));
  return [speaker.name, details && ` — ${details}`, alias && ` (also “${alias}”)`].filter(Boolean).join("");
}
