import { describe, expect, it } from "vitest";
import { assignKeys, labelKeys } from "../../src/client/workspace/label-keys.js";

describe("label keys of the claim form", () => {
  it("gives each label the first letter of its own not taken, skipping the page's reserved keys", () => {
    // n (Note) and s (Speaker) are reserved, as are j/k (sentences), z/y (undo/redo), g (guidelines)
    // and a/x (accept and dismiss a suggestion).
    expect(
      assignKeys(["favor", "against", "neutral", "unclear", "Azerbaijan", "Armenia", "ceasefire"]),
    ).toEqual(["f", "i", "e", "u", "r", "m", "c"]);
    expect(assignKeys(["support", "skeptical", "joke", "yes", "zero"])).toEqual(["u", "e", "o", "b", "r"]);
  });

  it("ignores accents and case, and falls back to free letters, then to no key", () => {
    expect(assignKeys(["Über", "ÜBER"])).toEqual(["u", "b"]);
    expect(assignKeys(["a", "a", "a"])).toEqual(["b", "c", "d"]);
    const many = assignKeys(Array.from({ length: 24 }, () => "x"));
    expect(new Set(many.filter(Boolean)).size).toBe(17);
    expect(many.slice(17)).toEqual([null, null, null, null, null, null, null]);
    for (const key of many) expect(["a", "g", "j", "k", "n", "s", "x", "y", "z"]).not.toContain(key);
  });

  it("keeps stance and target keys apart, and stable when a label is retired", () => {
    const stances = [
      { key: "favor", label: "favor", retired: false },
      { key: "against", label: "against", retired: false },
    ];
    const targets = [{ id: 1, name: "army", retired: false }];
    const before = labelKeys(stances, targets);
    expect([...before.stanceKeys]).toEqual([
      ["favor", "f"],
      ["against", "i"],
    ]);
    expect([...before.targetKeys]).toEqual([["army", "r"]]);
    const retired = labelKeys([{ ...stances[0]!, retired: true }, stances[1]!], targets);
    expect(retired).toEqual(before);
  });
});
