import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { MonthStanceCount, SpeakerStanceCount } from "./claims.summary.js";

/**
 * Summary charts as SVG, rendered on the server with Vega-Lite. Every mark also carries its
 * stance as text, dash or shape, so the charts read without colour.
 */

const knownStances: Record<string, string> = {
  favor: "#1b7837",
  against: "#b2182b",
  neutral: "#4d4d4d",
  unclear: "#8073ac",
};
const otherColours = ["#e08214", "#2166ac", "#c51b7d", "#35978f", "#7f3b08", "#542788"];

/** Stable colours: the default stances keep theirs (favor green, against red), others follow. */
function stanceScale(stances: string[]) {
  const domain = [...new Set(stances)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  let next = 0;
  const range = domain.map((stance) => knownStances[stance] ?? otherColours[next++ % otherColours.length]!);
  return { domain, range };
}

function rank(stance: string): number {
  const index = Object.keys(knownStances).indexOf(stance);
  return index < 0 ? 99 : index;
}

const countAxis = { title: "claims", format: "d", tickMinStep: 1 };

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
    width: 520,
    data: { values: data },
    encoding: {
      y: { field: "speaker", type: "nominal", title: null },
      yOffset: {
        field: "stance",
        type: "nominal",
        scale: { domain: stanceScale(data.map((d) => d.stance)).domain },
      },
      x: { field: "count", type: "quantitative", axis: countAxis },
    },
    layer: [
      {
        mark: "bar",
        encoding: {
          color: { field: "stance", type: "nominal", scale: stanceScale(data.map((d) => d.stance)) },
        },
      },
      {
        mark: { type: "text", align: "left", dx: 3, fontSize: 10 },
        encoding: { text: { field: "label", type: "nominal" } },
        transform: [{ calculate: "datum.stance + ': ' + datum.count", as: "label" }],
      },
    ],
  } as TopLevelSpec);
}

export function stanceOverTimeChart(data: MonthStanceCount[]): Promise<string> {
  return renderSvg({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Stance over time (by article date)",
    width: 520,
    height: 240,
    data: { values: data },
    mark: { type: "line", point: { filled: true, size: 60 } },
    encoding: {
      x: { field: "month", type: "temporal", timeUnit: "yearmonth", title: "month" },
      y: { field: "count", type: "quantitative", axis: countAxis },
      color: { field: "stance", type: "nominal", scale: stanceScale(data.map((d) => d.stance)) },
      strokeDash: { field: "stance", type: "nominal" },
      shape: { field: "stance", type: "nominal" },
    },
  } as TopLevelSpec);
}
