// Agreement figures from study data (agreement.data.ts); no database here, so the same code serves
// the page, the API, the CSV tables and the tests.
import { alphaOf, pairableUnits, type Unit } from "./alpha.js";
import { alphaInterval, type Interval } from "./bootstrap.js";
import { cohenKappa, type Confusion } from "./kappa.js";
export type { Confusion };
import { claimUnits, exactMatches, f1, overlapMatches, type Span } from "./span-matching.js";
import type { StudyArticle, StudyClaim, StudyData } from "./agreement.data.js";

export const FIELDS = ["type", "stance", "target", "speaker"] as const;
export type Field = (typeof FIELDS)[number];

/** A claim field left empty is a value of its own: the annotator chose "no stance", say. */
export const NONE = "(none)";

/**
 * A confusion table has at most this many rows and columns (CONFUSION_VALUES_MAX² cells): with
 * more distinct values, the most frequent CONFUSION_VALUES_MAX - 1 have their own row and column
 * and the others are counted together in a last one, "(N other values)". Kappa and alpha are
 * computed over every value all the same. Without the cap, 400 claims each with a speaker of its
 * own made a table of 160,000 cells (and 40,000 claims one no server could hold).
 */
export const CONFUSION_VALUES_MAX = 20;

/** A pair's table for one field: counts[i][j] items the first annotator gave values[i], the second values[j]. */
export interface ConfusionTable {
  /** The values with a row and column of their own, alphabetically, then the group of the others if any. */
  values: string[];
  counts: number[][];
  /** Distinct values the pair used on this field. */
  distinctValues: number;
  /** How many of them are counted together in the last row and column (0: none). */
  otherValues: number;
}

export interface Person {
  id: number;
  name: string;
}

export interface AlphaFigure {
  alpha: number | null;
  /** Units with values from two annotators or more. */
  units: number;
  /** Pairable values. */
  values: number;
  /** Bootstrapped 95% interval (units resampled), null with fewer than two units. */
  interval: Interval | null;
}

export interface SpanPair {
  a: Person;
  b: Person;
  articles: number;
  claimsA: number;
  claimsB: number;
  exactMatches: number;
  overlapMatches: number;
  exactF1: number | null;
  overlapF1: number | null;
}

export interface KappaPair {
  a: Person;
  b: Person;
  kappa: number | null;
  /** Matched claims both annotators gave the field a value on. */
  items: number;
  observedAgreement: number | null;
  confusion: ConfusionTable;
}

export interface FieldFigure extends AlphaFigure {
  pairs: KappaPair[];
}

export interface ArticleFigure {
  id: number;
  title: string;
  annotators: number;
  sentenceAlpha: number | null;
  overlapF1: number | null;
}

export interface AgreementFigures {
  articles: number;
  annotators: (Person & { articles: number; claims: number })[];
  sentenceAlpha: AlphaFigure;
  span: { pairs: SpanPair[]; micro: { exactF1: number | null; overlapF1: number | null } };
  fields: Record<Field, FieldFigure>;
  /** Every article, the lowest overlap F1 first. */
  byArticle: ArticleFigure[];
}

export function computeAgreement(study: StudyData): AgreementFigures {
  const person = (id: number): Person => ({ id, name: study.annotators.get(id) ?? `User ${id}` });
  const pairs = new Map<
    string,
    { a: number; b: number; spans: SpanTally; fields: Record<Field, [string, string][]> }
  >();
  const pairOf = (a: number, b: number) => {
    const key = `${a}:${b}`;
    let pair = pairs.get(key);
    if (!pair) {
      pair = { a, b, spans: newTally(), fields: { type: [], stance: [], target: [], speaker: [] } };
      pairs.set(key, pair);
    }
    return pair;
  };
  const sentenceUnits: Unit<boolean>[] = [];
  const fieldUnits: Record<Field, Unit<string>[]> = { type: [], stance: [], target: [], speaker: [] };
  const byArticle: ArticleFigure[] = [];
  const valueOf = fieldValues(study);

  for (const article of study.articles) {
    const coverage = sentenceCoverage(article);
    sentenceUnits.push(...coverage);
    const articleTally = newTally();
    forEachPair(article.coders, (i, j) => {
      const tally = tallySpans(article.claims[i]!, article.claims[j]!);
      addTally(pairOf(article.coders[i]!, article.coders[j]!).spans, tally);
      addTally(articleTally, tally);
    });
    for (const unit of claimUnits(article.claims)) {
      const claims = unit.map((index, coder) =>
        index === undefined ? undefined : article.claims[coder]![index]!,
      );
      for (const field of FIELDS)
        fieldUnits[field].push(claims.map((claim) => claim && valueOf[field](claim)));
      forEachPair(article.coders, (i, j) => {
        const [x, y] = [claims[i], claims[j]];
        if (!x || !y) return;
        const pair = pairOf(article.coders[i]!, article.coders[j]!);
        for (const field of FIELDS) pair.fields[field].push([valueOf[field](x), valueOf[field](y)]);
      });
    }
    byArticle.push({
      id: article.id,
      title: article.title,
      annotators: article.coders.length,
      sentenceAlpha: alphaOf(pairableUnits(coverage)).alpha,
      overlapF1: f1(articleTally.overlap, articleTally.sizeA, articleTally.sizeB),
    });
  }

  const orderedPairs = [...pairs.values()];
  const spanTotal = newTally();
  for (const pair of orderedPairs) addTally(spanTotal, pair.spans);
  return {
    articles: study.articles.length,
    annotators: annotatorTotals(study).map((row) => ({ ...person(row.id), ...row })),
    sentenceAlpha: alphaFigure(sentenceUnits),
    span: {
      pairs: orderedPairs.map(({ a, b, spans }) => ({
        a: person(a),
        b: person(b),
        articles: spans.articles,
        claimsA: spans.sizeA,
        claimsB: spans.sizeB,
        exactMatches: spans.exact,
        overlapMatches: spans.overlap,
        exactF1: f1(spans.exact, spans.sizeA, spans.sizeB),
        overlapF1: f1(spans.overlap, spans.sizeA, spans.sizeB),
      })),
      micro: {
        exactF1: f1(spanTotal.exact, spanTotal.sizeA, spanTotal.sizeB),
        overlapF1: f1(spanTotal.overlap, spanTotal.sizeA, spanTotal.sizeB),
      },
    },
    fields: Object.fromEntries(
      FIELDS.map((field) => [
        field,
        {
          ...alphaFigure(fieldUnits[field]),
          pairs: orderedPairs.map(({ a, b, fields }) => {
            const { kappa, items, observedAgreement, confusion } = cohenKappa(fields[field]);
            return {
              a: person(a),
              b: person(b),
              kappa,
              items,
              observedAgreement,
              confusion: confusionTable(confusion),
            };
          }),
        },
      ]),
    ) as Record<Field, FieldFigure>,
    byArticle: byArticle.sort(
      (x, y) =>
        (x.overlapF1 ?? 1) - (y.overlapF1 ?? 1) ||
        (x.sentenceAlpha ?? 1) - (y.sentenceAlpha ?? 1) ||
        x.id - y.id,
    ),
  };
}

function alphaFigure<V>(units: Unit<V>[]): AlphaFigure {
  const data = pairableUnits(units);
  return { ...alphaOf(data), interval: alphaInterval(data) };
}

/** For each sentence, whether each coder has a claim that overlaps it. */
export function sentenceCoverage(article: StudyArticle): boolean[][] {
  const covered = article.sentences.map(() => article.coders.map(() => false));
  article.claims.forEach((claims, coder) => {
    for (const claim of claims) {
      for (let s = firstEndingAfter(article.sentences, claim.start); s < article.sentences.length; s++) {
        const sentence = article.sentences[s]!;
        if (sentence.start >= claim.end) break;
        covered[s]![coder] = true;
      }
    }
  });
  return covered;
}

/** The first sentence that ends after `offset` (sentences are in order and do not overlap). */
function firstEndingAfter(sentences: readonly Span[], offset: number): number {
  let low = 0;
  let high = sentences.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sentences[middle]!.end <= offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

interface SpanTally {
  articles: number;
  sizeA: number;
  sizeB: number;
  exact: number;
  overlap: number;
}

const newTally = (): SpanTally => ({ articles: 0, sizeA: 0, sizeB: 0, exact: 0, overlap: 0 });

function tallySpans(a: readonly Span[], b: readonly Span[]): SpanTally {
  return {
    articles: 1,
    sizeA: a.length,
    sizeB: b.length,
    exact: exactMatches(a, b),
    overlap: overlapMatches(a, b).length,
  };
}

function addTally(total: SpanTally, more: SpanTally): void {
  total.articles += more.articles;
  total.sizeA += more.sizeA;
  total.sizeB += more.sizeB;
  total.exact += more.exact;
  total.overlap += more.overlap;
}

function forEachPair(coders: readonly number[], visit: (i: number, j: number) => void): void {
  for (let i = 0; i < coders.length; i++) for (let j = i + 1; j < coders.length; j++) visit(i, j);
}

/** Each field as the value compared: labels by key or name, speakers by registry id. */
function fieldValues(study: StudyData): Record<Field, (claim: StudyClaim) => string> {
  const label = (names: Map<number, string>, id: number | null) =>
    id === null ? NONE : (names.get(id) ?? `#${id}`);
  return {
    type: (claim) => claim.type,
    stance: (claim) => label(study.stances, claim.stanceId),
    target: (claim) => label(study.targets, claim.targetId),
    // By id, shown by name: two speakers of one name stay two; merged speakers are one id.
    speaker: (claim) =>
      claim.speakerId === null ? NONE : `${study.speakers.get(claim.speakerId) ?? "?"} #${claim.speakerId}`,
  };
}

/** The pair's sparse counts as a table of at most CONFUSION_VALUES_MAX values a side. */
export function confusionTable(confusion: Confusion<string>, max = CONFUSION_VALUES_MAX): ConfusionTable {
  const { values, cells } = confusion;
  const totals = new Array<number>(values.length).fill(0);
  for (const [i, j, count] of cells) {
    totals[i]! += count;
    totals[j]! += count;
  }
  const grouped = values.length > max;
  // The most frequent values keep a row of their own (ties by plain string order: cheap and stable).
  const kept = grouped
    ? values
        .map((_, code) => code)
        .sort(
          (x, y) =>
            totals[y]! - totals[x]! || (values[x]! < values[y]! ? -1 : values[x]! > values[y]! ? 1 : 0),
        )
        .slice(0, max - 1)
    : values.map((_, code) => code);
  kept.sort((x, y) => values[x]!.localeCompare(values[y]!));
  const rowOf = new Array<number>(values.length).fill(kept.length);
  kept.forEach((code, row) => (rowOf[code] = row));
  const otherValues = values.length - kept.length;
  const labels = kept.map((code) => values[code]!);
  if (otherValues > 0) labels.push(`(${otherValues} other values)`);
  const counts = labels.map(() => labels.map(() => 0));
  for (const [i, j, count] of cells) counts[rowOf[i]!]![rowOf[j]!]! += count;
  return { values: labels, counts, distinctValues: values.length, otherValues };
}

function annotatorTotals(study: StudyData): { id: number; articles: number; claims: number }[] {
  const totals = new Map<number, { id: number; articles: number; claims: number }>();
  for (const article of study.articles) {
    article.coders.forEach((id, coder) => {
      const row = totals.get(id) ?? { id, articles: 0, claims: 0 };
      row.articles += 1;
      row.claims += article.claims[coder]!.length;
      totals.set(id, row);
    });
  }
  return [...totals.values()].sort((x, y) => x.id - y.id);
}
