import { describe, expect, it } from "vitest";
import { CodePointIndex, quoteContext } from "../../src/text/code-points.js";
import { normaliseBody } from "../../src/text/normalise.js";

describe("article text", () => {
  it("normalises to NFC with \\n line endings and single blank lines between paragraphs", () => {
    const raw = "Cafe\u0301 opens.\r\n\r\n\r\n\r\nSecond paragraph.   \rThird line.";
    expect(normaliseBody(raw)).toBe("Café opens.\n\nSecond paragraph.\nThird line.");
  });

  it("counts offsets in code points, as Python's str does", () => {
    const text = "😀 emoji 👍🏽 then “quote” here";
    const index = new CodePointIndex(text);
    expect(index.length).toBe(Array.from(text).length);
    const start = Array.from(text).indexOf("“");
    const end = Array.from(text).indexOf("”") + 1;
    expect(index.slice(start, end)).toBe("“quote”");
    expect(index.toCodePoint(index.toUtf16(start))).toBe(start);
    expect(() => index.toUtf16(index.length + 1)).toThrow(RangeError);
  });

  it("takes 32 code points of prefix and suffix around a quote", () => {
    const text = `${"🙂".repeat(40)}QUOTE${"x".repeat(40)}`;
    const index = new CodePointIndex(text);
    const context = quoteContext(index, 40, 45);
    expect(context.quote).toBe("QUOTE");
    expect(Array.from(context.prefix)).toHaveLength(32);
    expect(context.prefix).toBe("🙂".repeat(32));
    expect(context.suffix).toBe("x".repeat(32));
  });
});
