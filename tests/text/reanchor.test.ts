// Re-anchoring claims' spans from one revision of an article to the next (src/text/reanchor.ts,
// issue 20), over the corrections newsrooms make: every span whose words are unchanged lands on
// the identical text, every other span lands on the right words or is flagged, none is moved to
// other words silently.
import { describe, expect, it } from "vitest";
import { reanchorSpans, similarity, type Moved } from "../../src/text/reanchor.js";

const P1 =
  'The goverment will reopen the Kelso bridge in May, Transport Minister Jon Smith said on Monday. "We owe it to the people of Kelso," he told reporters.';
const P2 =
  "Residents said they had waited two years. Shopkeeper Ann Ode said trade had fallen by a third since the closure.";
const P3 = 'The opposition said the date was "a fantasy". Smith said the money was already in the budget.';
const BEFORE = [P1, P2, P3].join("\n\n");

/** The spans a project would hold: claims, cues and mentions, by their words (first occurrence after `after`). */
function spanOf(text: string, words: string, after = ""): { start: number; end: number } {
  const from = after ? text.indexOf(after) : 0;
  const at = text.indexOf(words, from);
  if (at < 0) throw new Error(`not found: ${words}`);
  return {
    start: Array.from(text.slice(0, at)).length,
    end: Array.from(text.slice(0, at)).length + Array.from(words).length,
  };
}

const SPANS: Record<string, [string, string?]> = {
  bridge: ["The goverment will reopen the Kelso bridge in May"],
  bridgeCue: ["said", "Jon Smith "],
  minister: ["Jon Smith"],
  owe: ['"We owe it to the people of Kelso,"'],
  waited: ["they had waited two years"],
  trade: ["trade had fallen by a third since the closure"],
  ode: ["Ann Ode"],
  fantasy: ['the date was "a fantasy"'],
  budget: ["the money was already in the budget"],
  budgetMention: ["Smith", "fantasy"],
};
const names = Object.keys(SPANS);
const spans = names.map((name) => spanOf(BEFORE, SPANS[name]![0], SPANS[name]![1]));

function run(after: string) {
  const moved = reanchorSpans(BEFORE, after, spans);
  const points = Array.from(after);
  return Object.fromEntries(
    names.map((name, index) => {
      const result = moved[index]!;
      return [
        name,
        {
          anchor: result.anchor,
          text: result.span ? points.slice(result.span.start, result.span.end).join("") : null,
        },
      ];
    }),
  ) as Record<string, { anchor: Moved["anchor"]; text: string | null }>;
}

/** Spans whose words are untouched land on the identical text, and none lands on other words. */
function expectFaithful(result: ReturnType<typeof run>) {
  for (const [name, { anchor, text }] of Object.entries(result)) {
    const old = SPANS[name]![0];
    if (anchor === "exact") expect(text, name).toBe(old);
    if (anchor === "reanchored") expect(similarity(old, text!), name).toBeGreaterThanOrEqual(0.8);
    if (anchor === "needs_review") expect(text, name).toBeNull();
  }
}

const anchors = (result: ReturnType<typeof run>) =>
  Object.fromEntries(Object.entries(result).map(([name, value]) => [name, value.anchor]));
const allExact = Object.fromEntries(names.map((name) => [name, "exact"]));

describe("re-anchoring spans to a corrected text", () => {
  it("keeps every span exact when nothing it covers changed (a typo fixed elsewhere, a paragraph added)", () => {
    const typo = run(BEFORE.replace("by a third", "by a third,").replace("two years", "two years"));
    expectFaithful(typo);
    const added = run(
      `Updated at 14:00 with the council's reply.\n\n${BEFORE}\n\nThe council said it would reply.`,
    );
    expectFaithful(added);
    expect(anchors(added)).toEqual(allExact);
  });

  it("re-anchors a claim whose words were corrected, and a respelled name", () => {
    const fixed = run(BEFORE.replace("goverment", "government").replaceAll("Jon Smith", "John Smith"));
    expectFaithful(fixed);
    expect(fixed.bridge).toEqual({
      anchor: "reanchored",
      text: "The government will reopen the Kelso bridge in May",
    });
    expect(fixed.minister).toEqual({ anchor: "reanchored", text: "John Smith" });
    expect(fixed.owe!.anchor).toBe("exact");
    expect(fixed.budgetMention).toEqual({ anchor: "exact", text: "Smith" });
  });

  it("finds the words of reordered paragraphs again, and flags the claims of a removed one", () => {
    const reordered = run([P3, P1, P2].join("\n\n"));
    expectFaithful(reordered);
    expect(anchors(reordered)).toEqual(allExact);
    const removed = run([P1, P3].join("\n\n"));
    expectFaithful(removed);
    expect(anchors(removed)).toMatchObject({
      waited: "needs_review",
      trade: "needs_review",
      ode: "needs_review",
      owe: "exact",
    });
  });

  it("flags a reworded or removed quotation instead of attaching the claim to other words", () => {
    const reworded = run(
      BEFORE.replace("We owe it to the people of Kelso", "This bridge matters more than any budget line"),
    );
    expectFaithful(reworded);
    expect(reworded.owe).toEqual({ anchor: "needs_review", text: null });
    const gone = run(BEFORE.replace(' "We owe it to the people of Kelso," he told reporters.', ""));
    expectFaithful(gone);
    expect(gone.owe).toEqual({ anchor: "needs_review", text: null });
    expect(gone.bridge!.anchor).toBe("exact");
  });

  it("follows quotation marks and spaces normalised, as the same words", () => {
    const curly = run(
      BEFORE.replace('"We owe it to the people of Kelso,"', "“We owe it to the people of Kelso,”")
        .replace('"a fantasy"', "“a fantasy”")
        .replace("Residents said", "Residents  said"),
    );
    expectFaithful(curly);
    expect(curly.owe).toEqual({ anchor: "reanchored", text: "“We owe it to the people of Kelso,”" });
    expect(curly.fantasy).toEqual({ anchor: "reanchored", text: "the date was “a fantasy”" });
    expect(curly.waited!.anchor).toBe("exact");
  });

  it("counts code points, so spans after an emoji or an accent land right", () => {
    const before = "Ana Núñez 😀 said the ferry was late. Ana Núñez said it again.";
    const span = spanOf(before, "the ferry was late");
    const [moved] = reanchorSpans(before, `Update 🚢. ${before}`, [span]);
    expect(moved).toEqual({ anchor: "exact", span: { start: span.start + 10, end: span.end + 10 } });
  });
});
