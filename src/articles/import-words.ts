// What the import pages say about counts: "1 file imported", "2 of 3 files imported", "1 line".
// Pure, for the browser's import script and the server's messages alike.
import { plural } from "../text/plural.js";

/** The upload's summary: how many of the files sent became articles. */
export function filesImported(imported: number, total: number): string {
  if (total === 0) return "No file was sent.";
  if (imported === total) return `${plural(total, "file")} imported.`;
  if (imported === 0)
    return total === 1 ? "The file was not imported." : `None of the ${total} files was imported.`;
  return `${imported.toLocaleString("en")} of ${plural(total, "file")} imported.`;
}

/** Progress of a bulk import: "3 of 10 lines", "1 of 1 line". */
export function linesRead(seen: number, total: number): string {
  return `${seen.toLocaleString("en")} of ${plural(total, "line")}`;
}

/** The bulk import's last word: what became of every line. */
export function importDone(counts: {
  imported: number;
  duplicates: number;
  invalid: number;
  total: number;
}): string {
  return (
    `Done: ${counts.imported.toLocaleString("en")} imported, ${counts.duplicates.toLocaleString("en")} already there, ` +
    `${counts.invalid.toLocaleString("en")} not imported, of ${plural(counts.total, "line")}.`
  );
}

/** A bulk import cut short after `seen` lines. */
export function importStopped(seen: number, why = ""): string {
  return `Stopped after ${plural(seen, "line")}${why}. Upload the file again to finish.`;
}

/** The flash after one article is imported. */
export function articleImported(sentences: number): string {
  return `Imported the article, split into ${plural(sentences, "sentence")}.`;
}
