// Re-anchoring after an edit (src/text/reanchor.ts, issue 20): 5,000 claim spans of a 10,000-word
// article (the evaluation set's texts as paragraphs) moved to a corrected revision (20 words
// respelled, a paragraph added at the top, two paragraphs swapped, one removed), beside the
// cheapest pass over both texts: reading them as code points.
import { reanchorSpans } from "../../src/text/reanchor.js";
import { loadEvaluationSet } from "../suggestions/evaluation-set.js";

const WORDS = 10_000;
const SPANS = 5_000;
const RUNS = 5;

function revisions() {
  const texts = loadEvaluationSet().map((entry) => entry.text);
  const paragraphs: string[] = [];
  for (let i = 0; paragraphs.join(" ").split(/\s+/).length < WORDS; i += 1)
    paragraphs.push(texts[i % texts.length]!);
  const before = paragraphs.join("\n\n");
  const edited = [...paragraphs];
  [edited[3], edited[7]] = [edited[7]!, edited[3]!];
  edited.splice(12, 1);
  let after = `Correction appended on 8 December.\n\n${edited.join("\n\n")}`;
  for (const [from, to] of [
    [" said ", " told reporters "],
    [" the ", " the "],
  ] as const)
    for (
      let count = 0, at = after.indexOf(from);
      count < 10 && at !== -1;
      count += 1, at = after.indexOf(from, at + 500)
    )
      after = after.slice(0, at) + to + after.slice(at + from.length);
  return { before, after };
}

/** Spans of a few words spread over the text, as claims, cues and mentions are. */
function spansOf(text: string) {
  const points = Array.from(text).length;
  return Array.from({ length: SPANS }, (_, i) => {
    const start = Math.floor((i * points) / SPANS);
    return { start, end: Math.min(points, start + 8 + (i % 40)) };
  });
}

function medianMs(work: () => unknown): number {
  work();
  const times: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

export function measureReanchor() {
  const { before, after } = revisions();
  const spans = spansOf(before);
  const moved = reanchorSpans(before, after, spans);
  const counts = { exact: 0, reanchored: 0, needs_review: 0 };
  for (const item of moved) counts[item.anchor] += 1;
  const ms = medianMs(() => reanchorSpans(before, after, spans));
  const baselineMs = medianMs(() => Array.from(before).length + Array.from(after).length);
  return {
    words: before.split(/\s+/).length,
    spans: SPANS,
    ...counts,
    medianMs: Math.round(ms),
    codePointsBaselineMs: Math.round(baselineMs * 10) / 10,
    ratio: Math.round((ms / baselineMs) * 10) / 10,
    targetMs: 1000,
  };
}
