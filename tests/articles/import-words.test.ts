import { describe, expect, it } from "vitest";
import {
  articleImported,
  filesImported,
  importDone,
  importStopped,
  linesRead,
} from "../../src/articles/import-words.js";

describe("what the import pages say about counts", () => {
  it("sums up an upload without '1 of 1 files'", () => {
    expect(filesImported(1, 1)).toBe("1 file imported.");
    expect(filesImported(3, 3)).toBe("3 files imported.");
    expect(filesImported(2, 3)).toBe("2 of 3 files imported.");
    expect(filesImported(1, 2)).toBe("1 of 2 files imported.");
    expect(filesImported(0, 1)).toBe("The file was not imported.");
    expect(filesImported(0, 4)).toBe("None of the 4 files was imported.");
  });

  it("counts lines and sentences with the noun that fits the number", () => {
    expect(linesRead(1, 1)).toBe("1 of 1 line");
    expect(linesRead(2, 1500)).toBe("2 of 1,500 lines");
    expect(importDone({ imported: 1, duplicates: 0, invalid: 0, total: 1 })).toBe(
      "Done: 1 imported, 0 already there, 0 not imported, of 1 line.",
    );
    expect(importStopped(1)).toBe("Stopped after 1 line. Upload the file again to finish.");
    expect(importStopped(2, ": the connection broke")).toBe(
      "Stopped after 2 lines: the connection broke. Upload the file again to finish.",
    );
    expect(articleImported(1)).toBe("Imported the article, split into 1 sentence.");
    expect(articleImported(12)).toBe("Imported the article, split into 12 sentences.");
  });
});
