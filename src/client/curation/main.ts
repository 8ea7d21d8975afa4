// The curation page's keys and clicks: move between groups and annotators, and every decision
// by key or by the buttons on each card (decisions.ts). Keys and clicks run one after another.
import { byId, closestFrom } from "../lib/dom.js";
import {
  chooseFrom,
  chosenClaim,
  currentGroup,
  draw,
  focus,
  goldColumn,
  isAnnotatorClaim,
  page,
  say,
  waitingIn,
} from "./choice.js";
import { confirmOpen } from "./confirm-curated.js";
import {
  accept,
  acceptExact,
  addOwn,
  deleteGold,
  edit,
  enqueue,
  merge,
  reject,
  toggleCurated,
  undoRejection,
} from "./decisions.js";
import { clearErrors } from "./errors.js";
import { dialogOpen } from "./gold-dialog.js";

function toggleHelp() {
  const help = byId("cur-help");
  help.hidden = !help.hidden;
  document.querySelector('[data-action="help"]')?.setAttribute("aria-expanded", String(!help.hidden));
}

function move(groups: number, columns = 0) {
  if (page.data.groups.length === 0) return say("No claims on this article yet.");
  focus.group = Math.max(0, Math.min(page.data.groups.length - 1, focus.group + groups));
  focus.column = Math.max(0, Math.min(goldColumn(), focus.column + columns));
  focus.claim = null;
  draw({ scroll: true, moveFocus: true });
}

const keys: Record<string, () => unknown> = {
  j: () => move(1),
  ArrowDown: () => move(1),
  k: () => move(-1),
  ArrowUp: () => move(-1),
  h: () => move(0, -1),
  ArrowLeft: () => move(0, -1),
  l: () => move(0, 1),
  ArrowRight: () => move(0, 1),
  g: () => move(0, goldColumn() - focus.column),
  a: () => accept(chosenClaim(), "key"),
  e: () => edit(chosenClaim(), "key"),
  m: () => merge(currentGroup(), "key"),
  r: () => {
    const claim = chosenClaim();
    return reject(isAnnotatorClaim(claim) && claim.decision.kind === "open" ? [claim] : [], "key", false);
  },
  R: () => reject(waitingIn(currentGroup()), "key", true),
  u: () => undoRejection(chosenClaim(), "key"),
  d: () => deleteGold(chosenClaim(), "key"),
  Delete: () => deleteGold(chosenClaim(), "key"),
  n: () => addOwn("key"),
  x: () => acceptExact("key"),
  c: () => toggleCurated("key"),
  "]": () => {
    if (page.data.next) location.assign(page.data.next);
    else say("No other article is waiting for curation.");
  },
  "?": toggleHelp,
};

/** A card's or a group's button: the decision it names, on its own claim or group. */
function runButton(button: HTMLElement) {
  // Pressed on a card that has been drawn again since (a double click): the first press decided.
  if (!button.isConnected) return;
  chooseFrom(button);
  const group = currentGroup();
  const id = Number(button.closest<HTMLElement>("[data-claim]")?.dataset.claim);
  const claim = group ? [...group.cells.flat(), ...group.gold].find((one) => one.id === id) : undefined;
  switch (button.dataset.act) {
    case "accept":
      return accept(claim, "button");
    case "edit":
      return edit(claim, "button");
    case "reject":
      return reject(
        isAnnotatorClaim(claim) && claim.decision.kind === "open" ? [claim] : [],
        "button",
        false,
      );
    case "undo":
      return undoRejection(claim, "button");
    case "delete":
      return deleteGold(claim, "button");
    case "merge":
      return merge(group, "button");
    case "reject-all":
      return reject(waitingIn(group), "button", true);
  }
}

document.addEventListener("keydown", (event) => {
  if (dialogOpen() || confirmOpen() || event.ctrlKey || event.metaKey || event.altKey) return;
  if (closestFrom(event.target, "input, select, textarea, [contenteditable]")) return;
  if (event.key === "Escape") return clearErrors();
  // Enter and Space press the focused button or follow the focused link.
  if (event.key === "Enter" || event.key === " ") return;
  const digit = /^[1-9]$/.test(event.key) ? Number(event.key) - 1 : -1;
  const run = digit >= 0 && digit < goldColumn() ? () => move(0, digit - focus.column) : keys[event.key];
  if (!run) return;
  event.preventDefault();
  enqueue(() => (dialogOpen() || confirmOpen() ? undefined : run()));
});

document.addEventListener("click", (event) => {
  const button = closestFrom(event.target, "button[data-act]");
  if (button) return enqueue(() => runButton(button));
  const action = closestFrom(event.target, "button[data-action]")?.dataset.action;
  if (action === "exact") return enqueue(() => acceptExact("button"));
  if (action === "add") return enqueue(() => addOwn("button"));
  if (action === "help") return toggleHelp();
  if (action || closestFrom(event.target, ".cur-error")) return;
  const cell = closestFrom(event.target, ".cur-group td[data-column]");
  if (cell && chooseFrom(cell.closest(".cur-claim") ?? cell)) draw();
});

// Without the script, "Mark curated" is a form the server answers; with it, the page asks first.
document.addEventListener("submit", (event) => {
  if (!(event.target instanceof HTMLFormElement) || event.target.id !== "cur-curated-form") return;
  event.preventDefault();
  enqueue(() => toggleCurated("button"));
});

// Tabbing to a card's button chooses its card, so that keys act on what has the focus.
document.addEventListener("focusin", (event) => {
  if (!(event.target instanceof Element) || !event.target.closest("[data-act]")) return;
  if (chooseFrom(event.target)) draw({ quiet: true });
});

draw();
