// Stance colours for the workspace's highlights, list and brackets: one CSS rule per stance of the
// project, made from the colours the server took from the one stance palette. A constructed
// style sheet, because the page's Content-Security-Policy admits no inline styles.
import { NO_STANCE_COLOUR, rgbChannels } from "../../claims/stance-palette.js";
import type { Stance } from "./types.js";

/** Installs the rules and answers the tone class of each stance key ("tone-3"). */
export function installStanceTones(stances: readonly Stance[]): Map<string, string> {
  const rules = stances.map((stance, i) => `.tone-${i} { --tone: ${rgbChannels(stance.colour)}; }`);
  rules.push(`.tone-none { --tone: ${rgbChannels(NO_STANCE_COLOUR)}; }`);
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(rules.join("\n"));
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  return new Map(stances.map((stance, i) => [stance.key, `tone-${i}`]));
}
