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

export function speakersChart(data: SpeakerStanceCount[]): Promise<string> {
  return renderSvg({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Claims per speaker, by stance",
    width: 720,
    config: readable,
    data: { values: data },
    encoding: {
      y: { field: "speaker", type: "nominal", title: null },
      yOffset: {
        field: "stance",
        type: "nominal",
        scale: { domain: stanceScale(data).domain },
      },
      x: { field: "count", type: "quantitative", axis: countAxis },
    },
    layer: [
      {
        mark: "bar",
        encoding: {
          color: { field: "stance", type: "nominal", scale: stanceScale(data) },
        },
      },
      {
        mark: { type: "text", align: "left", dx: 3, fontSize: 12 },
        encoding: { text: { field: "label", type: "nominal" } },
        transform: [{ calculate: "datum.stance + ': ' + datum.count", as: "label" }],
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
        axis: { format: unit.format, labelAngle: 0, labelOverlap: true },
      },
      y: { field: "count", type: "quantitative", stack: "zero", axis: countAxis },
      color: { field: "stance", type: "nominal", scale: stanceScale(counts) },
      order: { field: "stance", type: "nominal" },
    },
  } as TopLevelSpec);
}
