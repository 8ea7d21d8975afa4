/**
 * Highlights over an article body as flat segments: pure layout, no DOM, shared by the workspace
 * page and its tests. Offsets are code points of the body, as everywhere in Claimant.
 */

export type SpanId = number | string;

export interface LayoutSpan {
  id: SpanId;
  start: number;
  end: number;
}

export interface LayoutSegment {
  start: number;
  end: number;
  /** The spans covering the segment, by start (ties: longer first): the last is the innermost. */
  ids: ReadonlyArray<SpanId>;
}

/**
 * Cuts [0, length) into segments at every span boundary and every extra cut (sentence and
 * paragraph boundaries), and lists for each segment the spans covering it.
 *
 * Sweep line: boundaries and span starts/ends are sorted once (O(n log n)), then walked once.
 * A segment where nothing changed shares the previous segment's array, so callers can cache
 * whatever they derive from it by identity.
 */
export function layoutSegments(
  length: number,
  cuts: Iterable<number>,
  spans: ReadonlyArray<LayoutSpan>,
): LayoutSegment[] {
  const clamp = (value: number) => (value < 0 ? 0 : value > length ? length : value);
  const valid: LayoutSpan[] = [];
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

  const segments: LayoutSegment[] = [];
  // A Set keeps insertion order, which is start order: the ids come out outermost first.
  const active = new Set<LayoutSpan>();
  let nextStart = 0;
  let nextEnd = 0;
  let ids: SpanId[] = [];
  let changed = true;
  let previous = -1;
  for (let i = 0; i < sorted.length; i += 1) {
    const at = sorted[i]!;
    if (at === previous) continue;
    previous = at;
    while (nextEnd < byEnd.length && byEnd[nextEnd]!.end <= at) {
      active.delete(byEnd[nextEnd]!);
      nextEnd += 1;
      changed = true;
    }
    while (nextStart < byStart.length && byStart[nextStart]!.start <= at) {
      const span = byStart[nextStart]!;
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

function nextDistinct(sorted: Float64Array, i: number, at: number): number | undefined {
  for (let j = i + 1; j < sorted.length; j += 1) if (sorted[j] !== at) return sorted[j];
  return undefined;
}

interface Bounds {
  start: number;
  end: number;
}

/**
 * Whether some claim overlaps each sentence. One sweep: a sentence is covered when the furthest
 * end among claims starting before the sentence ends lies past its start.
 */
export function coveredSentences(sentences: readonly Bounds[], claims: readonly Bounds[]): boolean[] {
  const byStart = claims.map((claim) => claim).sort((a, b) => a.start - b.start);
  const order = sentences.map((_, i) => i).sort((a, b) => sentences[a]!.start - sentences[b]!.start);
  const covered: boolean[] = new Array<boolean>(sentences.length).fill(false);
  let next = 0;
  let furthest = -Infinity;
  for (const i of order) {
    const sentence = sentences[i]!;
    while (next < byStart.length && byStart[next]!.start < sentence.end) {
      const claim = byStart[next]!;
      if (claim.end > claim.start) furthest = Math.max(furthest, claim.end);
      next += 1;
    }
    covered[i] = furthest > sentence.start;
  }
  return covered;
}
