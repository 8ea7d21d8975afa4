import { describe, expect, it } from "vitest";
import { exportFileName, fileNameWords } from "../../src/exports/file-name.js";

const today = new Date("2026-11-26T10:00:00Z");

describe("export file names", () => {
  it("say what was filtered: project, speaker, stance, type and dates", () => {
    const name = exportFileName(
      "claims",
      "csv",
      {
        project: 3,
        speaker: "Zoë Müller",
        stance: "favor",
        type: "direct",
        from: "2020-11-01",
        to: "2020-11-30",
      },
      { projectName: "Karabakh coverage 2020", today },
    );
    expect(name).toBe(
      "claims-karabakh-coverage-2020-speaker-zoe-muller-favor-direct-2020-11-01_2020-11-30-exported-2026-11-26.csv",
    );
  });

  it("name open date ranges, claim dates, words and targets", () => {
    expect(
      exportFileName(
        "claims",
        "jsonl",
        { claimFrom: "2026-01-01", q: "ceasefire -artillery", target: "Azerbaijan" },
        { today },
      ),
    ).toBe("claims-about-azerbaijan-claimed-2026-01-01_-words-ceasefire-artillery-exported-2026-11-26.jsonl");
  });

  it("fall back to ids where a name has no Latin letters or digits, and stay plain without filters", () => {
    expect(
      exportFileName("articles", "jsonl", { project: 7, speaker: "שלום" }, { projectName: "תקשורת", today }),
    ).toBe("articles-project-7-speaker-id-exported-2026-11-26.jsonl");
    expect(exportFileName("claims", "csv", {}, { today })).toBe("claims-exported-2026-11-26.csv");
  });

  it("end the CSV for Excel in its own word, the rest of the name the same", () => {
    const filters = { project: 3, stance: "favor" };
    const context = { projectName: "Karabakh", today };
    expect(exportFileName("claims", "csv", filters, context)).toBe(
      "claims-karabakh-favor-exported-2026-11-26.csv",
    );
    expect(exportFileName("claims", "csv", filters, { ...context, variant: "excel" })).toBe(
      "claims-karabakh-favor-exported-2026-11-26-excel.csv",
    );
  });

  it("never put quotes, slashes or control characters in a name", () => {
    expect(fileNameWords('a"b/c\\d\r\ne;f')).toBe("a-b-c-d-e-f");
  });
});
