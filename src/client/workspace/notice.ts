// A short notice after a claim is saved, deleted, undone or redone, with Undo and Redo buttons. It
// floats over the page (position: fixed), so nothing under the pointer moves when it comes or goes,
// and stays while the pointer is on it or focus is in it. The region is role=status and always in
// the page, so screen readers announce each message.
import { within } from "../lib/dom.js";

/** Long enough to read a line and reach for Undo; the notice stays while it is in use. */
const SHOW_MS = 8000;

export interface NoticeActions {
  undo(): void;
  redo(): void;
}

export class Notice {
  private readonly text: HTMLElement;
  private readonly undoButton: HTMLButtonElement;
  private readonly redoButton: HTMLButtonElement;
  private timer: number | undefined;
  private hovered = false;

  constructor(
    private readonly root: HTMLElement,
    actions: NoticeActions,
  ) {
    this.text = within(root, ".ws-notice-text");
    this.undoButton = within(root, ".ws-notice-undo", HTMLButtonElement);
    this.redoButton = within(root, ".ws-notice-redo", HTMLButtonElement);
    this.undoButton.addEventListener("click", () => this.press(this.undoButton, actions.undo));
    this.redoButton.addEventListener("click", () => this.press(this.redoButton, actions.redo));
    root.addEventListener("pointerenter", () => {
      this.hovered = true;
      this.stopTimer();
    });
    root.addEventListener("pointerleave", () => {
      this.hovered = false;
      this.startTimer();
    });
    root.addEventListener("focusout", () => setTimeout(() => this.startTimer(), 0));
    root.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      event.stopPropagation();
      this.hide();
    });
  }

  get isOpen(): boolean {
    return this.root.classList.contains("is-open");
  }

  show(message: string, state: { canUndo: boolean; canRedo: boolean }): void {
    this.text.textContent = message;
    // aria-disabled rather than disabled: a focused button keeps its focus when it runs out.
    setAvailable(this.undoButton, state.canUndo);
    setAvailable(this.redoButton, state.canRedo);
    this.undoButton.hidden = false;
    this.redoButton.hidden = false;
    this.root.classList.add("is-open");
    this.startTimer();
  }

  hide(): void {
    this.stopTimer();
    const hadFocus = this.root.contains(document.activeElement);
    this.root.classList.remove("is-open");
    this.text.textContent = "";
    this.undoButton.hidden = true;
    this.redoButton.hidden = true;
    if (hadFocus) document.getElementById("article-body")?.focus({ preventScroll: true });
  }

  private press(button: HTMLButtonElement, action: () => void): void {
    if (button.getAttribute("aria-disabled") === "true") return;
    action();
  }

  private startTimer(): void {
    this.stopTimer();
    if (this.hovered || this.root.contains(document.activeElement)) return;
    this.timer = window.setTimeout(() => this.hide(), SHOW_MS);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) window.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function setAvailable(button: HTMLButtonElement, available: boolean): void {
  if (available) button.removeAttribute("aria-disabled");
  else button.setAttribute("aria-disabled", "true");
}
