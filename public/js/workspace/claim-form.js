// The claim form: new claims (POST) and edits (PATCH with version), delete, 422 messages beside
// their fields, and 409 conflicts that say what someone else changed. Nothing typed is lost.
import { callApi, errorMessage } from "./api.js";
import { describeChanges, excerpt } from "./describe.js";
import { SpeakerCombobox } from "./speaker-combobox.js";

const SPAN_KEYS = ["speakerMention", "cue"];
const SPAN_NOUNS = { speakerMention: "mention", cue: "cue" };
const FIELDS = ["quote", "type", "speaker", "speakerMention", "cue", "stance", "target", "note"];

const byId = (id) => document.getElementById(id);

export class ClaimForm {
  /**
   * @param {{ articleId: number, projectId: number, stances: any[], targets: any[],
   *   slice: (start: number, end: number) => string,
   *   find: (words: string, near: { start: number, end: number }) => { start: number, end: number } | null }} context
   * @param {{ onSpansChanged: () => void, onArmed: (key: string | null) => void,
   *   onSaved: (claim: any, created: boolean) => void, onDeleted: (claim: any) => void,
   *   onCurrentLoaded: (claim: any) => void, onClosed: () => void }} handlers
   */
  constructor(context, handlers) {
    this.context = context;
    this.handlers = handlers;
    this.panel = byId("claim-panel");
    this.form = byId("claim-form");
    this.heading = byId("claim-form-heading");
    this.owner = byId("f-owner");
    this.quote = byId("f-quote");
    this.quoteHint = byId("f-quote-hint");
    this.type = byId("f-type");
    this.stance = byId("f-stance");
    this.target = byId("f-target");
    this.note = byId("f-note");
    this.errorBox = byId("f-error");
    this.conflict = byId("f-conflict");
    this.saveButton = byId("f-save");
    this.deleteButton = byId("f-delete");
    this.speaker = new SpeakerCombobox(
      {
        input: byId("f-speaker"),
        listbox: byId("f-speaker-list"),
        newBox: byId("f-new-speaker"),
        role: byId("f-speaker-role"),
        affiliation: byId("f-speaker-affiliation"),
        hint: byId("f-speaker-hint"),
      },
      context.projectId,
    );
    this.spanFields = {};
    for (const fieldset of this.form.querySelectorAll(".span-field")) {
      const key = fieldset.dataset.span;
      const field = {
        value: fieldset.querySelector(".span-value"),
        pick: fieldset.querySelector(".pick"),
        clear: fieldset.querySelector(".clear"),
        findBox: fieldset.querySelector(".pick-find"),
        findInput: fieldset.querySelector(".pick-find input"),
      };
      this.spanFields[key] = field;
      field.pick.addEventListener("click", () => (this.armed === key ? this.disarm() : this.arm(key)));
      field.clear.addEventListener("click", () => {
        this.setSpan(key, null);
        field.pick.focus();
      });
      fieldset.querySelector(".find").addEventListener("click", () => this.useWords(key));
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

    this.mode = null; // "new" | "edit" | "view"
    this.span = null;
    this.loaded = null;
    this.spans = { speakerMention: null, cue: null };
    this.armed = null;
    this.current = null;
    this.busy = false;
    this.returnFocus = null;
  }

  get isOpen() {
    return this.mode !== null;
  }

  /** Opens an empty form for a new claim over `span`. */
  openNew(span, returnFocus) {
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
  openClaim(claim, editable, ownerNote, returnFocus) {
    this.mode = editable ? "edit" : "view";
    this.returnFocus = returnFocus;
    this.heading.textContent = editable ? "Edit claim" : "Claim (read only)";
    this.owner.textContent = ownerNote;
    this.owner.hidden = !ownerNote;
    this.fill(claim);
    this.show(editable);
  }

  fill(claim) {
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

  show(editable) {
    this.clearMessages();
    this.disarm(false);
    const readOnly = !editable;
    for (const el of this.form.querySelectorAll("select, textarea")) el.disabled = readOnly;
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
  fillChoices(claim) {
    const stanceOptions = [["", "none"]];
    for (const stance of this.context.stances) {
      if (!stance.retired || stance.key === claim?.stance) {
        stanceOptions.push([stance.key, stance.retired ? `${stance.label} (retired)` : stance.label]);
      }
    }
    if (claim?.stance && !stanceOptions.some(([key]) => key === claim.stance)) {
      stanceOptions.push([claim.stance, claim.stanceLabel ?? claim.stance]);
    }
    const targetOptions = [["", "none"]];
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
  setSpanQuote(span, repaint = true) {
    this.span = { start: span.start, end: span.end };
    this.quote.textContent = `“${excerpt(this.context.slice(span.start, span.end), 400)}”`;
    this.showFieldError("quote", "");
    if (repaint && this.isOpen) this.handlers.onSpansChanged();
  }

  /** Arms "Pick from text": the next selection in the article becomes this span. */
  arm(key) {
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

  disarm(focusButton = true) {
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

  setSpan(key, span) {
    this.spans[key] = span;
    this.showFieldError(key, "");
    if (this.armed === key) this.disarm();
    this.renderSpan(key);
    this.handlers.onSpansChanged();
  }

  useWords(key) {
    const words = this.spanFields[key].findInput.value;
    const span = this.context.find(words, this.span);
    if (!span) {
      this.showFieldError(key, `“${words.trim()}” is not in the article text.`);
      return;
    }
    this.setSpan(key, span);
  }

  renderSpan(key) {
    const field = this.spanFields[key];
    const span = this.spans[key];
    if (this.armed === key) return;
    field.value.textContent = span ? `“${excerpt(this.context.slice(span.start, span.end), 80)}”` : "None";
    field.clear.hidden = !span || this.mode === "view";
    field.pick.hidden = this.mode === "view";
    field.clear.setAttribute("aria-label", `Clear ${SPAN_NOUNS[key]}`);
  }

  /** Pseudo-spans painted in the text while the form is open. */
  extras() {
    if (!this.isOpen || !this.span) return [];
    const extras = [{ id: "pending", ...this.span }];
    for (const key of SPAN_KEYS) if (this.spans[key]) extras.push({ id: key, ...this.spans[key] });
    return extras;
  }

  payload() {
    const spanValue = (key) =>
      this.spans[key] ? { start: this.spans[key].start, end: this.spans[key].end } : null;
    const fields = {
      type: this.type.value,
      speaker: this.speaker.value(),
      speakerMention: spanValue("speakerMention"),
      cue: spanValue("cue"),
      stance: this.stance.value || null,
      target: this.target.value || null,
      note: this.note.value,
    };
    const quote = {
      start: this.span.start,
      end: this.span.end,
      quote: this.context.slice(this.span.start, this.span.end),
    };
    if (this.mode === "new") return { ...quote, ...fields };
    const moved = this.span.start !== this.loaded.start || this.span.end !== this.loaded.end;
    return { version: this.loaded.version, ...(moved ? quote : {}), ...fields };
  }

  async submit() {
    if (this.busy || (this.mode !== "new" && this.mode !== "edit")) return;
    this.disarm(false);
    this.clearMessages();
    const created = this.mode === "new";
    const url = created
      ? `/api/v1/articles/${this.context.articleId}/claims`
      : `/api/v1/claims/${this.loaded.id}`;
    const result = await this.during(this.saveButton, "Saving…", () =>
      callApi(created ? "POST" : "PATCH", url, this.payload()),
    );
    if (result.ok) this.handlers.onSaved(result.data, created);
    else this.showFailure(result);
  }

  async remove() {
    if (this.busy || this.mode !== "edit") return;
    if (!window.confirm("Delete this claim? It leaves every list and export.")) return;
    this.clearMessages();
    const claim = this.loaded;
    const result = await this.during(this.deleteButton, "Deleting…", () =>
      callApi("DELETE", `/api/v1/claims/${claim.id}?version=${claim.version}`),
    );
    if (result.ok) this.handlers.onDeleted(claim);
    else this.showFailure(result);
  }

  async during(button, busyText, work) {
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

  showFailure(result) {
    const error = result.data?.error;
    if (result.status === 409 && error?.current) return this.showConflict(error.message, error.current);
    const key = fieldOf(error?.field);
    if (result.status === 422 && key) this.showFieldError(key, error.message);
    const prefix = result.status === 422 ? "Not saved: " : "";
    this.errorBox.textContent = `${prefix}${errorMessage(result)}`;
    this.errorBox.hidden = false;
  }

  showConflict(message, current) {
    this.current = current;
    const changes = describeChanges(this.loaded, current, this.context.stances);
    byId("f-conflict-message").textContent = message;
    const list = byId("f-conflict-changes");
    list.replaceChildren(
      ...(changes.length ? changes : ["Someone saved it again without changing what the form shows."]).map(
        (text) => {
          const li = document.createElement("li");
          li.textContent = text;
          return li;
        },
      ),
    );
    this.conflict.hidden = false;
  }

  /** After a conflict: shows the claim as it is now, replacing the user's input on purpose. */
  loadCurrent() {
    const current = this.current;
    if (!current) return;
    this.fill(current);
    this.show(true);
    this.handlers.onCurrentLoaded(current);
  }

  showFieldError(key, message) {
    const el = byId(`f-${key}-error`);
    if (!el) return;
    el.textContent = message;
    el.hidden = !message;
    const control = {
      type: this.type,
      speaker: byId("f-speaker"),
      stance: this.stance,
      target: this.target,
      note: this.note,
    }[key];
    if (control) control.setAttribute("aria-invalid", message ? "true" : "false");
  }

  clearMessages() {
    for (const key of FIELDS) this.showFieldError(key, "");
    this.errorBox.hidden = true;
    this.conflict.hidden = true;
    this.current = null;
  }

  close() {
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
function fieldOf(field) {
  if (!field) return null;
  const head = String(field).split(".")[0];
  if (head === "start" || head === "end") return "quote";
  return FIELDS.includes(head) ? head : null;
}

function setOptions(select, options, value) {
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
