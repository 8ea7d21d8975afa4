// The one palette of stance colours: the workspace's highlights and legend, the Claims page's
// swatches and the summary charts all take a stance's colour from here. Pure: server and browser.

/** The default stances keep fixed colours (favor green, against red) in every project. */
const KNOWN_STANCES: Readonly<Record<string, string>> = {
  favor: "#1b7837",
  against: "#b2182b",
  neutral: "#4d4d4d",
  unclear: "#8073ac",
};

/** Colours for a project's own stances, chosen by the key so they are the same on every page. */
const OTHER_COLOURS = ["#e08214", "#2166ac", "#c51b7d", "#35978f", "#7f3b08", "#542788"] as const;

/** Claims without a stance. */
export const NO_STANCE_COLOUR = "#78828f";

/** The colour of a stance key (#rrggbb); null or "" is "no stance". */
export function stanceColour(key: string | null | undefined): string {
  if (!key) return NO_STANCE_COLOUR;
  const known = KNOWN_STANCES[key];
  if (known) return known;
  // A small string hash: the colour must not depend on which other stances a page happens to show.
  let hash = 0;
  for (const char of key) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return OTHER_COLOURS[hash % OTHER_COLOURS.length]!;
}

/** Stance keys in legend order: the default stances first (as listed above), then by name. */
export function stanceOrder(a: string, b: string): number {
  return rank(a) - rank(b) || a.localeCompare(b);
}

function rank(key: string): number {
  const index = Object.keys(KNOWN_STANCES).indexOf(key);
  return index < 0 ? 99 : index;
}

/** "#1b7837" as "27 120 55", for CSS's rgb(var(--tone) / alpha). */
export function rgbChannels(hex: string): string {
  const value = Number.parseInt(hex.slice(1), 16);
  return `${(value >> 16) & 255} ${(value >> 8) & 255} ${value & 255}`;
}
