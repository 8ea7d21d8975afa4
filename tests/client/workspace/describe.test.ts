import { describe, expect, it } from "vitest";
import { attribution, describeChanges, quoted } from "../../../src/client/workspace/describe.js";

const span = (text: string) => ({ start: 0, end: text.length, text });

describe("words for claims in the workspace", () => {
  it("quotes excerpts without doubling a mark the quote begins with", () => {
    expect(quoted('"We will respond," he said.')).toBe('"We will respond," he said.');
    expect(quoted("We will respond.")).toBe("“We will respond.”");
    expect(quoted(`«${"a".repeat(200)}»`, 10)).toBe("«aaaaaaaa…");
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
