// The claim form: new claims (POST) and edits (PATCH with version), delete, 422 messages beside
// their fields, and 409 conflicts that say what someone else changed. Nothing typed is lost.
import { callApi, errorMessage, type ApiResult } from "../lib/api.js";
import { byId, within } from "../lib/dom.js";
import { describeChanges, quoted } from "./describe.js";
import { SpeakerCombobox } from "./speaker-combobox.js";
import type { ExtraSpan } from "./text-view.js";
import {
  SPAN_KEYS,
  type ClaimJson,
  type ClaimPatchBody,
  type NewClaimBody,
  type Span,
  type SpanKey,
  type Stance,
  type Target,
  type WorkspaceClaim,
} from "./types.js";

const SPAN_NOUNS: Record<SpanKey, string> = { speakerMention: "mention", cue: "cue" };
const FIELDS = ["quote", "type", "speaker", "speakerMention", "cue", "stance", "target", "note"] as const;
type Field = (typeof FIELDS)[number];

export type FormMode = "new" | "edit" | "view";

/** Where focus goes back to when the form closes: a claim in the list or a sentence. */
export interface ReturnFocus {
  claim?: number;
  sentence?: number;
}

export interface ClaimFormContext {
  articleId: number;
  projectId: number;
  stances: readonly Stance[];
  targets: readonly Target[];
  slice(start: number, end: number): string;
  find(words: string, near: Span): Span | null;
}

export interface ClaimFormHandlers {
  onSpansChanged(): void;
  onArmed(key: SpanKey | null): void;
  onSaved(claim: ClaimJson, created: boolean): void;
  onDeleted(claim: WorkspaceClaim): void;
  onCurrentLoaded(claim: ClaimJson): void;
  onClosed(focusTo: ReturnFocus | null): void;
}

interface SpanField {
  value: HTMLElement;
  pick: HTMLButtonElement;
  clear: HTMLButtonElement;
  findBox: HTMLElement;
  findInput: HTMLInputElement;
}

export class ClaimForm {
  mode: FormMode | null = null;
  /** The span key whose "Pick from text" waits for a selection in the article. */
  armed: SpanKey | null = null;
  readonly type = byId("f-type", HTMLSelectElement);
  private readonly panel = byId("claim-panel");
  private readonly form = byId("claim-form", HTMLFormElement);
  private readonly heading = byId("claim-form-heading");
  private readonly owner = byId("f-owner");
  private readonly quote = byId("f-quote");
  private readonly quoteHint = byId("f-quote-hint");
  private readonly stance = byId("f-stance", HTMLSelectElement);
  private readonly target = byId("f-target", HTMLSelectElement);
  private readonly note = byId("f-note", HTMLTextAreaElement);
  private readonly errorBox = byId("f-error");
  private readonly conflict = byId("f-conflict");
  private readonly saveButton = byId("f-save", HTMLButtonElement);
  private readonly deleteButton = byId("f-delete", HTMLButtonElement);
  private readonly speaker: SpeakerCombobox;
  private readonly spanFields = {} as Record<SpanKey, SpanField>;
  private span: Span | null = null;
  private loaded: WorkspaceClaim | null = null;
  private spans: Record<SpanKey, Span | null> = { speakerMention: null, cue: null };
  private current: ClaimJson | null = null;
  private busy = false;
  private returnFocus: ReturnFocus | null = null;

  constructor(
    private readonly context: ClaimFormContext,
    private readonly handlers: ClaimFormHandlers,
  ) {
    this.speaker = new SpeakerCombobox(
      {
        input: byId("f-speaker", HTMLInputElement),
        listbox: byId("f-speaker-list"),
        newBox: byId("f-new-speaker"),
        role: byId("f-speaker-role", HTMLInputElement),
        affiliation: byId("f-speaker-affiliation", HTMLInputElement),
        hint: byId("f-speaker-hint"),
      },
      context.projectId,
    );
    for (const fieldset of this.form.querySelectorAll<HTMLElement>(".span-field")) {
      const key = fieldset.dataset.span as SpanKey;
      const field: SpanField = {
        value: within(fieldset, ".span-value"),
        pick: within(fieldset, ".pick", HTMLButtonElement),
        clear: within(fieldset, ".clear", HTMLButtonElement),
        findBox: within(fieldset, ".pick-find"),
        findInput: within(fieldset, ".pick-find input", HTMLInputElement),
      };
      this.spanFields[key] = field;
      field.pick.addEventListener("click", () => (this.armed === key ? this.disarm() : this.arm(key)));
      field.clear.addEventListener("click", () => {
        this.setSpan(key, null);
        field.pick.focus();
      });
      within(fieldset, ".find", HTMLButtonElement).addEventListener("click", () => this.useWords(key));
      field.findInput.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          this.useWords(key);
        }
      });
    }
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.submit();
    });
    byId("f-cancel").addEventListener("click", () => this.close());
    this.deleteButton.addEventListener("click", () => void this.remove());
    byId("f-load-current").addEventListener("click", () => this.loadCurrent());
  }

  get isOpen(): boolean {
    return this.mode !== null;
  }

  /** Opens an empty form for a new claim over `span`. */
  openNew(span: Span, returnFocus: ReturnFocus): void {
    this.mode = "new";
    this.loaded = null;
    this.returnFocus = returnFocus;
    this.heading.textContent = "New claim";
    this.owner.hidden = true;
    this.type.value = "direct";
    this.speaker.set(null);
    this.spans = { speakerMention: null, cue: null };
    this.fillChoices(null);
    this.note.value = "";
    this.setSpanQuote(span, false);
    this.show(true);
  }

  /** Opens a claim: filled in, editable when the user may change it, else read only. */
  openClaim(claim: WorkspaceClaim, editable: boolean, ownerNote: string, returnFocus: ReturnFocus): void {
    this.mode = editable ? "edit" : "view";
    this.returnFocus = returnFocus;
    this.heading.textContent = editable ? "Edit claim" : "Claim (read only)";
    this.owner.textContent = ownerNote;
    this.owner.hidden = !ownerNote;
    this.fill(claim);
    this.show(editable);
  }

  private fill(claim: WorkspaceClaim): void {
    this.loaded = claim;
    this.type.value = claim.type;
    this.speaker.set(claim.speaker);
    this.spans = {
      speakerMention: claim.speakerMention && {
        start: claim.speakerMention.start,
        end: claim.speakerMention.end,
      },
      cue: claim.cue && { start: claim.cue.start, end: claim.cue.end },
    };
    this.fillChoices(claim);
    this.note.value = claim.note ?? "";
    this.setSpanQuote({ start: claim.start, end: claim.end }, false);
  }

  private show(editable: boolean): void {
    this.clearMessages();
    this.disarm(false);
    const readOnly = !editable;
    for (const el of this.form.querySelectorAll<HTMLSelectElement | HTMLTextAreaElement>("select, textarea"))
      el.disabled = readOnly;
    this.speaker.setDisabled(readOnly);
    for (const key of SPAN_KEYS) this.renderSpan(key);
    this.saveButton.hidden = readOnly;
    this.deleteButton.hidden = this.mode !== "edit";
    this.quoteHint.hidden = readOnly;
    this.panel.hidden = false;
    this.panel.scrollIntoView({ block: "nearest" });
    (readOnly ? byId("f-cancel") : this.type).focus({ preventScroll: true });
    this.handlers.onSpansChanged();
  }

  /** Stance and target choices: the live ones, plus a retired one the claim still uses. */
  private fillChoices(claim: WorkspaceClaim | null): void {
    const stanceOptions: [string, string][] = [["", "none"]];
    for (const stance of this.context.stances) {
      if (!stance.retired || stance.key === claim?.stance) {
        stanceOptions.push([stance.key, stance.retired ? `${stance.label} (retired)` : stance.label]);
      }
    }
    if (claim?.stance && !stanceOptions.some(([key]) => key === claim.stance)) {
      stanceOptions.push([claim.stance, claim.stanceLabel ?? claim.stance]);
    }
    const targetOptions: [string, string][] = [["", "none"]];
    for (const target of this.context.targets) {
      if (!target.retired || target.name === claim?.target) {
        targetOptions.push([target.name, target.retired ? `${target.name} (retired)` : target.name]);
      }
    }
    if (claim?.target && !targetOptions.some(([name]) => name === claim.target)) {
      targetOptions.push([claim.target, claim.target]);
    }
    setOptions(this.stance, stanceOptions, claim?.stance ?? "");
    setOptions(this.target, targetOptions, claim?.target ?? "");
  }

  /** A new quote span: from the form opening, or a selection made while it is open. */
  setSpanQuote(span: Span, repaint = true): void {
    this.span = { start: span.start, end: span.end };
    this.quote.textContent = quoted(this.context.slice(span.start, span.end), 400);
    this.showFieldError("quote", "");
    if (repaint && this.isOpen) this.handlers.onSpansChanged();
  }

  /** Arms "Pick from text": the next selection in the article becomes this span. */
  private arm(key: SpanKey): void {
    if (this.mode === "view") return;
    this.disarm(false);
    this.armed = key;
    const field = this.spanFields[key];
    field.pick.textContent = "Cancel picking";
    field.pick.setAttribute("aria-pressed", "true");
    field.value.textContent = "Select the words in the article, or type them below.";
    field.findBox.hidden = false;
    field.findInput.value = "";
    field.findInput.focus();
    this.handlers.onArmed(key);
  }

  disarm(focusButton = true): void {
    const key = this.armed;
    this.armed = null;
    if (!key) return;
    const field = this.spanFields[key];
    field.pick.textContent = "Pick from text";
    field.pick.removeAttribute("aria-pressed");
    field.findBox.hidden = true;
    this.renderSpan(key);
    if (focusButton) field.pick.focus();
    this.handlers.onArmed(null);
  }

  setSpan(key: SpanKey, span: Span | null): void {
    this.spans[key] = span;
    this.showFieldError(key, "");
    if (this.armed === key) this.disarm();
    this.renderSpan(key);
    this.handlers.onSpansChanged();
  }

  private useWords(key: SpanKey): void {
    const words = this.spanFields[key].findInput.value;
    const span = this.span && this.context.find(words, this.span);
    if (!span) {
      this.showFieldError(key, `“${words.trim()}” is not in the article text.`);
      return;
    }
    this.setSpan(key, span);
  }

  private renderSpan(key: SpanKey): void {
    const field = this.spanFields[key];
    const span = this.spans[key];
    if (this.armed === key) return;
    field.value.textContent = span ? quoted(this.context.slice(span.start, span.end), 80) : "None";
    field.clear.hidden = !span || this.mode === "view";
    field.pick.hidden = this.mode === "view";
    field.clear.setAttribute("aria-label", `Clear ${SPAN_NOUNS[key]}`);
  }

  /** Pseudo-spans painted in the text while the form is open. */
  extras(): ExtraSpan[] {
    if (!this.isOpen || !this.span) return [];
    const extras: ExtraSpan[] = [{ id: "pending", ...this.span }];
    for (const key of SPAN_KEYS) {
      const span = this.spans[key];
      if (span) extras.push({ id: key, ...span });
    }
    return extras;
  }

  private payload(span: Span): NewClaimBody | ClaimPatchBody {
    const spanValue = (key: SpanKey) => {
      const value = this.spans[key];
      return value ? { start: value.start, end: value.end } : null;
    };
    const fields = {
      type: this.type.value as NewClaimBody["type"],
      speaker: this.speaker.value(),
      speakerMention: spanValue("speakerMention"),
      cue: spanValue("cue"),
      stance: this.stance.value || null,
      target: this.target.value || null,
      note: this.note.value,
    };
    const quote = { start: span.start, end: span.end, quote: this.context.slice(span.start, span.end) };
    if (this.mode === "new" || !this.loaded) return { ...quote, ...fields };
    const moved = span.start !== this.loaded.start || span.end !== this.loaded.end;
    return { version: this.loaded.version, ...(moved ? quote : {}), ...fields };
  }

  private async submit(): Promise<void> {
    if (this.busy || (this.mode !== "new" && this.mode !== "edit") || !this.span) return;
    this.disarm(false);
    this.clearMessages();
    const created = this.mode === "new";
    const loaded = this.loaded;
    if (!created && !loaded) return;
    const url = created
      ? `/api/v1/articles/${this.context.articleId}/claims`
      : `/api/v1/claims/${loaded!.id}`;
    const body = this.payload(this.span);
    const result = await this.during(this.saveButton, "Saving…", () =>
      callApi<ClaimJson>(created ? "POST" : "PATCH", url, body),
    );
    if (result.ok) this.handlers.onSaved(result.data, created);
    else this.showFailure(result);
  }

  private async remove(): Promise<void> {
    if (this.busy || this.mode !== "edit" || !this.loaded) return;
    if (!window.confirm("Delete this claim? It leaves every list and export.")) return;
    this.clearMessages();
    const claim = this.loaded;
    const result = await this.during(this.deleteButton, "Deleting…", () =>
      callApi<null>("DELETE", `/api/v1/claims/${claim.id}?version=${claim.version}`),
    );
    if (result.ok) this.handlers.onDeleted(claim);
    else this.showFailure(result);
  }

  private async during<T>(button: HTMLButtonElement, busyText: string, work: () => Promise<T>): Promise<T> {
    const text = button.textContent;
    this.busy = true;
    button.textContent = busyText;
    button.setAttribute("aria-disabled", "true");
    try {
      return await work();
    } finally {
      this.busy = false;
      button.textContent = text;
      button.removeAttribute("aria-disabled");
    }
  }

  private showFailure(result: ApiResult<unknown>): void {
    const error = !result.ok ? result.data?.error : undefined;
    if (result.status === 409 && error?.current) {
      this.showConflict(error.message, error.current as ClaimJson);
      return;
    }
    const key = fieldOf(error?.field);
    if (result.status === 422 && key && error) this.showFieldError(key, error.message);
    const prefix = result.status === 422 ? "Not saved: " : "";
    this.errorBox.textContent = `${prefix}${errorMessage(result)}`;
    this.errorBox.hidden = false;
  }

  private showConflict(message: string, current: ClaimJson): void {
    this.current = current;
    const changes = this.loaded ? describeChanges(this.loaded, current, this.context.stances) : [];
    byId("f-conflict-message").textContent = message;
    const texts = changes.length ? changes : ["Someone saved it again without changing what the form shows."];
    byId("f-conflict-changes").replaceChildren(
      ...texts.map((text) => {
        const li = document.createElement("li");
        li.textContent = text;
        return li;
      }),
    );
    this.conflict.hidden = false;
  }

  /** After a conflict: shows the claim as it is now, replacing the user's input on purpose. */
  private loadCurrent(): void {
    const current = this.current;
    if (!current) return;
    this.fill(current);
    this.show(true);
    this.handlers.onCurrentLoaded(current);
  }

  private showFieldError(key: Field, message: string): void {
    const el = document.getElementById(`f-${key}-error`);
    if (!el) return;
    el.textContent = message;
    el.hidden = !message;
    const controls: Partial<Record<Field, HTMLElement>> = {
      type: this.type,
      speaker: this.speaker.input,
      stance: this.stance,
      target: this.target,
      note: this.note,
    };
    controls[key]?.setAttribute("aria-invalid", message ? "true" : "false");
  }

  private clearMessages(): void {
    for (const key of FIELDS) this.showFieldError(key, "");
    this.errorBox.hidden = true;
    this.conflict.hidden = true;
    this.current = null;
  }

  close(): void {
    if (!this.isOpen) return;
    this.disarm(false);
    this.speaker.close();
    this.mode = null;
    this.span = null;
    this.panel.hidden = true;
    const focusTo = this.returnFocus;
    this.returnFocus = null;
    this.handlers.onClosed(focusTo);
  }
}

/** The form field a server error names: start/end/quote belong to the quote. */
function fieldOf(field: string | undefined): Field | null {
  if (!field) return null;
  const head = field.split(".")[0];
  if (head === "start" || head === "end") return "quote";
  return (FIELDS as readonly string[]).includes(head ?? "") ? (head as Field) : null;
}

function setOptions(select: HTMLSelectElement, options: [string, string][], value: string): void {
  select.replaceChildren(
    ...options.map(([optionValue, label]) => {
      const option = document.createElement("option");
      option.value = optionValue;
      option.textContent = label;
      return option;
    }),
  );
  select.value = value;
}
