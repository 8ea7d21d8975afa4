// npm run eval:learning: how the suggester learns from a project, on one outlet's articles
// (tests/suggestions/outlet-corpus-*.json: 70 articles of a local paper in publication order,
// written by helpers who had not read the rules). The last 20 articles are scored after the
// project has curated the first 0, 10 and 50: their speakers are in the registry, and their
// gold claims are the confirmations the suggester learns cue words and speakers' short forms from
// (src/suggestions/project-evidence.ts), as the service does from a project's curated claims.
import fs from "node:fs";
import { countText, emptyCounts, scores, type GoldAttribution } from "../../src/suggestions/evaluate.js";
import { learnFrom, type ConfirmedClaim } from "../../src/suggestions/project-evidence.js";
import { suggestAttributions, type RegistrySpeaker } from "../../src/suggestions/suggest.js";
import { loadEvaluationSet, type EvaluationText } from "./evaluation-set.js";

export const OUTLET_CORPUS = ["outlet-corpus-1.json", "outlet-corpus-2.json"];
const TEST_ARTICLES = 20;
const CURATED = [0, 10, 50];

const corpus = OUTLET_CORPUS.flatMap((file) => loadEvaluationSet(file));
const test = corpus.slice(-TEST_ARTICLES);

function wordsOf(text: string, span: { start: number; end: number } | null): string | null {
  return span ? Array.from(text).slice(span.start, span.end).join("") : null;
}

/** The project after curating `articles`: its registry, and its confirmed claims. */
function projectAfter(articles: EvaluationText[]) {
  const registry: RegistrySpeaker[] = [];
  const ids = new Map<string, number>();
  const idOf = (name: string) => {
    let id = ids.get(name);
    if (id === undefined) {
      id = ids.size + 1;
      ids.set(name, id);
      registry.push({ id, name, aliases: [] });
    }
    return id;
  };
  const confirmed: ConfirmedClaim[] = articles.flatMap(({ text, gold }) =>
    gold.map((item: GoldAttribution) => ({
      cue: wordsOf(text, item.cue),
      mention: wordsOf(text, item.mention),
      speakerId: idOf(item.speaker),
    })),
  );
  return { registry, evidence: learnFrom(confirmed) };
}

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
const report: Record<string, unknown> = {};
console.log(
  `Outlet corpus: ${corpus.length} articles; scored on the last ${test.length} (${test.reduce((sum, t) => sum + t.gold.length, 0)} attributions).`,
);
console.log(
  "curated | overlap F1 | recall | cue F1 | mention F1 | speaker acc. | learned cues | learned mentions",
);
for (const curated of CURATED) {
  const { registry, evidence } = projectAfter(corpus.slice(0, curated));
  const names = new Map(registry.map((speaker) => [speaker.id, speaker.name]));
  const counts = emptyCounts();
  for (const { text, gold } of test) {
    countText(counts, suggestAttributions(text, registry, evidence), gold, (id) => names.get(id) ?? "");
  }
  const figures = scores(counts);
  report[curated] = { ...figures, learnedCues: evidence.cueWords, learnedMentions: evidence.mentions.size };
  console.log(
    [
      String(curated).padStart(7),
      pct(figures.contentOverlap.f1).padStart(10),
      pct(figures.contentOverlap.recall).padStart(6),
      pct(figures.cueExact.f1).padStart(6),
      pct(figures.mentionExact.f1).padStart(10),
      pct(figures.speakerAccuracy).padStart(12),
      evidence.cueWords.join(", ") || "—",
      String(evidence.mentions.size),
    ].join(" | "),
  );
}
const jsonAt = process.argv.indexOf("--json");
if (jsonAt >= 0) fs.writeFileSync(process.argv[jsonAt + 1]!, `${JSON.stringify(report, null, 2)}\n`);
