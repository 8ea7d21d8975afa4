// The side list of claims in text order: a listbox with one option per claim (roving focus).
import { closestFrom, element } from "../lib/dom.js";
import { attribution, quoted, stanceName } from "./describe.js";
import { revealInSide } from "./reveal.js";
import type { Stance, WorkspaceClaim } from "./types.js";

/** Where a selection came from: it decides what gets focus and what scrolls. */
export type SelectSource = "list" | "keys" | "text" | "link";

/** From this many entries on, those out of view skip layout until scrolled to (content-visibility). */
const LONG_LIST = 100;

export interface ClaimListHandlers {
  onSelect(id: number, from: SelectSource): void;
  onOpen(id: number): void;
}

export interface ClaimLook {
  stances: readonly Stance[];
  classesOf(id: number): string;
  isOther(claim: WorkspaceClaim): boolean;
  isEditable(claim: WorkspaceClaim): boolean;
}

export class ClaimList {
  private selectedId: number | null = null;

  constructor(
    private readonly elements: { list: HTMLElement; count: HTMLElement; empty: HTMLElement },
    private readonly handlers: ClaimListHandlers,
  ) {
    const list = elements.list;
    list.addEventListener("click", (event) => {
      const item = closestFrom(event.target, "[role=option]");
      if (!item) return;
      const id = Number(item.dataset.id);
      this.handlers.onSelect(id, "list");
      this.handlers.onOpen(id);
    });
    list.addEventListener("keydown", (event) => this.onKey(event));
  }

  /** Whether an element is in the list (its keys then act on the selected claim). */
  contains(target: Node): boolean {
    return this.elements.list.contains(target);
  }

  /** Rebuilds the list from claims in text order. */
  render(claims: readonly WorkspaceClaim[], look: ClaimLook): void {
    const { list, count, empty } = this.elements;
    const fragment = document.createDocumentFragment();
    for (const claim of claims) fragment.append(item(claim, look));
    list.replaceChildren(fragment);
    list.classList.toggle("is-long", claims.length > LONG_LIST);
    count.textContent = `(${claims.length})`;
    empty.hidden = claims.length > 0;
    if (this.selectedId !== null && this.itemOf(this.selectedId)) {
      this.select(this.selectedId);
    } else {
      this.selectedId = null;
      const first = list.firstElementChild;
      if (first instanceof HTMLElement) first.tabIndex = 0;
    }
  }

  itemOf(id: number): HTMLElement | null {
    return document.getElementById(`claim-item-${Number(id)}`);
  }

  /**
   * Selects the claim's entry; optionally scrolls the side to it (and the page, on narrow screens,
   * when `orPage`) and focuses it.
   */
  select(id: number | null, { focus = false, scroll = false, orPage = false } = {}): void {
    const list = this.elements.list;
    for (const el of list.querySelectorAll("[aria-selected=true]")) el.setAttribute("aria-selected", "false");
    for (const el of list.querySelectorAll<HTMLElement>("[tabindex='0']")) el.tabIndex = -1;
    this.selectedId = id;
    const el = id === null ? null : this.itemOf(id);
    if (!el) {
      const first = list.firstElementChild;
      if (first instanceof HTMLElement) first.tabIndex = 0;
      return;
    }
    el.setAttribute("aria-selected", "true");
    el.tabIndex = 0;
    // The side column scrolls to it, by itself: never the page, never the text.
    if (scroll) revealInSide(el, { orPage });
    if (focus) el.focus({ preventScroll: true });
  }

  private onKey(event: KeyboardEvent): void {
    const item = closestFrom(event.target, "[role=option]");
    if (!item) return;
    const id = Number(item.dataset.id);
    const list = this.elements.list;
    let next: Element | null = null;
    if (event.key === "ArrowDown") next = item.nextElementSibling;
    else if (event.key === "ArrowUp") next = item.previousElementSibling;
    else if (event.key === "Home") next = list.firstElementChild;
    else if (event.key === "End") next = list.lastElementChild;
    else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      this.handlers.onSelect(id, "list");
      this.handlers.onOpen(id);
      return;
    } else return;
    event.preventDefault();
    if (next instanceof HTMLElement) this.handlers.onSelect(Number(next.dataset.id), "keys");
  }
}

function item(claim: WorkspaceClaim, look: ClaimLook): HTMLLIElement {
  const li = document.createElement("li");
  li.id = `claim-item-${claim.id}`;
  li.dataset.id = String(claim.id);
  li.setAttribute("role", "option");
  li.setAttribute("aria-selected", "false");
  li.tabIndex = -1;
  li.className = `claim-item ${look.classesOf(claim.id)}`;

  const head = element("span", undefined, "ci-head");
  head.append(
    element("span", claim.speaker ? claim.speaker.name : "No speaker", "ci-speaker"),
    " ",
    element("span", claim.type, "ci-type"),
  );
  const stance = element("span", undefined, "ci-stance");
  const swatch = element("span", undefined, "swatch");
  swatch.setAttribute("aria-hidden", "true");
  const stanceWords = stanceName(claim, look.stances) || "no stance";
  stance.append(swatch, claim.target ? `${stanceWords} → ${claim.target}` : stanceWords);
  const quote = element("span", quoted(claim.quote, 140), "ci-quote");
  li.append(head, stance, quote);
  const said = claim.speakerMention || claim.cue ? attribution(claim) : "";
  if (said) li.append(element("span", said, "ci-said"));
  const notes: string[] = [];
  if (look.isOther(claim)) notes.push(`by ${claim.annotator.name}`);
  if (!look.isEditable(claim)) notes.push("read only");
  if (notes.length) li.append(element("span", notes.join(" · "), "ci-by"));
  return li;
}
