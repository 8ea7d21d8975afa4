import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { countText, emptyCounts, scores } from "../../src/suggestions/evaluate.js";
import { suggestAttributions } from "../../src/suggestions/suggest.js";
import { loadEvaluationSet } from "./evaluation-set.js";

/** The floors docs/performance.md states (section "Attribution suggestions"), read from it so the two agree. */
function readmeFloors(): Record<string, number> {
  const readme = fs.readFileSync("docs/performance.md", "utf8");
  const floors: Record<string, number> = {};
  for (const match of readme.matchAll(/^\| ([A-Za-z0-9 ,()-]+?) +\| [^|]+\| floor ([0-9.]+) +\|$/gm))
    floors[match[1]!] = Number(match[2]);
  return floors;
}

describe("the built-in attribution suggester", () => {
  it("keeps every figure on the evaluation set at or above the floor docs/performance.md states", () => {
    const counts = emptyCounts();
    for (const { text, gold } of loadEvaluationSet()) countText(counts, suggestAttributions(text), gold);
    const figures = scores(counts);
    const floors = readmeFloors();
    const measured: Record<string, number> = {
      "content, overlap F1": figures.contentOverlap.f1,
      "content, exact F1": figures.contentExact.f1,
      "cue, exact F1": figures.cueExact.f1,
      "speaker mention, exact F1": figures.mentionExact.f1,
      "resolved speaker, accuracy": figures.speakerAccuracy,
      "type, accuracy": figures.typeAccuracy,
    };
    expect(Object.keys(floors).sort()).toEqual(Object.keys(measured).sort());
    for (const [name, value] of Object.entries(measured))
      expect(value, name).toBeGreaterThanOrEqual(floors[name]!);
    expect(counts.gold).toBeGreaterThanOrEqual(80);
    const ceiling = /Suggestions on its texts without attributions: \d+, at most (\d+)/.exec(
      fs.readFileSync("docs/performance.md", "utf8"),
    );
    expect(ceiling, "docs/performance.md states the ceiling").not.toBeNull();
    expect(figures.suggestionsOnTextsWithoutAttributions).toBeLessThanOrEqual(Number(ceiling![1]));
  });

  it("gives offsets in code points, so an emoji before a quote does not shift it", () => {
    const body = "🎉 Fans cheered. “We won,” said Coach Ana Reis.";
    const [suggestion] = suggestAttributions(body);
    const points = Array.from(body);
    expect(points.slice(suggestion!.start, suggestion!.end).join("")).toBe("“We won,”");
    expect(suggestion!.quote).toBe("“We won,”");
    expect(points.slice(suggestion!.cue!.start, suggestion!.cue!.end).join("")).toBe("said");
    // A title is not part of the mention, an honorific would be (docs/suggestions.md).
    expect(suggestion!.speakerMention!.text).toBe("Ana Reis");
    expect(suggestion!.speaker).toEqual({ name: "Ana Reis", role: "Coach" });
  });

  it("resolves speakers to the registry by name or alias, ignoring case and accents, and proposes new ones with their role", () => {
    const body =
      "Jürgen Müller, the head of the port authority, said the cranes were repaired. Anna Lind, a docker, said she was relieved.";
    const registry = [{ id: 7, name: "J. Muller", aliases: ["jurgen muller"] }];
    const suggestions = suggestAttributions(body, registry);
    expect(suggestions.map((suggestion) => suggestion.speaker)).toEqual([
      { id: 7 },
      { name: "Anna Lind", role: "a docker" },
    ]);
  });

  it("suggests nothing for text without attributions, and the same suggestions every time", () => {
    expect(suggestAttributions("The bridge reopened on Tuesday. Traffic was light.")).toEqual([]);
    expect(suggestAttributions("")).toEqual([]);
    const text = loadEvaluationSet()[0]!.text;
    expect(suggestAttributions(text)).toEqual(suggestAttributions(text));
  });
});
