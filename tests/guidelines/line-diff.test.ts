import { diffLines as jsdiffLines } from "diff";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DIFF_CHANGED_LINES_MAX, diffLines, type LineChange } from "../../src/guidelines/line-diff.js";

const oldText = (changes: LineChange[]) =>
  changes
    .filter((change) => change.kind !== "added")
    .map((change) => change.text)
    .join("");
const newText = (changes: LineChange[]) =>
  changes
    .filter((change) => change.kind !== "removed")
    .map((change) => change.text)
    .join("");
const linesOf = (text: string) => (text === "" ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0));
const editedLines = (changes: { kind: string; text: string }[]) =>
  changes.filter((change) => change.kind !== "same").reduce((sum, change) => sum + linesOf(change.text), 0);

/** Texts of a few short lines from a small alphabet, so that lines repeat and move. */
const smallText = fc
  .array(fc.tuple(fc.constantFrom("a", "b", "c", "", "d d", "é", "😀"), fc.boolean()), { maxLength: 14 })
  .map((lines) =>
    lines.map(([line, breaks], i) => line + (breaks || i < lines.length - 1 ? "\n" : "")).join(""),
  );

describe("bounded line diff of guidelines versions", () => {
  it("gives both texts back and is as short as jsdiff's (a shortest edit script)", () => {
    fc.assert(
      fc.property(smallText, smallText, (before, after) => {
        const { changes, paired } = diffLines(before, after);
        expect(paired).toBe(true);
        expect(oldText(changes)).toBe(before);
        expect(newText(changes)).toBe(after);
        // No two neighbours of one kind: runs are joined.
        changes.forEach((change, i) => expect(change.kind).not.toBe(changes[i - 1]?.kind));
        const theirs = jsdiffLines(before, after).map((part) => ({
          kind: part.added ? "added" : part.removed ? "removed" : "same",
          text: part.value,
        }));
        expect(editedLines(changes)).toBe(editedLines(theirs));
      }),
      { numRuns: 500 },
    );
  });

  it("shows a changed line as removed, then added, between the lines that stayed", () => {
    const { changes, paired } = diffLines(
      "# Claims\nTag every claim.\nEnd\n",
      "# Claims\nTag each claim.\nEnd\n",
    );
    expect(paired).toBe(true);
    expect(changes).toEqual([
      { kind: "same", text: "# Claims\n" },
      { kind: "removed", text: "Tag every claim.\n" },
      { kind: "added", text: "Tag each claim.\n" },
      { kind: "same", text: "End\n" },
    ]);
  });

  it("pairs up to its limit of changed lines, and past it shows the changed middle as removed then added", () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `line ${i}\n`);
    const changedEvery = (every: number) =>
      lines.map((line, i) => (i % every === 1 ? `new ${line}` : line)).join("");
    // 300 lines changed: 600 edits, paired line by line.
    const within = diffLines(lines.join(""), changedEvery(10));
    expect(within.paired).toBe(true);
    expect(editedLines(within.changes)).toBe(600);
    // 1,500 lines changed: 3,000 edits, more than DIFF_CHANGED_LINES_MAX.
    expect(3000).toBeGreaterThan(DIFF_CHANGED_LINES_MAX);
    const past = diffLines(lines.join(""), changedEvery(2));
    expect(past.paired).toBe(false);
    // Line 1 is the first changed, line 2,999 (the last) the last.
    expect(past.changes.map((change) => change.kind)).toEqual(["same", "removed", "added"]);
    expect(past.changes[0]!.text).toBe(lines[0]);
    expect(oldText(past.changes)).toBe(lines.join(""));
    expect(newText(past.changes)).toBe(changedEvery(2));
  });

  it("stops at its step limit too, whatever the number of changes", () => {
    const before = Array.from({ length: 400 }, (_, i) => `${i % 2}\n`).join("");
    const after = Array.from({ length: 400 }, (_, i) => `${i % 3 === 0 ? 1 : 0}\n`).join("");
    expect(diffLines(before, after).paired).toBe(true);
    const capped = diffLines(before, after, { steps: 1000 });
    expect(capped.paired).toBe(false);
    expect(newText(capped.changes)).toBe(after);
  });

  it("diffs two versions of 12,000 different lines, and 200,000 characters of two alternating lines, in milliseconds", () => {
    const a = Array.from({ length: 12_000 }, (_, i) => `line a ${i} x`).join("\n");
    const b = Array.from({ length: 12_000 }, (_, i) => `line b ${i} y`).join("\n");
    const c = Array.from({ length: 100_000 }, (_, i) => (i % 2 ? "a" : "b")).join("\n");
    const d = Array.from({ length: 100_000 }, (_, i) => (i % 3 ? "a" : "b")).join("\n");
    for (const [before, after] of [
      [a, b],
      [c, d],
      [c, `${c}\nz`],
    ] as const) {
      diffLines(before, after); // warm up
      const cpu = process.cpuUsage();
      const result = diffLines(before, after);
      const used = process.cpuUsage(cpu);
      // CPU time, not wall time: the machine may be busy with other work. jsdiff took 44-49 s on a/b.
      expect((used.user + used.system) / 1000).toBeLessThan(250);
      expect(oldText(result.changes)).toBe(before);
      expect(newText(result.changes)).toBe(after);
    }
  });

  it("tells apart different lines whose hashes collide", () => {
    // The diff codes lines by a 30-bit FNV-1a hash of their characters (line break included) and
    // then checks the text: find two lines with one hash (a birthday search of a few ten thousand).
    const hashOf = (line: string) => {
      let hash = 0x811c9dc5 | 0;
      for (let i = 0; i < line.length; i++) hash = Math.imul(hash ^ line.charCodeAt(i), 16777619);
      return hash & 0x3fffffff;
    };
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const line = `rule ${i}\n`;
      const other = seen.get(hashOf(line));
      if (other !== undefined) pair = [other, line];
      else seen.set(hashOf(line), line);
    }
    const [x, y] = pair;
    expect(hashOf(x)).toBe(hashOf(y));
    expect(diffLines(`a\n${x}b\n`, `a\n${y}b\n`).changes).toEqual([
      { kind: "same", text: "a\n" },
      { kind: "removed", text: x },
      { kind: "added", text: y },
      { kind: "same", text: "b\n" },
    ]);
    expect(diffLines(`${x}${y}${x}`, `${y}${x}${y}`).changes).toEqual([
      { kind: "removed", text: x },
      { kind: "same", text: `${y}${x}` },
      { kind: "added", text: y },
    ]);
  });
});
