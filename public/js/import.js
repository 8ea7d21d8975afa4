// Upload and bulk-import forms. Multipart bodies are not read before the CSRF check, so these forms
// are sent with fetch and the token from <meta name="csrf-token"> in the X-CSRF-Token header.
// Without JavaScript the forms stay hidden and a <noscript> note says so.

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function articleLink(id, text) {
  const link = element("a", text);
  link.href = `/articles/${id}`;
  return link;
}

async function send(form, accept) {
  return fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    headers: { "X-CSRF-Token": csrfToken(), Accept: accept },
    credentials: "same-origin",
  });
}

async function problemOf(response) {
  try {
    const data = await response.json();
    if (data && data.error && data.error.message) return data.error.message;
  } catch {
    // not JSON: fall through
  }
  return `The server answered ${response.status}. Reload the page and try again.`;
}

function showProblem(report, message) {
  report.replaceChildren(element("p", message, "flash flash-error"));
  report.firstChild.setAttribute("role", "alert");
}

// ---------------------------------------------------------------------------- file upload

async function upload(form) {
  const report = form.querySelector("[data-report]");
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  report.replaceChildren(element("p", "Uploading…"));
  try {
    const response = await send(form, "application/json");
    if (!response.ok) return showProblem(report, await problemOf(response));
    const { results } = await response.json();
    const list = element("ul", undefined, "file-results");
    for (const result of results) {
      const item = element("li", undefined, `result-${result.status}`);
      item.append(element("strong", result.file), ` — ${result.status}`);
      if (result.message) item.append(`: ${result.message}`);
      if (result.articleId) item.append(" (", articleLink(result.articleId, "open"), ")");
      list.append(item);
    }
    const imported = results.filter((result) => result.status === "imported").length;
    report.replaceChildren(element("p", `${imported} of ${results.length} files imported.`), list);
    if (imported > 0) form.reset();
  } catch {
    showProblem(report, "The upload failed: check your connection and try again.");
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------------------- bulk import

async function* ndjson(response) {
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
      if (line.trim()) yield JSON.parse(line);
    }
    if (done) break;
  }
  if (buffer.trim()) yield JSON.parse(buffer);
}

async function bulkImport(form) {
  const report = form.querySelector("[data-report]");
  const box = form.querySelector("[data-progress]");
  const bar = box.querySelector("progress");
  const text = box.querySelector("[data-progress-text]");
  const button = form.querySelector('button[type="submit"]');
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
        text.textContent = `${seen} of ${bar.max} lines`;
        if (event.status === "invalid") bad.append(element("li", `line ${event.line}: ${event.message}`));
        if (event.status === "duplicate") {
          const item = element("li", `line ${event.line}: ${event.message} `);
          item.append("(", articleLink(event.articleId, "open"), ")");
          duplicates.append(item);
        }
      } else if (event.done) {
        finished = true;
        bar.value = bar.max;
        text.textContent =
          `Done: ${event.imported} imported, ${event.duplicates} already there, ` +
          `${event.invalid} not imported, of ${event.total} lines.`;
      } else if (event.error) {
        showProblem(report, event.error);
      }
    }
    if (!finished) text.textContent = `Stopped after ${seen} lines. Upload the file again to finish.`;
    if (bad.children.length > 0) report.append(element("h3", "Lines not imported"), bad);
    if (duplicates.children.length > 0) report.append(element("h3", "Already in the project"), duplicates);
  } catch {
    text.textContent = `Stopped after ${seen} lines: the connection broke. Upload the file again to finish.`;
  } finally {
    button.disabled = false;
  }
}

for (const [selector, run] of [
  ["form[data-upload-form]", upload],
  ["form[data-bulk-form]", bulkImport],
]) {
  for (const form of document.querySelectorAll(selector)) {
    form.hidden = false;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void run(form);
    });
  }
}
