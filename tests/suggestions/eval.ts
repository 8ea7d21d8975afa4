// npm run eval:suggestions [-- --verbose] [-- --json FILE]: the built-in suggester against the
// development set (the texts its rules were written against) and the held-out set (texts written
// by someone who had not read the rules), each reported on its own, with recall by type and the
// attributions it missed. --verbose also lists partial matches and extra suggestions.
import fs from "node:fs";
import { countText, emptyCounts, matchPairs, scores } from "../../src/suggestions/evaluate.js";
import { suggestAttributions } from "../../src/suggestions/suggest.js";
import { EVALUATION_SETS, loadEvaluationSet, type EvaluationText } from "./evaluation-set.js";

const verbose = process.argv.includes("--verbose");
const jsonAt = process.argv.indexOf("--json");
const jsonFile = jsonAt >= 0 ? process.argv[jsonAt + 1] : undefined;

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
const row = (name: string, figure: { precision: number; recall: number; f1: number }) =>
  `${name.padEnd(26)} P ${pct(figure.precision).padStart(6)}  R ${pct(figure.recall).padStart(6)}  F1 ${pct(figure.f1).padStart(6)}`;

function evaluate(name: string, texts: EvaluationText[]) {
  const counts = emptyCounts();
  const missed: string[] = [];
  const details: string[] = [];
  const started = performance.now();
  for (const { id, text, gold } of texts) {
    const suggestions = suggestAttributions(text);
    countText(counts, suggestions, gold);
    const points = Array.from(text);
    const show = (span: { start: number; end: number } | null) =>
      span ? `“${points.slice(span.start, span.end).join("")}”` : "—";
    const pairs = matchPairs(suggestions, gold);
    for (const item of gold.filter((g) => !pairs.some(([, p]) => p === g)))
      missed.push(`  ${id}: ${item.type} ${show(item)}`);
    if (!verbose) continue;
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
    if (problems.length) details.push(`${id}\n${problems.join("\n")}`);
  }
  const milliseconds = performance.now() - started;
  const figures = scores(counts);
  console.log(
    `\n## ${name}: ${texts.length} texts, ${counts.gold} attributions, ${counts.suggested} suggestions`,
  );
  if (details.length) console.log(details.join("\n"));
  console.log(row("content (overlap)", figures.contentOverlap));
  console.log(row("content (exact)", figures.contentExact));
  console.log(row("cue (exact)", figures.cueExact));
  console.log(row("speaker mention (exact)", figures.mentionExact));
  console.log(
    `${"resolved speaker".padEnd(26)} accuracy ${pct(figures.speakerAccuracy)} of ${counts.overlap} matched`,
  );
  console.log(`${"type".padEnd(26)} accuracy ${pct(figures.typeAccuracy)}`);
  for (const [type, { found, total, recall }] of Object.entries(figures.recallByType))
    console.log(`${`recall, ${type}`.padEnd(26)} ${pct(recall)} (${found} of ${total})`);
  console.log(`suggestions on texts without attributions: ${figures.suggestionsOnTextsWithoutAttributions}`);
  console.log(`time: ${milliseconds.toFixed(0)} ms for the set`);
  console.log(missed.length ? `missed (${missed.length}):\n${missed.join("\n")}` : "missed: none");
  return { texts: texts.length, attributions: counts.gold, ...figures, missed: missed.length };
}

const report: Record<string, unknown> = {};
for (const [name, file] of Object.entries(EVALUATION_SETS)) {
  let texts: EvaluationText[];
  try {
    texts = loadEvaluationSet(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      console.log(`\n## ${name}: tests/suggestions/${file} is missing`);
      continue;
    }
    throw error;
  }
  report[name] = evaluate(name, texts);
}
if (jsonFile) fs.writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
