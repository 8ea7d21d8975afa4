import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { attribution, describeChanges, excerpt, quoted } from "../../../src/client/workspace/describe.js";

const span = (text: string) => ({ start: 0, end: text.length, text });

describe("words for claims in the workspace", () => {
  it("quotes excerpts without doubling a mark the quote begins with", () => {
    expect(quoted('"We will respond," he said.')).toBe('"We will respond," he said.');
    expect(quoted("We will respond.")).toBe("“We will respond.”");
    expect(quoted(`«${"a".repeat(200)}»`, 10)).toBe("«aaaaaaaa…");
  });

  it("cuts excerpts as splitting the whole text would, reading only the start of it", () => {
    // The definition: runs of white space made one space, ends trimmed, at most `max` code points.
    const reference = (text: string, max: number) => {
      const points = Array.from(text.replace(/\s+/g, " ").trim());
      return points.length > max ? `${points.slice(0, max - 1).join("")}…` : points.join("");
    };
    const pieces = fc.constantFrom("a", "Ü", "🎉", " ", "  ", "\n", "\t", "\u00a0", "\u2028", "word ");
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 60 }), fc.integer({ min: 1, max: 40 }), (parts, max) => {
        const text = parts.join("");
        expect(excerpt(text, max)).toBe(reference(text, max));
      }),
      { numRuns: 2_000 },
    );
  });

  it("says who said a claim and through which words", () => {
    const speaker = { id: 1, name: "Ilham Aliyev", role: "", affiliation: "" };
    expect(attribution({ speaker, speakerMention: span("the president"), cue: span("said") })).toBe(
      "said by Ilham Aliyev (mention “the president”), cue “said”",
    );
    expect(attribution({ speaker: null, speakerMention: span("he"), cue: null })).toBe(
      "speaker mention “he”",
    );
    expect(attribution({ speaker: null, speakerMention: null, cue: null })).toBe("");
  });

  it("describes another's change of a quote that begins with a mark without doubling it", () => {
    const base = {
      start: 0,
      end: 5,
      quote: "“Yes.”",
      type: "direct",
      speaker: null,
      speakerMention: null,
      cue: null,
      stance: null,
      target: null,
      note: "",
    };
    const changes = describeChanges(base as never, { ...base, end: 8, quote: '"Yes," he' } as never, []);
    expect(changes).toEqual(['Quote changed from “Yes.” to "Yes," he by someone else.']);
  });
});
