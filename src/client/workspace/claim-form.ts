// The claim form: new claims (POST) and edits (PATCH with version), delete, 422 messages beside
// their fields, 409 conflicts (re-apply my changes, field by field), similar speakers, label keys
// and Ctrl+Enter. Nothing typed is lost, not even when the session has ended.
import type { SuggestedClaim } from "./suggestions.js";
import { callApi, errorMessage, isLoggedOut, type ApiResult } from "../lib/api.js";
import { byId, within } from "../lib/dom.js";
import { ChoiceGroup, type Choice } from "./choice-group.js";
import { ConflictPanel } from "./conflict-panel.js";
import { compareThreeWay, quoted, type ComparableClaim, type FieldId } from "./describe.js";
import { applyLabelKey } from "./form-keys.js";
import { labelKeys, NOTE_KEY, SPEAKER_KEY } from "./label-keys.js";
import { SimilarSpeakers, type SimilarSpeaker } from "./similar-speakers.js";
import { SpeakerCombobox, type SpeakerState } from "./speaker-combobox.js";
import { revealInSide } from "./reveal.js";
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

const LOGGED_OUT =
  "You are logged out, so this was not saved. Everything you typed is still here: log in again in another tab, then press Save again.";

/** Everything the user can change in the form, to put back after loading someone else's version. */
interface FormInput {
  span: Span;
  type: string;
  speaker: SpeakerState;
  spans: Record<SpanKey, Span | null>;
  stance: string;
  target: string;
  note: string;
}

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
  /** The type chips; main.ts focuses them when a keyboard selection changes the quote. */
  readonly type = new ChoiceGroup(byId("f-type"), "type");
  private readonly panel = byId("claim-panel");
  private readonly form = byId("claim-form", HTMLFormElement);
  private readonly heading = byId("claim-form-heading");
  private readonly owner = byId("f-owner");
  private readonly quote = byId("f-quote");
  private readonly quoteHint = byId("f-quote-hint");
  private readonly stance = new ChoiceGroup(byId("f-stance"), "stance");
  private readonly target = new ChoiceGroup(byId("f-target"), "target");
  private readonly stanceKeys: ReadonlyMap<string, string | null>;
  private readonly targetKeys: ReadonlyMap<string, string | null>;
  private readonly keysStatus = byId("f-keys-status");
  private readonly note = byId("f-note", HTMLTextAreaElement);
  private readonly errorBox = byId("f-error");
  private readonly conflict: ConflictPanel;
  private readonly similar: SimilarSpeakers;
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
    this.form.addEventListener("keydown", (event) => this.onKey(event));
    byId("f-cancel").addEventListener("click", () => this.close());
    this.deleteButton.addEventListener("click", () => void this.remove());
    this.conflict = new ConflictPanel({
      reapply: () => this.reapply(),
      loadCurrent: () => this.loadCurrent(),
    });
    this.similar = new SimilarSpeakers({
      choose: (speaker) => this.resaveWith(() => this.speaker.choose(speaker)),
      insistNew: () => this.resaveWith(() => this.speaker.insistNew()),
    });
    ({ stanceKeys: this.stanceKeys, targetKeys: this.targetKeys } = labelKeys(
      context.stances,
      context.targets,
    ));
  }

  /** Ctrl+Enter saves from anywhere in the form; label keys act outside text fields. */
  private onKey(event: KeyboardEvent): void {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void this.submit();
      return;
    }
    if (this.mode === "view") return;
    applyLabelKey(event, {
      groups: [
        { group: this.type, name: "Type", clearable: false },
        { group: this.stance, name: "Stance", clearable: true },
        { group: this.target, name: "Target", clearable: true },
      ],
      jumps: { [SPEAKER_KEY]: this.speaker.input, [NOTE_KEY]: this.note },
      announce: (text) => (this.keysStatus.textContent = text),
    });
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

  /** Opens a new claim filled in from a suggestion, for the user to check and save. */
  openSuggested(prefill: SuggestedClaim, returnFocus: ReturnFocus): void {
    this.openNew({ start: prefill.start, end: prefill.end }, returnFocus);
    this.heading.textContent = "New claim (from a suggestion)";
    this.type.value = prefill.type;
    const speaker = prefill.speaker;
    if (speaker && "id" in speaker)
      this.speaker.set({ id: speaker.id, name: prefill.speakerName ?? "", role: "", affiliation: "" });
    else if (speaker) this.speaker.typeNew(speaker.name, speaker.role ?? "");
    this.setSpan(
      "speakerMention",
      prefill.speakerMention && { start: prefill.speakerMention.start, end: prefill.speakerMention.end },
    );
    this.setSpan("cue", prefill.cue && { start: prefill.cue.start, end: prefill.cue.end });
    if (prefill.target) this.target.value = prefill.target;
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
    for (const group of [this.type, this.stance, this.target]) group.setDisabled(readOnly);
    this.note.disabled = readOnly;
    this.speaker.setDisabled(readOnly);
    for (const key of SPAN_KEYS) this.renderSpan(key);
    this.saveButton.hidden = readOnly;
    this.deleteButton.hidden = this.mode !== "edit";
    this.quoteHint.hidden = readOnly;
    this.panel.hidden = false;
    // The side column scrolls to the form, never the page: the text just selected stays put.
    revealInSide(this.panel, { orPage: true });
    if (readOnly) byId("f-cancel").focus({ preventScroll: true });
    else this.type.focus();
    this.handlers.onSpansChanged();
  }

  /** Stance and target choices: the live ones, plus a retired one the claim still uses. */
  private fillChoices(claim: WorkspaceClaim | null): void {
    const none: Choice = { value: "", label: "none", key: null };
    const stanceChoices: Choice[] = [none];
    for (const stance of this.context.stances) {
      if (!stance.retired || stance.key === claim?.stance) {
        const label = stance.retired ? `${stance.label} (retired)` : stance.label;
        stanceChoices.push({ value: stance.key, label, key: this.stanceKeys.get(stance.key) ?? null });
      }
    }
    if (claim?.stance && !stanceChoices.some((choice) => choice.value === claim.stance)) {
      stanceChoices.push({ value: claim.stance, label: claim.stanceLabel ?? claim.stance, key: null });
    }
    const targetChoices: Choice[] = [none];
    for (const target of this.context.targets) {
      if (!target.retired || target.name === claim?.target) {
        const label = target.retired ? `${target.name} (retired)` : target.name;
        targetChoices.push({ value: target.name, label, key: this.targetKeys.get(target.name) ?? null });
      }
    }
    if (claim?.target && !targetChoices.some((choice) => choice.value === claim.target)) {
      targetChoices.push({ value: claim.target, label: claim.target, key: null });
    }
    this.stance.render(stanceChoices, claim?.stance ?? "");
    this.target.render(targetChoices, claim?.target ?? "");
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
    // A blur settles the speaker's name; Ctrl+Enter saves without one.
    this.speaker.close();
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
    else this.showFailure(result, "save");
  }

  /**
   * The answer to a save in view: the field it is about (its message beside it), else the message
   * under the bar. The side scrolls to it only when it is out of view; the text never moves.
   */
  private revealMessages(): void {
    const fieldError = this.form.querySelector<HTMLElement>(".field-error:not([hidden])");
    const box = [this.errorBox, byId("f-similar"), byId("f-conflict")].find((el) => !el.hidden);
    const shown = fieldError ?? box;
    if (shown) revealInSide(shown, { orPage: true });
  }

  private async remove(): Promise<void> {
    if (this.busy || this.mode !== "edit" || !this.loaded) return;
    // No confirm dialog: the notice that follows offers Undo (see undo-history.ts).
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

  /** `after` says what failed: only a save's own changes can be re-applied after a conflict. */
  private showFailure(result: ApiResult<unknown>, after: "save" | "other" = "other"): void {
    this.explainFailure(result, after);
    this.revealMessages();
  }

  private explainFailure(result: ApiResult<unknown>, after: "save" | "other"): void {
    const error = !result.ok ? result.data?.error : undefined;
    if (isLoggedOut(result)) {
      this.showLoggedOut();
      return;
    }
    if (result.status === 409 && error?.current) {
      this.showConflict(error.message, error.current as ClaimJson, after === "save");
      return;
    }
    if (result.status === 409 && error?.code === "similar_speakers" && Array.isArray(error.candidates)) {
      const name = this.speaker.input.value.trim();
      this.similar.show(error.message, name, error.candidates as SimilarSpeaker[]);
      return;
    }
    const key = fieldOf(error?.field);
    if (result.status === 422 && key && error) this.showFieldError(key, error.message);
    const prefix = result.status === 422 ? "Not saved: " : "";
    this.errorBox.textContent = `${prefix}${errorMessage(result)}`;
    this.errorBox.hidden = false;
  }

  /** The session has ended: say so, with a way to log in that leaves this page (and its input) be. */
  private showLoggedOut(): void {
    const link = document.createElement("a");
    link.href = "/login";
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = "Log in (opens a new tab)";
    this.errorBox.replaceChildren(`${LOGGED_OUT} `, link);
    this.errorBox.hidden = false;
  }

  /** The similar-speakers answer was settled (a candidate chosen, or the new one confirmed): save. */
  private resaveWith(settle: () => void): void {
    settle();
    this.similar.hide();
    void this.submit();
  }

  private showConflict(message: string, current: ClaimJson, mayReapply: boolean): void {
    this.current = current;
    const comparisons = this.loaded ? this.compare(this.loaded, current) : [];
    this.conflict.show(
      message,
      mayReapply
        ? comparisons
        : comparisons.map((field) => ({ ...field, mineChanged: false, conflict: false })),
    );
  }

  private compare(base: ComparableClaim, current: ClaimJson) {
    return compareThreeWay(base, this.formClaim(), current, this.context.stances);
  }

  /** The form's input as a claim, to compare with the loaded and the current version. */
  private formClaim(): ComparableClaim {
    const span = this.span ?? { start: 0, end: 0 };
    const withText = (value: Span | null) =>
      value && { ...value, text: this.context.slice(value.start, value.end) };
    const { chosen, name } = this.speaker.state;
    const typed = name.trim();
    const speaker =
      chosen && chosen.name === typed ? { id: chosen.id, name: typed } : typed ? { name: typed } : null;
    return {
      ...span,
      quote: this.context.slice(span.start, span.end),
      type: this.type.value,
      speaker,
      speakerMention: withText(this.spans.speakerMention),
      cue: withText(this.spans.cue),
      stance: this.stance.value || null,
      stanceLabel: this.stance.value ? this.stance.label : null,
      target: this.target.value || null,
      note: this.note.value,
    };
  }

  private capture(): FormInput {
    return {
      span: this.span ?? { start: 0, end: 0 },
      type: this.type.value,
      speaker: this.speaker.state,
      spans: { ...this.spans },
      stance: this.stance.value,
      target: this.target.value,
      note: this.note.value,
    };
  }

  /** Puts the user's input back into the named fields (the rest keep what the form shows). */
  private restore(input: FormInput, fields: ReadonlySet<FieldId>): void {
    if (fields.has("quote")) this.span = input.span;
    if (fields.has("type")) this.type.value = input.type;
    if (fields.has("speaker")) this.speaker.restore(input.speaker);
    for (const key of SPAN_KEYS) if (fields.has(key)) this.spans[key] = input.spans[key];
    if (fields.has("stance")) this.stance.value = input.stance;
    if (fields.has("target")) this.target.value = input.target;
    if (fields.has("note")) this.note.value = input.note;
    this.setSpanQuote(this.span ?? input.span, false);
    for (const key of SPAN_KEYS) this.renderSpan(key);
  }

  /**
   * After a conflict: the current version with the user's changes on top, where the other change
   * did not touch the same field (or where the user chose theirs over it), saved with the current
   * version number. Another conflict in between answers 409 again, and says so.
   */
  private reapply(): void {
    const current = this.current;
    const loaded = this.loaded;
    if (!current || !loaded || this.busy) return;
    const keptTheirs = this.conflict.keptTheirs();
    const mine = new Set(
      this.compare(loaded, current)
        .filter((field) => field.mineChanged && !(field.conflict && keptTheirs.has(field.field)))
        .map((field) => field.field),
    );
    const input = this.capture();
    this.fill(current);
    this.restore(input, mine);
    this.handlers.onCurrentLoaded(current);
    void this.submit();
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
      type: this.type.box,
      speaker: this.speaker.input,
      stance: this.stance.box,
      target: this.target.box,
      note: this.note,
    };
    controls[key]?.setAttribute("aria-invalid", message ? "true" : "false");
  }

  private clearMessages(): void {
    for (const key of FIELDS) this.showFieldError(key, "");
    this.errorBox.hidden = true;
    this.conflict.hide();
    this.similar.hide();
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
