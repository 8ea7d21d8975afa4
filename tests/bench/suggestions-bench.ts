// The built-in suggester on a 10,000-word article (the evaluation set's texts, repeated as
// paragraphs), beside the cheapest pass over the same text: splitting it into sentences.
import { suggestAttributions } from "../../src/suggestions/suggest.js";
import { splitSentences } from "../../src/text/sentences.js";
import { loadEvaluationSet } from "../suggestions/evaluation-set.js";

const WORDS = 10_000;
const RUNS = 7;

function article(): string {
  const texts = loadEvaluationSet().map((entry) => entry.text);
  let body = "";
  for (let i = 0; body.split(/\s+/).length < WORDS; i += 1)
    body += `${body ? "\n\n" : ""}${texts[i % texts.length]}`;
  return body;
}

function medianMs(work: () => unknown): number {
  work(); // warm: the first run compiles
  const times: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

export function measureSuggestions() {
  const body = article();
  const suggestions = suggestAttributions(body).length;
  const ms = medianMs(() => suggestAttributions(body));
  const baselineMs = medianMs(() => splitSentences(body));
  return {
    words: body.split(/\s+/).length,
    suggestions,
    medianMs: Math.round(ms * 10) / 10,
    sentenceSplitBaselineMs: Math.round(baselineMs * 10) / 10,
    ratioToSentenceSplit: Math.round((ms / baselineMs) * 10) / 10,
    targetMs: 200,
  };
}
