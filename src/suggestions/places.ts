// Names of countries, their capitals and continents, from countries-list (MIT, shipped in its npm
// package): a place is never a speaker's name, and no pronoun refers to it. "Azerbaijan Tural
// Isgandarli" is a person named after the country the title before it names.
import { continents, countries } from "countries-list";

const fold = (name: string) =>
  name
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();

const COMPASS = ["central", "north", "south", "east", "west", "northern", "southern", "eastern", "western"];

const PLACES = new Set<string>();
for (const country of Object.values(countries)) {
  for (const name of [country.name, country.native, country.capital]) if (name) PLACES.add(fold(name));
}
for (const continent of Object.values(continents)) {
  PLACES.add(fold(continent));
  for (const direction of COMPASS) PLACES.add(`${direction} ${fold(continent)}`);
}
for (const region of ["middle east", "gulf", "balkans", "caucasus", "caribbean", "sahel", "horn of africa"])
  PLACES.add(region);

/** Whether the words are the name of a country, a capital or a continent ("Central Asia"). */
export function isPlaceName(words: string): boolean {
  // "New Zealand's" is New Zealand.
  return PLACES.has(fold(words).replace(/['’]s$/, ""));
}

/** How many of the first words (up to three) make a place's name; 0 when they do not. */
export function placePrefix(words: readonly string[]): number {
  for (let count = Math.min(3, words.length); count > 0; count -= 1)
    if (isPlaceName(words.slice(0, count).join(" "))) return count;
  return 0;
}
