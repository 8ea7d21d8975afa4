// Attribution suggestions in the workspace: fetched after the page paints (the suggester runs on
// the server), shown as weak dashed underlines and a list after the claims, and worked through by
// mouse or keys alike. Every item in the list has Accept, Edit and Dismiss buttons; clicking one (in
// the text or in the list) chooses it, and the chosen one has the same buttons under its words in
// the text. Keys act on the chosen one: ] and [ move, a accepts (the suggestion becomes the user's
// claim), Shift+A opens it in the claim form first, x dismisses it (remembered for this user).
// Double-clicking one opens it in the form.
import type { ArticleSuggestion } from "../../suggestions/suggestion.types.js";
import { withQuotationMarks } from "../../text/quote-marks.js";
import { callApi, errorMessage } from "../lib/api.js";
import { byId, closestFrom, element } from "../lib/dom.js";
import { revealInSide } from "./reveal.js";
import { SuggestionInline } from "./suggestion-inline.js";
import type { ExtraSpan } from "./text-view.js";
import type { ClaimJson } from "./types.js";

export type SuggestedClaim = ArticleSuggestion;

/** Where the person acted: the keys in the text, the list and its buttons, or a click in the text. */
export type SuggestionOrigin = "keys" | "list" | "text";

export interface SuggestionHooks {
  /** The highlights need painting again (the list or the current one changed). */
  repaint(): void;
  /** A suggestion was saved as the user's claim; answers what to say about it (what keys now do). */
  accepted(claim: ClaimJson): string;
  /** Open it in the claim form, prefilled. */
  open(suggestion: SuggestedClaim): void;
  /** Bring the chosen suggestion's text into view, as fits where the person acted. */
  show(start: number, from: SuggestionOrigin): void;
}

const describe = (suggestion: SuggestedClaim) => {
  const who =
    suggestion.speakerName ??
    (suggestion.speaker && "name" in suggestion.speaker ? suggestion.speaker.name : null);
  const parts = [`${suggestion.type}`, who ? `said by ${who}` : "speaker unknown"];
  if (suggestion.cue) parts.push(`cue “${suggestion.cue.text}”`);
  return parts.join(", ");
};

const clip = (text: string) =>
  Array.from(text).length > 90 ? `${Array.from(text).slice(0, 90).join("")}…` : text;

const CHOOSE_FIRST = "Choose a suggestion first: click one, or press ] for the next one.";

export class Suggestions {
  private items: SuggestedClaim[] = [];
  private current = -1;
  private readonly section = byId("ws-suggestions");
  private readonly list = byId("ws-suggestion-list");
  private readonly count = byId("ws-suggestion-count");
  private readonly status = byId("ws-suggestion-status");
  private readonly buttons = {
    prev: byId("sg-prev", HTMLButtonElement),
    next: byId("sg-next", HTMLButtonElement),
  };
  /** The chosen suggestion's buttons, under its words in the text. */
  private readonly inline = new SuggestionInline(byId("sg-inline"));

  constructor(
    private readonly articleId: number,
    private readonly hooks: SuggestionHooks,
  ) {
    this.list.addEventListener("click", (event) => {
      const index = this.indexOf(event.target);
      if (index === null) return;
      this.select(index, "list");
      this.act(closestFrom(event.target, "[data-action]")?.dataset.action, "list");
    });
    this.list.addEventListener("dblclick", (event) => {
      const index = closestFrom(event.target, ".sg-pick") ? this.indexOf(event.target) : null;
      if (index === null) return;
      this.select(index, "list");
      this.open();
    });
    const { prev, next } = this.buttons;
    const on = (button: HTMLButtonElement, action: () => void) =>
      button.addEventListener("click", () => {
        if (button.getAttribute("aria-disabled") !== "true") action();
      });
    on(prev, () => this.move(-1, "list"));
    on(next, () => this.move(1, "list"));
    this.inline.onAction((action) => this.act(action, "text"));
  }

  /** Whether an element is one of the suggestions' controls (their keys then act on suggestions). */
  contains(target: EventTarget | null): boolean {
    return target instanceof Node && (this.section.contains(target) || this.inline.contains(target));
  }

  private act(action: string | undefined, from: SuggestionOrigin): void {
    if (action === "accept") void this.accept(from);
    else if (action === "edit") this.open();
    else if (action === "dismiss") void this.dismiss(from);
  }

  async load(): Promise<void> {
    const result = await callApi<{ suggestions: SuggestedClaim[] }>(
      "GET",
      `/api/v1/articles/${this.articleId}/suggestions?for=me`,
    );
    if (!result.ok) return this.say(`Suggestions could not be loaded: ${errorMessage(result)}`);
    this.items = result.data.suggestions;
    // Shown only when there is something to offer.
    this.section.hidden = this.items.length === 0;
    this.render();
    this.hooks.repaint();
    this.say(
      this.items.length
        ? `${this.items.length} suggested ${this.items.length === 1 ? "claim" : "claims"}: click one, or press ] for the first.`
        : "No suggestions for this article.",
    );
    document.body.dataset.suggestions = String(this.items.length);
  }

  /** The suggestions as the text paints them: all weakly, the current one more strongly. */
  extras(): ExtraSpan[] {
    return this.items.map((item, index) => ({
      id: index === this.current ? "suggestion-current" : "suggestion",
      start: item.start,
      end: item.end,
    }));
  }

  get active(): SuggestedClaim | undefined {
    return this.items[this.current];
  }

  move(step: number, from: SuggestionOrigin = "keys"): void {
    if (this.items.length === 0) return this.say("No suggestions left.");
    const next = this.current < 0 ? (step > 0 ? 0 : this.items.length - 1) : this.current + step;
    this.select(Math.max(0, Math.min(this.items.length - 1, next)), from);
  }

  select(index: number, from: SuggestionOrigin): void {
    if (!this.items[index]) return;
    this.current = index;
    this.focusCurrent(from);
  }

  /**
   * Chooses the suggestion at a point of the text (code-point offset); clicking again steps through
   * suggestions that overlap there. False when no suggestion covers it.
   */
  selectAt(offset: number): boolean {
    const covering = this.items.flatMap((item, index) =>
      item.start <= offset && offset < item.end ? [index] : [],
    );
    if (covering.length === 0) return false;
    const at = covering.indexOf(this.current);
    this.select(at >= 0 ? covering[(at + 1) % covering.length]! : covering[0]!, "text");
    return true;
  }

  private focusCurrent(from: SuggestionOrigin): void {
    const item = this.active;
    this.markCurrent();
    this.hooks.repaint();
    if (!item) return;
    this.hooks.show(item.start, from);
    this.describeCurrent();
  }

  /** The status line names the suggestion that is current, whatever changed the list. */
  private describeCurrent(): void {
    const item = this.active;
    if (!item) return;
    this.say(
      `Suggestion ${this.current + 1} of ${this.items.length}: “${clip(item.quote)}”, ${describe(item)}. a accepts, x dismisses.`,
    );
  }

  /** Saves the current suggestion as the user's claim, then goes on to the next. */
  async accept(from: SuggestionOrigin = "keys"): Promise<void> {
    const item = this.active;
    if (!item) return this.say(CHOOSE_FIRST);
    const { key: _key, source: _source, speakerName: _name, confidence: _confidence, ...claim } = item;
    const result = await callApi<ClaimJson>("POST", `/api/v1/articles/${this.articleId}/claims`, claim);
    if (!result.ok) {
      this.say(`Not saved: ${errorMessage(result)} Edit (Shift+A) opens it in the form to fix it.`);
      return;
    }
    this.remove(item);
    const then = this.hooks.accepted(result.data);
    this.afterRemoval(then ? `Saved as your claim. ${then}` : "Saved as your claim.", from);
  }

  open(): void {
    const item = this.active;
    if (!item) return this.say(CHOOSE_FIRST);
    this.hooks.open(item);
  }

  /** Called when a claim was saved from the form: the suggestions it covers are done. */
  claimed(span: { start: number; end: number }): void {
    const chosen = this.active;
    const before = this.items.length;
    this.items = this.items.filter((item) => !(item.start < span.end && span.start < item.end));
    if (this.items.length === before) return;
    // The chosen one stays chosen where it is still offered; else the one now in its place.
    const kept = chosen ? this.items.indexOf(chosen) : -1;
    this.current = kept >= 0 ? kept : Math.min(this.current, this.items.length - 1);
    this.section.hidden = this.items.length === 0;
    this.render();
    this.hooks.repaint();
    if (this.active) this.describeCurrent();
    else
      this.say(
        this.items.length
          ? `${this.items.length} suggestions left: press ] for the next.`
          : "No suggestions left.",
      );
  }

  async dismiss(from: SuggestionOrigin = "keys"): Promise<void> {
    const item = this.active;
    if (!item) return this.say(CHOOSE_FIRST);
    const result = await callApi("POST", `/api/v1/articles/${this.articleId}/suggestions/dismissals`, {
      key: item.key,
    });
    if (!result.ok) return this.say(`Not dismissed: ${errorMessage(result)}`);
    this.remove(item);
    this.afterRemoval("Dismissed.", from);
  }

  private remove(item: SuggestedClaim): void {
    this.items = this.items.filter((other) => other !== item);
  }

  private afterRemoval(what: string, from: SuggestionOrigin): void {
    this.render();
    if (this.items.length === 0) {
      this.current = -1;
      this.markCurrent();
      this.hooks.repaint();
      return this.say(`${what} No suggestions left.`);
    }
    this.current = Math.min(this.current, this.items.length - 1);
    this.focusCurrent(from);
    this.status.textContent = `${what} ${this.status.textContent}`;
  }

  private indexOf(target: EventTarget | null): number | null {
    const row = closestFrom(target, ".sg-item");
    return row ? Number(row.dataset.index) : null;
  }

  /** Rebuilds the list (when suggestions come or go); choosing one only marks it (markCurrent). */
  private render(): void {
    this.count.textContent = `(${this.items.length})`;
    const rows = this.items.map((item, index) => row(item, index));
    // Focus on a row that goes keeps its place: on the same control of the row now at that place.
    const focused = this.indexOf(document.activeElement);
    const control = closestFrom(document.activeElement, "[data-action]")?.dataset.action;
    this.list.replaceChildren(...rows);
    this.markCurrent();
    if (focused !== null) {
      const at = rows[Math.min(focused, rows.length - 1)];
      const target = at?.querySelector<HTMLElement>(control ? `[data-action="${control}"]` : ".sg-pick");
      (target ?? this.buttons.next).focus({ preventScroll: true });
    }
  }

  /** Marks the chosen row (in place: nothing in the list moves) and places its buttons in the text. */
  private markCurrent(): void {
    let current: HTMLElement | null = null;
    for (const item of this.list.querySelectorAll<HTMLElement>(".sg-item")) {
      const chosen = Number(item.dataset.index) === this.current;
      item.classList.toggle("is-current", chosen);
      const pick = item.querySelector(".sg-pick")!;
      if (chosen) {
        pick.setAttribute("aria-current", "true");
        current = item;
      } else pick.removeAttribute("aria-current");
    }
    if (current) revealInSide(current, { list: this.list });
    const some = this.items.length > 0;
    for (const button of [this.buttons.prev, this.buttons.next]) {
      if (some) button.removeAttribute("aria-disabled");
      else button.setAttribute("aria-disabled", "true");
    }
  }

  /** After the text was painted again: the chosen one's buttons go under its words. */
  placeButtons(): void {
    this.inline.place(this.active ? "mark.is-suggestion-current" : null);
  }

  private say(message: string): void {
    this.status.textContent = message;
  }
}

/** One item of the list: the suggestion (a button that chooses it) and its own buttons. */
function row(item: SuggestedClaim, index: number): HTMLElement {
  const li = element("li", undefined, "sg-item");
  li.dataset.index = String(index);
  const pick = element("button", undefined, "sg-pick");
  pick.type = "button";
  pick.append(
    element("span", withQuotationMarks(clip(item.quote)), "sg-quote"),
    element("span", describe(item), "sg-what"),
    element("span", ` · ${item.source}`, "source"),
  );
  const actions = element("div", undefined, "sg-row-actions");
  actions.setAttribute("role", "group");
  actions.setAttribute("aria-label", `Suggestion ${index + 1}`);
  for (const [action, label, key] of [
    ["accept", "Accept", "a"],
    ["edit", "Edit", "Shift+A"],
    ["dismiss", "Dismiss", "x"],
  ] as const) {
    const button = element("button", label);
    button.type = "button";
    button.dataset.action = action;
    button.append(element("span", ` suggestion ${index + 1}`, "visually-hidden"));
    const kbd = element("kbd", key);
    kbd.setAttribute("aria-hidden", "true");
    button.append(" ", kbd);
    actions.append(button);
  }
  li.append(pick, actions);
  return li;
}
