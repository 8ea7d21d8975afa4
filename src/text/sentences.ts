// Sentence splitting for news text with exact offsets into the original string.
// Zero dependencies: Intl.Segmenter (ICU, UAX #29) over-splits; the merge rules
// below remove its false splits. Offsets are JS UTF-16 indices, end exclusive,
// whitespace between sentences excluded.
//
//   splitSentences(text) -> [{ start, end }]    text.slice(start, end) is the sentence

import type { CodePointIndex } from "./code-points.js";

export interface SentenceSpan {
  start: number;
  end: number;
}

const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });
const WS = /\s/;

function trimSpan(text: string, start: number, end: number): SentenceSpan | null {
  while (start < end && WS.test(text[start]!)) start++;
  while (end > start && WS.test(text[end - 1]!)) end--;
  return start < end ? { start, end } : null;
}

// ---------------------------------------------------------------- blocks
/** 1. Paragraphs: a blank line (only whitespace on it) always ends a sentence. */
function paragraphs(text: string): SentenceSpan[] {
  const out: SentenceSpan[] = [];
  let last = 0;
  for (const m of text.matchAll(/\n[^\S\n]*\n\s*/g)) {
    const sp = trimSpan(text, last, m.index!);
    if (sp) out.push(sp);
    last = m.index! + m[0].length;
  }
  const sp = trimSpan(text, last, text.length);
  if (sp) out.push(sp);
  return out;
}

/**
 * 2. Head lines: inside a paragraph, a single newline ends a sentence when the
 * line before it is short (<= 60 chars), has no final . ! ? , ; or quote, and the
 * next line starts with a capital, digit or quote: datelines ("PARIS, March 14"),
 * headlines, bylines. Other single newlines are line wrapping (see step 3).
 */
function headLines(text: string, block: SentenceSpan): SentenceSpan[] {
  const out: SentenceSpan[] = [];
  let s = block.start;
  for (let i = text.indexOf("\n", s); i >= 0 && i < block.end; i = text.indexOf("\n", i + 1)) {
    const line = text.slice(s, i).trim();
    const nextLine = text.slice(i + 1, block.end).trimStart();
    if (
      line.length > 0 &&
      line.length <= 60 &&
      !/[.!?,;"”']$/.test(line) &&
      /^[\p{Lu}\d"“']/u.test(nextLine)
    ) {
      const sp = trimSpan(text, s, i);
      if (sp) out.push(sp);
      s = i + 1;
    }
  }
  const sp = trimSpan(text, s, block.end);
  if (sp) out.push(sp);
  return out;
}

// ---------------------------------------------------------------- merge rules
const set = (s: string) => new Set(s.split(/\s+/).filter(Boolean));
/** Titles: never end a sentence; merge when followed by a capital or digit. */
const TITLES = set(`mr mrs ms messrs dr prof gen lt col maj capt cmdr adm sgt cpl pvt gov sen rep
  rev fr msgr pres supt det insp amb atty hon mt ft vs v`);
/** Only meaningful before a number (AP style abbreviates a month only before a day). */
const BEFORE_DIGIT = set(`no nos vol fig pp art jan feb mar apr jun jul aug sep sept oct nov dec`);
/** Can end a sentence (U.S., Inc., Co., Jr., a.m., St., state abbreviations). Merge
 * when followed by a digit, or by a capitalised word that is not a common opener. */
const AMBIGUOUS = set(`inc co corp ltd llc plc bros jr sr st ave blvd rd ct hwy
  ala ariz ark calif colo conn del fla ga ill ind kan ky la md mass mich minn miss mo mont neb nev
  okla ore pa tenn va vt wash wis wyo`);
/** Words that commonly open a news sentence. A capitalised word not listed here,
 * after an ambiguous abbreviation or an initial, is taken as a name ("U.S. Senate"). */
const OPENERS = set(`the a an it its he she they we i you this that these those there here his her
  their our my your but and or so yet however meanwhile still also then now in on at for with by
  from to as after before when while if although though since because despite during under over
  about according some many most all both each few several one two three no none nothing other
  others another such what who whom whose why how where which earlier later last next until unless
  once instead only even not just more less officials analysts shares police`);

const LEAD = /^[\s"“'‘([]*/u;
const firstWord = (s: string) => (s.replace(LEAD, "").match(/^[\p{L}\d'’]+/u) || [""])[0];
const startsCap = (s: string) => /^\p{Lu}/u.test(s.replace(LEAD, ""));
const startsDigit = (s: string) => /^\d/.test(s);
const isNameLike = (s: string) => startsCap(s) && !OPENERS.has(firstWord(s).toLowerCase());
/** Word (letters with inner dots) before the final "." of a piece: "U.S", "Sept", "p.m". */
const lastWord = (s: string) => (s.match(/(?:^|[^\p{L}.])((?:\p{L}+\.)*\p{L}+)\.$/u) || [])[1];
const isDottedAcronym = (w: string) => /^(?:\p{L}\.){2,}$/u.test(w + ".");

/** Is a double quotation open at the end of s? Straight quotes toggle. */
function quoteOpen(s: string): boolean {
  let open = false;
  for (const ch of s) {
    if (ch === "“") open = true;
    else if (ch === "”") open = false;
    else if (ch === '"') open = !open;
  }
  return open;
}

type Rule = (prev: string, next: string, rest: string, gap: string) => boolean;
export const RULES: Record<string, Rule> = {
  /** no whitespace between the pieces ("Amazon.|com", "know.|..") */
  noGap: (_p, _n, _r, gap) => gap === "",
  /** next piece starts lower-case: ?" / !" + "he said", "... and then" (not "iPhone", "eBay") */
  lowerNext: (_p, next) => /^\p{Ll}/u.test(next) && !/^\p{Ll}+\p{Lu}/u.test(next),
  /** split right after a known abbreviation */
  abbrev: (prev, next) => {
    const w = lastWord(prev);
    if (!w) return false;
    const k = w.toLowerCase();
    if (TITLES.has(k)) return startsCap(next) || startsDigit(next);
    if (BEFORE_DIGIT.has(k)) return startsDigit(next);
    if (AMBIGUOUS.has(k) || isDottedAcronym(w)) return startsDigit(next) || isNameLike(next);
    return false;
  },
  /** a single capital initial ("George W." / "J. R. R.") before a name */
  initial: (prev, next) =>
    /(?:^|[\s("“])\p{Lu}\.$/u.test(prev) && (isNameLike(next) || /^\p{Lu}\./u.test(next)),
  /** inside a double quote that closes later in the paragraph and is continued by
   * attribution: closing mark preceded by "," or followed by a lower-case word */
  openQuote: (prev, _n, rest) => {
    if (!quoteOpen(prev)) return false;
    const i = rest.search(/["”]/);
    if (i < 0) return false;
    return rest[i - 1] === "," || /^\p{Ll}/u.test(rest.slice(i + 1).trimStart());
  },
};
const RULE_LIST = Object.values(RULES);

// ---------------------------------------------------------------- ICU in windows
/** ICU's sentence iterator slows with the square of a string's length once it holds many
 * sentences (1,000,000 characters of short sentences: 23 s; in windows: under 0.1 s). */
const WINDOW = 16_384;

/**
 * ICU's sentence breaks over windows of the text: a window's last two segments are dropped
 * and the next window starts where they began, so every break kept was decided with the
 * text after it in view (a break's rules look ahead only to the next letter). A window
 * with fewer than three segments grows until it has them or reaches the end.
 */
export function* icuSentences(chunk: string, windowSize = WINDOW): Generator<SentenceSpan> {
  let from = 0;
  let size = windowSize;
  while (from < chunk.length) {
    const to = Math.min(chunk.length, from + size);
    const segments = [...segmenter.segment(chunk.slice(from, to))];
    if (to === chunk.length) {
      for (const seg of segments)
        yield { start: from + seg.index, end: from + seg.index + seg.segment.length };
      return;
    }
    if (segments.length < 3) {
      size *= 2;
      continue;
    }
    const kept = segments.slice(0, -2);
    for (const seg of kept) yield { start: from + seg.index, end: from + seg.index + seg.segment.length };
    from += segments[segments.length - 2]!.index;
    size = windowSize;
  }
}

// ---------------------------------------------------------------- main
export function splitSentences(text: string): SentenceSpan[] {
  const out: SentenceSpan[] = [];
  for (const para of paragraphs(text)) {
    for (const block of headLines(text, para)) {
      // 3. a single newline left inside a block is wrapping: same-length
      //    substitution keeps offsets (ICU would always break at a newline)
      const chunk = text.slice(block.start, block.end).replace(/[\r\n\u2028\u2029\v\f\u0085]/g, " ");
      const pieces: SentenceSpan[] = [];
      for (const seg of icuSentences(chunk)) {
        const sp = trimSpan(text, block.start + seg.start, block.start + seg.end);
        if (sp) pieces.push(sp);
      }
      // 4. merge false splits
      const merged: SentenceSpan[] = [];
      for (const cur of pieces) {
        const prev = merged[merged.length - 1];
        if (prev) {
          const p = text.slice(prev.start, prev.end);
          const n = text.slice(cur.start, cur.end);
          const rest = text.slice(cur.start, block.end);
          const gap = text.slice(prev.end, cur.start);
          if (RULE_LIST.some((r) => r(p, n, rest, gap))) {
            prev.end = cur.end;
            continue;
          }
        }
        merged.push({ ...cur });
      }
      out.push(...merged);
    }
  }
  return out;
}

/** Sentence spans in code points of the body, as stored and as the API and exports give them. */
export function sentenceSpansInCodePoints(index: CodePointIndex): SentenceSpan[] {
  return splitSentences(index.text).map(({ start, end }) => ({
    start: index.toCodePoint(start),
    end: index.toCodePoint(end),
  }));
}
