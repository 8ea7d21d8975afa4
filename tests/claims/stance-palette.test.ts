import { describe, expect, it } from "vitest";
import { stanceChoices } from "../../src/articles/workspace.present.js";
import { speakersChart, stanceScale } from "../../src/claims/charts.js";
import { NO_STANCE_COLOUR, rgbChannels, stanceColour } from "../../src/claims/stance-palette.js";

describe("the one stance palette", () => {
  const keys = ["favor", "against", "neutral", "unclear", "strongly_favor", "sceptical", "Ünclear-ish"];

  it("gives the workspace, the Claims page and the charts the same colour for the same stance", () => {
    // The workspace: its presenter colours each stance of the project.
    const workspace = stanceChoices(keys.map((key) => ({ key, label: `Label ${key}`, retired: false })));
    // The charts: a scale over labels, each coloured by its key.
    const chart = stanceScale(keys.map((key) => ({ stance: `Label ${key}`, stanceKey: key })));
    for (const key of keys) {
      // The Claims page renders its swatches with stanceColour itself (claims.routes.ts).
      const claimsPage = stanceColour(key);
      expect(workspace.find((stance) => stance.key === key)!.colour).toBe(claimsPage);
      expect(chart.range[chart.domain.indexOf(`Label ${key}`)]).toBe(claimsPage);
    }
  });

  it("keeps the default stances' colours, tells them apart, and colours no stance grey", () => {
    const defaults = ["favor", "against", "neutral", "unclear"].map(stanceColour);
    expect(defaults[0]).toBe("#1b7837");
    expect(defaults[1]).toBe("#b2182b");
    expect(new Set(defaults).size).toBe(4);
    expect(stanceColour(null)).toBe(NO_STANCE_COLOUR);
    expect(stanceColour("")).toBe(NO_STANCE_COLOUR);
    // A project's own stance has one colour whichever other stances a page shows.
    expect(stanceColour("sceptical")).toBe(stanceColour("sceptical"));
    expect(stanceColour("sceptical")).toMatch(/^#[0-9a-f]{6}$/);
  });

  it("orders the chart's stances as the legend does, defaults first, and no stance by its label", () => {
    const scale = stanceScale([
      { stance: "(no stance)", stanceKey: null },
      { stance: "Sceptical", stanceKey: "sceptical" },
      { stance: "against", stanceKey: "against" },
      { stance: "favor", stanceKey: "favor" },
    ]);
    expect(scale.domain).toEqual(["favor", "against", "(no stance)", "Sceptical"]);
    expect(scale.range[2]).toBe(NO_STANCE_COLOUR);
  });

  it("draws a chart's bars in the palette's colours", async () => {
    const svg = await speakersChart([
      { speaker: "Hajiyev", stance: "In favour", stanceKey: "favor", count: 2 },
    ]);
    expect(svg).toContain(`fill="${stanceColour("favor")}"`);
  });

  it("writes colours as CSS channels for the workspace's tones", () => {
    expect(rgbChannels("#1b7837")).toBe("27 120 55");
    expect(rgbChannels("#ffffff")).toBe("255 255 255");
  });
});
