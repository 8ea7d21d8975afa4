// Brings the curation page up to date in place from GET …/curate/state, drawn by the server's own
// views. Every row carries a fingerprint of what it shows (data-sig): a row whose fingerprint is
// unchanged stays the same element, and only the rows that changed are asked for and replaced.
// Nothing moves under the pointer: a part drawn again never takes less height than it had, so
// whatever lies below it stays where it was.
import type { CurationGroup, CurationState } from "../../curation/curation.present.js";
import { byId } from "../lib/dom.js";

const tbody = () => byId("curation", HTMLTableElement).tBodies[0]!;

/** The rows on the page by key. */
function currentRows(): Map<string, HTMLTableRowElement> {
  return new Map([...tbody().rows].map((row) => [row.dataset.key ?? "", row]));
}

/** Rows drawn by the server (markup of …/curate/state), by key. */
export function parseRows(html: string): Map<string, HTMLTableRowElement> {
  const template = document.createElement("template");
  template.innerHTML = html;
  const rows = new Map<string, HTMLTableRowElement>();
  for (const node of template.content.children) {
    if (node instanceof HTMLTableRowElement) rows.set(node.dataset.key ?? "", node);
  }
  return rows;
}

/** The keys of rows that changed (or are new) and of which `fresh` holds no up-to-date drawing. */
export function missingRows(state: CurationState, fresh: ReadonlyMap<string, HTMLTableRowElement>): string[] {
  const rows = currentRows();
  return state.rows
    .filter(([key, print]) => rows.get(key)?.dataset.sig !== print && fresh.get(key)?.dataset.sig !== print)
    .map(([key]) => key);
}

/** Where the keyboard focus is, in words that survive the element being drawn again. */
function focusAddress(): string | null {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || active === document.body) return null;
  const card = active.closest<HTMLElement>("[data-claim]");
  if (card && active.dataset.act)
    return `[data-claim="${card.dataset.claim}"] [data-act="${active.dataset.act}"]`;
  if (active.dataset.action) return `#cur-toolbar [data-action="${active.dataset.action}"]`;
  const row = active.closest<HTMLElement>("tr[data-key]");
  if (row && active.dataset.act)
    return `tr[data-key="${row.dataset.key}"] [data-act="${active.dataset.act}"]`;
  if (row) return `tr[data-key="${row.dataset.key}"]`;
  return null;
}

function partFrom(html: string): DocumentFragment {
  const template = document.createElement("template");
  template.innerHTML = html;
  return template.content;
}

/**
 * Draws the page as `state` has it, from the rows on the page and the `fresh` ones (every changed
 * row must be among them: see missingRows), keeping the focus on the same control. Answers the
 * groups of the page, in order: those of unchanged rows from `groups`, the others from the state.
 */
export function applyState(
  state: CurationState,
  fresh: ReadonlyMap<string, HTMLTableRowElement>,
  groups: readonly CurationGroup[],
): CurationGroup[] {
  const address = focusAddress();
  const body = tbody();
  const rows = currentRows();
  const counts = byId("cur-counts");
  const toolbar = byId("cur-toolbar");
  const countsPart = partFrom(state.html.counts);
  const toolbarPart = partFrom(state.html.toolbar);
  const countsChanged = !sameMarkup(counts, countsPart);
  const toolbarChanged = !sameMarkup(toolbar, toolbarPart);

  // Read every height first, then change the page, then read again: one layout, not one per row.
  const before = new Map<HTMLElement, number>();
  const replaced: [HTMLTableRowElement, HTMLTableRowElement][] = [];
  for (const [key, print] of state.rows) {
    const row = rows.get(key);
    if (row && row.dataset.sig !== print) before.set(row, row.getBoundingClientRect().height);
  }
  if (countsChanged) before.set(counts, counts.getBoundingClientRect().height);
  if (toolbarChanged) before.set(toolbar, toolbar.getBoundingClientRect().height);

  const nextGroups: CurationGroup[] = [];
  const kept = new Set<Element>();
  let cursor: Element | null = body.firstElementChild;
  for (const [key, print] of state.rows) {
    const old = rows.get(key);
    const unchanged = old?.dataset.sig === print;
    const row = unchanged ? old! : fresh.get(key);
    if (!row) throw new Error(`row ${key} was not sent`);
    if (!unchanged && old) replaced.push([row, old]);
    if (key.startsWith("g")) {
      const index = Number(key.slice(1));
      const group = unchanged ? groups[index] : state.groups[String(index)];
      if (!group) throw new Error(`group ${index} was not sent`);
      nextGroups.push(group);
    }
    kept.add(row);
    if (row === cursor) cursor = cursor.nextElementSibling;
    else if (old && !unchanged && old === cursor) {
      // Drawn again in its place: one row swapped, the rows after it untouched.
      cursor = old.nextElementSibling;
      old.replaceWith(row);
    } else body.insertBefore(row, cursor);
  }
  for (const row of [...body.rows]) if (!kept.has(row)) row.remove();
  if (countsChanged) counts.replaceChildren(countsPart);
  if (toolbarChanged) toolbar.replaceChildren(toolbarPart);
  const badge = partFrom(state.html.curated.trim()).firstElementChild;
  const current = byId("cur-curated");
  if (badge && badge.outerHTML !== current.outerHTML) current.replaceWith(badge);

  const shorter: [HTMLElement, number, "height" | "minHeight"][] = [];
  for (const [row, old] of replaced) {
    const height = before.get(old) ?? 0;
    if (row.getBoundingClientRect().height < height - 0.5) shorter.push([row, height, "height"]);
  }
  for (const part of [counts, toolbar]) {
    const height = before.get(part);
    if (height !== undefined && part.getBoundingClientRect().height < height - 0.5)
      shorter.push([part, height, "minHeight"]);
  }
  for (const [element, height, property] of shorter) element.style[property] = `${height}px`;

  const lost = !document.activeElement || document.activeElement === document.body;
  if (address && lost) document.querySelector<HTMLElement>(address)?.focus({ preventScroll: true });
  return nextGroups;
}

function sameMarkup(element: HTMLElement, part: DocumentFragment): boolean {
  const holder = document.createElement("div");
  holder.append(part.cloneNode(true));
  return holder.innerHTML === element.innerHTML;
}
