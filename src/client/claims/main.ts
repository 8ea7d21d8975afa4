// The Claims page: fills in the number of matches, which the server counts separately so that
// the rows never wait for a count over a million claims; and bulk edits of the listed claims.
import { startBulkEdit } from "./bulk-edit.js";
import { startSpeakerFilter } from "./speaker-filter.js";

async function fillCount(): Promise<void> {
  const status = document.querySelector<HTMLElement>("[data-count-url]");
  if (!status?.dataset.countUrl) return;
  const number = status.querySelector("[data-claim-count]");
  const noun = status.querySelector("[data-claim-count-noun]");
  if (!number || !noun) return;
  try {
    const response = await fetch(status.dataset.countUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(String(response.status));
    const { total } = (await response.json()) as { total: number };
    number.textContent = total.toLocaleString("en");
    noun.textContent = total === 1 ? "claim matches" : "claims match";
  } catch {
    number.textContent = "Could not count";
    noun.textContent = "the matching claims; reload to try again";
  }
}

/** A page refused for a filter it could not read: the first field to fix takes the focus. */
function focusFirstProblem(): void {
  if (!document.getElementById("filter-problems")) return;
  document.querySelector<HTMLElement>('.filters [aria-invalid="true"]')?.focus();
}

// Module scripts run before DOMContentLoaded, so the page's markup is there; wait anyway, as the
// script did when it was a deferred classic one.
document.addEventListener("DOMContentLoaded", () => {
  focusFirstProblem();
  void fillCount();
  startSpeakerFilter();
  startBulkEdit();
});
