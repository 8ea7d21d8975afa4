// The Speaker field: an ARIA 1.2 combobox over GET /api/v1/projects/:id/speakers?q=, matching
// names and aliases (accents and case ignored by the server). Role and Affiliation are always on
// the form and open for input only while the name is a new speaker's: nothing appears or
// disappears on blur or when an answer arrives, so no control moves under the pointer.
import { callApi } from "../lib/api.js";
import { closestFrom } from "../lib/dom.js";
import type { NewClaimBody, Speaker } from "./types.js";

const SEARCH_DELAY_MS = 120;

/** A speaker as the search answers it: the claim's speaker fields plus aliases. */
export interface SpeakerMatch extends Speaker {
  aliases?: string[];
}

/** What the form keeps of the field to put it back (after a 409, re-applying the user's changes). */
export interface SpeakerState {
  chosen: SpeakerMatch | null;
  name: string;
  role: string;
  affiliation: string;
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
  private disabled = false;
  /** Set when the user insisted on a new speaker whose name resembles existing ones'. */
  private confirmNew = false;

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
      if (option) this.chooseOption(Number(option.dataset.index));
    });
  }

  /** Shows a claim's speaker (or none), as chosen. */
  set(speaker: Speaker | null): void {
    this.close();
    this.chosen = speaker ? { ...speaker } : null;
    this.input.value = speaker ? speaker.name : "";
    this.role.value = "";
    this.affiliation.value = "";
    this.confirmNew = false;
    this.describe();
  }

  /** Types a new speaker's name and role (a suggestion's), as the user would. */
  typeNew(name: string, role = ""): void {
    this.close();
    this.chosen = null;
    this.input.value = name;
    this.role.value = role;
    this.affiliation.value = "";
    this.confirmNew = false;
    this.describe();
  }

  /** Chooses a known speaker (from the similar-speakers answer). */
  choose(speaker: SpeakerMatch): void {
    this.close();
    this.chosen = { ...speaker };
    this.input.value = speaker.name;
    this.confirmNew = false;
    this.describe();
  }

  /** The typed name is a new speaker, even though it resembles existing ones'. */
  insistNew(): void {
    this.chosen = null;
    this.confirmNew = true;
    this.describe();
  }

  get state(): SpeakerState {
    return {
      chosen: this.chosen,
      name: this.input.value,
      role: this.role.value,
      affiliation: this.affiliation.value,
    };
  }

  restore(state: SpeakerState): void {
    this.close();
    this.chosen = state.chosen;
    this.input.value = state.name;
    this.role.value = state.role;
    this.affiliation.value = state.affiliation;
    this.describe();
  }

  /** What the claim sends: { id }, { name, role, affiliation } (found or created by name), or null. */
  value(): NewClaimBody["speaker"] {
    const name = this.input.value.trim();
    if (!name) return null;
    if (this.chosen && this.chosen.name === name) return { id: this.chosen.id };
    const speaker: { name: string; role?: string; affiliation?: string; confirmNew?: boolean } = { name };
    if (this.role.value.trim()) speaker.role = this.role.value.trim();
    if (this.affiliation.value.trim()) speaker.affiliation = this.affiliation.value.trim();
    if (this.confirmNew) speaker.confirmNew = true;
    return speaker;
  }

  setDisabled(disabled: boolean): void {
    this.disabled = disabled;
    this.input.disabled = disabled;
    if (disabled) this.close();
    this.describe();
  }

  /** Whether the typed name is a speaker the save creates. */
  private get isNew(): boolean {
    return Boolean(this.input.value.trim()) && !this.chosen;
  }

  /** The hint and the new-speaker fields follow the name: same size whatever they say. */
  private describe(): void {
    const name = this.input.value.trim();
    const chosen = this.chosen && name === this.chosen.name ? this.chosen : null;
    if (chosen) {
      const details = [chosen.role, chosen.affiliation].filter(Boolean).join(", ");
      this.hint.textContent = details ? `Chosen: ${chosen.name} (${details}).` : `Chosen: ${chosen.name}.`;
    } else if (name) {
      this.hint.textContent = `A new speaker “${name}” is created when you save.`;
    } else {
      this.hint.textContent = this.defaultHint;
    }
    this.hint.title = this.hint.textContent;
    const open = this.isNew && !this.disabled;
    this.newBox.classList.toggle("is-idle", !open);
    for (const field of [this.role, this.affiliation]) field.disabled = !open;
    this.role.placeholder = chosen?.role ?? "";
    this.affiliation.placeholder = chosen?.affiliation ?? "";
  }

  private onInput(): void {
    if (this.chosen && this.input.value.trim() !== this.chosen.name) this.chosen = null;
    this.confirmNew = false;
    this.describe();
    clearTimeout(this.timer);
    if (!this.input.value.trim()) {
      this.close();
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
    const lower = fold(q);
    const exact = speakers.some((speaker) => isCalled(speaker, q.toLowerCase()));
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

  private chooseOption(index: number): void {
    const option = this.options[index];
    if (!option) return;
    if (option.kind === "existing") {
      this.choose(option.speaker);
      return;
    }
    this.chosen = null;
    this.input.value = option.name;
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
      if (this.active >= 0) this.chooseOption(this.active);
      else this.close();
    } else if (event.key === "Escape" && this.isOpen) {
      event.preventDefault();
      event.stopPropagation();
      this.close();
    } else if (event.key === "Tab" && !event.shiftKey) {
      // Settle the name now, so that Tab lands on Role when a new speaker's details are revealed.
      if (this.isOpen && this.active >= 0) this.chooseOption(this.active);
      this.settle();
    }
  }

  private onBlur(): void {
    this.close();
    this.settle();
  }

  /** A typed name of a known speaker or alias (ignoring case, as the server does) chooses them. */
  private settle(): void {
    const name = this.input.value.trim();
    if (!name || this.chosen) return;
    const known = this.lastResults.find((speaker) => isCalled(speaker, name.toLowerCase()));
    if (known) this.choose(known);
  }
}

/** Whether the speaker's name or an alias is exactly `lower` (compared in lower case). */
function isCalled(speaker: SpeakerMatch, lower: string): boolean {
  return (
    speaker.name.toLowerCase() === lower ||
    (speaker.aliases ?? []).some((alias) => alias.toLowerCase() === lower)
  );
}

/** Lower case without accents, as the server's search compares ("Müller" → "muller"). */
function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

function describeSpeaker(speaker: SpeakerMatch, foldedQuery: string): string {
  const details = [speaker.role, speaker.affiliation].filter(Boolean).join(", ");
  const alias = fold(speaker.name).includes(foldedQuery)
    ? undefined
    : (speaker.aliases ?? []).find((name) => fold(name).includes(foldedQuery));
  return [speaker.name, details && ` — ${details}`, alias && ` (also “${alias}”)`].filter(Boolean).join("");
}
