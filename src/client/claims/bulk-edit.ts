// Bulk edits on the Claims page: choose claims (or every claim matching the filters), pick a
// change, read the server's preview of what will change, apply, and undo from the notice. The
// server does the work (POST /api/v1/claims/bulk-edits…); this page never lists all the claims.
import { plural } from "../../text/plural.js";
import { callApi, errorMessage } from "../lib/api.js";
import { byId, element } from "../lib/dom.js";
import { attachSpeakerSuggestions } from "../lib/speaker-suggest.js";

type Action = "set_stance" | "set_target" | "set_type" | "set_speaker" | "delete";

interface Preview {
  id: number;
  selected: number;
  notFound: number;
  willChange: number;
  unchanged: number;
  notApplicable: number;
  changedSince: number;
  from: { value: string; count: number }[];
  projects: { id: number; name: string; count: number }[];
}

interface Outcomes {
  id: number;
  outcomes: Record<string, number>;
}

/** The notice of the last apply survives the page reload that shows the changed rows. */
const NOTICE_KEY = "claimant.bulk-edit.notice";

export function startBulkEdit(): void {
  showStoredNotice();
  const panel = document.getElementById("bulk-edit");
  if (!panel) return;
  panel.hidden = false;
  const picks = [...document.querySelectorAll<HTMLInputElement>("input.bulk-pick")];
  const pagePick = byId("bulk-page", HTMLInputElement);
  const all = byId("bulk-all", HTMLInputElement);
  const action = byId("bulk-action", HTMLSelectElement);
  const previewButton = byId("bulk-preview", HTMLButtonElement);
  const problem = byId("bulk-problem");
  const filters = JSON.parse(panel.dataset.filters ?? "{}") as Record<string, unknown>;

  const chosen = () => picks.filter((pick) => pick.checked);
  const refresh = () => {
    const count = chosen().length;
    byId("bulk-count").textContent = all.checked
      ? "Every claim matching the filters is chosen"
      : count === 0
        ? "No claims chosen"
        : `${plural(count, "claim")} chosen`;
    pagePick.checked = count > 0 && count === picks.length;
    pagePick.indeterminate = count > 0 && count < picks.length;
    previewButton.disabled = !all.checked && count === 0;
    for (const choice of document.querySelectorAll<HTMLElement>("[data-bulk-value]")) {
      choice.hidden = choice.id !== `bulk-value-${action.value}`;
    }
  };
  for (const pick of picks) pick.addEventListener("change", refresh);
  pagePick.addEventListener("change", () => {
    for (const pick of picks) pick.checked = pagePick.checked;
    refresh();
  });
  all.addEventListener("change", refresh);
  action.addEventListener("change", refresh);
  const speaker = byId("bulk-speaker", HTMLInputElement);
  const project = document.getElementById("f-project");
  attachSpeakerSuggestions(speaker, {
    projectId: () => (project instanceof HTMLSelectElement && project.value ? project.value : undefined),
    onChoose: () => (problem.hidden = true),
  });
  refresh();

  previewButton.addEventListener("click", () => {
    if (action.value === "set_speaker" && !speaker.dataset.speakerId) {
      problem.textContent = "Type the new speaker's name and choose them from the suggestions.";
      problem.hidden = false;
      return speaker.focus();
    }
    const value = action.value === "delete" ? undefined : valueOf(action.value as Action);
    const selection = all.checked
      ? { filters }
      : {
          claims: chosen().map((pick) => ({
            id: Number(pick.dataset.id),
            version: Number(pick.dataset.version),
          })),
        };
    void preview({ action: action.value, value, selection }, problem);
  });
}

/** The chosen new value; the empty option clears (null). */
function valueOf(action: Action): string | number | null {
  if (action === "set_speaker") return Number(byId("bulk-speaker", HTMLInputElement).dataset.speakerId);
  const select = byId(`bulk-value-${action}`, HTMLSelectElement);
  return select.value === "" ? null : select.value;
}

async function preview(request: object, problem: HTMLElement): Promise<void> {
  problem.hidden = true;
  const result = await callApi<Preview>("POST", "/api/v1/claims/bulk-edits", request);
  if (!result.ok) {
    problem.textContent = errorMessage(result);
    problem.hidden = false;
    return;
  }
  const dialog = byId("bulk-dialog", HTMLDialogElement);
  const summary = result.data;
  const total = dialog.querySelector("[data-bulk-total]");
  if (total) total.textContent = plural(summary.willChange, "claim");
  byId("bulk-summary").replaceChildren(...describe(summary));
  const apply = byId("bulk-apply", HTMLButtonElement);
  apply.disabled = summary.willChange === 0;
  apply.onclick = () => void applyEdit(summary.id, dialog, apply);
  byId("bulk-cancel", HTMLButtonElement).onclick = () => dialog.close();
  dialog.showModal();
  (summary.willChange === 0 ? byId("bulk-cancel", HTMLButtonElement) : apply).focus();
}

/** What the preview says, in sentences: how many change, from what, and what is left alone. */
function describe(summary: Preview): HTMLElement[] {
  const parts: HTMLElement[] = [
    element(
      "p",
      `${plural(summary.willChange, "claim")} will change, of ${summary.selected.toLocaleString("en")} chosen.`,
    ),
  ];
  if (summary.from.length > 0) {
    const list = element("ul");
    for (const { value, count } of summary.from)
      list.append(element("li", `${plural(count, "claim")} now ${value}`));
    parts.push(element("p", "They are now:"), list);
  }
  const leftAlone = [
    [summary.unchanged, "already have that value"],
    [summary.notApplicable, "are in projects without that choice (or where it is retired)"],
    [summary.changedSince, "were changed by someone since this page was loaded"],
    [summary.notFound, "are not yours to change, or are gone"],
  ] as const;
  for (const [count, reason] of leftAlone) {
    if (count > 0) parts.push(element("p", `${plural(count, "claim")} ${reason}: left as they are.`));
  }
  if (summary.projects.length > 1) {
    parts.push(element("p", `In ${summary.projects.map((p) => `${p.name} (${p.count})`).join(", ")}.`));
  }
  return parts;
}

async function applyEdit(id: number, dialog: HTMLDialogElement, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  const result = await callApi<Outcomes>("POST", `/api/v1/claims/bulk-edits/${id}/apply`);
  dialog.close();
  if (!result.ok) {
    showNotice(errorMessage(result), undefined);
    return;
  }
  const { applied = 0, conflict = 0 } = result.data.outcomes;
  const conflicts =
    conflict > 0
      ? ` ${plural(conflict, "claim was", "claims were")} changed by someone meanwhile and left alone.`
      : "";
  sessionStorage.setItem(
    NOTICE_KEY,
    JSON.stringify({ id, text: `Changed ${plural(applied, "claim")}.${conflicts}` }),
  );
  location.reload();
}

function showStoredNotice(): void {
  const stored = sessionStorage.getItem(NOTICE_KEY);
  sessionStorage.removeItem(NOTICE_KEY);
  if (!stored) return;
  const { id, text } = JSON.parse(stored) as { id: number; text: string };
  showNotice(text, id);
}

function showNotice(text: string, undoId: number | undefined): void {
  const notice = byId("bulk-notice");
  byId("bulk-notice-text").textContent = text;
  const undo = byId("bulk-undo", HTMLButtonElement);
  undo.hidden = undoId === undefined;
  undo.disabled = false;
  undo.onclick = () => {
    if (undoId === undefined) return;
    undo.disabled = true;
    void callApi<Outcomes>("POST", `/api/v1/claims/bulk-edits/${undoId}/undo`).then((result) => {
      if (!result.ok) return showNotice(errorMessage(result), undefined);
      const { undone = 0, undo_conflict: kept = 0 } = result.data.outcomes;
      const note =
        kept > 0 ? ` ${plural(kept, "claim was", "claims were")} changed since and kept as they are.` : "";
      sessionStorage.setItem(
        NOTICE_KEY,
        JSON.stringify({ text: `Undone: ${plural(undone, "claim")} put back.${note}` }),
      );
      location.reload();
    });
  };
  notice.hidden = false;
}
