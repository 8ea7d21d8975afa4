// What the curation page shows, as data, and the group and claim chosen in it (by keys, by a
// click on a card, by the focus on a card's button); the status line says where the choice is.
import type { ClaimJson } from "../../claims/claims.present.js";
import type { CurationClaim, CurationGroup, CurationPageData } from "../../curation/curation.present.js";
import { quotedShort } from "../../curation/quote-display.js";
import { byId } from "../lib/dom.js";

export type Origin = "key" | "button";
export type AnyClaim = CurationClaim | ClaimJson;

/** What the page shows, as data: drawn by the server, then kept up to date by refresh.ts. */
export const page: { data: CurationPageData } = {
  data: JSON.parse(byId("curation-data").textContent ?? "{}") as CurationPageData,
};
const status = byId("cur-status");
export const goldColumn = () => page.data.annotators.length;

/** The chosen group and column (and claim, when a cell holds more than one). */
export const focus: { group: number; column: number; claim: number | null } = {
  group: firstOpen(0),
  column: 0,
  claim: null,
};

/** The first group from `from` on with a claim waiting for a decision (or `from` if none). */
export function firstOpen(from: number): number {
  const found = page.data.groups.findIndex((group, index) => index >= from && group.open > 0);
  return found === -1 ? Math.min(from, Math.max(page.data.groups.length - 1, 0)) : found;
}

export function currentGroup(): CurationGroup | undefined {
  return page.data.groups[focus.group];
}

export function claimsIn(group: CurationGroup, column: number): AnyClaim[] {
  return column === goldColumn() ? group.gold : (group.cells[column] ?? []);
}

export function chosenClaim(): AnyClaim | undefined {
  const group = currentGroup();
  if (!group) return undefined;
  const claims = claimsIn(group, focus.column);
  return claims.find((claim) => claim.id === focus.claim) ?? claims[0];
}

export function isAnnotatorClaim(claim: AnyClaim | undefined): claim is CurationClaim {
  return Boolean(claim && "decision" in claim);
}

export const cardOf = (id: number) => document.querySelector<HTMLElement>(`.cur-claim[data-claim="${id}"]`);
export const rowOf = (group: number) => document.getElementById(`group-${group}`);
export const toolbar = () => byId("cur-toolbar");

export function say(message: string) {
  status.textContent = message;
}

/**
 * Marks the chosen group and claim, and says where the choice is (after `before`, if given;
 * `quiet`: not, when the focus itself shows it, as on a button reached by Tab).
 */
export function draw(
  options: { scroll?: boolean; moveFocus?: boolean; before?: string; quiet?: boolean } = {},
) {
  for (const row of document.querySelectorAll(".cur-group.cur-focus")) row.classList.remove("cur-focus");
  for (const card of document.querySelectorAll(".cur-chosen")) card.classList.remove("cur-chosen");
  const before = options.before ? `${options.before} ` : "";
  focus.group = Math.max(0, Math.min(focus.group, page.data.groups.length - 1));
  const row = rowOf(focus.group);
  if (!row) return say(`${before}No claims on this article yet: nothing to curate.`.trim());
  row.classList.add("cur-focus");
  const claim = chosenClaim();
  const card = claim ? row.querySelector(`[data-claim="${claim.id}"]`) : null;
  card?.classList.add("cur-chosen");
  if (options.moveFocus) row.focus({ preventScroll: true });
  if (options.scroll) row.scrollIntoView({ block: "nearest" });
  if (options.quiet) return;
  const who = focus.column === goldColumn() ? "gold" : (page.data.annotators[focus.column]?.name ?? "");
  say(
    `${before}Group ${focus.group + 1} of ${page.data.groups.length}, ${who}: ${claim ? quotedShort(claim.quote, 60) : "no claim"}.`,
  );
}

/** Chooses the group, column and claim an element of the table belongs to. */
export function chooseFrom(target: Element): boolean {
  const row = target.closest<HTMLElement>(".cur-group");
  if (!row) return false;
  const cell = target.closest<HTMLElement>("td[data-column]");
  const card = target.closest<HTMLElement>("[data-claim]");
  const next = {
    group: Number(row.dataset.group),
    column: cell ? Number(cell.dataset.column) : focus.column,
    claim: card ? Number(card.dataset.claim) : null,
  };
  const same = next.group === focus.group && next.column === focus.column && next.claim === focus.claim;
  Object.assign(focus, next);
  return !same;
}

/** The claims of the group still waiting for a decision. */
export function waitingIn(group: CurationGroup | undefined): CurationClaim[] {
  return group?.cells.flat().filter((claim) => claim.decision.kind === "open") ?? [];
}
