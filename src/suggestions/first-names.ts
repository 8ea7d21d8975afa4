// The gender a given name tells, from gender-detection-from-name (MIT; lists of given names in
// English, Italian, Spanish, French, German and Turkish, shipped in its npm package): used only
// when the text itself says nothing (no "Mr"/"Ms", no "spokeswoman", no pronoun already tied to
// the name), so that "she" does not resolve to Paul Novak named just before Maria Santos. The
// lists hold surnames and common words too ("Chen", "Baker"): entities.ts treats what they say
// as a guess that the text overrules.
import genderDetection from "gender-detection-from-name";
import { NOT_NAMES, TITLES } from "./lexicon.js";

export type Gender = "female" | "male";

/** Asked for every capitalised word of every article: answers are kept, within bounds. */
const known = new Map<string, Gender | null>();

/** The gender a given name tells, if the lists know it (accents ignored: "Joaquín" as "Joaquin"). */
export function genderOfGivenName(name: string): Gender | undefined {
  let gender = known.get(name);
  if (gender === undefined) {
    const folded = name
      .normalize("NFKD")
      .replace(/\p{M}+/gu, "")
      .toLowerCase();
    // A few words in the lists are titles too ("Judge", "Captain"): before a name they are titles.
    // So are a few common words ("The" is a given name in the lists).
    const found = TITLES.has(folded) || NOT_NAMES.has(folded) ? "unknown" : genderDetection.getGender(folded);
    gender = found === "female" || found === "male" ? found : null;
    if (known.size >= 100_000) known.clear();
    known.set(name, gender);
  }
  return gender ?? undefined;
}
