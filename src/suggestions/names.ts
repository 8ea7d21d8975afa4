// Proper names in a text: runs of capitalised words, split into the title before a name
// ("Gov.", "Finance Minister") and the name itself, and told apart as people or organisations
// and places. A surname alone ("Doe") counts once the full name has been seen. UTF-16 offsets.
import { genderOfGivenName } from "./first-names.js";
import { HONORIFICS, NOT_NAMES, ORGANISATION_WORDS, PLACE_HEADS, TITLES } from "./lexicon.js";
import { isPlaceName, placePrefix } from "./places.js";

export interface NameMention {
  /** Start of the mention with its title ("Dr. Amal Haddad"). */
  start: number;
  /** Start of the name proper ("Amal Haddad"). */
  nameStart: number;
  /**
   * Start of the words a speaker mention keeps: the name with the honorifics right before it
   * ("Dr. Amal Haddad", "Sir Nigel Ashdown"), not titles or roles ("Governor", "Finance Minister").
   */
  mentionStart: number;
  end: number;
  /** The name without its title. */
  name: string;
  /** The title words before it ("Governor", "Finance Minister"), if any. */
  title: string;
  /**
   * Descriptions next to the name that are neither name nor mention: "Czech MEP" in "Czech MEP
   * Věra Dvořáková", "Shopkeeper" in "Shopkeeper Ann Ode", "QC" after "Tom Hale QC" (kept in the mention).
   */
  description?: string;
  /** A lone word after "in", "to", "from" …: a place, which no pronoun refers to. */
  place?: boolean;
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

// Lower-case particles count as words when a capitalised one follows ("van den Broeck").
const WORD =
  /\p{Lu}\/\p{Lu}\b|\p{Lu}[\p{L}\p{M}'’-]*|\p{Ll}{1,3}-\p{Lu}[\p{L}\p{M}'’-]*|\p{Ll}{1,5}(?=(?:\s\p{Ll}{1,5})*\s\p{Lu})/gu;
/** Words whose full stop belongs to them, not to the sentence: titles and initials. */
const ABBREVIATION =
  /^(?:Mr|Mrs|Ms|Dr|Prof|Rev|Revd|Fr|Inc|Ltd|Corp|Co|Gov|Sen|Rep|Gen|Col|Lt|Capt|Sgt|St|Jr|Sr|\p{Lu})$/u;
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
const PARTICLES = new Set([
  "ap",
  "binte",
  "binti",
  "de",
  "den",
  "des",
  "della",
  "degli",
  "van",
  "von",
  "al",
  "bin",
  "ibn",
  "da",
  "do",
  "dos",
  "das",
  "del",
  "la",
  "le",
  "der",
  "di",
  "du",
  "ter",
  "ten",
  "zu",
]);

const fold = (name: string) =>
  name
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();
const lower = (word: string) => word.toLowerCase().replace(/[’']s$/, "");
/** A title word, hyphenated ones too ("Brigadier-General", "Vice-President"). */
const isTitle = (token: Token) =>
  TITLES.has(lower(token.word)) ||
  lower(token.word)
    .split("-")
    .some((part) => TITLES.has(part));
/** Capitalised, or a name after a particle and a hyphen ("al-Amin", "el-Sayed"). */
const isCapitalised = (token: Token) => /^(?:\p{Ll}{1,3}-)?\p{Lu}/u.test(token.word);

/** Runs of capitalised words joined by single spaces (particles such as "van" allowed inside). */
function capitalisedRuns(text: string): Token[][] {
  const runs: Token[][] = [];
  let run: Token[] = [];
  for (const match of text.matchAll(WORD)) {
    // A closing single quotation mark is not part of the word before it ("… Bridge Street’"),
    // nor a hyphen before a number ("LMF-204").
    const word = match[0].replace(/['’-]+$/, "");
    // "Rotterdam-based Van der Wal Shipping": a description before the name, no part of it.
    if (/-(?:based|born|owned|listed|led|backed|registered)$/i.test(word)) {
      if (run.length) runs.push(run);
      run = [];
      continue;
    }
    const dotted = text[match.index + word.length] === "." && ABBREVIATION.test(word);
    const token = { start: match.index, end: match.index + word.length + (dotted ? 1 : 0), word, dotted };
    const previous = run[run.length - 1];
    // "U.S. Attorney": initials written without spaces; "Marlow & Finch": an ampersand.
    const joined =
      previous &&
      (text.slice(previous.end, token.start) === " " ||
        text.slice(previous.end, token.start) === " & " ||
        (previous.dotted && previous.end === token.start && /^\p{Lu}$/u.test(token.word)));
    // "Central Bureau of Statistics", "Bank of England": "of" or "for" after an organisation word joins the name.
    // Once joined, "and" and a further "of" go on with it: "Ministry of Ecology and Natural
    // Resources of Azerbaijan".
    const joins =
      previous !== undefined &&
      ((/^(?:of|for)$/.test(token.word) && ORGANISATION_WORDS.has(lower(previous.word))) ||
        (/^(?:of|for|and)$/.test(token.word) &&
          isCapitalised(previous) &&
          run.some((other) => /^(?:of|for)$/.test(other.word)) &&
          ORGANISATION_WORDS.has(lower(run.find((other) => other.word !== "The")!.word))));
    if (!isCapitalised(token) && !PARTICLES.has(token.word) && !joins) {
      if (run.length) runs.push(run);
      run = [];
      continue;
    }
    // "Retail Workers' Union": a plural possessive inside a name.
    const pluralPossessive =
      previous !== undefined &&
      /s$/.test(previous.word) &&
      /^['’] $/.test(text.slice(previous.end, token.start));
    // "New Zealand's Dinesh Wickramaratne": a possessive ends a name.
    if (previous && ((!joined && !pluralPossessive) || /[’']s$/.test(previous.word))) {
      runs.push(run);
      run = [];
    }
    run.push(token);
  }
  if (run.length) runs.push(run);
  return joinPossessiveBodies(text, runs)
    .map(trimParticles)
    .filter((tokens) => tokens.length > 0);
}

/**
 * "The Alzheimer's Research Trust", "World Children's Fund": a possessive inside a body's name,
 * which ends in an organisation word; but "Norway's Statistics Office" is the country's body.
 */
function joinPossessiveBodies(text: string, runs: Token[][]): Token[][] {
  const joined: Token[][] = [];
  for (const run of runs) {
    const previous = joined[joined.length - 1];
    const owner = previous?.[previous.length - 1];
    // "Maritime and Dockworkers' Union", "Fire and Rescue Service": "and" inside a body's name.
    const between = previous && owner ? text.slice(owner.end, run[0]!.start) : "";
    if (
      previous &&
      owner &&
      between === " and " &&
      previous.length <= 3 &&
      // "Harbourline Energy and Kōmori Industries" are two bodies; "Road and Transport Authority" one.
      !(
        ORGANISATION_WORDS.has(lower(owner.word)) &&
        previous.filter((token) => token.word !== "The").length > 1
      ) &&
      ORGANISATION_WORDS.has(lower(run[run.length - 1]!.word)) &&
      !previous.some((token) => genderOfGivenName(token.word)) &&
      !isPlaceName(previous.map((token) => token.word).join(" "))
    ) {
      previous.push({ start: owner.end + 1, end: owner.end + 4, word: "and", dotted: false }, ...run);
      continue;
    }
    if (
      previous &&
      owner &&
      /[’']s$/.test(owner.word) &&
      text.slice(owner.end, run[0]!.start) === " " &&
      ORGANISATION_WORDS.has(lower(run[run.length - 1]!.word)) &&
      !isPlaceName(previous.map((token) => token.word.replace(/[’']s$/, "")).join(" "))
    )
      previous.push(...run);
    else joined.push(run);
  }
  return joined;
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
    const next = tokens[index + 1]?.word;
    const rest = tokens.slice(index + 1);
    // "Minister of Energy of Uzbekistan | Jamshid Rahimov": a person named after the place.
    const personAfter = !rest.some((other) => ORGANISATION_WORDS.has(lower(other.word)));
    // "President of the Republic of Ostravia | Mirela Vasilescu-Drin": a given name after "of X".
    const nameAfterOf =
      tokens[index - 1]?.word === "of" &&
      rest.length === 2 &&
      personAfter &&
      // "Prime Minister of the Kingdom of Sarnia | Håkon Lindqvist": after "<body> of <place>".
      (genderOfGivenName(rest[0]!.word) !== undefined ||
        (ORGANISATION_WORDS.has(lower(tokens[index - 2]?.word ?? "")) &&
          rest.every((other) => /^\p{Lu}\p{Ll}/u.test(other.word))));
    const afterPlace =
      isPlaceName(token.word) &&
      tokens[index - 1]?.word === "of" &&
      rest.length >= 2 &&
      !rest.some((other) => ORGANISATION_WORDS.has(lower(other.word)));
    if (
      // ("Police Scotland" stays whole: one word after it names no person.)
      (ORGANISATION_WORDS.has(lower(token.word)) &&
        index < tokens.length - 2 &&
        personAfter &&
        next !== "of" &&
        next !== "for" &&
        next !== "and") ||
      afterPlace ||
      nameAfterOf
    ) {
      parts.push(part);
      part = [];
    }
  });
  if (part.length) parts.push(part);
  return parts;
}

/** Common Vietnamese, Chinese and Korean family names, written before the given name. */
const FAMILY_NAMES_FIRST = new Set(
  (
    "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly " +
    "wang li zhang liu chen yang zhao huang zhou wu xu sun ma zhu hu guo lin luo gao zheng " +
    "kim lee park choi jung kang cho yoon jang lim han shin seo kwon hwang ahn song hong"
  ).split(" "),
);

/** Capitalised words that open a surname ("Mac Lochlainn", "Ní Bhriain", "De Souza"). */
const SURNAME_OPENERS = new Set([
  "mac",
  "mc",
  "ní",
  "nic",
  "ó",
  "ua",
  "uí",
  "van",
  "von",
  "de",
  "da",
  "di",
  "le",
  "la",
  "al",
  "el",
  "bin",
  "ben",
  "abu",
  "ap",
]);

const isAcronym = (token: Token) => /^\p{Lu}{2,6}$/u.test(token.word);
/** "Shopkeeper", "Lawyer", "Economist": a word for what someone does, written before the name. */
const AGENT_NOUN = /(?:er|or|ist|ian|eer|ant|man|woman)$/;

/**
 * Words before or after a person's name that describe the person: an acronym before the name and
 * what comes before it ("Czech MEP"), a capitalised agent noun that opens a run of three or more
 * ("Shopkeeper Ann Ode"), and an acronym after a full name ("Tom Hale QC").
 */
function descriptions(name: Token[]): { before: number; after: number } {
  let before = 0;
  let after = 0;
  if (name.length >= 3 && isAcronym(name[name.length - 1]!)) after = 1;
  for (let i = name.length - 2 - after; i >= 0; i -= 1) {
    if (isAcronym(name[i]!)) {
      before = i + 1;
      break;
    }
  }
  const first = name[before];
  if (
    before === 0 &&
    name.length - after >= 3 &&
    first &&
    AGENT_NOUN.test(lower(first.word)) &&
    // "Conor Mac Lochlainn", "Victor De Souza": a given name before a surname's particle.
    !SURNAME_OPENERS.has(lower(name[1]!.word)) &&
    // "Shopkeeper Ann Ode", "Campaigner Hetty Crane", but "Pieter van Dam"; "Baker Lise Dahl", as
    // the lists know Baker as a given name too, only because Lise is one.
    isCapitalised(name[1]!) &&
    (genderOfGivenName(first.word) === undefined || genderOfGivenName(name[1]!.word) !== undefined)
  )
    before = 1;
  // "Azerbaijan Tural Isgandarli": the country a title before it names, then the person.
  const place = placePrefix(name.map((token) => token.word));
  if (before === 0 && place > 0 && name.length - after - place >= 2) before = place;
  // "Minister of Energy of Uzbekistan Jamshid Rahimov": the name follows the place its title names.
  const of = name.map((token) => token.word).lastIndexOf("of");
  if (before === 0 && of >= 0 && name.length - after - (of + 2) >= 2) before = of + 2;
  // "Taoiseach Declan Moriarty", "Resident Kemi Alade": a name starts at its given name; but
  // "Trần Quốc Bảo" is a family name first.
  if (
    before === 0 &&
    name.length - after >= 3 &&
    first &&
    !genderOfGivenName(first.word) &&
    !FAMILY_NAMES_FIRST.has(fold(first.word))
  ) {
    const given = name.findIndex(
      (token, index) =>
        index > 0 &&
        index <= name.length - after - 2 &&
        isCapitalised(token) &&
        genderOfGivenName(token.word) !== undefined,
    );
    if (given > 0 && !name.slice(0, given).some((token) => PARTICLES.has(token.word))) before = given;
  }
  return { before, after };
}

function mentionOf(text: string, tokens: Token[]): NameMention | null {
  let from = 0;
  // "Police said" names no one, but "Police Scotland" is a body: an organisation word opens a name.
  const opensName = (index: number) =>
    ORGANISATION_WORDS.has(lower(tokens[index]!.word)) && index < tokens.length - 1;
  while (from < tokens.length && NOT_NAMES.has(lower(tokens[from]!.word)) && !opensName(from)) from += 1;
  const words = tokens.slice(from);
  if (words.length === 0) return null;
  let lastTitle = -1;
  words.forEach((token, index) => {
    if (isTitle(token) && index < words.length - 1) lastTitle = index;
  });
  const fullName = words.slice(lastTitle + 1);
  const title = words.slice(0, lastTitle + 1);
  const last = lower(fullName[fullName.length - 1]!.word);
  // "Calle Mayor", "Port Said": a place, whatever its last word.
  const place =
    isPlaceName(fullName.map((token) => token.word).join(" ")) ||
    PLACE_WORDS.has(lower(fullName[0]!.word)) ||
    // "Marsh Lane", but "Helen Park" and "Nathan Lane" are people: their first word is a given name.
    (PLACE_HEADS.has(last) && fullName.length > 1 && !genderOfGivenName(fullName[0]!.word)) ||
    (TITLES.has(last) && fullName.length > 1) ||
    // "St Botolph's": a saint's name is a church, a school or a street.
    (title.length > 0 && lower(title[title.length - 1]!.word) === "st");
  const organisation =
    place ||
    // "Marlow & Finch": an ampersand joins the names of a firm.
    text.slice(fullName[0]!.start, fullName[fullName.length - 1]!.end).includes(" & ") ||
    ORGANISATION_WORDS.has(last) ||
    fullName.some((token) => ORGANISATION_WORDS.has(lower(token.word)));
  const described = organisation ? { before: 0, after: 0 } : descriptions(fullName);
  const name = fullName.slice(described.before, fullName.length - described.after);
  if (name.length < 2 && title.length === 0 && !organisation && described.before === 0) return null;
  if (name.length === 1 && organisation && /^\p{Lu}+$/u.test(name[0]!.word) === false && title.length === 0)
    return null;
  const nameText = text.slice(name[0]!.start, name[name.length - 1]!.end);
  const describedWords = [
    ...fullName.slice(0, described.before),
    ...fullName.slice(fullName.length - described.after),
  ];
  let kept = title.length;
  while (kept > 0 && KEPT_IN_MENTION.has(lower(title[kept - 1]!.word))) kept -= 1;
  return {
    start: described.before > 0 ? name[0]!.start : (title[0] ?? name[0]!).start,
    nameStart: name[0]!.start,
    mentionStart: described.before > 0 || kept === title.length ? name[0]!.start : title[kept]!.start,
    end: fullName[fullName.length - 1]!.end,
    name: nameText,
    title: title.map((token) => token.word + (token.dotted ? "." : "")).join(" "),
    ...(describedWords.length ? { description: describedWords.map((token) => token.word).join(" ") } : {}),
    kind: organisation ? "organisation" : "person",
    entity: nameText,
  };
}

const NICKNAMED =
  /(\p{Lu}[\p{L}\p{M}-]+)\s+[‘'“"](\p{Lu}[\p{L}\p{M}-]+)[’'”"]\s+(\p{Lu}[\p{L}\p{M}'’-]*\p{L})/gu;

/** "David ‘Dusty’ Miller": the person David Miller, later called Dusty Miller too. */
function nicknames(text: string) {
  const mentions: NameMention[] = [];
  const aliases = new Map<string, string>();
  for (const match of text.matchAll(NICKNAMED)) {
    const [whole, given, nickname, surname] = match as unknown as [string, string, string, string];
    const name = `${given} ${surname}`;
    const end = match.index + whole.length;
    mentions.push({
      start: match.index,
      nameStart: match.index,
      mentionStart: match.index,
      end,
      name,
      title: "",
      kind: "person",
      entity: name,
    });
    aliases.set(`${nickname} ${surname}`, name);
  }
  return { mentions, aliases };
}

/** Words before a name that a speaker mention keeps: honorifics and forms of address. */
const KEPT_IN_MENTION = new Set([...HONORIFICS, "chief", "cllr", "lord", "lady"]);

/** Lower-case titles written before a surname: "Transport minister Reyes", "the energy minister Reyes". */
const LOWER_TITLE =
  /(?:(\p{Lu}\p{Ll}+)\s)?\b(minister|secretary|president|governor|mayor|senator|spokesman|spokeswoman|spokesperson|director|chairman|chairwoman|commissioner|ambassador|judge|coach)\s(\p{Lu}[\p{L}\p{M}'’-]+)\b(?!\s\p{Lu})/gu;

/** Honorifics that tell a person's gender. */
const HONORIFIC_GENDER: Record<string, "female" | "male"> = {
  mr: "male",
  mrs: "female",
  ms: "female",
  miss: "female",
};

/**
 * Every name mention of the text in order. Full names are found first; then a capitalised word
 * that is the last word of a person's full name seen earlier is a mention of that person.
 */
export function findNames(text: string): NameMention[] {
  const mentions: NameMention[] = [];
  const nicknamed = nicknames(text);
  const runs = capitalisedRuns(text);
  for (const run of runs) {
    for (const part of splitAtOrganisations(run)) {
      const mention = mentionOf(text, part);
      if (
        !mention ||
        nicknamed.mentions.some((named) => named.start <= mention.start && mention.end <= named.end)
      )
        continue;
      // "Dusty Miller" after "David ‘Dusty’ Miller" is David Miller.
      mention.entity = nicknamed.aliases.get(mention.name) ?? mention.entity;
      mentions.push(mention);
    }
  }
  mentions.push(...nicknamed.mentions);
  mentions.sort((a, b) => a.start - b.start);
  // "Deputy Minister of Defence Tamaz Orbeliani": after "<title> of", what the title is of comes
  // first and the person's name is the last two words.
  for (const mention of mentions) {
    const words = mention.name.split(" ");
    if (mention.kind !== "person" || words.length < 2 || mention.title) continue;
    const before = text.slice(Math.max(0, mention.start - 90), mention.start);
    // "Minister of Trade and Integration Aigerim Seitkaliyeva", "Representative of the President
    // for Water Affairs Dilnoza Yusupova": capitalised words, "and", "of", "for" back to the title.
    const title =
      /(\p{L}+)\s+(?:of|for)\s+(?:the\s+)?(?:\p{Lu}[\p{L}'’-]*\s+(?:(?:and|of|for|the)\s+)*)*$/u.exec(
        before,
      )?.[1];
    if (!title || !TITLES.has(title.toLowerCase())) continue;
    // "Prime Minister of the Kingdom of Sarnia Håkon Lindqvist": the post is the person's role.
    const at = before.lastIndexOf(title);
    const opener = /(?:\p{Lu}\p{Ll}+\s+)?$/u.exec(before.slice(0, at))![0];
    const post = before.slice(at - opener.length).trim();
    if (words.length === 2) {
      mention.description ??= post;
      continue;
    }
    const name = words.slice(-2).join(" ");
    const nameStart = mention.end - name.length;
    Object.assign(mention, {
      name,
      nameStart,
      mentionStart: nameStart,
      entity: name,
      description: words.slice(0, -2).join(" "),
    });
  }
  const surnames = new Map<string, string>();
  const fullNames: NameMention[] = [];
  for (const mention of mentions) {
    if (mention.kind !== "person") continue;
    const words = mention.name.split(" ");
    if (words.length > 1) fullNames.push(mention);
  }
  const occupied = (start: number, end: number) =>
    mentions.some((mention) => mention.start < end && mention.end > start);
  for (const match of text.matchAll(LOWER_TITLE)) {
    const surname = match[3]!;
    const nameStart = match.index + match[0].length - surname.length;
    if (occupied(nameStart, nameStart + surname.length) || NOT_NAMES.has(lower(surname))) continue;
    const start =
      match[1] && !NOT_NAMES.has(lower(match[1]))
        ? match.index
        : match.index + (match[1] ? match[1].length + 1 : 0);
    mentions.push({
      start,
      nameStart,
      mentionStart: nameStart,
      end: nameStart + surname.length,
      name: surname,
      title: text.slice(start, nameStart).trim(),
      kind: "person",
      entity: surname,
    });
  }
  // "in Lào Cai province": a name right after "in" is a place, which no pronoun refers to.
  for (const mention of mentions) {
    if (
      /\b(?:in|near)\s+$/i.test(text.slice(Math.max(0, mention.start - 6), mention.start)) &&
      !mention.title
    )
      mention.place = true;
  }
  const foldedNames = new Map(fullNames.map((candidate) => [candidate, fold(candidate.name)]));
  // "Mr Adeyemi", "Ms Berg", "Alvarado Quispe", "De Groot": the person named in full before whose
  // name ends so (case and accents ignored), of the gender an honorific tells.
  for (const mention of mentions) {
    if (mention.kind !== "person") continue;
    const gender = HONORIFIC_GENDER[lower(mention.title.replace(/\.$/, ""))];
    const ending = ` ${fold(mention.name)}`;
    // "Dame Rosalind", "Sir Nigel": these titles go with the given name.
    const byGivenName = /^(?:sir|dame|lord|lady)$/i.test(mention.title) && !mention.name.includes(" ");
    const opening = `${fold(mention.name)} `;
    // A headline ("Van den Broeck: 'I rode like a rookie'") names before the story does.
    const inHeadline = !text.slice(0, mention.start).includes("\n");
    const full = fullNames
      .filter((candidate) => {
        if (candidate.start >= mention.start && !inHeadline) return false;
        if (candidate === mention) return false;
        const named = foldedNames.get(candidate)!;
        if (!(byGivenName ? named.startsWith(opening) : named.endsWith(ending))) return false;
        const given = genderOfGivenName(candidate.name.split(" ")[0]!);
        return !gender || !given || given === gender;
      })
      .pop();
    // "Dr Chen" after "Dr Chen Weiming": a family name written first, when no name ends so.
    const familyFirst =
      full || !mention.title || mention.name.includes(" ")
        ? undefined
        : fullNames
            .filter(
              (candidate) =>
                candidate.start < mention.start &&
                candidate.name.split(" ").length === 2 &&
                foldedNames.get(candidate)!.startsWith(opening),
            )
            .pop();
    // "Ahmad Faizal" after "Ahmad Faizal bin Rahman": a person called by the given names.
    const givenNames =
      full || familyFirst || mention.title || !mention.name.includes(" ")
        ? undefined
        : fullNames
            .filter(
              (candidate) =>
                candidate.start < mention.start &&
                candidate.name.length > mention.name.length &&
                foldedNames.get(candidate)!.startsWith(opening),
            )
            .pop();
    // "Dr Rojas" after "Dr Camila Rojas Echeverría": the first of two surnames.
    const firstSurname =
      full || familyFirst || givenNames || mention.name.includes(" ")
        ? undefined
        : fullNames
            .filter((candidate) => {
              const words = foldedNames.get(candidate)!.split(" ");
              return (
                candidate.start < mention.start &&
                words.length >= 3 &&
                words.slice(1, -1).includes(fold(mention.name)) &&
                genderOfGivenName(candidate.name.split(" ")[0]!) !== undefined
              );
            })
            .pop();
    const person = full ?? familyFirst ?? givenNames ?? firstSurname;
    if (person) mention.entity = person.entity;
  }
  // Surnames are read once later full names ("Van den Broeck") know whom they mean.
  for (const mention of fullNames) {
    const words = mention.name.split(" ");
    surnames.set(words[words.length - 1]!, mention.entity);
    // "Ximena Quispe Huamán" is Quispe too (two surnames); "Ong Kah Seng" is Ong (family name first).
    const plain = !words.some((word) => PARTICLES.has(word) || SURNAME_OPENERS.has(lower(word)));
    // "Luis Fernando Ortega Salazar" is Ortega: two given names, two surnames.
    if (words.length === 4 && plain && genderOfGivenName(words[0]!) && genderOfGivenName(words[1]!)) {
      if (!surnames.has(words[2]!) && !NOT_NAMES.has(lower(words[2]!)))
        surnames.set(words[2]!, mention.entity);
    }
    if (words.length === 3 && plain) {
      const other = genderOfGivenName(words[0]!) ? words[1]! : words[0]!;
      if (!surnames.has(other) && !NOT_NAMES.has(lower(other))) surnames.set(other, mention.entity);
    }
    // "Park Ji-won": a Korean given name is hyphenated, and the surname comes first.
    if (words.length === 2 && /^\p{Lu}\p{Ll}+-\p{Ll}+$/u.test(words[1]!))
      surnames.set(words[0]!, mention.entity);
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
      const start = token.start - particlesBefore(text, token, entity).length;
      mentions.push({
        start,
        nameStart: start,
        mentionStart: start,
        end: token.end,
        name: text.slice(start, token.end),
        title: "",
        kind: "person",
        entity,
      });
    }
  }
  addLoneWords(text, runs, mentions, taken);
  linkAcronyms(mentions);
  return mentions.sort((a, b) => a.start - b.start);
}

/** "van den " before a later "Broeck" when the full name is "Dries van den Broeck". */
function particlesBefore(text: string, token: Token, entity: string): string {
  const before =
    /(?:\b\p{L}{1,4} )+$/u.exec(text.slice(Math.max(0, token.start - 16), token.start))?.[0] ?? "";
  const words = before.split(" ").filter(Boolean);
  while (words.length && !fold(entity).endsWith(` ${fold([...words, token.word].join(" "))}`)) words.shift();
  return words.length && words.every((word) => PARTICLES.has(word.toLowerCase()))
    ? `${words.join(" ")} `
    : "";
}

/** "WFP" and "the CBS" are the World Food Programme and the Central Bureau of Statistics the text names in full. */
function linkAcronyms(mentions: NameMention[]) {
  const initials = new Map<string, string>();
  for (const mention of mentions) {
    if (mention.kind !== "organisation" || !mention.name.includes(" ")) continue;
    const words = mention.name.split(/\s+/);
    // "ADP" for "Aerolíneas del Pacífico" counts the particle; "WFP" for "World Food Programme" does not.
    for (const letters of [
      words
        .filter((word) => /^\p{Lu}/u.test(word))
        .map((word) => word[0])
        .join(""),
      words.map((word) => word[0]!.toUpperCase()).join(""),
    ])
      if (letters.length >= 2 && !initials.has(letters)) initials.set(letters, mention.entity);
  }
  for (const mention of mentions) {
    if (mention.kind !== "organisation" || !/^\p{Lu}{2,6}$/u.test(mention.name)) continue;
    const full = initials.get(mention.name);
    if (full) mention.entity = full;
  }
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
    // An acronym opening a sentence ("MBI said …") is a body as much as inside one.
    if ((token.start === 0 || /[.!?“"‘:\n(]\s*$/.test(before)) && !isAcronym(token)) continue;
    // An acronym ("WFP") is an organisation; a longer word in capitals is a dateline or a shout.
    if (/^\p{Lu}+$/u.test(token.word) && !isAcronym(token)) continue;
    const place = /\b(?:in|at|to|from|near|across|through|into|outside|around)\s+(?:the\s+)?$/i.test(
      text.slice(Math.max(0, token.start - 16), token.start),
    );
    mentions.push({
      start: token.start,
      nameStart: token.start,
      mentionStart: token.start,
      end: token.end,
      name: token.word,
      title: "",
      kind: "organisation",
      entity: token.word,
      weak: true,
      ...(place ? { place } : {}),
    });
  }
}
