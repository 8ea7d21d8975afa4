// Pure layout of highlights over an article body; no DOM. Used by the workspace page and its tests.
// Offsets are Unicode code points of the body, as everywhere in Claimant.

/**
 * Cuts [0, length) into segments at every span boundary and every extra cut (sentence and
 * paragraph boundaries), and lists for each segment the spans covering it.
 *
 * Sweep line: boundaries and span starts/ends are sorted once (O(n log n)), then walked once.
 * Each segment's `ids` lists the covering spans ordered by start (ties: longer first), so the
 * last id is the innermost span. A segment where nothing changed shares the previous array.
 *
 * @param {number} length body length in code points
 * @param {Iterable<number>} cuts extra cut positions, any order, duplicates allowed
 * @param {ReadonlyArray<{ id: number | string, start: number, end: number }>} spans
 * @returns {{ start: number, end: number, ids: ReadonlyArray<number | string> }[]}
 */
export function layoutSegments(length, cuts, spans) {
  const clamp = (value) => (value < 0 ? 0 : value > length ? length : value);
  const valid = [];
  for (const span of spans) {
    const start = clamp(span.start);
    const end = clamp(span.end);
    if (end > start) valid.push({ id: span.id, start, end });
  }

  const points = [0, length];
  for (const cut of cuts) points.push(clamp(cut));
  for (const span of valid) points.push(span.start, span.end);
  const sorted = Float64Array.from(points).sort();

  const byStart = valid.slice().sort((a, b) => a.start - b.start || b.end - a.end);
  const byEnd = valid.slice().sort((a, b) => a.end - b.end);

  const segments = [];
  /** @type {Set<{ id: number | string, start: number, end: number }>} insertion order = start order */
  const active = new Set();
  let nextStart = 0;
  let nextEnd = 0;
  let ids = [];
  let changed = true;
  let previous = -1;
  for (let i = 0; i < sorted.length; i += 1) {
    const at = sorted[i];
    if (at === previous) continue;
    previous = at;
    while (nextEnd < byEnd.length && byEnd[nextEnd].end <= at) {
      active.delete(byEnd[nextEnd]);
      nextEnd += 1;
      changed = true;
    }
    while (nextStart < byStart.length && byStart[nextStart].start <= at) {
      const span = byStart[nextStart];
      if (span.end > at) active.add(span);
      nextStart += 1;
      changed = true;
    }
    const next = nextDistinct(sorted, i, at);
    if (next === undefined || at >= length) break;
    if (changed) {
      ids = [];
      for (const span of active) ids.push(span.id);
      changed = false;
    }
    segments.push({ start: at, end: next, ids });
  }
  return segments;
}

function nextDistinct(sorted, i, at) {
  for (let j = i + 1; j < sorted.length; j += 1) if (sorted[j] !== at) return sorted[j];
  return undefined;
}

/**
 * UTF-16 index of every code point of `text` (and text.length at the end), to slice the body by
 * code-point offsets: text.slice(index[start], index[end]).
 *
 * @param {string} text
 * @returns {Uint32Array}
 */
export function codePointIndex(text) {
  const offsets = new Uint32Array(text.length + 1);
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    offsets[count] = i;
    count += 1;
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) i += 1;
  }
  offsets[count] = text.length;
  return offsets.slice(0, count + 1);
}

/**
 * Number of code points in a string.
 * @param {string} text
 */
export function codePointLength(text) {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    count += 1;
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) i += 1;
  }
  return count;
}

/**
 * The whole sentences a selection touches: part of sentence A through part of sentence B gives
 * A.start..B.end. Ends in the gap between sentences snap to the nearest sentence inside the
 * selection. Returns null when the selection holds no sentence text.
 *
 * @param {ReadonlyArray<{ start: number, end: number }>} sentences in order, not overlapping
 * @param {number} start
 * @param {number} end
 * @returns {{ start: number, end: number, first: number, last: number } | null}
 */
export function snapToSentences(sentences, start, end) {
  if (end <= start) return null;
  // First sentence whose end is after `start`; last sentence whose start is before `end`.
  const first = lowerBound(sentences, (sentence) => sentence.end > start);
  const last = lowerBound(sentences, (sentence) => sentence.start >= end) - 1;
  if (first >= sentences.length || last < first) return null;
  return { start: sentences[first].start, end: sentences[last].end, first, last };
}

/** First index where `test` holds, for a test that is false then true along the array. */
function lowerBound(items, test) {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (test(items[middle])) high = middle;
    else low = middle + 1;
  }
  return low;
}
