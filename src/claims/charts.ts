import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { Period, SpeakerStanceCount, StanceOverTime } from "./claims.summary.js";
import { stanceColour, stanceOrder } from "./stance-palette.js";

/**
 * Summary charts as SVG, rendered on the server with Vega-Lite. Every mark also carries its
 * stance as text, dash or shape, so the charts read without colour.
 */

interface StanceCount {
  stance: string;
  stanceKey?: string | null;
}

/**
 * The charts' colour scale over stance labels, each coloured by its key from the one stance
 * palette, so that the charts match the workspace and the Claims page.
 */
export function stanceScale(counts: readonly StanceCount[]) {
  const keyOf = new Map<string, string | null>();
  for (const count of counts) if (!keyOf.has(count.stance)) keyOf.set(count.stance, count.stanceKey ?? null);
  const domain = [...keyOf.keys()].sort(
    (a, b) => stanceOrder(keyOf.get(a) ?? "", keyOf.get(b) ?? "") || a.localeCompare(b),
  );
  return { domain, range: domain.map((stance) => stanceColour(keyOf.get(stance))) };
}

const countAxis = { title: "claims", format: "d", tickMinStep: 1 };

/** Type large enough to read at the size the page shows the charts. */
const readable = {
  font: "system-ui, sans-serif",
  axis: { labelFontSize: 13, titleFontSize: 13 },
  legend: { labelFontSize: 13, titleFontSize: 13 },
  title: { fontSize: 16, anchor: "start" },
};

async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Each (speaker, stance) pair is a row of its own; a speaker's rows sit together under its name. */
interface ChartRow extends SpeakerStanceCount {
  /** Unique and in drawing order: "<rank>.<stance index>:" then the speaker's name on its first row. */
  row: string;
  /** The first row of the second and later speakers, where a line separates them from the one above. */
  startsGroup: boolean;
  label: string;
  description: string;
}

/** The fixed-length prefix of a row key ("0003.0001:"), which the axis drops to show the name. */
const ROW_PREFIX = 10;

/**
 * The rows of the speakers chart, most quoted speaker first (then by name), each speaker's
 * stances in legend order. Only the stances a speaker has get a row, so every bar sits in its
 * speaker's group, the name beside the group's first bar: no empty slots push bars towards the
 * name of the speaker above or below.
 */
function speakerRows(data: readonly SpeakerStanceCount[]): ChartRow[] {
  const stanceRank = new Map(stanceScale(data).domain.map((stance, index) => [stance, index]));
  // Two projects' stances of one label (and different keys) are one row: the chart shows labels.
  const merged = new Map<string, SpeakerStanceCount>();
  const totals = new Map<string, number>();
  for (const count of data) {
    const key = JSON.stringify([count.speaker, count.stance]);
    const seen = merged.get(key);
    if (seen) seen.count += count.count;
    else merged.set(key, { ...count });
    totals.set(count.speaker, (totals.get(count.speaker) ?? 0) + count.count);
  }
  const speakerRank = new Map(
    [...totals.keys()]
      .sort((a, b) => totals.get(b)! - totals.get(a)! || a.localeCompare(b))
      .map((speaker, index) => [speaker, index]),
  );
  const sorted = [...merged.values()].sort(
    (a, b) =>
      speakerRank.get(a.speaker)! - speakerRank.get(b.speaker)! ||
      stanceRank.get(a.stance)! - stanceRank.get(b.stance)!,
  );
  return sorted.map((count, index) => {
    const first = index === 0 || sorted[index - 1]!.speaker !== count.speaker;
    const rank = String(speakerRank.get(count.speaker)).padStart(4, "0");
    const stance = String(stanceRank.get(count.stance)).padStart(4, "0");
    return {
      ...count,
      row: `${rank}.${stance}:${first ? count.speaker : ""}`,
      startsGroup: first && index > 0,
      label: `${count.stance}: ${count.count}`,
      description: `${count.speaker}, ${count.stance}: ${count.count} ${count.count === 1 ? "claim" : "claims"}`,
    };
  });
}

/** Row height of the speakers chart, in pixels: a bar and the gap to the next. */
const ROW_STEP = 22;

/**
 * Claims per speaker by stance: one bar a row, each labelled with its stance and count, the
 * speaker's name on the axis beside its first bar and a line above each speaker's group.
 */
export function speakersChart(data: SpeakerStanceCount[]): Promise<string> {
  const rows = speakerRows(data);
  const colours = stanceScale(data);
  const y = {
    field: "row",
    type: "nominal",
    title: null,
    sort: rows.map((row) => row.row),
    scale: { paddingInner: 0, paddingOuter: 0 },
    // The names are the axis' labels; the bars say each stance and count to assistive technology.
    axis: {
      labelExpr: `slice(datum.value, ${ROW_PREFIX})`,
      ticks: false,
      domain: false,
      labelPadding: 8,
      aria: false,
    },
  };
  return renderSvg({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Claims per speaker, by stance",
    width: 720,
    height: { step: ROW_STEP },
    config: readable,
    data: { values: rows },
    encoding: { y },
    layer: [
      {
        mark: { type: "bar", height: { band: 0.8 } },
        encoding: {
          x: { field: "count", type: "quantitative", axis: countAxis },
          // Above the chart: on the right it would cover the labels of the longest bars.
          color: {
            field: "stance",
            type: "nominal",
            scale: colours,
            legend: { title: "stance", orient: "top", direction: "horizontal" },
          },
          description: { field: "description", type: "nominal" },
        },
      },
      {
        mark: { type: "text", align: "left", dx: 3, fontSize: 12 },
        encoding: {
          x: { field: "count", type: "quantitative" },
          text: { field: "label", type: "nominal" },
          description: { field: "description", type: "nominal" },
        },
      },
      {
        // A line between one speaker's bars and the next speaker's, at the top of its first row.
        transform: [{ filter: "datum.startsGroup" }],
        mark: { type: "rule", color: "#6b7480", strokeWidth: 1 },
        encoding: { y: { ...y, bandPosition: 0 }, x: { value: 0 }, x2: { value: 720 } },
      },
    ],
  } as TopLevelSpec);
}

const periodUnit: Record<Period, { timeUnit: string; format: string; noun: string }> = {
  day: { timeUnit: "yearmonthdate", format: "%d %b %Y", noun: "day" },
  month: { timeUnit: "yearmonth", format: "%b %Y", noun: "month" },
  year: { timeUnit: "year", format: "%Y", noun: "year" },
};

/**
 * Stacked bars per period over the data's own range: a period without claims has no bar (no line
 * drawn across it), and every stance is a segment of its own even where counts coincide.
 */
export function stanceOverTimeChart({ period, counts }: StanceOverTime): Promise<string> {
  const unit = periodUnit[period];
  return renderSvg({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `Claims per ${unit.noun} of the article date, by stance`,
    width: 720,
    height: 320,
    config: readable,
    data: { values: counts },
    mark: { type: "bar", stroke: "white", strokeWidth: 1 },
    encoding: {
      x: {
        field: "period",
        type: "temporal",
        timeUnit: unit.timeUnit,
        title: unit.noun,
        axis: {
          format: unit.format,
          labelAngle: 0,
          labelOverlap: true,
          tickCount: { interval: period, step: 1 },
        },
      },
      y: { field: "count", type: "quantitative", stack: "zero", axis: countAxis },
      color: { field: "stance", type: "nominal", scale: stanceScale(counts) },
      order: { field: "stance", type: "ordinal" },
    },
  } as TopLevelSpec);
}
