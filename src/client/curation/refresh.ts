// Brings the curation page up to date after a decision: its state from the server (the rows the
// decision changed, then any other row whose fingerprint changed too), drawn in place by patch.ts.
import type { CurationPageData, CurationState } from "../../curation/curation.present.js";
import { callApi, type ApiResult } from "../lib/api.js";
import { draw, page, say } from "./choice.js";
import { applyState, missingRows, parseRows } from "./patch.js";

export function problem(result: ApiResult<unknown>): string {
  if (result.ok) return "";
  return (
    result.data?.error?.message ??
    `The server answered ${result.status}, so nothing was changed. Try again, or reload the page.`
  );
}

async function fetchState(rows: string[] | null) {
  const query = rows === null ? "" : `?rows=${rows.join(",")}`;
  return callApi<CurationState>("GET", `/articles/${page.data.articleId}/curate/state${query}`);
}

/**
 * Brings the page up to date from the server: asks for the rows `expected` to change, and then
 * for any other row whose fingerprint shows it changed too (someone else's decisions, a new
 * group). False (and says so) when it could not.
 */
export async function refresh(expected: string[] = []): Promise<boolean> {
  let result = await fetchState(expected);
  if (!result.ok) return couldNotRefresh(result);
  let state = result.data;
  const fresh = parseRows(state.html.rows);
  const groups = { ...state.groups };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const missing = missingRows(state, fresh);
    if (missing.length === 0) break;
    result = await fetchState(missing.length > 400 ? null : missing);
    if (!result.ok) return couldNotRefresh(result);
    state = result.data;
    for (const [key, row] of parseRows(state.html.rows)) fresh.set(key, row);
    Object.assign(groups, state.groups);
  }
  const columns = (annotators: CurationPageData["annotators"]) => annotators.map((one) => one.id).join();
  if (
    columns(state.page.annotators) !== columns(page.data.annotators) ||
    missingRows(state, fresh).length > 0
  ) {
    // Someone else's first claim on the article adds a column, or the article keeps changing
    // under us: the whole page is drawn anew.
    location.reload();
    return false;
  }
  const drawn = applyState({ ...state, groups }, fresh, page.data.groups);
  page.data = { ...state.page, groups: drawn };
  draw({ quiet: true });
  return true;
}

function couldNotRefresh(result: ApiResult<unknown>): false {
  say(`The page could not be brought up to date (${problem(result)}) Reload it to see the current claims.`);
  return false;
}
