import { describe, expect, it } from "vitest";
import { stanceOverTimeChart, speakersChart } from "../../src/claims/charts.js";
import { periodFor } from "../../src/claims/claims.summary.js";

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe("the stance-over-time chart", () => {
  it("counts per day, month or year, whichever fits the data's own range", () => {
    expect(periodFor(day("2020-11-01"), day("2020-11-30"))).toBe("day");
    expect(periodFor(day("2020-01-01"), day("2022-06-30"))).toBe("month");
    expect(periodFor(day("1990-01-01"), day("2020-12-31"))).toBe("year");
  });

  it("draws one bar segment per stance and period, and no line across empty years", async () => {
    const svg = await stanceOverTimeChart({
      period: "year",
      counts: [
        { period: "2010", stance: "In favour", count: 3 },
        { period: "2010", stance: "Against", count: 3 },
        { period: "2015", stance: "Against", count: 1 },
      ],
    });
    const bars = svg.match(/<path[^>]*aria-roledescription="bar"[^>]*>/g) ?? [];
    expect(bars).toHaveLength(3);
    expect(svg).not.toMatch(/aria-roledescription="line mark"/);
    expect(svg).toContain("Claims per year of the article date, by stance");
    expect(svg).toContain("In favour");
  });

  it("are drawn 720 pixels wide with 13-pixel labels, large enough to read", async () => {
    const svg = await speakersChart([{ speaker: "Hajiyev", stance: "favor", count: 2 }]);
    expect(Number(/<svg[^>]*width="(\d+)"/.exec(svg)?.[1])).toBeGreaterThanOrEqual(720);
    const sizes = [...svg.matchAll(/font-size="(\d+)px"/g)].map((match) => Number(match[1]));
    expect(sizes.length).toBeGreaterThan(3);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12);
  });
});
