// The attribution patterns of news text, sentence by sentence: a quotation with its cue and
// speaker (either order, split quotations, a colon after a name), reported speech ("X said
// that …", "…, X said", "according to X, …"), accusations and denials, and quotations that go on
// in the next sentence or paragraph. UTF-16 offsets; suggest.ts turns them into code points.
import { splitSentences } from "../text/sentences.js";
import { Entities, type Entity } from "./entities.js";
import { ADDRESSEE_CUES, CUE_VERBS, OBJECT_CUES } from "./lexicon.js";
import { findNames, type NameMention } from "./names.js";
import { commaParts, phraseIn, subjectAfter, subjectBefore, type SpeakerPhrase } from "./phrases.js";
import { findQuotations, type Quotation } from "./quotations.js";

export interface Attribution {
  start: number;
  end: number;
  type: "direct" | "indirect" | "mixed";
  cue: { start: number; end: number } | null;
  phrase: SpeakerPhrase | null;
  entity: Entity | null;
  confidence: number;
}

interface Cue {
  start: number;
  end: number;
  word: string;
}

const VERBS = [...new Set(CUE_VERBS)].sort((a, b) => b.length - a.length);
const CUE_PATTERN = new RegExp(
  `\\b(?:${VERBS.map((verb) => verb.replace(/ /g, "\\s+")).join("|")}|[Aa]ccording\\s+to)\\b`,
  "g",
);

interface Context {
  text: string;
  quotes: Quotation[];
  names: NameMention[];
  entities: Entities;
}

const insideQuote = (quotes: Quotation[], at: number) =>
  quotes.some((quote) => at > quote.start && at < quote.end);
const onlyPunctuation = (text: string) => /^[\s,:;.—–-]*$/.test(text);

function cuesIn(context: Context, from: number, to: number): Cue[] {
  const cues: Cue[] = [];
  for (const match of context.text.slice(from, to).matchAll(CUE_PATTERN)) {
    const start = from + match.index;
    if (insideQuote(context.quotes, start)) continue;
    cues.push({ start, end: start + match[0].length, word: match[0].toLowerCase().replace(/\s+/g, " ") });
  }
  return cues;
}

/** Trims spaces and a clause's closing punctuation (not a closing quotation mark). */
function trimmed(text: string, start: number, end: number): [number, number] {
  while (start < end && /\s/.test(text[start]!)) start += 1;
  while (end > start && /[\s.,;:!?]/.test(text[end - 1]!)) end -= 1;
  return [start, end];
}

function typeOf(quotes: Quotation[], start: number, end: number): Attribution["type"] {
  if (quotes.some((quote) => quote.start === start && quote.end === end)) return "direct";
  return quotes.some((quote) => quote.start >= start && quote.end <= end) ? "mixed" : "indirect";
}

function make(
  context: Context,
  span: [number, number],
  cue: Cue | null,
  phrase: SpeakerPhrase | null,
  confidence: number,
): Attribution | null {
  const [start, end] = span;
  const type = typeOf(context.quotes, start, end);
  // Reported speech of one word is a stray match ("denied it"); a quoted word is a quotation.
  if (end - start < 3 || (type !== "direct" && !/\s/.test(context.text.slice(start, end).trim())))
    return null;
  const entity = phrase ? context.entities.resolve(phrase) : null;
  return {
    start,
    end,
    type,
    cue: cue ? { start: cue.start, end: cue.end } : null,
    phrase,
    entity,
    confidence: entity ? confidence : confidence - 0.3,
  };
}

/** What follows a cue: "that" skipped, and for "told reporters that …" whom it was told. */
function contentAfter(context: Context, cue: Cue, sentenceEnd: number): [number, number] | null {
  const rest = context.text.slice(cue.end, sentenceEnd);
  let offset = 0;
  if (ADDRESSEE_CUES.has(cue.word)) {
    const that = /^[^.,;:“"]{0,60}?\bthat\s+/.exec(rest);
    if (that) offset = that[0].length;
    else if (!/^\s*(?:that\b)/.test(rest) && cue.word !== "warned" && cue.word !== "warns") return null;
  }
  const skip = /^\s*(?:that\s+)?/.exec(rest.slice(offset))!;
  offset += skip[0].length;
  if (!OBJECT_CUES.has(cue.word) && /^(?:on|in|at|during)\b/i.test(rest.slice(offset))) return null;
  const span = trimmed(context.text, cue.end + offset, sentenceEnd);
  return span[1] > span[0] ? span : null;
}

function quotationsOf(context: Context, from: number, to: number) {
  return context.quotes.filter((quote) => quote.start >= from && quote.start < to);
}

/** One sentence's attributions. */
function inSentence(context: Context, from: number, to: number): Attribution[] {
  const { text } = context;
  const cues = cuesIn(context, from, to);
  const quotes = quotationsOf(context, from, to);
  if (cues.length === 0) return colonAttribution(context, from, to, quotes);
  const cue = cues[0]!;
  if (cue.word === "according to") return accordingTo(context, cue, from, to);

  const before = quotes.filter((quote) => quote.end <= cue.start);
  const after = quotes.filter((quote) => quote.start >= cue.end);
  const lastBefore = before[before.length - 1];
  const between = lastBefore ? text.slice(lastBefore.end, cue.start) : "";
  const subject =
    lastBefore && !onlyPunctuation(between)
      ? subjectBefore(text, lastBefore.end, cue.start, context.names)
      : null;
  if (
    lastBefore &&
    /^(?:$|[\s,—–-])/.test(between) &&
    (onlyPunctuation(between) || subject?.clauseEnd === null)
  ) {
    // “…,” said X / “…,” X said, and the quotations after the cue that go on from it.
    const phrase = subject ? subject.phrase : subjectAfter(text, cue.end, to, context.names);
    const resume = Math.max(cue.end, phrase?.end ?? cue.end);
    const followers = after.filter(
      (quote) =>
        /^[\s,]*$/.test(text.slice(resume, quote.start)) || /[.,]\s*$/.test(text.slice(cue.end, quote.start)),
    );
    return [lastBefore, ...followers]
      .map((quote) => make(context, [quote.start, quote.end], cue, phrase, 0.9))
      .filter(isFound);
  }
  const firstAfter = after[0];
  if (firstAfter) {
    const between = text.slice(cue.end, firstAfter.start);
    const subject = subjectBefore(text, from, cue.start, context.names);
    if (/^[\s,:]*$/.test(between)) {
      return [make(context, [firstAfter.start, firstAfter.end], cue, subject?.phrase ?? null, 0.9)].filter(
        isFound,
      );
    }
    const content = contentAfter(context, cue, to);
    return content ? [make(context, content, cue, subject?.phrase ?? null, 0.8)].filter(isFound) : [];
  }
  return reported(context, cue, from, to);
}

const isFound = (attribution: Attribution | null): attribution is Attribution => attribution !== null;

/** Reported speech: "X said (that) …", "…, X said", "…, said X". */
function reported(context: Context, cue: Cue, from: number, to: number): Attribution[] {
  const { text } = context;
  const outlet = outletReport(context, cue, from);
  if (outlet) return [outlet];
  const subject = subjectBefore(text, from, cue.start, context.names);
  if (subject && subject.clauseEnd !== null) {
    return [make(context, trimmed(text, from, subject.clauseEnd), cue, subject.phrase, 0.8)].filter(isFound);
  }
  if (subject) {
    const content = contentAfter(context, cue, to);
    return content ? [make(context, content, cue, subject.phrase, 0.8)].filter(isFound) : [];
  }
  const beforeCue = text.slice(from, cue.start);
  if (/,\s*$/.test(beforeCue)) {
    const phrase = subjectAfter(text, cue.end, to, context.names);
    if (phrase)
      return [make(context, trimmed(text, from, from + beforeCue.lastIndexOf(",")), cue, phrase, 0.8)].filter(
        isFound,
      );
  }
  return [];
}

/** "…, Assistant to the President …, Hikmat Hajiyev, Trend reports": the outlet reports what the named person said. */
function outletReport(context: Context, cue: Cue, from: number): Attribution | null {
  if (cue.word !== "reports" && cue.word !== "reported") return null;
  const parts = commaParts(context.text, from, cue.start);
  const outlet = parts[parts.length - 1];
  if (!outlet || parts.length < 3 || !/^\p{Lu}[\p{L}-]*$/u.test(outlet.text)) return null;
  const speaker = context.names
    .filter((name) => name.kind === "person" && name.end <= outlet.start && name.start >= parts[1]!.start)
    .pop();
  if (!speaker) return null;
  const phrase: SpeakerPhrase = { start: speaker.start, end: speaker.end, kind: "name", name: speaker };
  return make(context, trimmed(context.text, parts[0]!.start, parts[0]!.end), null, phrase, 0.6);
}

function accordingTo(context: Context, cue: Cue, from: number, to: number): Attribution[] {
  const { text } = context;
  if (text.slice(from, cue.start).trim() === "") {
    const comma = text.indexOf(",", cue.end);
    if (comma === -1 || comma >= to) return [];
    const part = commaParts(text, cue.end, comma)[0];
    const phrase = part ? phraseIn(text, part, context.names) : null;
    return [make(context, trimmed(text, comma + 1, to), cue, phrase, 0.85)].filter(isFound);
  }
  const comma = text.lastIndexOf(",", cue.start);
  const end = comma >= from ? comma : cue.start;
  const part = commaParts(text, cue.end, to)[0];
  const phrase = part ? phraseIn(text, part, context.names) : null;
  return [make(context, trimmed(text, from, end), cue, phrase, 0.85)].filter(isFound);
}

/** "Marco Silva: “We were not good enough.”" */
function colonAttribution(context: Context, from: number, to: number, quotes: Quotation[]): Attribution[] {
  const name = context.names.find((mention) => mention.start === from && mention.kind === "person");
  if (!name || context.text[name.end] !== ":") return [];
  const quote = quotes.find((candidate) => /^:\s*$/.test(context.text.slice(name.end, candidate.start)));
  if (!quote) return [];
  const phrase: SpeakerPhrase = { start: name.start, end: name.end, kind: "name", name };
  return [
    make(context, [quote.start, quote.end], { start: name.end, end: name.end + 1, word: ":" }, phrase, 0.85),
  ].filter(isFound);
}

/**
 * Quotations with no cue of their own that go on from an attributed one: the next sentence of
 * the same speaker (“…,” she said. “…”), or a paragraph left open whose next paragraph is attributed.
 */
function continuations(
  context: Context,
  found: Attribution[],
  sentences: { start: number; end: number }[],
): Attribution[] {
  const added: Attribution[] = [];
  const covered = (quote: Quotation) =>
    found.some((item) => item.start <= quote.start && item.end >= quote.end);
  const alone = (quote: Quotation) => {
    const from = sentences.find((sentence) => sentence.end > quote.start)?.start ?? quote.start;
    const to = [...sentences].reverse().find((sentence) => sentence.start < quote.end)?.end ?? quote.end;
    return (
      onlyPunctuation(context.text.slice(from, quote.start)) &&
      onlyPunctuation(context.text.slice(quote.end, to))
    );
  };
  const ordered = [...context.quotes].sort((a, b) => a.start - b.start);
  for (const [index, quote] of ordered.entries()) {
    if (covered(quote) || !alone(quote)) continue;
    // Backwards: the last direct quotation before it, with no other quotation or blank line between.
    const previous = [...found, ...added]
      .filter((item) => item.type === "direct" && item.end <= quote.start)
      .sort((a, b) => b.end - a.end)[0];
    const gap = previous ? context.text.slice(previous.end, quote.start) : "";
    const goesOn =
      previous !== undefined &&
      gap.length < 200 &&
      !/[“”"]/.test(gap) &&
      (!/\n\s*\n/.test(gap) || (previous.end === ordered[index - 1]?.end && ordered[index - 1]!.open));
    // Forwards: left open at its paragraph's end, and the next paragraph's quotation is attributed.
    const next = ordered[index + 1];
    const closedBy =
      next && quote.open
        ? found.find((item) => item.start === next.start && item.type === "direct")
        : undefined;
    const source = closedBy ?? (goesOn ? previous : undefined);
    if (source)
      added.push({ ...source, start: quote.start, end: quote.end, type: "direct", confidence: 0.7 });
  }
  return added;
}

export function findAttributions(text: string): Attribution[] {
  const quotes = findQuotations(text);
  const names = findNames(text);
  const context: Context = { text, quotes, names, entities: new Entities(text, names) };
  const sentences = splitSentences(text);
  const found: Attribution[] = [];
  for (const sentence of sentences) found.push(...inSentence(context, sentence.start, sentence.end));
  found.push(...continuations(context, found, sentences));
  return found.sort((a, b) => a.start - b.start);
}
