// Upload and bulk-import forms. Multipart bodies are not read before the CSRF check, so these forms
// are sent with fetch and the token from <meta name="csrf-token"> in the X-CSRF-Token header.
// Without JavaScript the forms stay hidden and a <noscript> note says so.
import { filesImported, importDone, importStopped, linesRead } from "../articles/import-words.js";
import { element, pageCsrfToken } from "./lib/dom.js";

/** One file's outcome, as POST …/articles/upload answers it. */
interface UploadResult {
  file: string;
  status: string;
  message?: string;
  articleId?: number;
}

/** The lines of the bulk import's NDJSON progress stream. */
interface ImportEvent {
  total?: number;
  line?: number;
  status?: string;
  message?: string;
  articleId?: number;
  done?: boolean;
  imported?: number;
  duplicates?: number;
  invalid?: number;
  error?: string;
}

function articleLink(id: number, text: string): HTMLAnchorElement {
  const link = element("a", text);
  link.href = `/articles/${id}`;
  return link;
}

async function send(form: HTMLFormElement, accept: string): Promise<Response> {
  return fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    headers: { "X-CSRF-Token": pageCsrfToken(), Accept: accept },
    credentials: "same-origin",
  });
}

async function problemOf(response: Response): Promise<string> {
  try {
    const data = (await response.json()) as { error?: { message?: string } } | null;
    if (data?.error?.message) return data.error.message;
  } catch {
    // not JSON: fall through
  }
  return `The server answered ${response.status}. Reload the page and try again.`;
}

function showProblem(report: HTMLElement, message: string): void {
  const problem = element("p", message, "flash flash-error");
  problem.setAttribute("role", "alert");
  report.replaceChildren(problem);
}

function parts(form: HTMLFormElement) {
  const report = form.querySelector<HTMLElement>("[data-report]");
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  if (!report || !button) throw new Error("an import form without its report or button");
  return { report, button };
}

// ---------------------------------------------------------------------------- file upload

async function upload(form: HTMLFormElement): Promise<void> {
  const { report, button } = parts(form);
  button.disabled = true;
  report.replaceChildren(element("p", "Uploading…"));
  try {
    const response = await send(form, "application/json");
    if (!response.ok) return showProblem(report, await problemOf(response));
    const { results } = (await response.json()) as { results: UploadResult[] };
    const list = element("ul", undefined, "file-results");
    for (const result of results) {
      const item = element("li", undefined, `result-${result.status}`);
      item.append(element("strong", result.file), ` — ${result.status}`);
      if (result.message) item.append(`: ${result.message}`);
      if (result.articleId) item.append(" (", articleLink(result.articleId, "open"), ")");
      list.append(item);
    }
    const imported = results.filter((result) => result.status === "imported").length;
    report.replaceChildren(element("p", filesImported(imported, results.length)), list);
    if (imported > 0) form.reset();
  } catch {
    showProblem(report, "The upload failed: check your connection and try again.");
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------------------- bulk import

async function* ndjson(response: Response): AsyncGenerator<ImportEvent> {
  if (!response.body) return;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    buffer += decoder.decode(value, { stream: !done });
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.trim()) yield JSON.parse(line) as ImportEvent;
    }
    if (done) break;
  }
  if (buffer.trim()) yield JSON.parse(buffer) as ImportEvent;
}

async function bulkImport(form: HTMLFormElement): Promise<void> {
  const { report, button } = parts(form);
  const box = form.querySelector<HTMLElement>("[data-progress]");
  const bar = box?.querySelector("progress");
  const text = box?.querySelector<HTMLElement>("[data-progress-text]");
  if (!box || !bar || !text) throw new Error("a bulk import form without its progress bar");
  const bad = element("ol", undefined, "bad-lines");
  const duplicates = element("ol", undefined, "duplicate-lines");
  let seen = 0;
  let finished = false;
  button.disabled = true;
  box.hidden = false;
  bar.value = 0;
  bar.removeAttribute("max");
  text.textContent = "Uploading…";
  report.replaceChildren();
  try {
    const response = await send(form, "application/x-ndjson, application/json");
    if (!response.ok) {
      box.hidden = true;
      return showProblem(report, await problemOf(response));
    }
    for await (const event of ndjson(response)) {
      if (event.total !== undefined && event.line === undefined && !event.done) {
        bar.max = Math.max(1, event.total);
      } else if (event.line !== undefined) {
        seen += 1;
        bar.value = seen;
        text.textContent = linesRead(seen, bar.max);
        if (event.status === "invalid") bad.append(element("li", `line ${event.line}: ${event.message}`));
        if (event.status === "duplicate") {
          const item = element("li", `line ${event.line}: ${event.message} `);
          item.append("(", articleLink(event.articleId ?? 0, "open"), ")");
          duplicates.append(item);
        }
      } else if (event.done) {
        finished = true;
        bar.value = bar.max;
        text.textContent = importDone({
          imported: event.imported ?? 0,
          duplicates: event.duplicates ?? 0,
          invalid: event.invalid ?? 0,
          total: event.total ?? seen,
        });
      } else if (event.error) {
        showProblem(report, event.error);
      }
    }
    if (!finished) text.textContent = importStopped(seen);
    if (bad.children.length > 0) report.append(element("h3", "Lines not imported"), bad);
    if (duplicates.children.length > 0) report.append(element("h3", "Already in the project"), duplicates);
  } catch {
    text.textContent = importStopped(seen, ": the connection broke");
  } finally {
    button.disabled = false;
  }
}

for (const [selector, run] of [
  ["form[data-upload-form]", upload],
  ["form[data-bulk-form]", bulkImport],
] as const) {
  for (const form of document.querySelectorAll<HTMLFormElement>(selector)) {
    form.hidden = false;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void run(form);
    });
  }
}
