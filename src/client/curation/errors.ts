// A problem with a decision, shown beside what it was about (a card, or the toolbar): laid over
// what is below it, so nothing on the page moves, and read out at once (role=alert). It stays
// until dismissed (its button or Escape) or until the next decision.
import { element } from "../lib/dom.js";

export function showError(anchor: HTMLElement, message: string): void {
  clearErrors();
  const box = element("div", undefined, "cur-error");
  box.setAttribute("role", "alert");
  const close = element("button", "Dismiss", "cur-error-close");
  close.type = "button";
  close.addEventListener("click", () => {
    const card = box.parentElement;
    box.remove();
    card?.querySelector<HTMLElement>("button")?.focus({ preventScroll: true });
  });
  box.append(element("p", message), close);
  anchor.classList.add("cur-anchor");
  anchor.append(box);
}

export function clearErrors(): void {
  for (const box of document.querySelectorAll(".cur-error")) box.remove();
}

export function errorShown(): boolean {
  return document.querySelector(".cur-error") !== null;
}
