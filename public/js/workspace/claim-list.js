// The side list of claims in text order: a listbox with one option per claim (roving focus).
import { excerpt, stanceName } from "./describe.js";

export class ClaimList {
  /**
   * @param {{ list: HTMLElement, count: HTMLElement, empty: HTMLElement }} elements
   * @param {{ onSelect: (id: number) => void, onOpen: (id: number) => void }} handlers
   */
  constructor(elements, handlers) {
    this.list = elements.list;
    this.count = elements.count;
    this.empty = elements.empty;
    this.handlers = handlers;
    this.selectedId = null;
    this.list.addEventListener("click", (event) => {
      const item = event.target.closest("[role=option]");
      if (!item) return;
      const id = Number(item.dataset.id);
      this.handlers.onSelect(id, "list");
      this.handlers.onOpen(id);
    });
    this.list.addEventListener("keydown", (event) => this.onKey(event));
  }

  /**
   * @param {any[]} claims in text order
   * @param {{ stances: any[], classesOf: (id: number) => string, isOther: (claim: any) => boolean,
   *   isEditable: (claim: any) => boolean }} how
   */
  render(claims, how) {
    const fragment = document.createDocumentFragment();
    for (const claim of claims) fragment.append(item(claim, how));
    this.list.replaceChildren(fragment);
    this.count.textContent = `(${claims.length})`;
    this.empty.hidden = claims.length > 0;
    const selected = this.selectedId !== null && this.itemOf(this.selectedId);
    if (selected) this.select(this.selectedId, {});
    else {
      this.selectedId = null;
      const first = this.list.firstElementChild;
      if (first) first.tabIndex = 0;
    }
  }

  itemOf(id) {
    return document.getElementById(`claim-item-${Number(id)}`);
  }

  /** Selects the claim's entry; optionally scrolls to it and focuses it. */
  select(id, { focus = false, scroll = false } = {}) {
    for (const el of this.list.querySelectorAll("[aria-selected=true]"))
      el.setAttribute("aria-selected", "false");
    for (const el of this.list.querySelectorAll("[tabindex='0']")) el.tabIndex = -1;
    this.selectedId = id;
    const el = id === null ? null : this.itemOf(id);
    if (!el) {
      const first = this.list.firstElementChild;
      if (first) first.tabIndex = 0;
      return;
    }
    el.setAttribute("aria-selected", "true");
    el.tabIndex = 0;
    if (scroll) el.scrollIntoView({ block: "nearest" });
    if (focus) el.focus({ preventScroll: !scroll });
  }

  onKey(event) {
    const item = event.target.closest("[role=option]");
    if (!item) return;
    const id = Number(item.dataset.id);
    let next = null;
    if (event.key === "ArrowDown") next = item.nextElementSibling;
    else if (event.key === "ArrowUp") next = item.previousElementSibling;
    else if (event.key === "Home") next = this.list.firstElementChild;
    else if (event.key === "End") next = this.list.lastElementChild;
    else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      this.handlers.onSelect(id, "list");
      this.handlers.onOpen(id);
      return;
    } else return;
    event.preventDefault();
    if (next) this.handlers.onSelect(Number(next.dataset.id), "keys");
  }
}

function item(claim, how) {
  const li = document.createElement("li");
  li.id = `claim-item-${claim.id}`;
  li.dataset.id = String(claim.id);
  li.setAttribute("role", "option");
  li.setAttribute("aria-selected", "false");
  li.tabIndex = -1;
  li.className = `claim-item ${how.classesOf(claim.id)}`;

  const head = span("ci-head");
  head.append(
    span("ci-speaker", claim.speaker ? claim.speaker.name : "No speaker"),
    " ",
    span("ci-type", claim.type),
  );
  const stance = span("ci-stance");
  const swatch = span("swatch");
  swatch.setAttribute("aria-hidden", "true");
  const stanceWords = stanceName(claim, how.stances) || "no stance";
  stance.append(swatch, claim.target ? `${stanceWords} → ${claim.target}` : stanceWords);
  const quote = span("ci-quote", `“${excerpt(claim.quote, 140)}”`);
  li.append(head, stance, quote);
  const notes = [];
  if (how.isOther(claim)) notes.push(`by ${claim.annotator.name}`);
  if (!how.isEditable(claim)) notes.push("read only");
  if (notes.length) li.append(span("ci-by", notes.join(" · ")));
  return li;
}

function span(className, text) {
  const el = document.createElement("span");
  el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}
