// The curation page's keys: move between groups of claims and annotators, accept, edit, merge,
// reject, add, delete, accept exact agreements, mark curated. Every change goes through the JSON
// API and the page is then drawn again by the server, with the focus kept where the work goes on.
import type { ClaimJson } from "../../claims/claims.present.js";
import type { CurationClaim, CurationGroup } from "../../curation/curation.present.js";
import { callApi, type ApiResult } from "../lib/api.js";
import { byId, closestFrom } from "../lib/dom.js";
import { dialogOpen, openGoldDialog, type Choices, type GoldFields } from "./gold-dialog.js";

interface CurationData {
  articleId: number;
  annotators: { id: number; name: string; done: boolean }[];
  groups: CurationGroup[];
  choices: Choices;
  curated: boolean;
  next: string | null;
}

const data = JSON.parse(byId("curation-data").textContent ?? "{}") as CurationData;
const status = byId("cur-status");
const goldColumn = data.annotators.length;
const FOCUS_KEY = `curation-focus-${data.articleId}`;

let focus = restoredFocus();

function restoredFocus() {
  const saved = sessionStorage.getItem(FOCUS_KEY);
  sessionStorage.removeItem(FOCUS_KEY);
  const parsed = saved ? (JSON.parse(saved) as { group: number; column: number }) : null;
  const group = parsed ? Math.min(parsed.group, Math.max(data.groups.length - 1, 0)) : firstOpen(0);
  return { group, column: parsed?.column ?? 0 };
}

/** The first group from `from` on with a claim waiting for a decision (or `from` if none). */
function firstOpen(from: number): number {
  const found = data.groups.findIndex((group, index) => index >= from && group.open > 0);
  return found === -1 ? Math.min(from, Math.max(data.groups.length - 1, 0)) : found;
}

function currentGroup(): CurationGroup | undefined {
  return data.groups[focus.group];
}

function chosenClaim(): CurationClaim | ClaimJson | undefined {
  const group = currentGroup();
  if (!group) return undefined;
  return focus.column === goldColumn ? group.gold[0] : group.cells[focus.column]?.[0];
}

function draw(scroll = true) {
  for (const row of document.querySelectorAll(".cur-group.cur-focus")) row.classList.remove("cur-focus");
  for (const card of document.querySelectorAll(".cur-chosen")) card.classList.remove("cur-chosen");
  const row = document.getElementById(`group-${focus.group}`);
  if (!row) return;
  row.classList.add("cur-focus");
  const claim = chosenClaim();
  const card = claim ? row.querySelector(`[data-claim="${claim.id}"]`) : null;
  card?.classList.add("cur-chosen");
  row.focus({ preventScroll: true });
  if (scroll) row.scrollIntoView({ block: "nearest" });
  const who = focus.column === goldColumn ? "gold" : (data.annotators[focus.column]?.name ?? "");
  say(
    `Group ${focus.group + 1} of ${data.groups.length}, ${who}: ${claim ? `“${claim.quote}”` : "no claim"}.`,
  );
}

function say(message: string) {
  status.textContent = message;
}

/**
 * Keeps where the work goes on (a group, or null for the first group still waiting once the page
 * is drawn again), then has the server draw the page again.
 */
function reloadAt(group: number | null, column = focus.column) {
  if (group !== null) sessionStorage.setItem(FOCUS_KEY, JSON.stringify({ group, column }));
  location.reload();
}

function problem(result: ApiResult<unknown>): string {
  if (result.ok) return "";
  return result.data?.error?.message ?? `The server answered ${result.status}; nothing was changed.`;
}

async function act(run: () => Promise<ApiResult<unknown>>, then: () => void) {
  const result = await run();
  if (!result.ok) return say(problem(result));
  then();
}

function isAnnotatorClaim(claim: CurationClaim | ClaimJson | undefined): claim is CurationClaim {
  return Boolean(claim && "decision" in claim);
}

function body(fields: GoldFields, sources: number[]) {
  return { ...fields, sources };
}

async function saveGold(fields: GoldFields, sources: number[]): Promise<string | null> {
  const result = await callApi("POST", `/api/v1/articles/${data.articleId}/gold`, body(fields, sources));
  if (!result.ok) return problem(result);
  reloadAt(firstOpen(focus.group + 1));
  return null;
}

function accept() {
  const claim = chosenClaim();
  if (!isAnnotatorClaim(claim) || claim.decision.kind !== "open")
    return say("Choose a waiting annotator claim to accept.");
  void saveGold(
    {
      start: claim.start,
      end: claim.end,
      quote: claim.quote,
      type: claim.type,
      speaker: claim.speaker ? { id: claim.speaker.id } : null,
      speakerMention: claim.speakerMention && {
        start: claim.speakerMention.start,
        end: claim.speakerMention.end,
      },
      cue: claim.cue && { start: claim.cue.start, end: claim.cue.end },
      stance: claim.stance,
      target: claim.target,
      note: claim.note,
    },
    [claim.id],
  ).then((message) => message && say(message));
}

function edit() {
  const claim = chosenClaim();
  if (!claim) return say("Choose a claim to edit.");
  if (!isAnnotatorClaim(claim)) return editGold(claim);
  if (claim.decision.kind !== "open") return say("This claim is decided already.");
  openGoldDialog(
    {
      title: "Accept with edits",
      hint: `From ${claim.annotator.name}'s claim.`,
      sources: [claim],
      save: (fields) => saveGold(fields, [claim.id]),
    },
    data.choices,
  );
}

function editGold(claim: ClaimJson) {
  openGoldDialog(
    {
      title: "Edit gold claim",
      hint: "Changes this gold claim; a colleague's change in the meantime is reported, not overwritten.",
      sources: [claim],
      save: async (fields) => {
        const result = await callApi("PATCH", `/api/v1/claims/${claim.id}`, {
          ...fields,
          version: claim.version,
        });
        if (!result.ok) return problem(result);
        reloadAt(focus.group);
        return null;
      },
    },
    data.choices,
  );
}

function merge() {
  const group = currentGroup();
  const waiting = group?.cells.flat().filter((claim) => claim.decision.kind === "open") ?? [];
  if (waiting.length === 0) return say("No waiting claims in this group to merge.");
  openGoldDialog(
    {
      title: "Merge into one gold claim",
      hint: `Pick each field from the ${waiting.length} waiting claims; all of them become its sources.`,
      sources: waiting,
      save: (fields) =>
        saveGold(
          fields,
          waiting.map((claim) => claim.id),
        ),
    },
    data.choices,
  );
}

function reject(all: boolean) {
  const group = currentGroup();
  const claim = chosenClaim();
  const targets = all
    ? (group?.cells.flat().filter((one) => one.decision.kind === "open") ?? [])
    : isAnnotatorClaim(claim) && claim.decision.kind === "open"
      ? [claim]
      : [];
  if (targets.length === 0) return say("Choose a waiting annotator claim to reject.");
  void act(
    async () => {
      for (const one of targets) {
        const result = await callApi("POST", `/api/v1/claims/${one.id}/reject`);
        if (!result.ok) return result;
      }
      return { ok: true, status: 204, data: null };
    },
    () => reloadAt(all ? firstOpen(focus.group + 1) : focus.group),
  );
}

function undoRejection() {
  const claim = chosenClaim();
  if (!isAnnotatorClaim(claim) || claim.decision.kind !== "rejected")
    return say("Choose a rejected claim to undo.");
  void act(
    () => callApi("DELETE", `/api/v1/claims/${claim.id}/reject`),
    () => reloadAt(focus.group),
  );
}

function deleteGold() {
  const claim = chosenClaim();
  if (!claim || isAnnotatorClaim(claim)) return say("Choose a gold claim (g) to delete.");
  void act(
    () => callApi("DELETE", `/api/v1/claims/${claim.id}`, { version: claim.version }),
    () => reloadAt(focus.group),
  );
}

/** The selected text as a span of the body, if it lies within one sentence. */
function selectedSpan() {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  const holder = closestFrom(range.startContainer, ".cur-text");
  if (!holder || holder !== closestFrom(range.endContainer, ".cur-text")) return null;
  const text = holder.textContent ?? "";
  const points = (upTo: number) => Array.from(text.slice(0, upTo)).length;
  const sentenceStart = Number(holder.dataset.start);
  const from = points(range.startOffset);
  const to = points(range.endOffset);
  if (to <= from) return null;
  return {
    start: sentenceStart + from,
    end: sentenceStart + to,
    quote: Array.from(text).slice(from, to).join(""),
  };
}

function addOwn() {
  const span = selectedSpan();
  if (!span) return say("Select the words of the claim within one sentence first, then press n.");
  openGoldDialog(
    {
      title: "Add a gold claim",
      hint: "A claim of your own, with no annotator source.",
      sources: [],
      span,
      save: (fields) => saveGold(fields, []),
    },
    data.choices,
  );
}

function acceptExact() {
  void act(
    () => callApi("POST", `/api/v1/articles/${data.articleId}/accept-exact`),
    () => reloadAt(null),
  );
}

function toggleCurated() {
  void act(
    () => callApi("POST", `/api/v1/articles/${data.articleId}/curated`, { curated: !data.curated }),
    () => reloadAt(focus.group),
  );
}

function toggleHelp() {
  const help = byId("cur-help");
  help.hidden = !help.hidden;
  document.querySelector('[data-action="help"]')?.setAttribute("aria-expanded", String(!help.hidden));
}

function move(groups: number, columns = 0) {
  if (data.groups.length === 0) return say("No claims on this article yet.");
  focus.group = Math.max(0, Math.min(data.groups.length - 1, focus.group + groups));
  focus.column = Math.max(0, Math.min(goldColumn, focus.column + columns));
  draw();
}

const keys: Record<string, () => void> = {
  j: () => move(1),
  ArrowDown: () => move(1),
  k: () => move(-1),
  ArrowUp: () => move(-1),
  h: () => move(0, -1),
  ArrowLeft: () => move(0, -1),
  l: () => move(0, 1),
  ArrowRight: () => move(0, 1),
  g: () => move(0, goldColumn - focus.column),
  a: accept,
  e: edit,
  m: merge,
  r: () => reject(false),
  R: () => reject(true),
  u: undoRejection,
  d: deleteGold,
  Delete: deleteGold,
  n: addOwn,
  x: acceptExact,
  c: toggleCurated,
  "]": () => {
    if (data.next) location.assign(data.next);
    else say("No other article is waiting for curation.");
  },
  "?": toggleHelp,
};

document.addEventListener("keydown", (event) => {
  if (dialogOpen() || event.ctrlKey || event.metaKey || event.altKey) return;
  if (closestFrom(event.target, "input, select, textarea, button, a")) return;
  const digit = /^[1-9]$/.test(event.key) ? Number(event.key) - 1 : -1;
  if (digit >= 0 && digit < goldColumn) {
    event.preventDefault();
    return move(0, digit - focus.column);
  }
  const run = keys[event.key];
  if (!run) return;
  event.preventDefault();
  run();
});

document.addEventListener("click", (event) => {
  const action = closestFrom(event.target, "button[data-action]")?.dataset.action;
  if (action === "exact") acceptExact();
  else if (action === "curated") toggleCurated();
  else if (action === "help") toggleHelp();
  const cell = closestFrom(event.target, ".cur-group td[data-column]");
  const row = closestFrom(event.target, ".cur-group");
  if (cell && row) {
    focus = { group: Number(row.dataset.group), column: Number(cell.dataset.column) };
    draw(false);
  }
});

draw(false);
if (data.groups.length === 0) say("No claims on this article yet: nothing to curate.");
