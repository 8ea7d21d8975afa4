/** Growing a selection to whole sentences: shared by the workspace page and its tests. */

export interface Span {
  start: number;
  end: number;
}

export interface SnappedSpan extends Span {
  /** Numbers of the first and last sentence taken. */
  first: number;
  last: number;
}

/**
 * The whole sentences a selection touches: part of sentence A through part of sentence B gives
 * A.start..B.end. Ends in the gap between sentences snap to the nearest sentence inside the
 * selection. Null when the selection holds no sentence text.
 *
 * @param sentences in order, not overlapping, in code points
 */
export function snapToSentences(
  sentences: ReadonlyArray<Span>,
  start: number,
  end: number,
): SnappedSpan | null {
  if (end <= start) return null;
  // First sentence whose end is after `start`; last sentence whose start is before `end`.
  const first = lowerBound(sentences, (sentence) => sentence.end > start);
  const last = lowerBound(sentences, (sentence) => sentence.start >= end) - 1;
  if (first >= sentences.length || last < first) return null;
  return { start: sentences[first]!.start, end: sentences[last]!.end, first, last };
}

/** The number of the sentence holding `offset`, if any. */
export function sentenceAt(sentences: ReadonlyArray<Span>, offset: number): number | undefined {
  return snapToSentences(sentences, offset, offset + 1)?.first;
}

/** First index where `test` holds, for a test that is false then true along the array. */
function lowerBound<T>(items: ReadonlyArray<T>, test: (item: T) => boolean): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (test(items[middle]!)) high = middle;
    else low = middle + 1;
  }
  return low;
}
