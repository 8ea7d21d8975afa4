// Guidelines as HTML without holding up other requests. markdown-it renders 200,000 characters
// (the most a version may hold) in up to about a second when they are tables or long lists, and
// the guidelines are shown on every workspace page: so a text longer than RENDER_INLINE_MAX is
// rendered in a worker thread (off-thread.ts), and every result is kept (versions never change),
// keyed by a hash of the text. A render that takes longer than renderLimits.timeoutMs (or a worker
// that dies) gives the text as written instead of formatted.
import { renderGuidelines } from "./guidelines.render.js";
import { TextCache } from "../threads/text-cache.js";
import { OffThread } from "../threads/off-thread.js";

/** Texts up to this long render on the request's own thread (a few milliseconds at most). */
export const RENDER_INLINE_MAX = 10_000;

export const renderLimits = {
  /** A render in the worker that takes longer than this is stopped; the text is shown as written. */
  timeoutMs: 10_000,
};
/** Rendered guidelines kept: at most this many characters of HTML. */
const cache = new TextCache<string>(8_000_000);
const inFlight = new Map<string, Promise<string>>();

/** Safe HTML for a guidelines text, from the cache, this thread (short texts) or the worker. */
export async function guidelinesHtml(source: string): Promise<string> {
  if (source.length <= RENDER_INLINE_MAX) return renderGuidelines(source);
  const key = TextCache.keyOf(source);
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  let pending = inFlight.get(key);
  if (!pending) {
    pending = renderer.run(source).then(
      (html) => cache.set(key, html, html.length),
      () => {
        const html = asWritten(source);
        return cache.set(key, html, html.length);
      },
    );
    inFlight.set(key, pending);
    void pending.finally(() => inFlight.delete(key));
  }
  return pending;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** The fallback: the Markdown source, escaped, with a word on why. */
export function asWritten(source: string): string {
  return (
    '<p class="hint">These guidelines took too long to format, so they are shown as written.</p>\n' +
    `<pre>${source.replace(/[&<>"']/g, (character) => ESCAPES[character]!)}</pre>\n`
  );
}

const renderer = new OffThread<string, string>(new URL("./render.worker.js", import.meta.url), {
  timeoutMs: () => renderLimits.timeoutMs,
  // A runaway render stops at its own heap limit, not the server's.
  heapMb: 256,
});
