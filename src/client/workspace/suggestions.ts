// Attribution suggestions in the workspace: fetched after the page paints (the suggester runs on
// the server), shown as weak dashed underlines and a list beside the claims, and worked through
// by keys: ] and [ move, a accepts (the suggestion becomes the user's claim), Shift+A opens it in
// the claim form first, x dismisses it (remembered for this user).
import type { ArticleSuggestion } from "../../suggestions/suggestion.types.js";
import { withQuotationMarks } from "../../text/quote-marks.js";
import { callApi, errorMessage } from "../lib/api.js";
import { byId, element } from "../lib/dom.js";
import type { ExtraSpan } from "./text-view.js";
import type { ClaimJson } from "./types.js";

export type SuggestedClaim = ArticleSuggestion;

export interface SuggestionHooks {
  /** The highlights need painting again (the list or the current one changed). */
  repaint(): void;
  /** A suggestion was saved as the user's claim. */
  accepted(claim: ClaimJson): void;
  /** Open it in the claim form, prefilled. */
  open(suggestion: SuggestedClaim): void;
  /** Scroll the text to a span. */
  show(start: number): void;
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

export class Suggestions {
  private items: SuggestedClaim[] = [];
  private current = -1;
  private readonly section = byId("ws-suggestions");
  private readonly list = byId("ws-suggestion-list");
  private readonly count = byId("ws-suggestion-count");
  private readonly status = byId("ws-suggestion-status");

  constructor(
    private readonly articleId: number,
    private readonly hooks: SuggestionHooks,
  ) {}

  async load(): Promise<void> {
    const result = await callApi<{ suggestions: SuggestedClaim[] }>(
      "GET",
      `/api/v1/articles/${this.articleId}/suggestions?for=me`,
    );
    if (!result.ok) return this.say(`Suggestions could not be loaded: ${errorMessage(result)}`);
    this.items = result.data.suggestions;
    // Shown only when there is something to offer: an empty panel would push the claims down for nothing.
    this.section.hidden = this.items.length === 0;
    this.render();
    this.hooks.repaint();
    this.say(
      this.items.length
        ? `${this.items.length} suggested ${this.items.length === 1 ? "claim" : "claims"}: ] goes to the first.`
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

  move(step: number): void {
    if (this.items.length === 0) return this.say("No suggestions left.");
    const next = this.current < 0 ? (step > 0 ? 0 : this.items.length - 1) : this.current + step;
    this.current = Math.max(0, Math.min(this.items.length - 1, next));
    this.focusCurrent();
  }

  private focusCurrent(): void {
    const item = this.active;
    this.render();
    this.hooks.repaint();
    if (!item) return;
    this.hooks.show(item.start);
    this.say(
      `Suggestion ${this.current + 1} of ${this.items.length}: “${clip(item.quote)}”, ${describe(item)}. a accepts, x dismisses.`,
    );
  }

  /** Saves the current suggestion as the user's claim, then goes on to the next. */
  async accept(): Promise<void> {
    const item = this.active;
    if (!item) return this.say("Choose a suggestion first: ] goes to the next one.");
    const { key: _key, source: _source, speakerName: _name, confidence: _confidence, ...claim } = item;
    const result = await callApi<ClaimJson>("POST", `/api/v1/articles/${this.articleId}/claims`, claim);
    if (!result.ok) {
      this.say(`Not saved: ${errorMessage(result)} Shift+A opens it in the form to fix it.`);
      return;
    }
    this.remove(item);
    this.hooks.accepted(result.data);
    this.afterRemoval("Saved as your claim.");
  }

  open(): void {
    const item = this.active;
    if (!item) return this.say("Choose a suggestion first: ] goes to the next one.");
    this.hooks.open(item);
  }

  /** Called when a claim was saved from the form: the suggestion it covers is done. */
  claimed(span: { start: number; end: number }): void {
    const before = this.items.length;
    this.items = this.items.filter((item) => !(item.start < span.end && span.start < item.end));
    if (this.items.length !== before) {
      this.current = Math.min(this.current, this.items.length - 1);
      this.render();
    }
  }

  async dismiss(): Promise<void> {
    const item = this.active;
    if (!item) return this.say("Choose a suggestion first: ] goes to the next one.");
    const result = await callApi("POST", `/api/v1/articles/${this.articleId}/suggestions/dismissals`, {
      key: item.key,
    });
    if (!result.ok) return this.say(`Not dismissed: ${errorMessage(result)}`);
    this.remove(item);
    this.afterRemoval("Dismissed.");
  }

  private remove(item: SuggestedClaim): void {
    this.items = this.items.filter((other) => other !== item);
  }

  private afterRemoval(what: string): void {
    if (this.items.length === 0) {
      this.current = -1;
      this.render();
      this.hooks.repaint();
      return this.say(`${what} No suggestions left.`);
    }
    this.current = Math.min(this.current, this.items.length - 1);
    this.focusCurrent();
    this.status.textContent = `${what} ${this.status.textContent}`;
  }

  private render(): void {
    this.count.textContent = `(${this.items.length})`;
    const rows = this.items.map((item, index) => {
      const row = element("li", undefined, index === this.current ? "is-current" : "");
      row.append(
        element("span", withQuotationMarks(clip(item.quote))),
        element("br"),
        element("span", describe(item)),
        " ",
      );
      row.append(element("span", `· ${item.source}`, "source"));
      if (index === this.current) row.setAttribute("aria-current", "true");
      return row;
    });
    this.list.replaceChildren(...rows);
    this.list.querySelector(".is-current")?.scrollIntoView({ block: "nearest" });
  }

  private say(message: string): void {
    this.status.textContent = message;
  }
}
