// The attribution patterns of news text, sentence by sentence: a quotation with its cue and
// speaker (either order, split quotations, a colon after a name), reported speech ("X said
// that …", "…, X said", "according to X, …"), accusations and denials, and quotations that go on
// in the next sentence or paragraph. UTF-16 offsets; suggest.ts turns them into code points.
import { splitSentences } from "../text/sentences.js";
import { Entities, type Entity } from "./entities.js";
import {
  ADDRESSEE_CUES,
  BODY_HEADS,
  CUE_LEMMAS,
  CUE_VERBS,
  NOUN_OBJECT_LEMMAS,
  OBJECT_CUES,
  PERSON_ROLES,
} from "./lexicon.js";
import { findNames, type NameMention } from "./names.js";
import {
  commaParts,
  loneName,
  phraseIn,
  subjectAfter,
  subjectBefore,
  type SpeakerPhrase,
} from "./phrases.js";
import { asProperNouns, isVerb, Tagged, tagText, type Token } from "./pos.js";
import { findQuotations, type Quotation } from "./quotations.js";

export interface Attribution {
  start: number;
  end: number;
  type: "direct" | "indirect" | "mixed";
  cue: { start: number; end: number } | null;
  phrase: SpeakerPhrase | null;
  entity: Entity | null;
  confidence: number;
  /** Found in a headline without a reporting word: kept only if the story reports the same claim. */
  headline?: boolean;
}

interface Cue {
  start: number;
  end: number;
  word: string;
  /** The verb's lemma ("say" for "said"), or the words of a multi-word cue. */
  lemma: string;
}

/** The cue words and lemmas of one run: the lexicon's, and those a project has confirmed. */
export interface CueVocabulary {
  pattern: RegExp;
  lemmas: ReadonlySet<string>;
}

function cuePattern(words: readonly string[]): RegExp {
  const escaped = [...new Set(words)]
    .sort((a, b) => b.length - a.length)
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ /g, "\\s+"));
  return new RegExp(`\\b(?:${escaped.join("|")}|[Aa]ccording\\s+to)\\b`, "g");
}

const LEXICON_CUES: CueVocabulary = { pattern: cuePattern(CUE_VERBS), lemmas: CUE_LEMMAS };

/**
 * The lexicon's cues with a project's own (word forms as annotators marked them, "fumed", "hit
 * back"; and their lemmas, so that other tenses count too).
 */
export function cueVocabulary(learned: {
  words: readonly string[];
  lemmas: readonly string[];
}): CueVocabulary {
  if (learned.words.length === 0 && learned.lemmas.length === 0) return LEXICON_CUES;
  return {
    pattern: cuePattern([...CUE_VERBS, ...learned.words]),
    lemmas: new Set([...CUE_LEMMAS, ...learned.lemmas]),
  };
}

interface Context {
  text: string;
  quotes: Quotation[];
  names: NameMention[];
  entities: Entities;
  tagged: Tagged;
  cues: CueVocabulary;
}

const insideQuote = (quotes: Quotation[], at: number) =>
  quotes.some((quote) => at > quote.start && at < quote.end);
const onlyPunctuation = (text: string) => /^[\s,:;.—–-]*$/.test(text);

/**
 * The cues of [from, to): reporting verbs tagged as verbs, in any tense ("has cautioned", "will
 * insist"), by their lemma, and the multi-word cues ("according to", "pointed out"). A listed
 * word that the tagger reads as a noun after a determiner ("the claims", "its estimates") is no cue.
 */
/**
 * "the claims", "its central claims are backed by …": after a determiner, an adjective or a
 * possessive, a reporting word is a noun whatever the tagger says.
 */
function nounUse(token: Token | undefined, previous: Token | undefined): boolean {
  if (!previous || !token) return false;
  if (token.pos === "NOUN" && /^(?:DET|ADJ|NUM|PRON)$/.test(previous.pos)) return true;
  // Only the forms that are nouns too: "the 40-year-old said" is a report.
  return (
    NOUN_FORMS.test(token.text) &&
    (/^(?:DET|ADJ)$/.test(previous.pos) || /^(?:its|his|her|their|our|my|your)$/i.test(previous.text))
  );
}

const NOUN_FORMS =
  /^(?:claims|notes|reports|estimates|comments|remarks|promises|pledges|statements|answers|replies|responses|warnings)$/i;

function cuesIn(context: Context, from: number, to: number): Cue[] {
  const cues = new Map<number, Cue>();
  for (const match of context.text.slice(from, to).matchAll(context.cues.pattern)) {
    const start = from + match.index;
    if (insideQuote(context.quotes, start)) continue;
    const word = match[0].toLowerCase().replace(/\s+/g, " ");
    const token = context.tagged.startingAt(start);
    const previous = token
      ? (context.tagged.at(token.start - 1) ?? context.tagged.at(token.start - 2))
      : undefined;
    if (word !== "according to" && nounUse(token, previous)) continue;
    // "Mother Says Maybe": a capitalised cue between capitalised words is part of a name.
    if (/^\p{Lu}/u.test(match[0]) && previous && /^\p{Lu}/u.test(previous.text) && start > from + 1) {
      const next = context.tagged.at(start + match[0].length + 1);
      if (next && /^\p{Lu}/u.test(next.text)) continue;
    }
    cues.set(start, { start, end: start + match[0].length, word, lemma: token?.lemma ?? word });
  }
  for (const token of context.tagged.within(from, to)) {
    if (cues.has(token.start) || insideQuote(context.quotes, token.start)) continue;
    const previous = context.tagged.at(token.start - 1) ?? context.tagged.at(token.start - 2);
    // "has been warning that": after an auxiliary the tagger may read the -ing form as a noun.
    const lemma =
      token.pos === "VERB"
        ? token.lemma
        : previous?.pos === "AUX" && token.pos === "NOUN"
          ? lemmaOfIng(context, token.text)
          : undefined;
    if (!lemma || !context.cues.lemmas.has(lemma) || nounUse(token, previous)) continue;
    cues.set(token.start, { ...token, word: token.text.toLowerCase(), lemma });
  }
  // "Asked whether he would resign, X said …" and "…, who asked not to be named, said …": the
  // question and the request for anonymity are not what was said.
  // "tells the story of comets": a story told is no claim.
  const story = (cue: Cue) =>
    cue.lemma === "tell" &&
    /^\s+(?:the|a|an|its|his|her|their)\s+(?:\w+\s+)?(?:story|stories|tale|tales|history)\b/i.test(
      context.text.slice(cue.end, cue.end + 40),
    );
  // "the minister said nothing of the kind": no words reported.
  const saidNothing = (cue: Cue) =>
    /^\s+(?:nothing|little|anything|it\s+all)\b/i.test(context.text.slice(cue.end, cue.end + 12));
  // "a song written for the centenary": a participle after a noun, no one writing a claim.
  const participleOfThing = (cue: Cue) => {
    const previous = context.tagged.at(cue.start - 1) ?? context.tagged.at(cue.start - 2);
    return cue.word === "written" && previous?.pos !== "AUX" && previous?.pos !== "ADV";
  };
  // "pleaded not guilty to four counts": a plea, not a claim the court reports.
  const plea = (cue: Cue) =>
    cue.lemma === "plead" && /^\s+(?:not\s+)?guilty\b/i.test(context.text.slice(cue.end, cue.end + 12));
  // "will recall about 210,000 hatchbacks": goods recalled, not something remembered aloud.
  const goodsRecalled = (cue: Cue) =>
    cue.lemma === "recall" && !/^\s*(?:that\b|[,:“"‘'.]|$)/i.test(context.text.slice(cue.end, cue.end + 8));
  const aside = (cue: Cue) =>
    story(cue) ||
    saidNothing(cue) ||
    participleOfThing(cue) ||
    plea(cue) ||
    goodsRecalled(cue) ||
    (cue.lemma === "ask" &&
      (/^\s*(?:not\s+to\s+be|to\s+remain|for\s+anonymity)\b/i.test(
        context.text.slice(cue.end, cue.end + 24),
      ) ||
        (/^\s*$/.test(context.text.slice(from, cue.start)) &&
          /^\s*(?:whether|about|if|why|how|what|when)\b/i.test(context.text.slice(cue.end, cue.end + 12)))));
  // A passive ("was admitted to hospital", "were told to leave") reports nothing said by its subject.
  const passive = (cue: Cue) => {
    let previous = context.tagged.at(cue.start - 1) ?? context.tagged.at(cue.start - 2);
    // "was first proposed", "were later told": an adverb between.
    if (previous?.pos === "ADV")
      previous = context.tagged.at(previous.start - 1) ?? context.tagged.at(previous.start - 2);
    return previous?.pos === "AUX" && previous.lemma === "be" && !/ing$/i.test(cue.word);
  };
  return [...cues.values()].filter((cue) => !passive(cue) && !aside(cue)).sort((a, b) => a.start - b.start);
}

/**
 * Where the verb group of a cue starts: auxiliaries, negation and adverbs before it, and a verb
 * that takes it as an infinitive ("has cautioned", "had long argued", "is expected to say").
 */
function verbGroupStart(context: Context, cue: Cue): number {
  let start = cue.start;
  for (;;) {
    const token = context.tagged.at(start - 1) ?? context.tagged.at(start - 2);
    if (!token || !/^\s*$/.test(context.text.slice(token.end, start))) return start;
    const next = context.tagged.startingAt(start);
    const catenative = token.pos === "VERB" && next?.text.toLowerCase() === "to";
    if (token.pos !== "AUX" && token.pos !== "PART" && token.pos !== "ADV" && !catenative) return start;
    if (token.pos === "PART" && !/^(?:to|not|n't)$/i.test(token.text)) return start;
    start = token.start;
  }
}

/** Trims spaces and a clause's closing punctuation (not a closing quotation mark). */
function trimmed(text: string, start: number, end: number): [number, number] {
  while (start < end && /\s/.test(text[start]!)) start += 1;
  while (end > start && /[\s.,;:!?]/.test(text[end - 1]!)) end -= 1;
  // "resumed at 2 p.m.": the full stop of an abbreviation is the content's own.
  if (
    text[end] === "." &&
    /\b(?:[ap]\.m|Inc|Ltd|Co|Corp|Jr|Sr|U\.S|etc)$/.test(text.slice(Math.max(start, end - 4), end))
  )
    end += 1;
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
  const [end] = [span[1]];
  // "asked whether the minister had read it": what was asked, without "whether".
  const asked =
    cue && /^(?:whether|if)\s/i.test(context.text.slice(span[0], span[0] + 8))
      ? /^\S+\s+/.exec(context.text.slice(span[0]))![0].length
      : 0;
  const start = span[0] + asked;
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

/** Where something was said, between a cue and a clause without "that": "in a statement". */
const MEDIUM =
  /^\s*(?:in|on|at|during|via|through)\s+(?:a|an|the|its|his|her|their)\s+(?:[\p{L}-]+\s+){0,2}?(?:statement|email|e-mail|interview|letter|filing|post|briefing|report|speech|note|release|call|video|message|tweet|podcast|broadcast|hearing|session|conference)\s+/iu;

const TIME_WORDS =
  /^(?:today|yesterday|tonight|earlier|later|morning|afternoon|evening|night|weekend|week|month|year|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december)$/i;
/** A time adverbial between a cue and its content: "on Friday", "late on Sunday", "this month". */
const TIME_ADVERBIAL =
  /^(?:(?:late|early|earlier|later)\s+)?(?:(?:on|in|at|during|last|this|next|earlier|late)\s+(?:the\s+)?)?(?:\p{Lu}\p{Ll}+day|today|yesterday|tonight|morning|afternoon|evening|night|weekend|week|month|year)(?:\s+(?:morning|afternoon|evening|night))?,?\s+/iu;

/** Whether [from, to) has a verb outside quotations: a clause, not a noun phrase. */
function hasVerb(context: Context, from: number, to: number): boolean {
  return context.tagged
    .within(from, to)
    .some((token) => isVerb(token) && !insideQuote(context.quotes, token.start));
}

/**
 * Whether [from, to) has a verb group outside relative clauses: "the man who was arrested had
 * fled" has one ("had fled"), "a third in stoppage time that was ruled out" has none.
 */
function hasMainVerb(context: Context, from: number, to: number): boolean {
  const all = context.tagged.within(from, to);
  // ", when a fund … closed its doors": a clause set off after a comma is not the object's own.
  // So is a participle phrase after a comma (", turning his marker", ", including two projects").
  const subordinate = all.findIndex(
    (token, index) =>
      index > 0 &&
      all[index - 1]!.text === "," &&
      (SUBORDINATORS.test(token.text) || (token.pos === "VERB" && /ing$/i.test(token.text))),
  );
  const tokens = subordinate > 0 ? all.slice(0, subordinate) : all;
  return tokens.some((token, index) => {
    if (!isVerb(token) || insideQuote(context.quotes, token.start)) return false;
    // "among hedge funds", "on falling prices": no finite verb comes right after a preposition.
    if (token.pos === "VERB" && /^(?:ADP|DET)$/.test(tokens[index - 1]?.pos ?? "")) return false;
    let first = index;
    while (first > 0 && (isVerb(tokens[first - 1]) || tokens[first - 1]!.pos === "ADV")) first -= 1;
    const before = tokens[first - 1];
    // "with a game to spare": an infinitive is no clause of its own.
    if (before?.text.toLowerCase() === "to") return false;
    return !(before && /^(?:that|which|who|whom|whose)$/i.test(before.text) && first - 1 > 0);
  });
}

const SUBORDINATORS = /^(?:when|after|before|because|while|as|since|until|if|although|though)$/i;

/**
 * What follows a cue: words before "that" skipped ("said in a written reply that …", "told
 * reporters late on Sunday that …"), a time adverbial skipped ("said on Monday the men …"), and
 * nothing when what follows is no clause ("added a third in the 80th minute", "told the story of").
 */
function contentAfter(context: Context, cue: Cue, sentenceEnd: number): [number, number] | null {
  const { text } = context;
  const tokens = context.tagged.within(cue.end, sentenceEnd);
  let start = cue.end;
  let that = -1;
  for (const [index, token] of tokens.slice(0, 16).entries()) {
    if (token.text.toLowerCase() === "that") {
      that = index;
      break;
    }
    if (isVerb(token) || /^[.;:“”"‘!?]$/.test(token.text)) break;
  }
  // "claimed its first casualty last month, when a fund that …": that "that" is in another clause.
  if (
    that > 0 &&
    tokens.slice(0, that).some((token) => /^(?:when|while|because|since|until)$/i.test(token.text))
  )
    that = -1;
  const between = that > 0 ? tokens.slice(0, that) : [];
  // "added a second goal ten minutes later with a shot that skidded …": a long object with a
  // relative "that" is no adverbial before a clause, as "this month" is.
  const objectFirst = between[0]?.pos === "DET" && between.length > 3;
  const adverbial =
    between.length > 0 &&
    (ADDRESSEE_CUES.has(cue.word) ||
      /^(?:ADP|ADV)$/.test(between[0]!.pos) ||
      (!objectFirst && between.some((token) => TIME_WORDS.test(token.text))));
  const addressee = that < 0 && ADDRESSEE_CUES.has(cue.word) ? clauseAfterAddressee(context, tokens) : null;
  if (that === 0 || adverbial) start = tokens[that]!.end;
  else if (addressee !== null) start = addressee;
  else if (ADDRESSEE_CUES.has(cue.word) && cue.word !== "warned" && cue.word !== "warns") return null;
  else {
    // "said in a statement it would …", "told reporters in an interview the plan was …".
    const medium = MEDIUM.exec(text.slice(start, sentenceEnd));
    if (medium && !OBJECT_CUES.has(cue.word)) start += medium[0].length;
    const time = TIME_ADVERBIAL.exec(text.slice(start, sentenceEnd).trimStart());
    const lead = text.slice(start, sentenceEnd).length - text.slice(start, sentenceEnd).trimStart().length;
    if (time && !OBJECT_CUES.has(cue.word)) start += lead + time[0].length;
    else if (!OBJECT_CUES.has(cue.word) && /^\s*(?:on|in|at|during)\b/i.test(text.slice(start, sentenceEnd)))
      return null;
  }
  const span = trimmed(text, start, sentenceEnd);
  if (span[1] <= span[0]) return null;
  // "asked for help", "added to the misery", "asked to leave": a prepositional object or an
  // infinitive is no report (a promise "to cut taxes" is).
  const first = context.tagged.startingAt(span[0]);
  const certain = that >= 0 && start === tokens[that]!.end;
  if (
    !OBJECT_CUES.has(cue.word) &&
    !certain &&
    // "said as many as a dozen MPs were uneasy": a quantity opens the clause.
    !QUANTITY.test(text.slice(span[0], span[0] + 24)) &&
    first &&
    (((first.pos === "ADP" || first.pos === "SCONJ") &&
      !/^(?:that|whether|if|how|why|when)$/i.test(first.text)) ||
      (first.text.toLowerCase() === "to" && !/^(?:promise|pledge|vow)$/.test(cue.lemma)))
  )
    return null;
  // After "that" a clause is certain, its verb perhaps inside a partial quotation ("added that
  // Velmaria “will not accept any provocations”").
  const clause = that >= 0 && start === tokens[that]!.end;
  if (
    !clause &&
    !NOUN_OBJECT_LEMMAS.has(cue.lemma) &&
    !OBJECT_CUES.has(cue.word) &&
    !hasMainVerb(context, span[0], span[1])
  )
    return null;
  // "added a late penalty after he was tripped": a subordinate clause before any verb of the
  // content's own means no clause was reported.
  if (!clause && !ADDRESSEE_CUES.has(cue.word)) {
    const own = context.tagged.within(span[0], span[1]);
    const verb = own.findIndex((token) => isVerb(token));
    // ("after he was fouled" is a clause; "until 2029" is not.)
    const subordinate = own
      .slice(0, verb)
      .some(
        (token, index) =>
          SUBORDINATORS.test(token.text) && (token.pos === "SCONJ" || own[index + 1]?.pos === "PRON"),
      );
    if (verb > 0 && subordinate) return null;
  }
  // "added a second goal … and substitute X headed in a third": what was added is a thing when
  // the first verb comes only after "and" ("said Smith and Jones would go" is a report).
  if (!clause && cue.lemma === "add") {
    const tokens = context.tagged
      .within(span[0], span[1])
      .filter((token) => !insideQuote(context.quotes, token.start));
    const verb = tokens.findIndex((token) => isVerb(token));
    const conjunction = tokens.slice(0, verb).findIndex((token) => token.pos === "CCONJ");
    // An adverbial before "and" ("in the 58th minute") ends an object; a subject has none.
    const adverbial = tokens
      .slice(0, conjunction)
      .some((token) => token.pos === "ADP" && !/^(?:of|for)$/i.test(token.text));
    if (verb > 0 && conjunction > 0 && adverbial) return null;
  }
  return endOfContent(context, span);
}

const QUANTITY =
  /^(?:as (?:many|much|few|little) as|at least|at most|up to|more than|fewer than|less than)\b/i;

/**
 * "told jurors the trial would last six weeks", "told the Gazette the news had left him …": where
 * the clause starts after whom it was told, a short noun phrase; null when no clause follows.
 */
function clauseAfterAddressee(context: Context, tokens: Token[]): number | null {
  for (let index = 1; index <= 4 && index < tokens.length; index += 1) {
    const before = tokens[index - 1]!;
    const token = tokens[index]!;
    if (!/^(?:NOUN|PROPN)$/.test(before.pos)) {
      if (/^(?:DET|ADJ|NOUN|PROPN|NUM)$/.test(before.pos)) continue;
      return null;
    }
    if (!/^(?:DET|PRON|PROPN|NUM)$/.test(token.pos) || /^(?:that|which|who|what)$/i.test(token.text))
      continue;
    const verb = tokens.slice(index, index + 12).find((other) => isVerb(other));
    if (verb && !insideQuote(context.quotes, verb.start)) return token.start;
    return null;
  }
  return null;
}

function commaOutsideQuotes(context: Context, from: number, to: number): boolean {
  for (let at = context.text.indexOf(",", from); at !== -1 && at < to; at = context.text.indexOf(",", at + 1))
    if (!insideQuote(context.quotes, at)) return true;
  return false;
}

/**
 * Reported speech ends before a trailing participial phrase (", raising the stakes in …") and
 * before "but" and a verb of the speaker's that reports nothing ("… but declined to comment").
 */
function endOfContent(context: Context, span: [number, number]): [number, number] {
  const tokens = context.tagged.within(span[0], span[1]);
  for (const [index, token] of tokens.entries()) {
    const next = tokens[index + 1];
    if (
      /^but$/i.test(token.text) &&
      index > 2 &&
      next?.pos === "VERB" &&
      /^(?:decline|refuse|stop)$/.test(next.lemma) &&
      !insideQuote(context.quotes, token.start)
    )
      return trimmed(context.text, span[0], token.start);
    const comma = tokens[index - 1];
    if (
      comma?.text === "," &&
      token.pos === "VERB" &&
      /ing$/i.test(token.text) &&
      !/^(?:including|according|excluding|regarding|concerning)$/i.test(token.text) &&
      !insideQuote(context.quotes, token.start) &&
      !commaOutsideQuotes(context, token.end, span[1]) &&
      !(context.cues.lemmas.has(token.lemma) && tokens[index + 1]?.text.toLowerCase() === "that")
    )
      return trimmed(context.text, span[0], comma.start);
  }
  return span;
}

function quotationsOf(context: Context, from: number, to: number) {
  return context.quotes.filter((quote) => quote.start >= from && quote.start < to);
}

/** A wire dateline opening a story ("LAGOS (Reuters) -", "NAIROBI, March 3 (AP) —"): never content. */
const DATELINE = new RegExp(
  [
    // "LAGOS (Reuters) -", "NAIROBI, March 3 (AP) —"
    String.raw`^\p{Lu}[\p{Lu}\p{M} .'’-]*\p{Lu}(?:,\s[^()\n]{1,40}?)?\s\([^()\n]{1,30}\)\s*[-–—]+\s*`,
    // "OSLO, 3 November 2026 –", "BERGEN, Norway, 24 October 2026 -", "NORTHGATE PARK, Nov. 30, 2026 —"
    String.raw`^\p{Lu}[\p{Lu}\p{M} .'’-]*\p{Lu}(?:,\s\p{Lu}[\p{L} .]{1,30})?,\s(?:\d{1,2}\s\p{Lu}\p{Ll}+\.?|\p{Lu}\p{Ll}+\.?\s\d{1,2}),?\s\d{4}\s*[-–—]+\s*`,
    // "LISBON —", "GREENFIELD, Mass. —"
    String.raw`^\p{Lu}[\p{Lu}\p{M}'’-]{2,}(?:\s\p{Lu}[\p{Lu}\p{M}'’-]+)*(?:,\s\p{Lu}[\p{L}.]{1,20}(?:\s\p{Lu}[\p{L}.]{1,20})?)?\s+[–—]\s+`,
  ].join("|"),
  "u",
);

/** Whether a cue closes its sentence as "…, the regulator said (on Wednesday)". */
function finalReport(context: Context, cue: Cue, from: number, to: number): boolean {
  const { text } = context;
  const comma = text.lastIndexOf(",", cue.start);
  // "…, Trend reports" is an outlet passing on what someone said: outletReport reads it.
  if (comma <= from || /ing$/.test(cue.word) || OBJECT_CUES.has(cue.word)) return false;
  const subject = text.slice(comma + 1, verbGroupStart(context, cue)).trim();
  // "…, the first time she has conceded …": a pronoun inside a longer phrase is no subject.
  if (/\s(?:he|she|they|it|we)$/i.test(subject)) return false;
  const after = text
    .slice(cue.end, to)
    .replace(/[\s.!?]+$/, "")
    .trim();
  return (
    subject.split(/\s+/).length <= 8 &&
    !hasVerb(context, comma + 1, verbGroupStart(context, cue)) &&
    (after === "" ||
      TIME_ADVERBIAL.test(`${after} `) ||
      (!hasVerb(context, cue.end, to) && after.split(/\s+/).length <= 6))
  );
}

/** One sentence's attributions: the first cue that gives any, or a colon before a quotation. */
function inSentence(context: Context, from: number, to: number): Attribution[] {
  const dateline = DATELINE.exec(context.text.slice(from, to));
  if (dateline) from += dateline[0].length;
  const cues = cuesIn(context, from, to);
  const quotes = quotationsOf(context, from, to);
  // "… after inspectors found corrosion in landing gear, the regulator said on Wednesday": a
  // final "…, X said" reports the whole sentence, whatever cue words come before it.
  const last = cues[cues.length - 1];
  if (last && cues.length > 1 && !quotes.length && finalReport(context, last, from, to)) {
    const found = clauseBeforeFinalCue(context, last, from, to);
    if (found.length) return found;
  }
  for (const [index, cue] of cues.entries()) {
    const found = atCue(context, cue, from, to, quotes);
    if (!found.length) continue;
    // "X told MPs that A. ‘B,’ she said.": a sentence the splitter joined may hold more claims
    // after the first cue's, each with its own cue.
    for (const later of cues.slice(index + 1)) {
      const end = Math.max(...found.map((item) => item.end));
      if (later.start < end) continue;
      const more = atCue(context, later, end, to, quotes)
        .filter(
          (item) =>
            item.type === "direct" &&
            !found.some((other) => other.start < item.end && item.start < other.end),
        )
        // "She said A, adding: “B”": the participle's quotation is the same speaker's.
        .map((item) =>
          item.phrase || !/ing$/.test(later.word)
            ? item
            : { ...item, phrase: found[0]!.phrase, entity: found[0]!.entity },
        );
      found.push(...more);
    }
    return found;
  }
  const colon = colonAttribution(context, from, to, quotes);
  return colon.length ? colon : headline(context, from, to);
}

/**
 * A headline that states its source's claim without a reporting word: "Hikmat Hajiyev: Baku is
 * ready to host the talks", "Uzbekistan plans a nuclear unit by 2033 - minister". Only the text's
 * first paragraph, one line without a closing full stop, counts as a headline.
 */
function headline(context: Context, from: number, to: number): Attribution[] {
  const { text, names, tagged } = context;
  const first = /\S/.exec(text)?.index ?? 0;
  const line = text.slice(from, to).trimEnd();
  if (from !== first || /\n/.test(line.trim()) || /[.]\s*$/.test(line) || line.split(/\s+/).length > 30)
    return [];
  const named = (head: { start: number; end: number; text: string }): SpeakerPhrase | null => {
    const name = names.filter((mention) => mention.end === head.end && mention.start >= head.start).pop();
    if (name) return { start: name.mentionStart, end: name.end, kind: "name", name };
    if (head.text.split(/\s+/).length > 4) return null;
    const phrase = phraseIn(text, head, names, tagged);
    return phrase && phrase.kind !== "pronoun" ? phrase : null;
  };
  // Headlines are telegraphic ("cable to be completed by 2027"): any verb makes a claim.
  const claim = (span: [number, number], phrase: SpeakerPhrase | null) =>
    phrase && hasVerb(context, span[0], span[1])
      ? [make(context, span, null, phrase, 0.7)]
          .filter(isFound)
          .map((found) => ({ ...found, headline: true }))
      : [];
  const colon = line.indexOf(": ");
  if (colon > 0) {
    const head = { start: from, end: from + colon, text: line.slice(0, colon) };
    return claim(trimmed(text, from + colon + 1, to), named(head));
  }
  const dash = /\s[-–—]\s+([^-–—]{2,40})$/.exec(line);
  if (dash) {
    const start = from + dash.index + dash[0].length - dash[1]!.length;
    const tail = trimmed(text, start, to);
    const phrase = named({ start: tail[0], end: tail[1], text: text.slice(tail[0], tail[1]) });
    return claim(trimmed(text, from, from + dash.index), phrase);
  }
  return [];
}

function atCue(context: Context, cue: Cue, from: number, to: number, quotes: Quotation[]): Attribution[] {
  const { text, names, tagged } = context;
  if (cue.word === "according to") return accordingTo(context, cue, from, to);
  const before = quotes.filter((quote) => quote.end <= cue.start);
  const after = quotes.filter((quote) => quote.start >= cue.end);
  const lastBefore = before[before.length - 1];
  const group = verbGroupStart(context, cue);
  const between = lastBefore ? text.slice(lastBefore.end, group) : "";
  const subject =
    lastBefore && !onlyPunctuation(between)
      ? subjectBefore(text, lastBefore.end, group, names, tagged)
      : null;
  // “…,” Lindqvist said: one capitalised word between the quotation and the cue.
  const lone = subject ? null : /^([\s,]*)(\p{Lu}[\p{L}\p{M}'’-]+)\s*$/u.exec(between);
  const loneBefore = lone
    ? loneName(text, lastBefore!.end + lone[1]!.length, lastBefore!.end + lone[1]!.length + lone[2]!.length)
    : null;
  if (
    lastBefore &&
    /^(?:$|[\s,—–-])/.test(between) &&
    (onlyPunctuation(between) || subject?.clauseEnd === null || loneBefore)
  ) {
    // “…,” said X / “…,” X said, and the quotations after the cue that go on from it.
    const next = /^\s+(\p{Lu}[\p{L}\p{M}'’-]+)(?=[\s.,;]|$)/u.exec(text.slice(cue.end, to));
    const phrase =
      (subject ? subject.phrase : (loneBefore ?? subjectAfter(text, cue.end, to, names, tagged))) ??
      (next ? loneName(text, cue.end + next[0].length - next[1]!.length, cue.end + next[0].length) : null);
    const resume = Math.max(cue.end, phrase?.end ?? cue.end);
    const followers = after.filter(
      (quote) =>
        /^[\s,]*$/.test(text.slice(resume, quote.start)) || /[.,]\s*$/.test(text.slice(cue.end, quote.start)),
    );
    const quoted = [lastBefore, ...followers]
      .map((quote) => make(context, [quote.start, quote.end], cue, phrase, 0.9))
      .filter(isFound);
    return [...quoted, ...addingThat(context, resume, to, phrase)];
  }
  // "He told reporters:" at a paragraph's end, and the quotation opening the next paragraph.
  if (!after.length && /^[^.;“”"‘]{0,80}:\s*$/.test(text.slice(cue.end, to))) {
    const next = /\S/.exec(text.slice(to))?.index;
    const opening =
      next === undefined ? undefined : context.quotes.find((quote) => quote.start === to + next);
    const subject = subjectBefore(text, from, group, names, tagged);
    if (opening && subject)
      return [make(context, [opening.start, opening.end], cue, subject.phrase, 0.85)].filter(isFound);
  }
  const firstAfter = after[0];
  if (firstAfter) {
    const between = text.slice(cue.end, firstAfter.start);
    const subject = subjectBefore(text, from, group, names, tagged);
    // “X said: “…”” and “X explained her decision: “…””: a noun phrase and a colon before the quotation.
    const colon = /^[^.;“”"‘]{0,80}:\s*$/.test(between) && !hasVerb(context, cue.end, firstAfter.start);
    if (/^[\s,:]*$/.test(between) || colon) {
      return [make(context, [firstAfter.start, firstAfter.end], cue, subject?.phrase ?? null, 0.9)].filter(
        isFound,
      );
    }
    // "X welcomed the pause, saying households needed “stability …”": the participle's subject.
    const participle = participleReport(context, cue, from, to);
    if (participle.length) return participle;
    const content = contentAfter(context, cue, to);
    return content ? coordinated(context, cue, content, to, subject?.phrase ?? null) : [];
  }
  return reported(context, cue, from, to);
}

const isFound = (attribution: Attribution | null): attribution is Attribution => attribution !== null;

/** "warning" → "warn", "noting" → "note", "admitting" → "admit": the cue an -ing form is of, if any. */
function lemmaOfIng(context: Context, word: string): string | undefined {
  const stem = word.toLowerCase().replace(/ing$/, "");
  if (stem === word.toLowerCase()) return undefined;
  return [stem, `${stem}e`, stem.slice(0, -1)].find((candidate) => context.cues.lemmas.has(candidate));
}

/** "“…,” De Vries said, adding that the offer was generous": the participle's own claim. */
function addingThat(context: Context, from: number, to: number, phrase: SpeakerPhrase | null): Attribution[] {
  // ", adding: “Our mandate is price stability.”": the participle's own quotation.
  const colon = /^,\s+(\p{L}+ing):\s*/iu.exec(context.text.slice(from, to));
  const quote = colon
    ? context.quotes.find((candidate) => candidate.start === from + colon[0].length)
    : undefined;
  if (colon && quote) {
    const start = from + colon[0].indexOf(colon[1]!);
    const token = context.tagged.startingAt(start);
    const lemma = token ? (token.pos === "VERB" ? token.lemma : lemmaOfIng(context, token.text)) : undefined;
    if (token && lemma && context.cues.lemmas.has(lemma)) {
      const cue: Cue = { start: token.start, end: token.end, word: token.text.toLowerCase(), lemma };
      return [make(context, [quote.start, quote.end], cue, phrase, 0.85)].filter(isFound);
    }
  }
  const participle = /^,\s+(\p{L}+ing)\s+(?=that\b)/iu.exec(context.text.slice(from, to));
  if (!participle) return [];
  const start = from + participle[0].length - participle[1]!.length - 1;
  const token = context.tagged.startingAt(start);
  const lemma = token ? (token.pos === "VERB" ? token.lemma : lemmaOfIng(context, token.text)) : undefined;
  if (!token || !lemma || !context.cues.lemmas.has(lemma)) return [];
  const cue: Cue = { start: token.start, end: token.end, word: token.text.toLowerCase(), lemma };
  const content = contentAfter(context, cue, to);
  return content ? coordinated(context, cue, content, to, phrase) : [];
}

/**
 * "X said A but insisted B", "said A and added that B": two claims, each with its cue, of the same
 * speaker. The second cue is a reporting verb right after "but" or "and", with a clause after it.
 */
function coordinated(
  context: Context,
  cue: Cue,
  content: [number, number],
  to: number,
  phrase: SpeakerPhrase | null,
): Attribution[] {
  const tokens = context.tagged.within(content[0], content[1]);
  for (const [index, token] of tokens.entries()) {
    const conjunction = tokens[index - 1];
    // "said the work was done and that the tender would follow": two claims of the one cue.
    if (
      token.text.toLowerCase() === "that" &&
      conjunction !== undefined &&
      /^(?:and|but)$/i.test(conjunction.text) &&
      !insideQuote(context.quotes, token.start)
    ) {
      const first = trimmed(context.text, content[0], conjunction.start);
      const rest = trimmed(context.text, token.end, content[1]);
      if (rest[1] > rest[0] && hasMainVerb(context, rest[0], rest[1]))
        return [
          make(context, first, cue, phrase, 0.8),
          ...coordinated(context, cue, rest, to, phrase),
        ].filter(isFound);
    }
    // "… but insisted that", "… and added that", "…, adding that", "… but she cautioned that".
    const participle = conjunction?.text === "," && tokens[index + 1]?.text.toLowerCase() === "that";
    const pronoun =
      conjunction?.pos === "PRON" &&
      /^(?:he|she|they|it)$/i.test(conjunction.text) &&
      /^(?:but|and)$/i.test(tokens[index - 2]?.text ?? "");
    const joins =
      conjunction !== undefined && (/^(?:but|and)$/i.test(conjunction.text) || participle || pronoun);
    if (!joins) continue;
    // The tagger may read "…, warning that" as a noun: the -ing form of a cue before "that" is enough there.
    const lemma =
      token.pos === "VERB" ? token.lemma : participle ? lemmaOfIng(context, token.text) : undefined;
    if (!lemma || !context.cues.lemmas.has(lemma)) continue;
    const second: Cue = {
      start: token.start,
      end: token.end,
      word: token.text.toLowerCase(),
      lemma,
    };
    const rest = contentAfter(context, second, to);
    if (!rest) continue;
    const first = trimmed(context.text, content[0], pronoun ? tokens[index - 2]!.start : conjunction.start);
    const secondPhrase: SpeakerPhrase | null = pronoun
      ? { start: conjunction.start, end: conjunction.end, kind: "pronoun" }
      : phrase;
    return [
      make(context, first, cue, phrase, 0.8),
      ...coordinated(context, second, rest, to, secondPhrase),
    ].filter(isFound);
  }
  return [make(context, content, cue, phrase, 0.8)].filter(isFound);
}

/** Reported speech: "X said (that) …", "…, X said", "…, said X". */
function reported(context: Context, cue: Cue, from: number, to: number): Attribution[] {
  const { text, names, tagged } = context;
  const outlet = outletReport(context, cue, from);
  if (outlet) return [outlet];
  const participle = participleReport(context, cue, from, to);
  if (participle.length) return participle;
  // "…, dragged down by banks after the National Bank signalled that rates would stay high": the
  // subject of a clause that opens with a conjunction.
  const opener = [
    ...text
      .slice(from, cue.start)
      .matchAll(/\b(?:after|when|as|because|while|since|before|until|although)\s+/gi),
  ].pop();
  if (opener) {
    const [start, end] = trimmed(text, from + opener.index + opener[0].length, verbGroupStart(context, cue));
    const phrase =
      end > start ? phraseIn(text, { start, end, text: text.slice(start, end) }, names, tagged) : null;
    const content = phrase ? contentAfter(context, cue, to) : null;
    if (phrase && content) return coordinated(context, cue, content, to, phrase);
  }
  const found = subjectBefore(text, from, verbGroupStart(context, cue), names, tagged);
  // "Morikawa replied that …": one capitalised word before the cue, a surname the names did not catch.
  const [wordStart, wordEnd] = trimmed(text, from, verbGroupStart(context, cue));
  // Only before "that", where a clause is certain: "Aluminium added 0.8%" reports nothing.
  const thatFollows = /^\s+(?:[\p{L}-]+\s+){0,4}?that\s/u.test(text.slice(cue.end, to));
  const lone = found || !thatFollows ? null : loneName(text, wordStart, wordEnd);
  const subject = found ?? (lone ? { phrase: lone, clauseStart: null, clauseEnd: null } : null);
  // "…, and farmers say they cannot wait": a new clause with its own subject, its content after the cue.
  // "Asked whether he would resign, the coach said he …": a participle clause in front sets the
  // scene; the content is after the cue.
  const fronted = subject?.clauseStart != null && tagged.startingAt(subject.clauseStart)?.pos === "VERB";
  const newClause =
    subject?.clauseEnd != null &&
    (/^\s*,?\s*(?:and|but)\s/i.test(text.slice(subject.clauseEnd, subject.phrase.start)) || fronted) &&
    contentAfter(context, cue, to) !== null;
  if (subject && subject.clauseEnd !== null && !newClause) {
    // "…, and Kerr Mitchell added a second before half-time": a clause of its own with an object,
    // not a report of what came before.
    const joined = /^\s*,?\s*(?:and|but)\s/i.test(text.slice(subject.clauseEnd, subject.phrase.start));
    const after = text
      .slice(cue.end, to)
      .replace(/[\s.!?]+$/, "")
      .trim();
    if (joined && after && !TIME_ADVERBIAL.test(`${after} `)) return [];
    const content = endOfContent(context, trimmed(text, from, subject.clauseEnd));
    // "…, the governor said, adding that wages would follow": the participle's claim too.
    return [
      make(context, content, cue, subject.phrase, 0.8),
      ...addingThat(context, cue.end, to, subject.phrase),
    ].filter(isFound);
  }
  if (subject) {
    const content = contentAfter(context, cue, to);
    if (content) return coordinated(context, cue, content, to, subject.phrase);
    return clauseBeforeFinalCue(context, cue, from, to);
  }
  const beforeCue = text.slice(from, cue.start);
  // "…, said X" puts the speaker after a finite cue; "…, adding a third" names no one.
  if (/,\s*$/.test(beforeCue) && !/ing$/.test(cue.word)) {
    const phrase = subjectAfter(text, cue.end, to, names, tagged);
    if (phrase)
      return [
        make(context, trimmed(text, from, from + beforeCue.lastIndexOf(",")), cue, phrase, 0.8),
        ...addingThat(context, phrase.end, to, phrase),
      ].filter(isFound);
  }
  return [];
}

/**
 * "Exports fall for third month, Fitch says": nothing but adverbials after the cue, so what comes
 * before the last comma is what was said, even where the tagger read its verb as a noun.
 */
function clauseBeforeFinalCue(context: Context, cue: Cue, from: number, to: number): Attribution[] {
  const { text } = context;
  const group = verbGroupStart(context, cue);
  const comma = text.lastIndexOf(",", group);
  if (comma <= from || hasVerb(context, cue.end, to)) return [];
  // After the cue: nothing, a time adverbial or whom it was told ("residents told local television").
  const after = text.slice(cue.end, to).trim();
  if (after && !TIME_ADVERBIAL.test(`${after} `) && after.split(/\s+/).length > 4) return [];
  const part = commaParts(text, comma + 1, group)[0];
  let phrase = part ? phraseIn(text, part, context.names, context.tagged) : null;
  let end = comma;
  // "…, Enerwatch, the national energy regulator, said": the name before the role speaks.
  const before = text.lastIndexOf(",", comma - 1);
  if (phrase?.kind === "role" && before > from) {
    const named = commaParts(text, before + 1, comma)[0];
    const name = named ? phraseIn(text, named, context.names, context.tagged) : null;
    if (name?.kind === "name" && named!.start === name.start && named!.end === name.end) {
      phrase = { ...name, role: part!.text };
      end = before;
    }
  }
  if (!phrase || text.slice(from, end).trim().split(/\s+/).length < 3) return [];
  return [make(context, trimmed(text, from, end), cue, phrase, 0.7)].filter(isFound);
}

/**
 * "A federal judge on Friday blocked the law, saying the state had failed to show …": what the
 * participle reports is said by the sentence's subject, the words before its first verb.
 */
function participleReport(context: Context, cue: Cue, from: number, to: number): Attribution[] {
  const { text, names, tagged } = context;
  if (!/ing$/.test(cue.word) || !/,\s*$/.test(text.slice(from, cue.start))) return [];
  const verb = tagged.within(from, cue.start).find((token) => isVerb(token));
  if (!verb) return [];
  let end = verb.start;
  const time = /\s+(?:on|in|at|late|early|last|this|yesterday|today)\b[^,]*$/i.exec(text.slice(from, end));
  if (time) end -= time[0].length;
  const head = trimmed(text, from, end);
  if (head[1] <= head[0]) return [];
  const phrase = phraseIn(
    text,
    { start: head[0], end: head[1], text: text.slice(head[0], head[1]) },
    names,
    tagged,
  );
  const content = contentAfter(context, cue, to);
  if (!phrase || phrase.kind === "pronoun" || !content) return [];
  return [make(context, content, cue, phrase, 0.75)].filter(isFound);
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
  const phrase: SpeakerPhrase = {
    start: speaker.mentionStart,
    end: speaker.end,
    kind: "name",
    name: speaker,
  };
  return make(context, trimmed(context.text, parts[0]!.start, parts[0]!.end), null, phrase, 0.6);
}

/** "according to X": X must name someone ("according to schedule" and "according to plan" do not). */
const NOT_SOURCES =
  /^(?:tariffs?|timetables?|schedules?|plans?|traditions?|programmes?|programs?|rules?|regulations?|customs?|legends?|contracts?|terms|scripts?|instructions?|recipes?|calendars?|charts?|lists?|tables?|fixtures?|rota|menus?)$/;

function accordingTo(context: Context, cue: Cue, from: number, to: number): Attribution[] {
  const { text, names, tagged } = context;
  const source = (part: { start: number; end: number; text: string } | undefined) => {
    const phrase = part ? phraseIn(text, part, names, tagged) : null;
    // "according to the tariff", "according to schedule": a rule or a plan, no one who says anything.
    if (phrase?.kind === "role" && NOT_SOURCES.test(phrase.head ?? "")) return null;
    if (
      phrase?.kind === "role" &&
      !/^(?:the|a|an|its|his|her|their|our|one|two|three|four|five|several|some|many)\s/i.test(part!.text) &&
      !/[^s]s$/.test(phrase.head ?? "")
    )
      return null;
    return phrase;
  };
  if (text.slice(from, cue.start).trim() === "") {
    const comma = text.indexOf(",", cue.end);
    if (comma === -1 || comma >= to) return [];
    const phrase = source(commaParts(text, cue.end, comma)[0]);
    return phrase ? [make(context, trimmed(text, comma + 1, to), cue, phrase, 0.85)].filter(isFound) : [];
  }
  const comma = text.lastIndexOf(",", cue.start);
  const end = comma >= from ? comma : cue.start;
  const phrase = source(commaParts(text, cue.end, to)[0]);
  return phrase ? [make(context, trimmed(text, from, end), cue, phrase, 0.85)].filter(isFound) : [];
}

/** The quotation right after a colon at `colon`: a found one, or a headline's single-quoted words to the sentence's end. */
function quotationAfterColon(context: Context, colon: number, to: number, quotes: Quotation[]) {
  const found = quotes.find((candidate) => /^:\s*$/.test(context.text.slice(colon, candidate.start)));
  if (found) return { start: found.start, end: found.end };
  const single = /^:\s*([‘'])/.exec(context.text.slice(colon, to));
  if (!single) return null;
  const start = colon + single[0].length - 1;
  let end = to;
  while (end > start && /[\s.!?]/.test(context.text[end - 1]!)) end -= 1;
  return /[’']/.test(context.text[end - 1] ?? "") && end - start > 2 ? { start, end } : null;
}

/**
 * A colon before a quotation: after a name or a role in a headline ("Marco Silva: “…”",
 * "Minister: ‘No new taxes this year’"), or after a clause whose verb introduces it ("She
 * described the morning after: “…”": the verb is the cue).
 */
function colonAttribution(context: Context, from: number, to: number, quotes: Quotation[]): Attribution[] {
  const { text, names, tagged } = context;
  const colon = text.indexOf(":", from);
  if (colon === -1 || colon >= to) return [];
  const quote = quotationAfterColon(context, colon, to, quotes);
  if (!quote) return [];
  const head = { start: from, end: colon, text: text.slice(from, colon) };
  const verb = tagged.within(from, colon).find((token) => token.pos === "VERB");
  if (!verb) {
    const name = names.find((mention) => mention.start === from && mention.end === colon);
    const phrase: SpeakerPhrase | null =
      name && name.kind === "person"
        ? { start: name.mentionStart, end: name.end, kind: "name", name }
        : !name && /^\p{Lu}/u.test(head.text) && head.text.split(/\s+/).length <= 4
          ? phraseIn(text, head, names, tagged)
          : null;
    if (!phrase || phrase.kind === "pronoun") return [];
    // A colon is no reporting word: the claim has no cue ("Minister: ‘No new taxes this year’").
    return [make(context, [quote.start, quote.end], null, phrase, 0.85)]
      .filter(isFound)
      .map((found) => ({ ...found, type: "direct" as const }));
  }
  const cue: Cue = { start: verb.start, end: verb.end, word: verb.text.toLowerCase(), lemma: verb.lemma };
  const subject = subjectBefore(text, from, verbGroupStart(context, cue), names, tagged);
  if (!subject || subject.clauseEnd !== null) return [];
  const roleHead = subject.phrase.head ?? "";
  if (subject.phrase.kind === "role" && !PERSON_ROLES.has(roleHead) && !BODY_HEADS.has(roleHead)) return [];
  return [make(context, [quote.start, quote.end], cue, subject.phrase, 0.75)].filter(isFound);
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
  // A paragraph that opens with a quotation and has no attribution of its own, right after the
  // paragraph of the speaker's last attributed quotation, with no other claim between: the speaker goes on.
  const nextParagraph = (previous: Attribution, quote: Quotation, gap: string) =>
    (gap.match(/\n\s*\n/g) ?? []).length === 1 &&
    /\n\s*\n\s*$/.test(gap) &&
    ![...found, ...added].some((item) => item.start >= previous.end && item.start < quote.start);
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
      !/[“”"‘]/.test(gap) &&
      (!/\n\s*\n/.test(gap) ||
        (previous.end === ordered[index - 1]?.end && ordered[index - 1]!.open) ||
        nextParagraph(previous, quote, gap));
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

/**
 * Groups that open a sentence as its subject, a plural noun phrase before the verb ("Hundreds of
 * nurses marched …", "Striking dockworkers blocked …"): what a later "they" may refer to.
 */
function addGroups(context: Context, sentences: { start: number; end: number }[]) {
  for (const sentence of sentences) {
    const tokens = context.tagged.within(sentence.start, sentence.end).slice(0, 8);
    const verb = tokens.findIndex((token, index) => index > 0 && isVerb(token));
    if (verb < 1) continue;
    const phrase = tokens.slice(0, verb);
    const head = phrase[phrase.length - 1]!;
    const nounPhrase = phrase.every(
      (token, index) =>
        /^(?:DET|ADJ|NUM|NOUN)$/.test(token.pos) ||
        (token.pos === "ADP" && token.text.toLowerCase() === "of") ||
        // The first word is capitalised, so the tagger may read it as a name ("Striking", "Hundreds").
        (index === 0 && (token.pos === "VERB" || token.pos === "PROPN")),
    );
    if (
      !nounPhrase ||
      head.pos !== "NOUN" ||
      !/s$/i.test(head.text) ||
      head.text.toLowerCase() === head.lemma
    )
      continue;
    const name = context.text
      .slice(phrase[0]!.start, head.end)
      .replace(/^(?:the|some|many|several|hundreds of|thousands of|dozens of)\s+/i, "");
    context.entities.addGroup(phrase[0]!.start, name);
  }
}

/**
 * A quotation ending in "?" or "!" ends its sentence for the splitter ("“… isn't it?” Jan Novak
 * asked."): the short sentence of its speaker and cue is joined back to it.
 */
function joinQuestions(context: Context, sentences: { start: number; end: number }[]) {
  const joined: { start: number; end: number }[] = [];
  for (const sentence of sentences) {
    const previous = joined[joined.length - 1];
    const all = context.tagged.within(sentence.start, sentence.end);
    const first = all.slice(0, 8).findIndex((token) => isVerb(token));
    const firstVerb = all[first];
    if (
      previous &&
      /[?!][”"’]$/.test(context.text.slice(previous.start, previous.end)) &&
      /^\s+$/.test(context.text.slice(previous.end, sentence.start)) &&
      !/[“"‘]/.test(context.text.slice(sentence.start, sentence.end)) &&
      firstVerb?.pos === "VERB" &&
      context.cues.lemmas.has(firstVerb.lemma) &&
      // Only the speaker and the cue: "Mr Havili said he would meet them" says something of its own.
      !all.slice(first + 1).some((token) => isVerb(token))
    ) {
      previous.end = sentence.end;
      // A quotation of several sentences ("Where is the money? … know!" he shouted) is one.
      for (;;) {
        const last = joined[joined.length - 1]!;
        const before = joined[joined.length - 2];
        const opening = context.quotes.find((quote) => quote.start < last.start && quote.end > last.start);
        if (!before || !opening || before.end <= opening.start) break;
        before.end = last.end;
        joined.pop();
      }
      continue;
    }
    joined.push({ ...sentence });
  }
  return joined;
}

export function findAttributions(text: string, cues: CueVocabulary = LEXICON_CUES): Attribution[] {
  const quotes = findQuotations(text);
  const names = findNames(text);
  // Multi-word names of people and bodies ("Tariq bin Hamdan", "Norvald Shipping ASA").
  const people = names.filter((name) => name.name.includes(" ") && !name.weak);
  const tagged = new Tagged(
    asProperNouns(
      tagText(text),
      people.map((name) => ({ start: name.nameStart, end: name.end })),
    ),
  );
  const split = splitSentences(text);
  // A wire dateline ("MADRID, March 4 (Iberia Press Wire) -"), its city and agency, speaks for no one.
  const agencies = [...text.matchAll(/(?:^|\n)\p{Lu}[^\n(]{1,60}\([^()\n]{1,40}\)\s*[-–—]/gu)].map(
    (match) => ({
      start: match.index,
      end: match.index + match[0].length,
    }),
  );
  const entities = new Entities(
    text,
    names,
    split,
    (at) => insideQuote(quotes, at) || agencies.some((span) => span.start <= at && at < span.end),
  );
  const context: Context = { text, quotes, names, entities, tagged, cues };
  const sentences = joinQuoted(context, joinQuestions(context, split));
  const found: Attribution[] = [];
  addGroups(context, split);
  for (const sentence of sentences) found.push(...inSentence(context, sentence.start, sentence.end));
  found.push(...continuations(context, found, sentences));
  return confirmedHeadlines(text, found)
    .filter(
      (item) =>
        !reportersQuestion(text, item) && !(item.phrase?.kind === "role" && THINGS.has(item.phrase.head!)),
    )
    .sort((a, b) => a.start - b.start);
}

/** Things with words on them, which claim nothing: "A sign on the door said: ‘Closed’". */
const THINGS = new Set([
  "sign",
  "signs",
  "banner",
  "banners",
  "placard",
  "placards",
  "poster",
  "posters",
  "label",
  "motto",
  "slogan",
  "proverb",
  "saying",
  "headline",
  "caption",
  "plaque",
  "inscription",
  "sticker",
  "billboard",
  "graffiti",
  "menu",
]);

const REPORTERS =
  /^(?:(?:one|another|a|the)\s+)?(?:reporters?|journalists?|interviewers?|presenters?|moderators?|hosts?|the\s+\p{Lu}\S*\s+(?:Gazette|Times|Post|News|Echo|Herald|Courier|Chronicle|Journal|Mail|Telegraph|Observer|Press|Tribune|Express|Standard|Mirror))$|^(?:the\s+)?(?:Gazette|Echo|Herald|Courier|Chronicle|Journal)$/iu;

/**
 * "“Was it nerves?” one reporter asked", "When the Gazette asked the council ‘Will …?’": a
 * question put by the press, which claims nothing.
 */
function reportersQuestion(text: string, item: Attribution): boolean {
  if (!item.cue || !/^ask/i.test(text.slice(item.cue.start, item.cue.end))) return false;
  const asker = item.phrase ? text.slice(item.phrase.start, item.phrase.end) : "";
  const sentence = text.slice(Math.max(0, text.lastIndexOf(".", item.cue.start) + 1), item.cue.start);
  return REPORTERS.test(asker) || /\b(?:when|after|before|until)\s+[^,“”"‘’?!]*$/iu.test(sentence);
}

/**
 * "‘There will be no cuts. Not this year,’ she said": a quotation of several sentences is one
 * sentence for the rules (the splitter keeps double quotation marks together, not single ones).
 */
function joinQuoted(context: Context, sentences: { start: number; end: number }[]) {
  const joined: { start: number; end: number }[] = [];
  for (const sentence of sentences) {
    const previous = joined[joined.length - 1];
    const spanning =
      previous &&
      context.quotes.some(
        (quote) =>
          quote.start >= previous.start &&
          quote.start < previous.end &&
          quote.end > sentence.start &&
          // A quotation that opens the sentence or follows a colon, not a phrase quoted inside one.
          /^\s*$|:\s*$/.test(context.text.slice(previous.start, quote.start)),
      );
    if (spanning) previous.end = sentence.end;
    else joined.push({ ...sentence });
  }
  return joined;
}

/** Content words of a stretch, lower case, a plural's "s" dropped: what two phrasings share. */
function contentWords(text: string): Set<string> {
  return new Set((text.toLowerCase().match(/\p{L}{4,}/gu) ?? []).map((word) => word.replace(/s$/, "")));
}

/**
 * A headline's claim is kept when the story reports it too ("Baku is ready to host next round of
 * talks" / "… said Baku is ready to host the next round of talks"): half its content words, at
 * least three, in one of the story's claims. "Tamm takes yellow as favourites hesitate" is news.
 */
function confirmedHeadlines(text: string, found: Attribution[]): Attribution[] {
  const story = found
    .filter((item) => !item.headline)
    .map((item) => contentWords(text.slice(item.start, item.end)));
  return found.filter((item) => {
    if (!item.headline) return true;
    const words = contentWords(text.slice(item.start, item.end));
    return story.some((other) => {
      const shared = [...words].filter((word) => other.has(word)).length;
      return shared >= 3 && shared * 2 >= words.size;
    });
  });
}
