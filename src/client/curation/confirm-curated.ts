// "Mark curated" while annotator claims still wait for a decision: the page asks first, in its own
// dialog (not window.confirm), with "Keep curating" as the default answer.
import { byId, within } from "../lib/dom.js";

const dialog = byId("cur-confirm", HTMLDialogElement);

function waitingWords(waiting: number): string {
  return waiting === 1
    ? "1 annotator claim still waits"
    : `${waiting.toLocaleString("en")} annotator claims still wait`;
}

/** Resolves true when the curator chooses to mark the article curated anyway. */
export function confirmMarkCurated(waiting: number): Promise<boolean> {
  byId("cur-confirm-title").textContent = `${waitingWords(waiting)} for a decision`;
  byId("cur-confirm-text").textContent =
    "Decide them first (Keep curating), or mark the article curated anyway: the waiting claims then stay out of the gold layer.";
  return new Promise((resolve) => {
    const yes = within(dialog, "[data-confirm-curated]", HTMLButtonElement);
    const no = within(dialog, "[data-close]", HTMLButtonElement);
    const finish = (answer: boolean) => {
      yes.removeEventListener("click", onYes);
      no.removeEventListener("click", onNo);
      dialog.removeEventListener("close", onClose);
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    const onYes = () => finish(true);
    const onNo = () => finish(false);
    const onClose = () => finish(false);
    yes.addEventListener("click", onYes);
    no.addEventListener("click", onNo);
    dialog.addEventListener("close", onClose);
    dialog.showModal();
    no.focus();
  });
}

export function confirmOpen(): boolean {
  return dialog.open;
}
