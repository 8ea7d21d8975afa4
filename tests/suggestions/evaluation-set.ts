// Loads the hand-checked evaluation set and places each attribution's words in its text as
// code-point spans: the content at its first (or n-th) occurrence, cue and mention at the
// occurrence nearest the content (whole words only).
import fs from "node:fs";
import path from "node:path";
import type { GoldAttribution } from "../../src/suggestions/evaluate.js";
import { CodePointIndex } from "../../src/text/code-points.js";
import { projectRoot } from "../../src/paths.js";

interface RawAttribution {
  content: string;
  contentOccurrence?: number;
  /** Which occurrence of the cue in the text, where the nearest one is not it. */
  cueOccurrence?: number;
  type: string;
  cue: string | null;
  mention: string | null;
  speaker: string;
}

export interface EvaluationText {
  id: string;
  text: string;
  gold: GoldAttribution[];
}

function occurrences(text: string, words: string): number[] {
  const escaped = words.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(
    `${/^\w/.test(words) ? "\\b" : ""}${escaped}${/\w$/.test(words) ? "\\b" : ""}`,
    "g",
  );
  return [...text.matchAll(pattern)].map((match) => match.index);
}

function nearest(text: string, words: string, content: { start: number; end: number }) {
  const distance = (at: number) =>
    at + words.length <= content.start
      ? content.start - (at + words.length)
      : at >= content.end
        ? at - content.end
        : Infinity;
  const found = occurrences(text, words).sort((a, b) => distance(a) - distance(b))[0];
  if (found === undefined || distance(found) === Infinity)
    throw new Error(`"${words}" is not beside "${text.slice(content.start, content.end)}"`);
  return { start: found, end: found + words.length };
}

function nth(text: string, words: string, occurrence: number) {
  const at = occurrences(text, words)[occurrence - 1];
  if (at === undefined) throw new Error(`"${words}" does not occur ${occurrence} times`);
  return { start: at, end: at + words.length };
}

/**
 * The development set (the suggester's rules were written against it; held-out rounds 1 to 6
 * joined it once their misses were read) and the held-out set: texts written by someone who had
 * read neither the rules nor earlier rounds (round 7 of issue 19). A held-out text a rule is
 * changed for moves to the development set, and the next round gets fresh texts.
 */
export const EVALUATION_SETS = {
  development: "evaluation-set.json",
  "held-out": "held-out-set.json",
} as const;

export function loadEvaluationSet(fileName: string = EVALUATION_SETS.development): EvaluationText[] {
  const file = path.join(projectRoot, "tests", "suggestions", fileName);
  const raw = JSON.parse(fs.readFileSync(file, "utf8")) as {
    texts: { id: string; text?: string; file?: string; attributions: RawAttribution[] }[];
  };
  return raw.texts.map((entry) => {
    const text = entry.text ?? fs.readFileSync(path.join(projectRoot, entry.file!), "utf8");
    const index = new CodePointIndex(text);
    const points = (span: { start: number; end: number }) => ({
      start: index.toCodePoint(span.start),
      end: index.toCodePoint(span.end),
    });
    const gold = entry.attributions.map((item) => {
      const at = occurrences(text, item.content)[(item.contentOccurrence ?? 1) - 1];
      if (at === undefined) throw new Error(`${entry.id}: content not found: ${item.content}`);
      const content = { start: at, end: at + item.content.length };
      return {
        ...points(content),
        type: item.type,
        cue: item.cue
          ? points(
              item.cueOccurrence ? nth(text, item.cue, item.cueOccurrence) : nearest(text, item.cue, content),
            )
          : null,
        mention: item.mention ? points(nearest(text, item.mention, content)) : null,
        speaker: item.speaker,
      };
    });
    return { id: entry.id, text, gold };
  });
}
