// Moving spans (claims, their cue and speaker mention) from one revision of a text to the next
// (issue 20). Spans whose words are untouched keep their exact text at new offsets, mapped through
// a word-level diff of the two texts (jsdiff's diffWordsWithSpace). Spans whose words changed are
// re-anchored by their words and their context (as the W3C TextQuoteSelector does) only when the
// place is unambiguous and the words close; every other span needs review and keeps its old text.
// A span is never attached to different words without saying so. Offsets are code points.
import { diffChars, diffWordsWithSpace } from "diff";
import { CodePointIndex } from "./code-points.js";

export interface Span {
  start: number;
  end: number;
}

export type Anchor = "exact" | "reanchored" | "needs_review";

export interface Moved {
  anchor: Anchor;
  /** Where the span is in the new text; null when it needs review. */
  span: Span | null;
}

/** Words re-anchored must be this close to the old ones (1 − edits / length, after normalising). */
const MIN_SIMILARITY = 0.8;
/** Context read on each side of a span to tell its occurrences apart, in characters. */
const CONTEXT = 32;

/** Old-text offsets mapped to new-text offsets, segment by segment of a word diff. */
class OffsetMap {
  /** [oldStart, newStart, length, equal] of each segment, in text order (UTF-16). */
  private readonly segments: {
    old: number;
    new: number;
    oldLength: number;
    newLength: number;
    equal: boolean;
  }[] = [];

  constructor(before: string, after: string) {
    let old = 0;
    let next = 0;
    let pending: { oldLength: number; newLength: number } | null = null;
    const flush = () => {
      if (!pending) return;
      this.segments.push({
        old,
        new: next,
        oldLength: pending.oldLength,
        newLength: pending.newLength,
        equal: false,
      });
      old += pending.oldLength;
      next += pending.newLength;
      pending = null;
    };
    // A removal and an insertion next to each other are one replaced segment.
    for (const part of diffWordsWithSpace(before, after)) {
      if (!part.added && !part.removed) {
        flush();
        this.segments.push({
          old,
          new: next,
          oldLength: part.value.length,
          newLength: part.value.length,
          equal: true,
        });
        old += part.value.length;
        next += part.value.length;
      } else {
        pending ??= { oldLength: 0, newLength: 0 };
        if (part.removed) pending.oldLength += part.value.length;
        else pending.newLength += part.value.length;
      }
    }
    flush();
  }

  /** The segment holding old offset `at` (a start belongs to the segment it opens). */
  private segmentAt(at: number, side: "start" | "end") {
    return this.segments[this.lastOpening(at, side === "start")];
  }

  /** The last segment that opens before `at` (or at it, with `inclusive`), by binary search; 0 if none. */
  private lastOpening(at: number, inclusive: boolean): number {
    let low = 0;
    let high = this.segments.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      const old = this.segments[middle]!.old;
      if (inclusive ? old <= at : old < at) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /**
   * Where old offset `at` is in the new text, and whether the words around it are untouched:
   * inside an equal segment the offset moves with it; inside a replaced one a start goes to the
   * replacement's start and an end to its end.
   */
  map(at: number, side: "start" | "end"): { at: number; untouched: boolean } {
    const segment = this.segmentAt(at, side);
    if (!segment) return { at, untouched: true };
    if (segment.equal) return { at: segment.new + (at - segment.old), untouched: true };
    return { at: side === "start" ? segment.new : segment.new + segment.newLength, untouched: false };
  }

  /** Whether the old range [start, end) lies inside equal segments only. */
  untouched(start: number, end: number): boolean {
    // From the segment the span starts in: 5,000 spans never walk the whole diff each.
    for (let index = this.lastOpening(start, false); index < this.segments.length; index += 1) {
      const segment = this.segments[index]!;
      if (segment.old >= end && !(segment.oldLength === 0 && segment.old === end)) break;
      if (segment.old + segment.oldLength <= start && !(segment.oldLength === 0 && segment.old === start))
        continue;
      // An insertion exactly at a boundary leaves the span's own words alone.
      if (!segment.equal && (segment.oldLength > 0 || (segment.old > start && segment.old < end)))
        return false;
    }
    return true;
  }
}

/** Quotation marks, dashes and spaces as one form each: a normalisation changes no words. */
function normalised(text: string): string {
  return text
    .replace(/[‘’‚‛′']/g, "'")
    .replace(/[“”„‟″"«»]/g, '"')
    .replace(/[‐‑‒–—―]/g, "-")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * 1 − characters removed and added / both lengths, after normalising quotation marks, dashes and
 * spaces: 1 for the same words, 0 for nothing in common (one letter changed in 40 is 0.975).
 */
export function similarity(a: string, b: string): number {
  const left = normalised(a);
  const right = normalised(b);
  if (left === right) return 1;
  const total = left.length + right.length;
  let edits = 0;
  for (const part of diffChars(left, right)) if (part.added || part.removed) edits += part.value.length;
  return 1 - edits / total;
}

/** Every start of `needle` in `text` (UTF-16). */
function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  if (!needle) return found;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) found.push(at);
  return found;
}

/** How much of the old context around a span the new text has around `at` (0 to 2). */
function contextScore(
  before: string,
  span: { start: number; end: number },
  after: string,
  at: number,
  length: number,
) {
  const prefix = before.slice(Math.max(0, span.start - CONTEXT), span.start);
  const suffix = before.slice(span.end, span.end + CONTEXT);
  const newPrefix = after.slice(Math.max(0, at - CONTEXT), at);
  const newSuffix = after.slice(at + length, at + length + CONTEXT);
  return similarity(prefix, newPrefix) + similarity(suffix, newSuffix);
}

/**
 * Moves spans of `before` to `after`. Untouched words map exactly; words found again unchanged
 * elsewhere (a paragraph moved) are exact if one place fits their context best; changed words are
 * re-anchored where the diff puts them when they stay close to the old ones; the rest need review.
 */
export function reanchorSpans(before: string, after: string, spans: readonly Span[]): Moved[] {
  const oldIndex = new CodePointIndex(before);
  const newIndex = new CodePointIndex(after);
  const map = new OffsetMap(before, after);
  return spans.map((span) => {
    const start = oldIndex.toUtf16(span.start);
    const end = oldIndex.toUtf16(span.end);
    const words = before.slice(start, end);
    const inNew = (from: number, to: number): Span => ({
      start: newIndex.toCodePoint(from),
      end: newIndex.toCodePoint(to),
    });
    if (map.untouched(start, end)) {
      const mapped = map.map(start, "start").at;
      return { anchor: "exact", span: inNew(mapped, mapped + words.length) };
    }
    // The same words elsewhere (moved): the occurrence whose context fits best, if one does.
    const places = occurrences(after, words);
    if (places.length > 0 && words.trim().length > 0) {
      const scored = places
        .map((at) => ({ at, score: contextScore(before, { start, end }, after, at, words.length) }))
        .sort((a, b) => b.score - a.score);
      const [best, second] = scored;
      if (best && (!second || best.score - second.score >= 0.5) && (places.length === 1 || best.score >= 1))
        return { anchor: "exact", span: inNew(best.at, best.at + words.length) };
      return { anchor: "needs_review", span: null };
    }
    // Changed words: where the diff puts the span's ends, if what is there is close to them.
    const from = map.map(start, "start");
    const to = map.map(end, "end");
    if (to.at > from.at) {
      const candidate = after.slice(from.at, to.at);
      if (similarity(words, candidate) >= MIN_SIMILARITY)
        return { anchor: "reanchored", span: inNew(from.at, to.at) };
    }
    return { anchor: "needs_review", span: null };
  });
}
