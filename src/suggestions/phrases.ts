// Who is speaking, read from the words next to a cue: the subject before it ("Hikmat Hajiyev,
// assistant to the president, stressed"), or the phrase after it ("said Dr. Amal Haddad, a
// hydrologist"). A phrase is a name, a pronoun or a role ("the president's assistant").
import { ADVERBS, BODY_HEADS, PERSON_ROLES, PRONOUNS } from "./lexicon.js";
import type { NameMention } from "./names.js";

export interface SpeakerPhrase {
  start: number;
  end: number;
  kind: "name" | "pronoun" | "role";
  name?: NameMention;
  /** For roles: the head word ("assistant", "ministry"), lower case. */
  head?: string;
  /** What the text says the speaker is ("a hydrologist at Delta University"). */
  role?: string;
}

interface Part {
  start: number;
  end: number;
  text: string;
}

const AUXILIARIES = new Set([
  "is",
  "are",
  "was",
  "were",
  "be",
  "been",
  "has",
  "have",
  "had",
  "will",
  "would",
  "can",
  "could",
  "may",
  "might",
  "must",
  "should",
  "shall",
  "does",
  "did",
  "do",
  "fell",
  "rose",
  "went",
  "came",
  "took",
  "made",
  "met",
  "ran",
  "left",
  "held",
  "kept",
  "cut",
  "put",
  "began",
  "won",
  "lost",
  "gave",
  "got",
  "saw",
  "knew",
  "built",
  "sold",
  "sent",
  "spent",
  "stood",
  "led",
  "paid",
  "sleep",
  "sleeps",
  "need",
  "needs",
  "plans",
  "opened",
  "closed",
]);
const PREPOSITIONS = new Set([
  "with",
  "from",
  "of",
  "at",
  "for",
  "in",
  "on",
  "by",
  "to",
  "about",
  "familiar",
  "who",
  "which",
  "whose",
  "that",
]);
const DETERMINERS = new Set([
  "the",
  "a",
  "an",
  "its",
  "his",
  "her",
  "their",
  "our",
  "two",
  "three",
  "four",
  "several",
  "some",
  "many",
  "one",
]);
const REPORT_NOUNS =
  /^(?:an?|the)\s+(?:new\s+)?(?:report|study|statement|survey|analysis|letter)\s+(?:by|from|of)\s+/i;

const words = (text: string) => text.toLowerCase().match(/[\p{L}'’-]+/gu) ?? [];

/** Whether a stretch of text reads as a clause (has a finite verb), not a noun phrase. */
export function looksLikeClause(text: string): boolean {
  const list = words(text);
  const participle = (index: number) => PREPOSITIONS.has(list[index + 1] ?? "");
  return list.some(
    (word, index) =>
      AUXILIARIES.has(word) ||
      (index > 0 &&
        /ed$/.test(word) &&
        !/^(?:red|bed|need|shed|seed|speed|feed)$/.test(word) &&
        !participle(index)),
  );
}

/** Comma-separated parts of [from, to), trimmed. */
export function commaParts(text: string, from: number, to: number): Part[] {
  const parts: Part[] = [];
  let start = from;
  const push = (end: number) => {
    let a = start;
    let b = end;
    while (a < b && /[\s,;:—–]/.test(text[a]!)) a += 1;
    while (b > a && /[\s,;:.!?—–]/.test(text[b - 1]!)) b -= 1;
    if (b > a) parts.push({ start: a, end: b, text: text.slice(a, b) });
  };
  for (let i = from; i < to; i += 1) {
    if (text[i] === ",") {
      push(i);
      start = i + 1;
    }
  }
  push(to);
  return parts;
}

function trimAdverbs(text: string, part: Part): Part {
  let { start, end } = part;
  for (;;) {
    const match = /\s+([\p{L}]+)$/u.exec(text.slice(start, end));
    if (!match || !ADVERBS.has(match[1]!.toLowerCase())) break;
    end -= match[0].length;
  }
  const leading = /^(?:and|but|while|as)\s+/i.exec(text.slice(start, end));
  if (leading) start += leading[0].length;
  return { start, end, text: text.slice(start, end) };
}

const isRelative = (part: Part) => /^(?:who|which|whose|where|when)\b/i.test(part.text);
const isAdverbOnly = (part: Part) =>
  words(part.text).every((word) => ADVERBS.has(word)) ||
  /^(?:in|on|at|after|before|during|for|with|from|under|since|in a|on a)\b/i.test(part.text);

function headOf(text: string): string {
  const list = words(text.replace(/[’']s\b/g, "")).map((word) => word.replace(/[’']$/, ""));
  // The head comes before a preposition or a participle with one ("people briefed on …").
  const stop = list.findIndex(
    (word, index) =>
      index > 0 && (PREPOSITIONS.has(word) || (/ed$/.test(word) && PREPOSITIONS.has(list[index + 1] ?? ""))),
  );
  const core = stop === -1 ? list : list.slice(0, stop);
  return core[core.length - 1] ?? "";
}

/** "witnesses" → "witness", "services" → "service", "parties" → "party". */
export function singularOf(word: string): string {
  if (/(?:ss|sh|ch|x)es$/.test(word)) return word.slice(0, -2);
  if (/ies$/.test(word)) return `${word.slice(0, -3)}y`;
  return word.replace(/s$/, "");
}

/**
 * Whether a phrase next to a cue can name a speaker: a known role or body ("the ministry"), any
 * phrase with a determiner ("its maker"), or a bare plural ("Critics", "Firefighters").
 */
function isRoleHead(head: string, text: string): boolean {
  const singular = singularOf(head);
  if (
    PERSON_ROLES.has(head) ||
    PERSON_ROLES.has(singular) ||
    BODY_HEADS.has(head) ||
    BODY_HEADS.has(singular)
  )
    return true;
  const list = words(text);
  if (DETERMINERS.has(list[0] ?? "")) return list.length <= 6;
  return list.length === 1 && /[^s]s$/.test(head);
}

/** The speaker a part names, if it names one: a pronoun, a name, or a role phrase. */
export function phraseIn(text: string, raw: Part, names: NameMention[]): SpeakerPhrase | null {
  let part = trimAdverbs(text, raw);
  const report = REPORT_NOUNS.exec(part.text);
  if (report)
    part = { start: part.start + report[0].length, end: part.end, text: part.text.slice(report[0].length) };
  if (!part.text) return null;
  const lowerText = part.text.toLowerCase();
  if (lowerText in PRONOUNS) return { start: part.start, end: part.end, kind: "pronoun" };
  // "One of them said": one of the people last spoken of.
  if (/^(?:one|some|many|most|two|several|all|none) of (?:them|those)$/.test(lowerText)) {
    return { start: part.start, end: part.end, kind: "pronoun" };
  }
  const inside = names.filter((name) => name.start >= part.start && name.end <= part.end);
  const last = inside[inside.length - 1];
  if (last && last.end === part.end) {
    const before = words(text.slice(part.start, last.start));
    if (!before.some((word) => PREPOSITIONS.has(word))) {
      // "the National Education Association": an organisation's article is part of how it is named.
      const article =
        last.kind === "organisation"
          ? /\bthe\s$/i.exec(text.slice(Math.max(part.start, last.start - 4), last.start))
          : null;
      return {
        start: article ? last.start - article[0].length : last.start,
        end: last.end,
        kind: "name",
        name: last,
      };
    }
  }
  if (looksLikeClause(part.text) || words(part.text).length > 8) return null;
  const head = headOf(part.text);
  if (!isRoleHead(head, part.text)) return null;
  return { start: part.start, end: part.end, kind: "role", head };
}

/**
 * The subject of a cue from the text before it, [from, cue): the phrase and, when a clause comes
 * first ("Most of them have been released, the ministry said"), where that clause ends.
 */
export function subjectBefore(text: string, from: number, cue: number, names: NameMention[]) {
  const parts = commaParts(text, from, cue).filter((part) => !isAdverbOnly(part));
  const chain: Part[] = [];
  for (let i = parts.length - 1; i >= 0; i -= 1) {
    const part = parts[i]!;
    if (isRelative(part)) continue;
    if (looksLikeClause(part.text)) {
      if (chain.length === 0) {
        const coordinated = /^(.*?)\s+\p{Ll}+ed\b.*\s(?:but|and)$/u.exec(part.text);
        if (coordinated)
          chain.unshift({
            start: part.start,
            end: part.start + coordinated[1]!.length,
            text: coordinated[1]!,
          });
      }
      break;
    }
    chain.unshift(part);
  }
  if (chain.length === 0) return null;
  const clauseParts = parts
    .slice(0, parts.indexOf(chain[0]!) === -1 ? 0 : parts.indexOf(chain[0]!))
    .filter((part) => !isRelative(part));
  const phrase = chainPhrase(text, chain, names);
  if (!phrase) return null;
  const clause = clauseParts.length ? clauseParts[clauseParts.length - 1]! : null;
  return { phrase, clauseStart: clauseParts[0]?.start ?? null, clauseEnd: clause ? clause.end : null };
}

/** The speaker after a cue ("said Jane Smith, a spokeswoman for Nordic Air"), within [cueEnd, to). */
export function subjectAfter(text: string, cueEnd: number, to: number, names: NameMention[]) {
  const parts = commaParts(text, cueEnd, to);
  const first = parts[0];
  if (!first || /^(?:that|to|the\s+\w+\s+(?:was|is|had|would))\b/i.test(first.text)) return null;
  const chain = [first];
  if (parts[1] && !isRelative(parts[1]) && !looksLikeClause(parts[1].text)) chain.push(parts[1]);
  const tail = /\s+(?:on|in|at|during|after|before|late|early|last|this)\s.*$/i.exec(first.text);
  if (tail)
    chain[0] = {
      start: first.start,
      end: first.end - tail[0].length,
      text: first.text.slice(0, -tail[0].length),
    };
  return chainPhrase(text, chain, names);
}

/** In "the mayor, Luis Ortega" or "Hikmat Hajiyev, assistant to the president" the name speaks; the rest is its role. */
function chainPhrase(text: string, chain: Part[], names: NameMention[]): SpeakerPhrase | null {
  const phrases = chain.map((part) => phraseIn(text, part, names));
  const named = phrases.findIndex((phrase) => phrase?.kind === "name");
  const main = named !== -1 ? phrases[named]! : phrases[0];
  if (!main) return null;
  const others = chain.filter((_, index) => index !== (named !== -1 ? named : 0));
  const role = others.map((part) => part.text).join(", ");
  return role ? { ...main, role } : main;
}
