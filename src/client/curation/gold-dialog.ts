// The gold-claim dialog: each field offers the values the source claims gave it (with who gave
// them), preselecting the most common one, plus every other choice of the project. Used to accept
// with edits, to merge a group, to add a claim of one's own and to edit a gold claim.
import type { ClaimJson } from "../../claims/claims.present.js";
import { quotedShort } from "../../curation/quote-display.js";
import { byId, element, within } from "../lib/dom.js";

export interface Choices {
  types: string[];
  stances: { key: string; label: string }[];
  targets: string[];
}

/** What the dialog returns: the claim's fields in the API's claim shape. */
export interface GoldFields {
  start: number;
  end: number;
  quote: string;
  type: string;
  speaker: { id: number } | { name: string } | null;
  speakerMention: { start: number; end: number } | null;
  cue: { start: number; end: number } | null;
  stance: string | null;
  target: string | null;
  note: string;
}

export interface DialogRequest {
  title: string;
  hint: string;
  /** The claims whose values are offered (with their annotators' names). */
  sources: ClaimJson[];
  /** A span of one's own (adding a claim): offered first. */
  span?: { start: number; end: number; quote: string };
  save: (fields: GoldFields) => Promise<string | null>;
}

interface Option {
  value: string;
  label: string;
}

const dialog = byId("cur-dialog", HTMLDialogElement);
const form = byId("cur-form", HTMLFormElement);
const errorLine = byId("cur-dialog-error");
const select = (name: string) => within(form, `select[name="${name}"]`, HTMLSelectElement);
const speakerName = within(form, 'input[name="speakerName"]', HTMLInputElement);
const note = within(form, 'textarea[name="note"]', HTMLTextAreaElement);

/** Distinct values of a field among the sources, each labelled with who gave it, most common first. */
function offered(
  sources: ClaimJson[],
  value: (claim: ClaimJson) => string,
  label: (claim: ClaimJson) => string,
) {
  const byValue = new Map<string, { label: string; names: string[] }>();
  for (const claim of sources) {
    const key = value(claim);
    const entry = byValue.get(key) ?? { label: label(claim), names: [] };
    entry.names.push(claim.annotator.name);
    byValue.set(key, entry);
  }
  return [...byValue.entries()]
    .sort((a, b) => b[1].names.length - a[1].names.length)
    .map(([key, entry]) => ({ value: key, label: `${entry.label} (${entry.names.join(", ")})` }));
}

function fill(name: string, options: Option[], rest: Option[] = []) {
  const target = select(name);
  target.replaceChildren();
  const seen = new Set<string>();
  for (const option of [...options, ...rest]) {
    if (seen.has(option.value)) continue;
    seen.add(option.value);
    const node = element("option", option.label);
    node.value = option.value;
    target.append(node);
  }
  target.selectedIndex = 0;
}

const spanKey = (span: { start: number; end: number } | null) => (span ? `${span.start}:${span.end}` : "");
const noneOption = { value: "", label: "(none)" };

let current: DialogRequest | null = null;
const quotes = new Map<string, string>();

export function openGoldDialog(request: DialogRequest, choices: Choices): void {
  current = request;
  byId("cur-dialog-title").textContent = request.title;
  byId("cur-dialog-hint").textContent = request.hint;
  errorLine.hidden = true;
  const { sources } = request;
  quotes.clear();
  for (const claim of sources) quotes.set(spanKey(claim), claim.quote);
  const own = request.span
    ? [{ value: spanKey(request.span), label: `${quotedShort(request.span.quote)} (selected)` }]
    : [];
  if (request.span) quotes.set(spanKey(request.span), request.span.quote);
  fill("span", [...own, ...offered(sources, spanKey, (claim) => quotedShort(claim.quote))]);
  fill(
    "type",
    offered(
      sources,
      (claim) => claim.type,
      (claim) => claim.type,
    ),
    choices.types.map((type) => ({ value: type, label: type })),
  );
  fill(
    "speaker",
    offered(
      sources,
      (claim) => (claim.speaker ? String(claim.speaker.id) : ""),
      (claim) => claim.speaker?.name ?? "(none)",
    ),
    [noneOption],
  );
  speakerName.value = "";
  fill(
    "mention",
    offered(
      sources,
      (claim) => spanKey(claim.speakerMention),
      (claim) => claim.speakerMention?.text ?? "(none)",
    ),
    [noneOption],
  );
  fill(
    "cue",
    offered(
      sources,
      (claim) => spanKey(claim.cue),
      (claim) => claim.cue?.text ?? "(none)",
    ),
    [noneOption],
  );
  fill(
    "stance",
    offered(
      sources,
      (claim) => claim.stance ?? "",
      (claim) => claim.stanceLabel ?? claim.stance ?? "(none)",
    ),
    [...choices.stances.map((stance) => ({ value: stance.key, label: stance.label })), noneOption],
  );
  fill(
    "target",
    offered(
      sources,
      (claim) => claim.target ?? "",
      (claim) => claim.target ?? "(none)",
    ),
    [...choices.targets.map((target) => ({ value: target, label: target })), noneOption],
  );
  note.value = sources.length === 1 ? (sources[0]?.note ?? "") : "";
  dialog.showModal();
  select("span").focus();
}

function spanOf(value: string) {
  if (!value) return null;
  const [start, end] = value.split(":").map(Number);
  return { start: start!, end: end! };
}

function readFields(): GoldFields {
  const span = spanOf(select("span").value)!;
  const name = speakerName.value.trim();
  const speakerId = select("speaker").value;
  return {
    ...span,
    quote: quotes.get(select("span").value) ?? "",
    type: select("type").value,
    speaker: name ? { name } : speakerId ? { id: Number(speakerId) } : null,
    speakerMention: spanOf(select("mention").value),
    cue: spanOf(select("cue").value),
    stance: select("stance").value || null,
    target: select("target").value || null,
    note: note.value,
  };
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const request = current;
  if (!request) return;
  void request.save(readFields()).then((problem) => {
    if (problem === null) {
      dialog.close();
      return;
    }
    errorLine.textContent = problem;
    errorLine.hidden = false;
  });
});

within(form, "[data-close]").addEventListener("click", () => dialog.close());

// Control+Enter saves from any field, as in the workspace's claim form (Enter on a select does not submit).
form.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    form.requestSubmit();
  }
});

export function dialogOpen(): boolean {
  return dialog.open;
}
