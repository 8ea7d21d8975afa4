// The chosen suggestion's Accept, Edit and Dismiss buttons under its words in the text, so that a
// suggestion found by reading can be taken or left where it is, by mouse.
import { closestFrom } from "../lib/dom.js";

export class SuggestionInline {
  private selector: string | null = null;

  constructor(private readonly bar: HTMLElement) {
    // The text reflows when the window or the panels change size: the buttons follow their words.
    const frame = bar.parentElement;
    if (frame) new ResizeObserver(() => this.place(this.selector)).observe(frame);
  }

  onAction(act: (action: string) => void): void {
    this.bar.addEventListener("click", (event) => {
      const button = closestFrom(event.target, "button");
      const action = button?.id.replace(/^sg-/, "");
      if (action) act(action);
    });
  }

  contains(target: Node): boolean {
    return this.bar.contains(target);
  }

  /**
   * Shows the buttons under the last line of the marks matching `selector` (the chosen suggestion
   * as painted), inside the text's frame so that they scroll with the text; hides them for null.
   */
  place(selector: string | null): void {
    this.selector = selector;
    const frame = this.bar.parentElement;
    const marks = selector && frame ? frame.querySelectorAll<HTMLElement>(selector) : [];
    const last = marks[marks.length - 1];
    const lines = last ? [...last.getClientRects()] : [];
    const line = lines[lines.length - 1];
    if (!frame || !line) {
      this.bar.hidden = true;
      return;
    }
    this.bar.hidden = false;
    const box = frame.getBoundingClientRect();
    const left = Math.max(0, Math.min(line.left - box.left, box.width - this.bar.offsetWidth));
    this.bar.style.top = `${line.bottom - box.top + 4}px`;
    this.bar.style.left = `${left}px`;
  }
}
