// Scores suggestions against hand-checked attributions (tests/suggestions/evaluation-set.json):
// precision, recall and F1 for content (overlap and exact), cue (exact) and speaker mention
// (exact), accuracy of the resolved speaker and of the type on matched claims.
import { foldName, type Suggestion } from "./suggest.js";

export interface GoldAttribution {
  start: number;
  end: number;
  type: string;
  cue: { start: number; end: number } | null;
  mention: { start: number; end: number } | null;
  speaker: string;
}

export interface Counts {
  suggested: number;
  gold: number;
  overlap: number;
  exact: number;
  cueSuggested: number;
  cueGold: number;
  cueExact: number;
  mentionSuggested: number;
  mentionGold: number;
  mentionExact: number;
  speakerRight: number;
  typeRight: number;
  /** Suggestions made on texts that have no attribution at all. */
  onEmptyTexts: number;
  /** Gold attributions of each type, and those a suggestion overlaps (recall by type). */
  goldByType: Record<string, number>;
  foundByType: Record<string, number>;
}

export const emptyCounts = (): Counts => ({
  suggested: 0,
  gold: 0,
  overlap: 0,
  exact: 0,
  cueSuggested: 0,
  cueGold: 0,
  cueExact: 0,
  mentionSuggested: 0,
  mentionGold: 0,
  mentionExact: 0,
  speakerRight: 0,
  typeRight: 0,
  onEmptyTexts: 0,
  goldByType: {},
  foundByType: {},
});

const overlap = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
const same = (a: { start: number; end: number } | null, b: { start: number; end: number } | null) =>
  a !== null && b !== null && a.start === b.start && a.end === b.end;

/** One-to-one pairs by largest content overlap, as the agreement's span matching does. */
export function matchPairs(suggestions: Suggestion[], gold: GoldAttribution[]) {
  const candidates: { s: number; g: number; size: number }[] = [];
  suggestions.forEach((suggestion, s) =>
    gold.forEach((item, g) => {
      const size = overlap(suggestion, item);
      if (size > 0) candidates.push({ s, g, size });
    }),
  );
  candidates.sort((a, b) => b.size - a.size || a.s - b.s || a.g - b.g);
  const usedS = new Set<number>();
  const usedG = new Set<number>();
  const pairs: [Suggestion, GoldAttribution][] = [];
  for (const { s, g } of candidates) {
    if (usedS.has(s) || usedG.has(g)) continue;
    usedS.add(s);
    usedG.add(g);
    pairs.push([suggestions[s]!, gold[g]!]);
  }
  return pairs;
}

export function countText(
  counts: Counts,
  suggestions: Suggestion[],
  gold: GoldAttribution[],
  registryName: (id: number) => string = String,
) {
  counts.suggested += suggestions.length;
  counts.gold += gold.length;
  if (gold.length === 0) counts.onEmptyTexts += suggestions.length;
  counts.cueSuggested += suggestions.filter((item) => item.cue).length;
  counts.cueGold += gold.filter((item) => item.cue).length;
  counts.mentionSuggested += suggestions.filter((item) => item.speakerMention).length;
  counts.mentionGold += gold.filter((item) => item.mention).length;
  for (const item of gold) counts.goldByType[item.type] = (counts.goldByType[item.type] ?? 0) + 1;
  for (const [suggestion, item] of matchPairs(suggestions, gold)) {
    counts.overlap += 1;
    counts.foundByType[item.type] = (counts.foundByType[item.type] ?? 0) + 1;
    if (same(suggestion, item)) counts.exact += 1;
    if (same(suggestion.cue, item.cue)) counts.cueExact += 1;
    if (same(suggestion.speakerMention, item.mention)) counts.mentionExact += 1;
    if (item.type === suggestion.type) counts.typeRight += 1;
    const speaker = suggestion.speaker;
    const name = speaker === null ? "" : "id" in speaker ? registryName(speaker.id) : speaker.name;
    if (foldName(name) === foldName(item.speaker)) counts.speakerRight += 1;
  }
}

const f1 = (right: number, suggested: number, gold: number) => {
  const precision = suggested ? right / suggested : 0;
  const recall = gold ? right / gold : 0;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
};

export function scores(counts: Counts) {
  return {
    contentOverlap: f1(counts.overlap, counts.suggested, counts.gold),
    contentExact: f1(counts.exact, counts.suggested, counts.gold),
    cueExact: f1(counts.cueExact, counts.cueSuggested, counts.cueGold),
    mentionExact: f1(counts.mentionExact, counts.mentionSuggested, counts.mentionGold),
    speakerAccuracy: counts.overlap ? counts.speakerRight / counts.overlap : 0,
    typeAccuracy: counts.overlap ? counts.typeRight / counts.overlap : 0,
    suggestionsOnTextsWithoutAttributions: counts.onEmptyTexts,
    recallByType: Object.fromEntries(
      Object.entries(counts.goldByType).map(([type, total]) => [
        type,
        { found: counts.foundByType[type] ?? 0, total, recall: (counts.foundByType[type] ?? 0) / total },
      ]),
    ),
  };
}
