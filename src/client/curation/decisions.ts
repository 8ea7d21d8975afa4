// The curator's decisions, by key or by button: each goes through the JSON API, then the page is
// brought up to date in place and the focus goes where the work goes on (the next group for
// keys, the same card for its buttons). A problem shows beside its card (errors.ts).
import type { ClaimJson } from "../../claims/claims.present.js";
import type { CurationClaim, CurationGroup } from "../../curation/curation.present.js";
import { plural } from "../../text/plural.js";
import { callApi, type ApiResult } from "../lib/api.js";
import { closestFrom } from "../lib/dom.js";
import {
  cardOf,
  chooseFrom,
  draw,
  firstOpen,
  focus,
  isAnnotatorClaim,
  page,
  rowOf,
  say,
  toolbar,
  waitingIn,
  type AnyClaim,
  type Origin,
} from "./choice.js";
import { confirmMarkCurated } from "./confirm-curated.js";
import { clearErrors, showError } from "./errors.js";
import { openGoldDialog, type GoldFields } from "./gold-dialog.js";
import { problem, refresh } from "./refresh.js";

/**
 * Keys and clicks run one after another: a key pressed while a decision is being saved waits for
 * the page to be up to date, and then acts on what it shows.
 */
let queue: Promise<unknown> = Promise.resolve();
export function enqueue(task: () => unknown) {
  queue = queue
    .then(task)
    .catch((error: unknown) =>
      say(`Something went wrong on this page (${String(error)}). Reload it and try again.`),
    );
}

interface Done {
  origin: Origin;
  message: string;
  /** Buttons: the cards (by claim id) whose first button takes the focus, the first one found. */
  focusOn?: number[];
  /** Keys: where the choice goes next (the same group by default). */
  advance?: "next-open" | "first-open";
  /** The rows the decision changed (others are found by their fingerprints). */
  rows?: string[];
}

/** The keys of the rows (groups) that hold these claims. */
function rowsOf(...claims: AnyClaim[]): string[] {
  const ids = new Set(claims.map((claim) => claim.id));
  return page.data.groups
    .filter((group) => [...group.cells.flat(), ...group.gold].some((claim) => ids.has(claim.id)))
    .map((group) => `g${group.index}`);
}

/** After a decision: the page brought up to date, then the focus where the work goes on. */
async function settle(done: Done) {
  clearErrors();
  lastSpan = null;
  if (!(await refresh(done.rows))) return;
  if (done.origin === "key") {
    if (done.advance === "next-open") focus.group = firstOpen(focus.group + 1);
    else if (done.advance === "first-open") focus.group = firstOpen(0);
    return draw({ scroll: true, moveFocus: true, before: done.message });
  }
  // Toolbar decisions leave the focus on their button (patch.ts keeps it there).
  if (!done.focusOn) return draw({ before: done.message });
  const card = done.focusOn.map(cardOf).find((found) => found !== null);
  const target =
    card?.querySelector<HTMLElement>(".cur-actions button") ??
    rowOf(Math.min(focus.group, page.data.groups.length - 1))?.querySelector<HTMLElement>("button") ??
    null;
  if (target) {
    chooseFrom(target);
    target.focus({ preventScroll: true });
  }
  draw({ before: done.message });
}

/** A decision refused or failed: said beside what it was about; on a 409, the page shows what changed. */
async function report(result: ApiResult<unknown>, anchor: () => HTMLElement | null, rows: string[] = []) {
  let message = problem(result);
  if (result.status === 409 && (await refresh(rows))) {
    message += " The page now shows the claims as they are.";
  }
  const where = anchor() ?? toolbar();
  showError(where, message);
  // The card drawn again (a 409) took the focus with it: give it to the card's first button.
  if (!document.activeElement || document.activeElement === document.body) {
    where.querySelector<HTMLElement>(".cur-actions button, button")?.focus({ preventScroll: true });
  }
}

/** What a decision is about: where its problems are shown, and the rows it changes. */
interface About {
  anchor: () => HTMLElement | null;
  rows: string[];
}

const aboutClaims = (...claims: AnyClaim[]): About => ({
  anchor: () => cardOf(claims[0]!.id),
  rows: rowsOf(...claims),
});
const aboutArticle: About = { anchor: () => null, rows: [] };

async function perform(
  origin: Origin,
  about: About,
  run: () => Promise<ApiResult<unknown>>,
  done: (answer: unknown) => Omit<Done, "origin" | "rows">,
) {
  const busy = about.anchor();
  busy?.setAttribute("aria-busy", "true");
  const result = await run();
  busy?.removeAttribute("aria-busy");
  if (!result.ok) return report(result, about.anchor, about.rows);
  await settle({ origin, rows: about.rows, ...done(result.data) });
}

const goldUrl = () => `/api/v1/articles/${page.data.articleId}/gold`;
const whose = (claim: AnyClaim) => `${claim.annotator.name}'s claim`;

function goldBody(fields: GoldFields, sources: CurationClaim[]) {
  return {
    ...fields,
    sources: sources.map((claim) => claim.id),
    sourceVersions: sources.map((claim) => claim.version),
  };
}

function fieldsOf(claim: CurationClaim): GoldFields {
  return {
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
  };
}

/** Saves a gold claim from the dialog: null when saved (the dialog closes), else what went wrong. */
async function saveGold(
  fields: GoldFields,
  sources: CurationClaim[],
  origin: Origin,
  message: string,
): Promise<string | null> {
  const rows = rowsOf(...sources);
  const result = await callApi<ClaimJson>("POST", goldUrl(), goldBody(fields, sources));
  if (!result.ok) {
    if (result.status !== 409) return problem(result);
    await refresh(rows);
    return `${problem(result)} The page behind this form now shows the claims as they are: cancel to look at them.`;
  }
  const gold = result.data;
  enqueue(() =>
    settle({
      origin,
      message,
      rows,
      focusOn: [gold.id],
      advance: sources.length > 0 ? "next-open" : undefined,
    }),
  );
  return null;
}

export function accept(claim: AnyClaim | undefined, origin: Origin) {
  if (!isAnnotatorClaim(claim) || claim.decision.kind !== "open")
    return say("Choose a waiting annotator claim to accept.");
  return perform(
    origin,
    aboutClaims(claim),
    () => callApi("POST", goldUrl(), goldBody(fieldsOf(claim), [claim])),
    (gold) => ({
      message: `Accepted ${whose(claim)} into gold.`,
      focusOn: [(gold as ClaimJson).id, claim.id],
      advance: "next-open",
    }),
  );
}

export function edit(claim: AnyClaim | undefined, origin: Origin) {
  if (!claim) return say("Choose a claim to edit.");
  if (!isAnnotatorClaim(claim)) return editGold(claim, origin);
  if (claim.decision.kind !== "open") return say("This claim is decided already.");
  openGoldDialog(
    {
      title: "Accept with edits",
      hint: `From ${whose(claim)}.`,
      sources: [claim],
      save: (fields) => saveGold(fields, [claim], origin, `Accepted ${whose(claim)} with edits.`),
    },
    page.data.choices,
  );
}

function editGold(claim: ClaimJson, origin: Origin) {
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
        if (!result.ok) {
          if (result.status !== 409) return problem(result);
          await refresh(rowsOf(claim));
          return `${problem(result)} The page behind this form now shows the gold claim as it is: cancel to look at it.`;
        }
        enqueue(() =>
          settle({ origin, message: "Saved the gold claim.", rows: rowsOf(claim), focusOn: [claim.id] }),
        );
        return null;
      },
    },
    page.data.choices,
  );
}

export function merge(group: CurationGroup | undefined, origin: Origin) {
  const waiting = waitingIn(group);
  if (waiting.length === 0) return say("No waiting claims in this group to merge.");
  openGoldDialog(
    {
      title: "Merge into one gold claim",
      hint: `Pick each field from the ${waiting.length} waiting claims; all of them become its sources.`,
      sources: waiting,
      save: (fields) =>
        saveGold(fields, waiting, origin, `Merged ${plural(waiting.length, "claim")} into gold.`),
    },
    page.data.choices,
  );
}

export function reject(targets: CurationClaim[], origin: Origin, all: boolean) {
  if (targets.length === 0) return say("Choose a waiting annotator claim to reject.");
  let failedOn = targets[0]!;
  return perform(
    origin,
    { anchor: () => cardOf(failedOn.id), rows: rowsOf(...targets) },
    async () => {
      for (const claim of targets) {
        failedOn = claim;
        const result = await callApi("POST", `/api/v1/claims/${claim.id}/reject`, { version: claim.version });
        if (!result.ok) return result;
      }
      return { ok: true, status: 204, data: null };
    },
    () => ({
      message: all ? `Rejected ${plural(targets.length, "claim")}.` : `Rejected ${whose(targets[0]!)}.`,
      focusOn: targets.map((claim) => claim.id),
      advance: all ? "next-open" : undefined,
    }),
  );
}

export function undoRejection(claim: AnyClaim | undefined, origin: Origin) {
  if (!isAnnotatorClaim(claim) || claim.decision.kind !== "rejected")
    return say("Choose a rejected claim to undo.");
  return perform(
    origin,
    aboutClaims(claim),
    () => callApi("DELETE", `/api/v1/claims/${claim.id}/reject`),
    () => ({ message: `${whose(claim)} waits for a decision again.`, focusOn: [claim.id] }),
  );
}

export function deleteGold(claim: AnyClaim | undefined, origin: Origin) {
  if (!claim || isAnnotatorClaim(claim)) return say("Choose a gold claim (g) to delete.");
  const sources = claim.sources ?? [];
  return perform(
    origin,
    aboutClaims(claim),
    () => callApi("DELETE", `/api/v1/claims/${claim.id}`, { version: claim.version }),
    () => ({
      message: sources.length
        ? `Deleted the gold claim; its ${plural(sources.length, "source claim")} wait again.`
        : "Deleted the gold claim.",
      focusOn: sources,
    }),
  );
}

interface Span {
  start: number;
  end: number;
  quote: string;
}

/** The selected text as a span of the body, if it lies within one sentence. */
function selectedSpan(): Span | null {
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

/** The last words selected in a sentence, for the toolbar's button (a click may clear the selection). */
let lastSpan: Span | null = null;
document.addEventListener("selectionchange", () => {
  const span = selectedSpan();
  if (span) lastSpan = span;
});
document.addEventListener("mousedown", (event) => {
  if (!closestFrom(event.target, '[data-action="add"]')) lastSpan = null;
});

export function addOwn(origin: Origin) {
  const span = selectedSpan() ?? lastSpan;
  const hint =
    "Select the words of the claim within one sentence of the table first (drag across them), then press n or “Add a gold claim from the selected words”.";
  if (!span) {
    if (origin === "button") return showError(toolbar(), hint);
    return say(hint);
  }
  openGoldDialog(
    {
      title: "Add a gold claim",
      hint: "A claim of your own, with no annotator source.",
      sources: [],
      span,
      save: (fields) => saveGold(fields, [], origin, "Added a gold claim of your own."),
    },
    page.data.choices,
  );
}

export function acceptExact(origin: Origin) {
  return perform(
    origin,
    aboutArticle,
    () => callApi("POST", `/api/v1/articles/${page.data.articleId}/accept-exact`),
    (answer) => {
      const outcome = answer as { goldClaims: number; sources: number; curated: number };
      return {
        message:
          outcome.goldClaims === 0
            ? "Nothing to accept: no claim that every annotator made the same way is waiting."
            : `Accepted ${plural(outcome.goldClaims, "exact agreement")} into gold.`,
        advance: "first-open",
      };
    },
  );
}

export async function toggleCurated(origin: Origin) {
  const curated = !page.data.curated;
  const send = (confirm: boolean) =>
    callApi("POST", `/api/v1/articles/${page.data.articleId}/curated`, {
      curated,
      ...(confirm ? { confirm } : {}),
    });
  let confirmed = false;
  if (curated && page.data.waiting > 0) {
    if (!(await confirmMarkCurated(page.data.waiting)))
      return say("Not marked curated: decide the waiting claims.");
    confirmed = true;
  }
  let result = await send(confirmed);
  if (!result.ok && result.data?.error?.code === "claims_waiting") {
    // More claims came in since the page was drawn: the server says how many wait.
    const count = Number((result.data.error as { waiting?: unknown }).waiting) || 1;
    if (!(await confirmMarkCurated(count))) return say("Not marked curated: decide the waiting claims.");
    result = await send(true);
  }
  if (!result.ok) return report(result, () => null);
  await settle({
    origin,
    message: curated ? "Marked the article curated." : "Marked the article not curated.",
  });
}
