// Who is speaking, read from the words next to a cue: the subject before it ("Hikmat Hajiyev,
// assistant to the president, stressed"), or the phrase after it ("said Dr. Amal Haddad, a
// hydrologist"). A phrase is a name, a pronoun or a role ("the president's assistant").
import { ADVERBS, BODY_HEADS, NOT_NAMES, PERSON_ROLES, PRONOUNS, TITLES as TITLE_WORDS } from "./lexicon.js";
import { genderOfGivenName } from "./first-names.js";
import type { NameMention } from "./names.js";
import type { Tagged } from "./pos.js";

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
  "across",
  "among",
  "around",
  "near",
  "outside",
  "inside",
  "within",
  "close",
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

/**
 * Whether a stretch of text reads as a clause (has a verb), not a noun phrase, by its
 * part-of-speech tags. With `participles` a verb right after a noun and before a preposition is
 * read as a participle inside a noun phrase ("people briefed on the talks", "a study published
 * in The Lancet"); words after a relative pronoun belong to the relative clause, not to this one.
 */
export function looksLikeClause(
  part: { start: number; end: number },
  tagged: Tagged,
  participles = true,
): boolean {
  const tokens = tagged.within(part.start, part.end);
  for (const [index, token] of tokens.entries()) {
    if (participles && index > 0 && /^(?:who|which|whose)$/i.test(token.text)) return false;
    if (token.pos === "AUX") return true;
    if (token.pos !== "VERB") continue;
    const before = tokens[index - 1];
    const after = tokens[index + 1];
    // "Lagos-based", "state-owned": half of a compound adjective.
    if (before?.text === "-" && before.end === token.start) continue;
    // "Presiding judge Ulrike Brandt", "Lead attorney Keisha Broussard": a verb form before a noun,
    // opening the phrase or after a determiner or an adjective, describes it.
    if (
      (before === undefined || /^(?:DET|ADJ|NUM)$/.test(before.pos)) &&
      after !== undefined &&
      /^(?:NOUN|PROPN)$/.test(after.pos)
    )
      continue;
    // "the Road Policing Unit": a capitalised word inside a name.
    if (/^\p{Lu}/u.test(token.text) && before?.pos === "PROPN" && after?.pos === "PROPN") continue;
    const participle =
      participles &&
      before !== undefined &&
      /^(?:NOUN|PROPN|NUM|PRON)$/.test(before.pos) &&
      (after === undefined || after.pos === "ADP" || after.text.toLowerCase() === "to");
    if (!participle) return true;
  }
  return false;
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
    // "2,100": a comma inside a number divides nothing.
    if (text[i] === "," && !(/\d/.test(text[i - 1] ?? "") && /\d/.test(text[i + 1] ?? ""))) {
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
  /^(?:in|on|at|after|before|during|for|with|from|under|since|outside|inside|near|behind|beyond|in a|on a)\b/i.test(
    part.text,
  );

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
  // "People close to the former minister", "sources familiar with the talks".
  if (/^(?:people|sources|persons)$/.test(head) && list.length <= 8) return true;
  if (DETERMINERS.has(list[0] ?? "")) return list.length <= 6;
  // "Seismologists at the National Geophysical Institute": people by what they do.
  if (/(?:ists|ers|ians|ors|ants|ents|ials)$/.test(head) && list.length <= 8) return true;
  return list.length === 1 && /[^s]s$/.test(head);
}

/** The names inside [from, to), found by binary search: `names` are in text order. */
function namesWithin(names: NameMention[], from: number, to: number): NameMention[] {
  let low = 0;
  let high = names.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (names[middle]!.start < from) low = middle + 1;
    else high = middle;
  }
  const inside: NameMention[] = [];
  for (let i = low; i < names.length && names[i]!.start < to; i += 1)
    if (names[i]!.end <= to) inside.push(names[i]!);
  return inside;
}

/** The speaker a part names, if it names one: a pronoun, a name, or a role phrase. */
export function phraseIn(
  text: string,
  raw: Part,
  names: NameMention[],
  tagged: Tagged,
): SpeakerPhrase | null {
  let part = trimAdverbs(text, raw);
  // "The Lake Basin Authority (LBA)": the abbreviation it introduces is no part of how it is named.
  // So is a press release's defined name: "Nordlys Battery Systems ASA (“Nordlys” or “the Company”)".
  const abbreviation =
    /\s*\((?:\p{Lu}[\p{Lu}&]{1,7}|[“"‘][^()]{1,60}|[\p{L} ]{2,20}:\s*[\p{Lu}\d.]{1,8})\)$/u.exec(part.text);
  if (abbreviation)
    part = {
      start: part.start,
      end: part.end - abbreviation[0].length,
      text: part.text.slice(0, abbreviation.index),
    };
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
  const inside = namesWithin(names, part.start, part.end);
  const last = inside[inside.length - 1];
  if (last && last.end === part.end) {
    const before = words(text.slice(part.start, last.start));
    // "WFP Regional Director for Eastern Africa Dr. Amara Nwosu": a person with a title heads the phrase.
    const titled =
      last.kind === "person" &&
      (last.title !== "" || before.some((word) => PERSON_ROLES.has(word) || TITLE_WORDS.has(word)));
    if (titled || !before.some((word) => PREPOSITIONS.has(word))) {
      // "the National Education Association": an organisation's article is part of how it is named.
      const article =
        last.kind === "organisation"
          ? /\bthe\s$/i.exec(text.slice(Math.max(part.start, last.start - 4), last.start))
          : null;
      return {
        start: article ? last.start - article[0].length : last.mentionStart,
        end: last.end,
        kind: "name",
        name: last,
      };
    }
  }
  // "Seismologist Dr Inés Villanueva of the Geophysical Institute", "Ivo Kranjčar of the
  // Motorists' Association": the person, whom the body after "of" only places.
  const person = inside.find(
    (name) =>
      name.kind === "person" &&
      name.name.includes(" ") &&
      !words(text.slice(part.start, name.start)).some((word) => PREPOSITIONS.has(word)) &&
      /^\s+(?:of|at|from)\s/.test(text.slice(name.end, part.end)),
  );
  if (person) return { start: person.mentionStart, end: person.end, kind: "name", name: person };
  if (looksLikeClause(part, tagged) || words(part.text).length > 8) return null;
  const head = headOf(part.text);
  if (!isRoleHead(head, part.text)) return null;
  return { start: part.start, end: part.end, kind: "role", head };
}

/**
 * The subject of a cue from the text before it, [from, cue): the phrase and, when a clause comes
 * first ("Most of them have been released, the ministry said"), where that clause ends.
 */
export function subjectBefore(text: string, from: number, cue: number, names: NameMention[], tagged: Tagged) {
  const parts = commaParts(text, from, cue).filter((part) => !isAdverbOnly(part));
  const chain: Part[] = [];
  /** Set once the subject is known to lie in parts before a verb phrase ("X, …, praised A but warned …"). */
  let subjectEarlier = false;
  for (let i = parts.length - 1; i >= 0; i -= 1) {
    const part = parts[i]!;
    // ", speaking on condition of anonymity,": a participle clause set off inside the subject.
    if (
      isRelative(part) ||
      (i > 0 &&
        chain.length === 0 &&
        /^\p{Ll}+ing\s/u.test(part.text) &&
        tagged.startingAt(part.start)?.pos === "VERB")
    )
      continue;
    // "Arrieta-Quispe, the first Peruvian to lead the race, dedicated the win … and said": an apposition.
    if (subjectEarlier && i > 0 && /^(?:the|a|an)\s/i.test(part.text)) continue;
    // The part next to the cue may be a noun phrase with a participle; the sentence's first part, if not next to it, is a clause when it has a verb.
    if (looksLikeClause(part, tagged, i === parts.length - 1 || i > 0)) {
      if (chain.length === 0) {
        // "The central bank kept rates on hold but warned …": the subject is what precedes the first verb.
        if (/\s(?:but|and)$/.test(part.text)) {
          const verb = tagged
            .within(part.start, part.end)
            .find((token) => token.pos === "VERB" || token.pos === "AUX");
          const subjectText = verb ? text.slice(part.start, verb.start).trimEnd() : "";
          if (subjectText)
            chain.unshift({ start: part.start, end: part.start + subjectText.length, text: subjectText });
          // "His manager, Rita Sousa, praised his nerve but warned …": the subject is in the parts before.
          else if (verb) {
            subjectEarlier = true;
            continue;
          }
        }
      }
      break;
    }
    chain.unshift(part);
  }
  if (chain.length === 0) return null;
  const clauseParts = parts
    .slice(0, parts.indexOf(chain[0]!) === -1 ? 0 : parts.indexOf(chain[0]!))
    .filter((part) => !isRelative(part));
  const phrase = chainPhrase(text, chain, names, tagged);
  if (!phrase) return null;
  const clause = clauseParts.length ? clauseParts[clauseParts.length - 1]! : null;
  return { phrase, clauseStart: clauseParts[0]?.start ?? null, clauseEnd: clause ? clause.end : null };
}

/** The speaker after a cue ("said Jane Smith, a spokeswoman for Nordic Air"), within [cueEnd, to). */
export function subjectAfter(text: string, cueEnd: number, to: number, names: NameMention[], tagged: Tagged) {
  const parts = commaParts(text, cueEnd, to);
  const first = parts[0];
  if (!first || /^(?:that|to|the\s+\w+\s+(?:was|is|had|would))\b/i.test(first.text)) return null;
  const chain = [first];
  if (parts[1] && !isRelative(parts[1]) && !looksLikeClause(parts[1], tagged)) chain.push(parts[1]);
  const tail = /\s+(?:on|in|at|during|after|before|late|early|last|this)\s.*$/i.exec(first.text);
  if (tail)
    chain[0] = {
      start: first.start,
      end: first.end - tail[0].length,
      text: first.text.slice(0, -tail[0].length),
    };
  return chainPhrase(text, chain, names, tagged);
}

/** In "the mayor, Luis Ortega" or "Hikmat Hajiyev, assistant to the president" the name speaks; the rest is its role. */
function chainPhrase(
  text: string,
  chain: Part[],
  names: NameMention[],
  tagged: Tagged,
): SpeakerPhrase | null {
  const phrases = chain.map((part) => phraseIn(text, part, names, tagged));
  // "Asked about her opponent, Zofia Kowalczyk, she said": a pronoun next to the cue is the
  // subject; nothing stands in apposition before a pronoun.
  const closing = phrases[phrases.length - 1];
  if (closing?.kind === "pronoun") return closing;
  // "The Minister for Social Security, Ingrid Solheim-Vance, told MPs": the person, not the body in the post.
  const isPerson = (phrase: SpeakerPhrase | null) =>
    phrase?.kind === "name" && phrase.name?.kind === "person";
  const given = phrases.findIndex(
    (phrase) => isPerson(phrase) && genderOfGivenName(phrase!.name!.name.split(" ")[0]!) !== undefined,
  );
  const person = given !== -1 ? given : phrases.findIndex(isPerson);
  const named = person !== -1 ? person : phrases.findIndex((phrase) => phrase?.kind === "name");
  const main = named !== -1 ? phrases[named]! : phrases[0];
  if (!main) return null;
  const others = chain.filter((_, index) => index !== (named !== -1 ? named : 0));
  const role = others.map((part) => part.text).join(", ");
  return role ? { ...main, role } : main;
}

/**
 * "…," Lindqvist said / said Lindqvist: one capitalised word next to the cue of a quotation names
 * its speaker, known or not (a surname the names did not catch).
 */
export function loneName(text: string, start: number, end: number): SpeakerPhrase | null {
  const word = text.slice(start, end);
  if (!/^\p{Lu}[\p{L}\p{M}'’-]+$/u.test(word) || NOT_NAMES.has(word.toLowerCase())) return null;
  if (BODY_HEADS.has(word.toLowerCase()) || word.toLowerCase() in PRONOUNS) return null;
  const name: NameMention = {
    start,
    nameStart: start,
    mentionStart: start,
    end,
    name: word,
    title: "",
    kind: "person",
    weak: true,
    entity: word,
  };
  return { start, end, kind: "name", name };
}
