// Proper names in a text: runs of capitalised words, split into the title before a name
// ("Gov.", "Finance Minister") and the name itself, and told apart as people or organisations
// and places. A surname alone ("Doe") counts once the full name has been seen. UTF-16 offsets.
import { NOT_NAMES, ORGANISATION_WORDS, TITLES } from "./lexicon.js";

export interface NameMention {
  /** Start of the mention with its title ("Dr. Amal Haddad"). */
  start: number;
  /** Start of the name proper ("Amal Haddad"). */
  nameStart: number;
  end: number;
  /** The name without its title. */
  name: string;
  /** The title words before it ("Governor", "Finance Minister"), if any. */
  title: string;
  kind: "person" | "organisation";
  /** A lone capitalised word inside a sentence ("Streamly"): an organisation or a place, perhaps. */
  weak?: boolean;
  /** The full name this mention refers to ("Jane Doe" for a later "Doe"). */
  entity: string;
}

interface Token {
  start: number;
  end: number;
  /** The word without a trailing abbreviation dot. */
  word: string;
  dotted: boolean;
}

const WORD = /\p{Lu}[\p{L}\p{M}'’-]*|\p{Ll}{1,3}(?=\s\p{Lu})/gu;
/** Words whose full stop belongs to them, not to the sentence: titles and initials. */
const ABBREVIATION = /^(?:Mr|Mrs|Ms|Dr|Prof|Gov|Sen|Rep|Gen|Col|Lt|Capt|Sgt|St|Jr|Sr|\p{Lu})$/u;
const PLACE_WORDS = new Set([
  "calle",
  "rue",
  "via",
  "avenida",
  "plaza",
  "piazza",
  "mount",
  "lake",
  "port",
  "fort",
  "saint",
  "san",
  "santa",
  "cape",
  "gulf",
  "bay",
]);
const PARTICLES = new Set(["de", "van", "von", "al", "bin", "da", "del", "la", "le", "der", "di", "du"]);

const lower = (word: string) => word.toLowerCase().replace(/[’']s$/, "");
const isTitle = (token: Token) => TITLES.has(lower(token.word));
const isCapitalised = (token: Token) => /^\p{Lu}/u.test(token.word);

/** Runs of capitalised words joined by single spaces (particles such as "van" allowed inside). */
function capitalisedRuns(text: string): Token[][] {
  const runs: Token[][] = [];
  let run: Token[] = [];
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    const dotted = text[match.index + word.length] === "." && ABBREVIATION.test(word);
    const token = { start: match.index, end: match.index + word.length + (dotted ? 1 : 0), word, dotted };
    const previous = run[run.length - 1];
    const joined = previous && text.slice(previous.end, token.start) === " ";
    if (!isCapitalised(token) && !PARTICLES.has(token.word)) {
      if (run.length) runs.push(run);
      run = [];
      continue;
    }
    if (previous && !joined) {
      runs.push(run);
      run = [];
    }
    run.push(token);
  }
  if (run.length) runs.push(run);
  return runs.map(trimParticles).filter((tokens) => tokens.length > 0);
}

function trimParticles(tokens: Token[]): Token[] {
  let from = 0;
  let to = tokens.length;
  while (from < to && !isCapitalised(tokens[from]!)) from += 1;
  while (to > from && !isCapitalised(tokens[to - 1]!)) to -= 1;
  return tokens.slice(from, to);
}

/** Splits a run after organisation words that are not its last ("Presidential Administration | Hikmat Hajiyev"). */
function splitAtOrganisations(tokens: Token[]): Token[][] {
  const parts: Token[][] = [];
  let part: Token[] = [];
  tokens.forEach((token, index) => {
    part.push(token);
    if (ORGANISATION_WORDS.has(lower(token.word)) && index < tokens.length - 1) {
      parts.push(part);
      part = [];
    }
  });
  if (part.length) parts.push(part);
  return parts;
}

function mentionOf(text: string, tokens: Token[]): NameMention | null {
  let from = 0;
  while (from < tokens.length && NOT_NAMES.has(lower(tokens[from]!.word))) from += 1;
  const words = tokens.slice(from);
  if (words.length === 0) return null;
  let lastTitle = -1;
  words.forEach((token, index) => {
    if (isTitle(token) && index < words.length - 1) lastTitle = index;
  });
  const name = words.slice(lastTitle + 1);
  const title = words.slice(0, lastTitle + 1);
  const last = lower(name[name.length - 1]!.word);
  // "Calle Mayor", "Port Said": a place, whatever its last word.
  const place = PLACE_WORDS.has(lower(name[0]!.word)) || (TITLES.has(last) && name.length > 1);
  const organisation =
    place || ORGANISATION_WORDS.has(last) || name.some((token) => ORGANISATION_WORDS.has(lower(token.word)));
  if (name.length < 2 && title.length === 0 && !organisation) return null;
  if (name.length === 1 && organisation && /^\p{Lu}+$/u.test(name[0]!.word) === false && title.length === 0)
    return null;
  const nameText = text.slice(name[0]!.start, name[name.length - 1]!.end);
  return {
    start: (title[0] ?? name[0]!).start,
    nameStart: name[0]!.start,
    end: name[name.length - 1]!.end,
    name: nameText,
    title: title.map((token) => token.word + (token.dotted ? "." : "")).join(" "),
    kind: organisation ? "organisation" : "person",
    entity: nameText,
  };
}

/**
 * Every name mention of the text in order. Full names are found first; then a capitalised word
 * that is the last word of a person's full name seen earlier is a mention of that person.
 */
export function findNames(text: string): NameMention[] {
  const mentions: NameMention[] = [];
  const runs = capitalisedRuns(text);
  for (const run of runs) {
    for (const part of splitAtOrganisations(run)) {
      const mention = mentionOf(text, part);
      if (mention) mentions.push(mention);
    }
  }
  const surnames = new Map<string, string>();
  for (const mention of mentions) {
    if (mention.kind !== "person") continue;
    const words = mention.name.split(" ");
    if (words.length > 1) surnames.set(words[words.length - 1]!, mention.entity);
  }
  // Which characters full names cover, and where each person is first named: one pass each.
  const covered = new Uint8Array(text.length + 1);
  const firstSeen = new Map<string, number>();
  for (const mention of mentions) {
    covered.fill(1, mention.start, mention.end);
    if (!firstSeen.has(mention.entity)) firstSeen.set(mention.entity, mention.start);
  }
  const taken = (start: number) => covered[start] === 1;
  for (const run of runs) {
    for (const token of run) {
      const entity = surnames.get(token.word);
      if (!entity || taken(token.start)) continue;
      if (firstSeen.get(entity)! > token.start) continue;
      covered.fill(1, token.start, token.end);
      mentions.push({
        start: token.start,
        nameStart: token.start,
        end: token.end,
        name: token.word,
        title: "",
        kind: "person",
        entity,
      });
    }
  }
  addLoneWords(text, runs, mentions, taken);
  return mentions.sort((a, b) => a.start - b.start);
}

/** Single capitalised words inside a sentence, not names of people: organisations or places. */
function addLoneWords(
  text: string,
  runs: Token[][],
  mentions: NameMention[],
  taken: (start: number) => boolean,
) {
  for (const run of runs) {
    if (run.length !== 1) continue;
    const [token] = run as [Token];
    const before = text.slice(Math.max(0, token.start - 3), token.start);
    if (taken(token.start) || NOT_NAMES.has(lower(token.word)) || TITLES.has(lower(token.word))) continue;
    if (token.start === 0 || /[.!?“"‘:\n]\s*$/.test(before) || /^\p{Lu}+$/u.test(token.word)) continue;
    mentions.push({
      start: token.start,
      nameStart: token.start,
      end: token.end,
      name: token.word,
      title: "",
      kind: "organisation",
      entity: token.word,
      weak: true,
    });
  }
}
