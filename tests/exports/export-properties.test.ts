// Property: any text a claim can carry survives CSV → a real CSV parser and reads back as the same
// value as in JSON Lines; a cell that a spreadsheet would take for a formula differs only by the
// documented leading apostrophe. Checked on generated Unicode, in both database modes.
import { parse } from "csv-parse/sync";
import fc from "fast-check";
import request from "supertest";
import { afterAll, describe, expect, it } from "vitest";
import { claimColumns, type ExportRow } from "../../src/exports/export-query.js";
import { toWebAnnotation } from "../../src/exports/formats.js";
import { createApiToken } from "../../src/tokens/tokens.service.js";
import { makeArticle, makeProject } from "../helpers/factories.js";
import { makeUser, startTestApp, type TestApp } from "../helpers/test-app.js";
import { createTestDatabase, onPostgresServer } from "../helpers/test-database.js";

/** Text that can be stored: any Unicode, astral and combining included, without NUL or lone surrogates. */
const storable = fc
  .oneof(
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.string({ unit: "grapheme", maxLength: 40 }),
    fc.string({
      unit: fc.constantFrom(
        "=",
        "+",
        "-",
        "@",
        "\t",
        "\r",
        "\n",
        "\r\n",
        '"',
        ",",
        ";",
        "'",
        "é",
        "e\u0301",
        "😀",
        "ש",
        " ",
      ),
      maxLength: 30,
    }),
  )
  .map((text) => text.toWellFormed().replaceAll("\u0000", ""));

const FORMULA_START = /^[=+\-@\t\r]/;

const modes = onPostgresServer ? (["pglite", "server"] as const) : (["pglite"] as const);

describe.each(modes)("CSV against JSON Lines on %s", (mode) => {
  const opened: { app: TestApp; drop: () => Promise<void> }[] = [];
  afterAll(async () => {
    for (const { app, drop } of opened) {
      await app.close();
      await drop();
    }
  });

  it("every field reads back the same from CSV as from JSON Lines", async () => {
    const database = await createTestDatabase({ mode });
    const app = await startTestApp({ database });
    opened.push({ app, drop: database.drop });
    const admin = await makeUser(app.db, "admin");
    const project = await makeProject(app.db, admin);
    const article = await makeArticle(app.db, admin, project.id);
    const { token } = await createApiToken(app.db.prisma, admin.id, "export", "read");
    const get = (path: string) =>
      request(app.url).get(path).set("Authorization", `Bearer ${token}`).buffer(true).parse(text);

    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(storable, storable, storable), { minLength: 1, maxLength: 25 }),
        async (texts) => {
          await app.db.prisma.claim.deleteMany({ where: { articleId: article.id } });
          for (const [quote, note, speaker] of texts) {
            const created = await app.db.prisma.speaker.create({
              // Some with a role, some without: the annotation names a role only when there is one.
              data: {
                projectId: project.id,
                name: `${speaker}#${Math.random()}`,
                role: Array.from(quote).slice(0, 2).join(""),
              },
            });
            await app.db.prisma.claim.create({
              data: {
                articleId: article.id,
                projectId: project.id,
                annotatorId: admin.id,
                start: 0,
                end: 1,
                quote,
                prefix: speaker,
                suffix: note,
                note,
                type: "direct",
                speakerId: created.id,
              },
            });
          }
          const csv = await get(`/export/claims.csv?article=${article.id}`);
          const jsonl = await get(`/export/claims.jsonl?article=${article.id}`);
          expect(csv.status).toBe(200);
          const records = parse(csv.body as string, { columns: true, relax_quotes: false }) as Record<
            string,
            string
          >[];
          const rows = (jsonl.body as string)
            .split("\n")
            .filter(Boolean)
            .map((line) => JSON.parse(line) as Record<string, unknown>);
          expect(records).toHaveLength(texts.length);
          expect(Object.keys(records[0]!)).toEqual([...claimColumns]);
          // Postgres wrote the values line and claim-lines.ts the JSON: byte for byte what JSON.stringify writes.
          const lines = (jsonl.body as string).split("\n").filter(Boolean);
          expect(lines).toEqual(rows.map((row) => JSON.stringify(row)));
          const annotations = await get(`/export/claims.jsonld?article=${article.id}`);
          const collection = JSON.parse(annotations.body as string) as { first: { items: unknown[] } };
          const baseUrl = (collection as unknown as { id: string }).id.replace("/export/claims.jsonld", "");
          expect(annotations.body).toContain(
            rows.map((row) => JSON.stringify(toWebAnnotation(row as ExportRow, baseUrl))).join(",\n"),
          );
          expect(collection.first.items).toHaveLength(texts.length);
          for (const [index, record] of records.entries()) {
            for (const column of ["quote", "note", "prefix", "suffix", "speaker_name"] as const) {
              const value = String(rows[index]![column] ?? "");
              const expected = FORMULA_START.test(value) ? `'${value}` : value;
              expect(record[column], `${column} of ${JSON.stringify(value)}`).toBe(expected);
            }
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});

/** Collects the body as text whatever the content type (CSV, NDJSON). */
function text(res: unknown, done: (error: Error | null, body: string) => void) {
  const response = res as NodeJS.ReadableStream;
  let body = "";
  response.setEncoding("utf8");
  response.on("data", (chunk: string) => (body += chunk));
  response.on("end", () => done(null, body));
}
