// npm run eval:suggestions [-- --verbose]: the built-in suggester against the evaluation set.
import { countText, emptyCounts, matchPairs, scores } from "../../src/suggestions/evaluate.js";
import { suggestAttributions } from "../../src/suggestions/suggest.js";
import { loadEvaluationSet } from "./evaluation-set.js";

const verbose = process.argv.includes("--verbose");
const counts = emptyCounts();
const texts = loadEvaluationSet();
for (const { id, text, gold } of texts) {
  const suggestions = suggestAttributions(text);
  countText(counts, suggestions, gold);
  if (!verbose) continue;
  const points = Array.from(text);
  const show = (span: { start: number; end: number } | null) =>
    span ? `“${points.slice(span.start, span.end).join("")}”` : "—";
  const pairs = matchPairs(suggestions, gold);
  const problems: string[] = [];
  for (const [suggestion, item] of pairs) {
    const speaker =
      suggestion.speaker === null
        ? "—"
        : "id" in suggestion.speaker
          ? `#${suggestion.speaker.id}`
          : suggestion.speaker.name;
    const wrong = [
      suggestion.start !== item.start || suggestion.end !== item.end
        ? `content ${show(suggestion)} ≠ ${show(item)}`
        : "",
      show(suggestion.cue) !== show(item.cue) ? `cue ${show(suggestion.cue)} ≠ ${show(item.cue)}` : "",
      show(suggestion.speakerMention) !== show(item.mention)
        ? `mention ${show(suggestion.speakerMention)} ≠ ${show(item.mention)}`
        : "",
      speaker.toLowerCase() !== item.speaker.toLowerCase() ? `speaker ${speaker} ≠ ${item.speaker}` : "",
      suggestion.type !== item.type ? `type ${suggestion.type} ≠ ${item.type}` : "",
    ].filter(Boolean);
    if (wrong.length) problems.push(`  ~ ${wrong.join("; ")}`);
  }
  for (const suggestion of suggestions.filter((s) => !pairs.some(([p]) => p === s)))
    problems.push(`  + extra ${show(suggestion)}`);
  for (const item of gold.filter((g) => !pairs.some(([, p]) => p === g)))
    problems.push(`  - missed ${show(item)}`);
  if (problems.length) console.log(`${id}\n${problems.join("\n")}`);
}

const started = performance.now();
const figures = scores(counts);
const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
const row = (name: string, figure: { precision: number; recall: number; f1: number }) =>
  `${name.padEnd(26)} P ${pct(figure.precision).padStart(6)}  R ${pct(figure.recall).padStart(6)}  F1 ${pct(figure.f1).padStart(6)}`;
console.log(`\n${texts.length} texts, ${counts.gold} attributions, ${counts.suggested} suggestions`);
console.log(row("content (overlap)", figures.contentOverlap));
console.log(row("content (exact)", figures.contentExact));
console.log(row("cue (exact)", figures.cueExact));
console.log(row("speaker mention (exact)", figures.mentionExact));
console.log(
  `${"resolved speaker".padEnd(26)} accuracy ${pct(figures.speakerAccuracy)} of ${counts.overlap} matched`,
);
console.log(`${"type".padEnd(26)} accuracy ${pct(figures.typeAccuracy)}`);
console.log(`suggestions on texts without attributions: ${figures.suggestionsOnTextsWithoutAttributions}`);
void started;
