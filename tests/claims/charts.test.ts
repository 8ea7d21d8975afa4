import { describe, expect, it } from "vitest";
import { stanceOverTimeChart, speakersChart } from "../../src/claims/charts.js";
import { periodFor, type SpeakerStanceCount } from "../../src/claims/claims.summary.js";

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe("the stance-over-time chart", () => {
  it("counts per day, month or year, whichever fits the data's own range", () => {
    expect(periodFor(day("2020-11-01"), day("2020-11-30"))).toBe("day");
    expect(periodFor(day("2020-01-01"), day("2022-06-30"))).toBe("month");
    expect(periodFor(day("1990-01-01"), day("2020-12-31"))).toBe("year");
  });

  it("labels each day of a one-day range once (not one tick every few hours)", async () => {
    const svg = await stanceOverTimeChart({
      period: "day",
      counts: [
        { period: "2020-11-03", stance: "favor", count: 4 },
        { period: "2020-11-03", stance: "against", count: 4 },
      ],
    });
    const dates = [...svg.matchAll(/<text[^>]*>(\d\d \w{3} \d{4})<\/text>/g)].map((match) => match[1]);
    expect(dates.length).toBeGreaterThan(0);
    expect(new Set(dates).size).toBe(dates.length);
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

interface Placed {
  tag: "text" | "path";
  /** What the element says: a text's content, a mark's aria-label. */
  text: string;
  label: string;
  role: string;
  /** Vertical extent in the SVG's own pixels, every enclosing translate added. */
  top: number;
  bottom: number;
}

/**
 * Where the SVG draws each text and path, in absolute coordinates: Vega nests marks in groups
 * moved by translate(x,y), so a label's y and a bar's y only compare once every group is added.
 */
function placed(svg: string): Placed[] {
  const out: Placed[] = [];
  const offsets: number[] = [0];
  const translateY = (attributes: string) =>
    Number(/transform="translate\([-\d.e]+,([-\d.e]+)\)"/.exec(attributes)?.[1] ?? 0);
  const attribute = (attributes: string, name: string) =>
    new RegExp(`${name}="([^"]*)"`).exec(attributes)?.[1] ?? "";
  const tags = /<(\/?)(g|text|path)\b([^>]*?)(\/?)>(?:([^<]*)<\/text>)?/g;
  for (const [, closing, tag, attributes = "", selfClosing, content] of svg.matchAll(tags)) {
    const base = offsets.at(-1)!;
    if (tag === "g") {
      if (closing) offsets.pop();
      else if (!selfClosing) offsets.push(base + translateY(attributes));
      continue;
    }
    if (closing) continue;
    const common = {
      label: attribute(attributes, "aria-label"),
      role: attribute(attributes, "aria-roledescription"),
    };
    if (tag === "text") {
      const y = base + translateY(attributes);
      out.push({ tag: "text", text: content ?? "", ...common, top: y, bottom: y });
    } else {
      const d = /^M[-\d.e]+,([-\d.e]+)h[-\d.e]+v([-\d.e]+)/.exec(attribute(attributes, "d"));
      if (!d) continue;
      const top = base + translateY(attributes) + Number(d[1]);
      out.push({ tag: "path", text: "", ...common, top, bottom: top + Number(d[2]) });
    }
  }
  return out;
}

/** The speaker a bar stands for, from its accessible name ("Zed, Unclear: 6 claims"). */
const speakerOf = (bar: Placed) => /^(.+?), /.exec(bar.label)?.[1] ?? /speaker: ([^;]+)/.exec(bar.label)?.[1];

describe("the claims per speaker chart", () => {
  // Counts in another order than names: Zed is quoted most, Abe least; Mia has no stance for one claim.
  const counts: SpeakerStanceCount[] = [
    { speaker: "Abe", stance: "Unclear", stanceKey: "unclear", count: 1 },
    { speaker: "Mia", stance: "Against", stanceKey: "against", count: 2 },
    { speaker: "Mia", stance: "(no stance)", stanceKey: null, count: 3 },
    { speaker: "Zed", stance: "In favour", stanceKey: "favor", count: 4 },
    { speaker: "Zed", stance: "Neutral", stanceKey: "neutral", count: 5 },
    { speaker: "Zed", stance: "Unclear", stanceKey: "unclear", count: 6 },
  ];

  it("draws every bar beside its own speaker's name, below it and above the next speaker's", async () => {
    const marks = placed(await speakersChart(counts));
    const names = marks
      .filter((mark) => mark.tag === "text" && ["Abe", "Mia", "Zed"].includes(mark.text))
      .sort((a, b) => a.top - b.top);
    expect(names).toHaveLength(3);
    const bars = marks.filter((mark) => mark.role === "bar");
    expect(bars).toHaveLength(counts.length);
    for (const [index, name] of names.entries()) {
      const own = bars.filter((bar) => speakerOf(bar) === name.text);
      const count = counts.filter((row) => row.speaker === name.text).length;
      expect(own, name.text).toHaveLength(count);
      // The name is level with its speaker's first bar (its text baseline within the bar)...
      const first = own.reduce((a, b) => (a.top <= b.top ? a : b));
      expect(name.top, name.text).toBeGreaterThan(first.top);
      expect(name.top, name.text).toBeLessThanOrEqual(first.bottom);
      // ...and every bar of that speaker lies between its name and the next speaker's.
      const next = names[index + 1];
      for (const bar of own) {
        expect(bar.top, bar.label).toBeGreaterThanOrEqual(first.top);
        if (next) expect(bar.bottom, bar.label).toBeLessThan(next.top - 3);
      }
    }
    // The most quoted speaker first.
    expect(names.map((name) => name.text)).toEqual(["Zed", "Mia", "Abe"]);
  });

  it("labels each bar with its stance and count, beside that bar", async () => {
    const marks = placed(await speakersChart(counts));
    const bars = marks.filter((mark) => mark.role === "bar");
    for (const bar of bars) {
      const text = marks.find((mark) => mark.role === "text mark" && mark.label === bar.label);
      expect(text, bar.label).toBeDefined();
      expect(text!.top).toBeGreaterThan(bar.top);
      expect(text!.top).toBeLessThanOrEqual(bar.bottom);
    }
    expect(bars.map((bar) => bar.label)).toContain("Zed, Unclear: 6 claims");
    expect(bars.map((bar) => bar.label)).toContain("Abe, Unclear: 1 claim");
  });

  it("counts one row per speaker and stance label, even when two projects' stances share a label", async () => {
    const marks = placed(
      await speakersChart([
        { speaker: "Ann", stance: "In favour", stanceKey: "favor", count: 2 },
        { speaker: "Ann", stance: "In favour", stanceKey: "pro", count: 3 },
      ]),
    );
    expect(marks.filter((mark) => mark.role === "bar").map((bar) => bar.label)).toEqual([
      "Ann, In favour: 5 claims",
    ]);
  });

  it("draws an empty chart when nothing matches", async () => {
    const svg = await speakersChart([]);
    expect(svg).toMatch(/^<svg/);
    expect(svg).not.toContain('aria-roledescription="bar"');
  });
});
