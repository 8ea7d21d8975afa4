// The annotation workspace (GET /articles/:id): highlights, the claim list, the claim form, the
// keyboard, and the layer switcher. Data comes from <script type="application/json" id="workspace-data">.
import { NO_STANCE_COLOUR } from "../../claims/stance-palette.js";
import { CodePointIndex } from "../../text/code-points.js";
import { sentenceAt, snapToSentences } from "../../text/sentence-snap.js";
import { callApi, errorMessage } from "../lib/api.js";
import { byId, closestFrom } from "../lib/dom.js";
import { ClaimForm } from "./claim-form.js";
import { ClaimList, type SelectSource } from "./claim-list.js";
import { installStanceTones } from "./stance-tones.js";
import { AttributionLinks } from "./attribution-links.js";
import { installGuidelinesDialog } from "./guidelines-dialog.js";
import { Notice } from "./notice.js";
import { TextView, type AttributionSpan } from "./text-view.js";
import type { ClaimJson, PageClaim, WorkspaceClaim, WorkspaceData } from "./types.js";
import { UndoHistory } from "./undo-history.js";
import { Suggestions } from "./suggestions.js";
import { QuickLabels } from "./quick-labels.js";
import { installPanels } from "./panels.js";
import { revealInSide } from "./reveal.js";

const scriptStarted = performance.now();
const data = JSON.parse(byId("workspace-data").textContent ?? "") as WorkspaceData;
const main = document.getElementById("main") ?? document.body;
const statusBox = byId("ws-status");
const layerSelect = byId("ws-layer", HTMLSelectElement);
const sentences = data.sentences;
const view = new TextView(byId("article-body"), new CodePointIndex(data.article.body));

const state = {
  claims: [] as WorkspaceClaim[],
  byId: new Map<number, WorkspaceClaim>(),
  /** Place in text order, for "claim 3" in what screen readers say. */
  position: new Map<number, number>(),
  classes: new Map<number, string>(),
  layer: data.layer,
  selectedId: null as number | null,
  /** Keyboard: the focused sentence and where a Shift selection started. */
  focus: -1,
  anchor: -1,
  layerRequest: 0,
};

// ------------------------------------------------------------------ claims and their look
// Every stance, retired ones too: old claims keep their colour.
const tones = installStanceTones(data.stances);
const isOther = (claim: WorkspaceClaim) => claim.annotator.id !== data.user.id;
const isEditable = (claim: WorkspaceClaim) =>
  data.canWrite && (data.user.role === "admin" || claim.annotator.id === data.user.id);
const classesOf = (id: number) => state.classes.get(id) ?? "tone-none";
const stanceColours = new Map(data.stances.map((stance) => [stance.key, stance.colour]));
const colourOf = (id: number) => stanceColours.get(state.byId.get(id)?.stance ?? "") ?? NO_STANCE_COLOUR;

function claimClasses(claim: WorkspaceClaim): string {
  const classes = [`type-${claim.type}`, isOther(claim) ? "other" : "own"];
  if (claim.stance) classes.push(`stance-${claim.stance.replace(/[^A-Za-z0-9_-]/g, "_")}`);
  classes.push((claim.stance && tones.get(claim.stance)) || "tone-none");
  return classes.join(" ");
}

const textOrder = (a: WorkspaceClaim, b: WorkspaceClaim) => a.start - b.start || b.end - a.end || a.id - b.id;

/** Claims from the page data (no quote) or the API (with one). */
function setClaims(claims: readonly (PageClaim & { quote?: string })[]): void {
  // The page's own data leaves the quote out: it is the body between the offsets.
  const full = claims.map((claim) =>
    claim.quote === undefined
      ? { ...claim, quote: view.slice(claim.start, claim.end) }
      : (claim as WorkspaceClaim),
  );
  state.claims = full.sort(textOrder);
  state.byId = new Map(state.claims.map((claim) => [claim.id, claim]));
  state.position = new Map(state.claims.map((claim, i) => [claim.id, i]));
  state.classes = new Map(state.claims.map((claim) => [claim.id, claimClasses(claim)]));
  if (state.selectedId !== null && !state.byId.has(state.selectedId)) state.selectedId = null;
}

function upsert(claim: WorkspaceClaim): void {
  setClaims([...state.claims.filter((other) => other.id !== claim.id), claim]);
}

function say(message: string): void {
  statusBox.textContent = message;
}

// ------------------------------------------------------------------ painting
const linksSvg = document.getElementById("ws-links");
if (!(linksSvg instanceof SVGSVGElement)) throw new Error("#ws-links is missing from the page");
const links = new AttributionLinks(linksSvg, view.container);
const allLinksBox = byId("ws-all-links", HTMLInputElement);
const uncoveredLine = byId("ws-uncovered");
const ALL_LINKS_KEY = "claimant.workspace.allLinks";
allLinksBox.checked = readSetting(ALL_LINKS_KEY) === "1";

function readSetting(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage refused (private mode, policy): the option starts off
  }
}

/** The claims whose speaker mention and cue are shown: the selected one, or all of them. */
function linkedClaims(): WorkspaceClaim[] {
  if (allLinksBox.checked) return state.claims;
  const selected = state.selectedId === null ? undefined : state.byId.get(state.selectedId);
  return selected ? [selected] : [];
}

function attributionsOf(claims: readonly WorkspaceClaim[]): AttributionSpan[] {
  const spans: AttributionSpan[] = [];
  for (const claim of claims) {
    if (claim.speakerMention) spans.push({ claimId: claim.id, kind: "mention", ...claim.speakerMention });
    if (claim.cue) spans.push({ claimId: claim.id, kind: "cue", ...claim.cue });
  }
  return spans;
}

function paint(): void {
  const started = performance.now();
  const linked = linkedClaims();
  view.selectedId = state.selectedId;
  view.paint(state.claims, {
    classesOf,
    colourOf,
    extras: suggestions ? [...suggestions.extras(), ...form.extras()] : form.extras(),
    attributions: attributionsOf(linked),
    claimName: (id) => `claim ${(state.position.get(id) ?? 0) + 1}`,
  });
  main.dataset.paintMs = (performance.now() - started).toFixed(1);
  links.show(linked.map((claim) => claim.id));
  suggestions?.placeButtons();
  const count = view.uncovered;
  uncoveredLine.textContent = count
    ? `${count} ${count === 1 ? "sentence" : "sentences"} without a claim in this layer.`
    : "Every sentence has a claim in this layer.";
}

allLinksBox.addEventListener("change", () => {
  try {
    localStorage.setItem(ALL_LINKS_KEY, allLinksBox.checked ? "1" : "0");
  } catch {
    // not remembered, still applied
  }
  paint();
});

function renderList(): void {
  list.render(state.claims, { stances: data.stances, classesOf, isOther, isEditable });
  list.select(state.selectedId);
}

const hasAttribution = (id: number | null) => {
  const claim = id === null ? undefined : state.byId.get(id);
  return Boolean(claim?.speakerMention || claim?.cue);
};

/** Selects a claim in the text and in the list; `from` says where the user acted. */
function selectClaim(id: number, from: SelectSource): void {
  const previous = state.selectedId;
  state.selectedId = id;
  // The selected claim's mention and cue are painted with it (a repaint, only where there is one
  // to show or to take away), unless every claim's already are.
  if (!allLinksBox.checked && (hasAttribution(previous) || hasAttribution(id))) paint();
  else view.markSelected(id);
  list.select(id, { focus: from === "text" || from === "keys", scroll: true, orPage: from !== "text" });
  if (from !== "text") view.scrollToClaim(id);
}

function openClaim(id: number): void {
  const claim = state.byId.get(id);
  if (!claim) return;
  const editable = isEditable(claim);
  const notes: string[] = [];
  if (isOther(claim)) notes.push(`By ${claim.annotator.name}.`);
  if (!editable) {
    notes.push(
      data.canWrite
        ? "Read only: only its annotator or an admin can change it."
        : "Read only: researchers read claims.",
    );
  }
  form.openClaim(claim, editable, notes.join(" "), { claim: id });
}

// ------------------------------------------------------------------ the form and the list
const list = new ClaimList(
  { list: byId("claim-list"), count: byId("claim-count"), empty: byId("claims-empty") },
  { onSelect: (id, from) => selectClaim(id, from), onOpen: (id) => openClaim(id) },
);

const form = new ClaimForm(
  {
    articleId: data.article.id,
    projectId: data.article.projectId,
    stances: data.stances,
    targets: data.targets,
    slice: (start, end) => view.slice(start, end),
    find: (words, near) => view.find(words, near),
  },
  {
    onSpansChanged: () => paint(),
    onArmed: (key) => {
      view.container.classList.toggle("is-picking", Boolean(key));
      if (key)
        say(
          `Picking the ${key === "cue" ? "cue" : "mention"}: select its words in the article. Esc cancels.`,
        );
    },
    onSaved: (claim, created) => {
      recordSaved(claim, created);
      suggestions?.claimed(claim);
      const shown = isInLayer(claim);
      if (shown) upsert(claim);
      state.selectedId = shown ? claim.id : state.selectedId;
      renderList();
      form.close();
      // The undo notice (a status region too) says "saved"; saying it here as well would be heard twice.
      say(shown ? "" : "Claim saved. It is not in the layer shown: switch layers to see it.");
    },
    onDeleted: (claim) => {
      recordDeleted(claim);
      setClaims(state.claims.filter((other) => other.id !== claim.id));
      renderList();
      form.close();
      say("");
    },
    onCurrentLoaded: (claim) => {
      upsert(claim);
      renderList();
      paint();
      say("Loaded the current version of the claim.");
    },
    onClosed: (focusTo) => {
      paint();
      const item = focusTo?.claim === undefined ? null : list.itemOf(focusTo.claim);
      if (item) {
        revealInSide(item);
        item.focus({ preventScroll: true });
      } else if (focusTo?.sentence !== undefined)
        view.focusSentence(focusTo.sentence, { preventScroll: true });
    },
  },
);

// ------------------------------------------------------------------ suggestions
// Only where the user writes claims, and not over the gold layer (read here, written by curators).
const suggestions = document.getElementById("ws-suggestions")
  ? new Suggestions(data.article.id, {
      repaint: () => paint(),
      accepted: (claim) => {
        recordSaved(claim, true);
        if (!isInLayer(claim)) {
          repaintClaims();
          return "It is not in the layer shown: switch layers to see it.";
        }
        upsert(claim);
        repaintClaims();
        // Selected, so the label keys act on it at once; focus stays where the person works.
        state.selectedId = claim.id;
        view.markSelected(claim.id);
        list.select(claim.id, { focus: false, scroll: true, orPage: false });
        const keys = quickLabels.hint();
        return keys ? `Label it now by key: ${keys}.` : "";
      },
      open: (suggestion) =>
        form.openSuggested(suggestion, { sentence: sentenceAt(sentences, suggestion.start) }),
      show: (start, from) => {
        const index = sentenceAt(sentences, start);
        if (index === undefined) return;
        state.focus = index;
        state.anchor = index;
        // By keys in the text, focus follows the suggestion; chosen from the list, the text scrolls
        // to it (only if it is out of view) and focus stays on the list; clicked in the text, the
        // text stays where it is, under the pointer.
        if (from === "keys") view.focusSentence(index);
        else if (from === "list")
          view.container.querySelector("mark.is-suggestion-current")?.scrollIntoView({ block: "nearest" });
      },
    })
  : null;

/** Label keys on the selected claim, outside the form (after accepting a suggestion, at once). */
const quickLabels = new QuickLabels(data.stances, data.targets, {
  claim: () => {
    const claim = state.selectedId === null ? undefined : state.byId.get(state.selectedId);
    return data.canWrite && claim && isEditable(claim) ? claim : undefined;
  },
  saved: (claim) => {
    recordSaved(claim, false);
    upsert(claim);
    repaintClaims();
  },
  current: (claim) => {
    upsert(claim);
    repaintClaims();
  },
  say: (message) => say(message),
});

/** The suggestion keys: from the text, or from the suggestions' own list and buttons. */
const suggestionKeys: Record<string, ((from: "keys" | "list") => void) | undefined> = {
  "]": (from) => suggestions?.move(1, from),
  "[": (from) => suggestions?.move(-1, from),
  a: (from) => void suggestions?.accept(from),
  A: () => suggestions?.open(),
  x: (from) => void suggestions?.dismiss(from),
};

// ------------------------------------------------------------------ mouse
/** A selection in the article: picks a mention or cue, or sets the quote of a claim. */
function onTextSelection(exact: boolean): void {
  const selection = window.getSelection();
  const span = view.selectionSpan(selection);
  if (!span || !selection) return;
  if (form.armed) {
    const picked = view.trim(span);
    selection.removeAllRanges();
    if (picked) form.setSpan(form.armed, picked);
    return;
  }
  if (!data.canWrite) return;
  const snapped = exact ? null : snapToSentences(sentences, span.start, span.end);
  const quote = exact ? view.trim(span) : snapped;
  if (!quote) return;
  selection.removeAllRanges();
  view.setChosen(null);
  if (form.mode === "new" || form.mode === "edit") form.setSpanQuote(quote);
  else form.openNew(quote, { sentence: snapped?.first ?? sentenceAt(sentences, quote.start) });
}

document.addEventListener("mouseup", (event) => {
  const exact = event.altKey;
  // After the click event, so a click on a highlight sees the selection it ended.
  setTimeout(() => onTextSelection(exact), 0);
});

const SUGGESTION_MARK = "mark.is-suggestion, mark.is-suggestion-current";

/**
 * What the last single click in the text chose (a claim, or a suggestion), for the double-click that
 * may follow. The double-click acts on that choice rather than on what is under the pointer then: the
 * first click may have repainted the text, and the new marks are not hit-tested yet.
 */
let clicked: { claim: number } | { suggestion: true } | null = null;

/** The claims of a highlight, innermost last. */
const claimsOf = (mark: HTMLElement) => (mark.dataset.claims ?? "").split(" ").filter(Boolean).map(Number);

view.container.addEventListener("click", (event) => {
  // The second click of a double-click belongs to the double-click.
  if (event.detail > 1 || !window.getSelection()?.isCollapsed || form.armed) return;
  const mark = closestFrom(event.target, "mark[data-claims]");
  if (mark?.dataset.claims) {
    const ids = claimsOf(mark);
    const at = state.selectedId === null ? -1 : ids.indexOf(state.selectedId);
    // The innermost claim first; clicking again steps outwards through the claims covering the text.
    const id = at >= 0 ? ids[(at - 1 + ids.length) % ids.length]! : ids[ids.length - 1]!;
    selectClaim(id, "text");
    clicked = { claim: id };
    return;
  }
  const suggested = closestFrom(event.target, SUGGESTION_MARK);
  if (suggested && suggestions?.selectAt(view.offsetOf(suggested, 0))) clicked = { suggestion: true };
});

// A double-click on a highlight would select a word, and the word would open a new claim over the
// same sentence: instead it opens that claim (for editing, or to read), or that suggestion in the form.
view.container.addEventListener("mousedown", (event) => {
  if (event.detail <= 1) clicked = null;
  else if (clicked && !form.armed) event.preventDefault();
});
view.container.addEventListener("dblclick", () => {
  const choice = clicked;
  clicked = null;
  if (!choice || form.armed) return;
  window.getSelection()?.removeAllRanges();
  if ("claim" in choice) openClaim(choice.claim);
  else suggestions?.open();
});

// ------------------------------------------------------------------ keyboard
view.container.addEventListener("focusin", (event) => {
  const target = event.target;
  const index =
    target instanceof HTMLElement && target.classList.contains("sentence")
      ? Number(target.dataset.index)
      : -1;
  if (index >= 0 && index !== state.focus) {
    state.focus = index;
    state.anchor = index;
    view.setChosen(null);
  }
});

function moveSentence(step: number, extend: boolean): void {
  const count = sentences.length;
  if (!count) return;
  const next =
    state.focus < 0 ? (step > 0 ? 0 : count - 1) : Math.min(count - 1, Math.max(0, state.focus + step));
  if (!extend || state.anchor < 0) state.anchor = next;
  state.focus = next;
  const first = Math.min(state.anchor, next);
  const last = Math.max(state.anchor, next);
  view.setChosen(first, last);
  view.focusSentence(next);
  say(
    last > first
      ? `Sentences ${first + 1} to ${last + 1} of ${count} selected.`
      : `Sentence ${next + 1} of ${count}.`,
  );
}

function openFromSentences(): void {
  if (state.focus < 0) return;
  if (!data.canWrite) {
    say("Researchers read claims; only annotators and admins add them.");
    return;
  }
  const first = Math.min(state.anchor, state.focus);
  const last = Math.max(state.anchor, state.focus);
  const span = { start: sentences[first]!.start, end: sentences[last]!.end };
  view.setChosen(null);
  if (form.mode === "new" || form.mode === "edit") {
    form.setSpanQuote(span);
    form.type.focus();
  } else {
    form.openNew(span, { sentence: state.focus });
  }
}

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    if (form.armed) form.disarm();
    else if (form.isOpen) form.close();
    else return;
    event.preventDefault();
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
  const target = event.target;
  const inText = target === document.body || (target instanceof Node && view.container.contains(target));
  const onClaimsOrSuggestions =
    target instanceof Node && (list.contains(target) || Boolean(suggestions?.contains(target)));
  if ((inText || onClaimsOrSuggestions) && !form.isOpen && quickLabels.handles(event)) {
    event.preventDefault();
    void quickLabels.apply(event.key);
    return;
  }
  if (!inText) {
    // On the suggestions' list and buttons, their keys work too (Enter and Space press the buttons).
    const key = suggestionKeys[event.key];
    if (key && suggestions?.contains(target) && !form.isOpen) {
      event.preventDefault();
      key("list");
    }
    return;
  }
  const key = event.key.toLowerCase();
  if (key === "j" || key === "k") {
    event.preventDefault();
    moveSentence(key === "j" ? 1 : -1, event.shiftKey);
  } else if (event.key === "Enter" && target !== document.body) {
    event.preventDefault();
    openFromSentences();
  } else if (suggestions && suggestionKeys[event.key] && !form.isOpen) {
    event.preventDefault();
    suggestionKeys[event.key]!("keys");
  }
});

// ------------------------------------------------------------------ layers
layerSelect.addEventListener("change", async () => {
  const layer = layerSelect.value;
  const request = ++state.layerRequest;
  say("Loading the layer…");
  const url = `/api/v1/articles/${data.article.id}?layer=${encodeURIComponent(layer)}`;
  const result = await callApi<{ claims: PageClaim[] }>("GET", url);
  if (request !== state.layerRequest) return;
  if (!result.ok) {
    layerSelect.value = state.layer;
    say(`Could not load that layer: ${errorMessage(result)}`);
    return;
  }
  state.layer = layer;
  setClaims(result.data.claims);
  paint();
  renderList();
  const params = new URLSearchParams(window.location.search);
  params.set("layer", layer);
  window.history.replaceState(null, "", `?${params}`);
  const label = layerSelect.selectedOptions[0]?.textContent ?? layer;
  say(`Showing ${label}: ${state.claims.length} ${state.claims.length === 1 ? "claim" : "claims"}.`);
});

// ------------------------------------------------------------------ undo and redo
// The user's own creates, edits and deletes, undone through the versioned API (undo-history.ts),
// by Ctrl+Z / Cmd+Z (Ctrl+Shift+Z or Ctrl+Y redo) or the notice's buttons (notice.ts).
const notice = new Notice(byId("ws-notice"), {
  undo: () => void history.undo(),
  redo: () => void history.redo(),
});
const history = new UndoHistory(data.article.id, data.stances, {
  onClaimBack: (claim) => {
    if (isInLayer(claim)) upsert(claim);
    repaintClaims();
  },
  onClaimGone: (id) => {
    setClaims(state.claims.filter((claim) => claim.id !== id));
    repaintClaims();
  },
  onCurrent: (claim) => {
    if (isInLayer(claim)) upsert(claim);
    repaintClaims();
  },
  onReport: (message, can) => {
    notice.show(message, can);
    showHistory();
  },
});

// The same, always in view: Undo and Redo in the side's bar (the notice's own buttons go with it).
const undoButton = document.getElementById("ws-undo");
const redoButton = document.getElementById("ws-redo");
function showHistory(): void {
  for (const [button, available] of [
    [undoButton, history.canUndo],
    [redoButton, history.canRedo],
  ] as const) {
    if (!button) continue;
    if (available) button.removeAttribute("aria-disabled");
    else button.setAttribute("aria-disabled", "true");
  }
}
undoButton?.addEventListener("click", () => {
  if (undoButton.getAttribute("aria-disabled") !== "true") void history.undo();
});
redoButton?.addEventListener("click", () => {
  if (redoButton.getAttribute("aria-disabled") !== "true") void history.redo();
});

function isInLayer(claim: ClaimJson): boolean {
  const layer = state.layer;
  return layer === "all" || layer === "mine" || Number(layer) === claim.annotator.id;
}

function repaintClaims(): void {
  renderList();
  paint();
}

/** Called before the page takes the saved claim in, so an edit's old values are still there. */
function recordSaved(claim: ClaimJson, created: boolean): void {
  const before = state.byId.get(claim.id);
  if (created) history.recordCreate(claim);
  else if (before) history.recordEdit(before, claim);
  else return;
  notice.show(created ? "Claim saved." : "Changes saved.", history);
  showHistory();
}

function recordDeleted(claim: WorkspaceClaim): void {
  history.recordDelete(claim);
  notice.show("Claim deleted.", history);
  showHistory();
}

function historyCommand(event: KeyboardEvent): "undo" | "redo" | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return null;
  const key = event.key.toLowerCase();
  if (key === "z") return event.shiftKey ? "redo" : "undo";
  if (key === "y" && event.ctrlKey && !event.shiftKey) return "redo";
  return null;
}

/** Text fields keep the browser's own undo of typing; so does the open claim form as a whole. */
function keepsOwnUndo(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.closest("input, textarea, #claim-form") !== null;
}

document.addEventListener("keydown", (event) => {
  const command = historyCommand(event);
  if (!command || !data.canWrite || event.defaultPrevented || keepsOwnUndo(event.target)) return;
  event.preventDefault();
  void (command === "undo" ? history.undo() : history.redo());
});

// ------------------------------------------------------------------ first paint
setClaims(data.claims);
paint();
renderList();
main.dataset.claims = String(state.claims.length);
// Links from the Claims page (#claim-42) open the article on that claim's highlight.
const linked = /^#claim-(\d+)$/.exec(window.location.hash);
if (linked && state.byId.has(Number(linked[1]))) selectClaim(Number(linked[1]), "link");
main.dataset.scriptMs = (performance.now() - scriptStarted).toFixed(1);
requestAnimationFrame(() => {
  main.dataset.painted = String(Math.round(performance.now()));
});
installGuidelinesDialog();
installPanels();
// After the first paint: the suggester runs on the server and the text is readable meanwhile.
requestAnimationFrame(() => void suggestions?.load());
