import { describe, expect, it } from "vitest";
import { proposedTarget } from "../../src/suggestions/target-proposal.js";

const targets = ["Azerbaijan", "Armenia", "ceasefire", "Côte d'Ivoire"];

describe("the target proposed for a suggested claim", () => {
  it("is the one target the claim's words name, whole words, case and accents ignored", () => {
    expect(proposedTarget("the international community's support to Azerbaijan is growing", targets)).toBe(
      "Azerbaijan",
    );
    expect(proposedTarget("The CEASEFIRE will hold", targets)).toBe("ceasefire");
    expect(proposedTarget("exports from Cote d'Ivoire rose", targets)).toBe("Côte d'Ivoire");
  });

  it("is none when the words only contain a target's name, or name two targets", () => {
    expect(proposedTarget("The Armenians are still committing provocations", targets)).toBeUndefined();
    expect(proposedTarget("the Azerbaijani army suppresses provocations", targets)).toBeUndefined();
    expect(proposedTarget("Armenia and Azerbaijan agreed", targets)).toBeUndefined();
    expect(proposedTarget("nothing to see here", targets)).toBeUndefined();
    expect(proposedTarget("anything", [" "])).toBeUndefined();
  });
});
