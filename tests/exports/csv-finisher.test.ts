import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvFinisher } from "../../src/exports/formats.js";

/** What the export promises of a text cell: a leading ' when it begins like a formula. */
const neutralised = (value: string) => (/^[=+@\t\r-]/.test(value) ? `'${value}` : value);

/** CSV as Postgres COPY writes it: LF record ends, quotes only where needed. */
const copyCsv = (rows: string[][]) => stringify(rows, { record_delimiter: "\n", quoted_match: /\r/ });

/** Feeds the finisher in the given pieces, as a stream of chunks would. */
function finish(csv: Buffer, cuts: number[]): string {
  const finisher = new CsvFinisher();
  const points = [...new Set(cuts.map((cut) => cut % (csv.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const point of [...points, csv.length]) {
    out.push(finisher.convert(csv.subarray(from, point)));
    from = point;
  }
  return Buffer.concat(out).toString("utf8");
}

const cell = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.constantFrom(
    "=SUM(A1)",
    "-3 dead",
    "+1",
    "@home",
    "\tx",
    "\r\nx",
    '"quoted"',
    "",
    "a,b",
    "line\nbreak",
    "🎉=x",
  ),
);

describe("the CSV finisher (CRLF record ends and formula neutralising in one byte pass)", () => {
  it("gives what a real CSV parser reads as the neutralised values, with CRLF between records, however the bytes are cut", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (rows, cuts) => {
          const width = rows[0]!.length;
          const table = rows.map((row) => Array.from({ length: width }, (_, i) => row[i] ?? ""));
          const finished = finish(Buffer.from(copyCsv(table)), cuts);
          const expected = table.map((row) => row.map(neutralised));
          expect(parse(finished, { relax_column_count: false })).toEqual(expected);
          expect(finished.endsWith("\r\n")).toBe(true);
          // Outside quoted fields every line break is a record end, and each is CRLF.
          const outsideQuotes = finished.replace(/"(?:[^"]|"")*"/g, "");
          expect(/(?<!\r)\n/.test(outsideQuotes)).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("leaves a chunk without line ends or formula starts as the same buffer", () => {
    const finisher = new CsvFinisher();
    const chunk = Buffer.from("abc,def");
    expect(finisher.convert(chunk)).toBe(chunk);
  });
});
