import fs from "node:fs";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import { parse } from "csv-parse/sync";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { Prisma } from "../../src/generated/prisma/client.js";
import { embeddedExportState, openEmbeddedExport } from "../../src/exports/embedded-export.js";
import { claimColumns, claimsExportQuery } from "../../src/exports/export-query.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { createApiToken } from "../../src/tokens/tokens.service.js";
import { makeUser, startTestApp, type TestApp } from "../helpers/test-app.js";
import { createTestDatabase, onPostgresServer } from "../helpers/test-database.js";

// One fixture full of hard cases, inserted with explicit ids and timestamps into an embedded
// database and (with TEST_DATABASE_URL) a Postgres server: both must export the same bytes.

const HARD = [
  "=SUM(A1) on a sign",
  '+1 for "clarity", he said',
  "-3 dead\nafter the storm",
  "@home fans\r\ncheered",
  "\tindented, with a tab",
  "\rcarriage return first",
  "a bare CR\r=1+1 after it",
  "🎉 emoji and q\u0307 with a combining dot",
  "שלום, אמר השר", // right-to-left
  'only "quotes"',
  "commas, commas, commas",
  "line\nfeed only",
  "-",
  "",
];

/** The article bodies: every hard case in a row, so claims can point at them. */
const BODY = HARD.filter((text) => text !== "").join(" | ");

function span(body: string, text: string) {
  const utf16 = body.indexOf(text);
  const start = Array.from(body.slice(0, utf16)).length;
  return { start, end: start + Array.from(text).length };
}

const at = (iso: string) => new Date(iso);

async function insertFixture(db: Database) {
  const p = db.prisma;
  await p.user.createMany({
    data: [
      { id: 9001, email: "=ann@example.org", name: "Ann", role: "annotator" as const, passwordHash: "x" },
      { id: 9002, email: "bob@example.org", name: "Bob", role: "annotator" as const, passwordHash: "x" },
    ].map((user) => ({
      ...user,
      createdAt: at("2020-01-01T00:00:00.000Z"),
      updatedAt: at("2020-01-01T00:00:00Z"),
    })),
  });
  await p.project.create({
    data: {
      id: 9101,
      name: '=Project, "one"\nwith a line',
      createdAt: at("2020-01-01T00:00:00Z"),
      updatedAt: at("2020-01-01T00:00:00Z"),
    },
  });
  await p.stanceLabel.createMany({
    data: [
      { id: 9201, projectId: 9101, key: "favor", label: "In favour" },
      { id: 9202, projectId: 9101, key: "-against", label: "Against" },
    ],
  });
  await p.target.createMany({
    data: [
      { id: 9301, projectId: 9101, name: "@Armenia" },
      { id: 9302, projectId: 9101, name: 'ceasefire, "lasting"' },
    ],
  });
  await p.speaker.createMany({
    data: [
      { id: 9401, projectId: 9101, name: '=Evil, "Name"', role: "+Role\nTwo", affiliation: "" },
      { id: 9402, projectId: 9101, name: "וזיר", role: "", affiliation: "\rMinistry" },
    ].map((speaker) => ({
      ...speaker,
      createdAt: at("2020-01-01T00:00:00Z"),
      updatedAt: at("2020-01-01T00:00:00Z"),
    })),
  });
  await p.article.createMany({
    data: [
      {
        id: 9501,
        projectId: 9101,
        title: 'Title with "quotes",\nand a line',
        body: BODY,
        bodyHash: "h1",
        outlet: "",
        byline: "-By Someone",
        url: null,
        publishedAt: null,
        language: "en",
      },
      {
        id: 9502,
        projectId: 9101,
        title: "=Second",
        body: `${BODY} | second`,
        bodyHash: "h2",
        outlet: "Trend\r\nAgency",
        byline: "",
        url: 'https://example.org/a?x=1,2&y="3"',
        publishedAt: at("2020-11-03T12:34:56.789Z"),
        language: "he",
      },
    ].map((article) => ({
      ...article,
      createdAt: at("2020-01-02T00:00:00Z"),
      updatedAt: at("2020-01-02T00:00:00Z"),
    })),
  });
  const claims = HARD.filter((text) => text !== "").map((quote, index) => {
    const article = index % 2 === 0 ? { id: 9501, body: BODY } : { id: 9502, body: `${BODY} | second` };
    const { start, end } = span(article.body, quote);
    const mention = index % 3 === 0 ? span(article.body, HARD[(index + 1) % 13]!) : undefined;
    const cue = index % 4 === 0 ? span(article.body, HARD[(index + 2) % 13]!) : undefined;
    const chars = Array.from(article.body);
    return {
      id: 9601 + index,
      articleId: article.id,
      projectId: 9101,
      annotatorId: index % 2 === 0 ? 9001 : 9002,
      start,
      end,
      quote,
      prefix: chars.slice(Math.max(0, start - 32), start).join(""),
      suffix: chars.slice(end, end + 32).join(""),
      type: (["direct", "indirect", "mixed", "outlet"] as const)[index % 4]!,
      speakerId: index % 3 === 2 ? null : index % 2 === 0 ? 9401 : 9402,
      mentionStart: mention?.start ?? null,
      mentionEnd: mention?.end ?? null,
      cueStart: cue?.start ?? null,
      cueEnd: cue?.end ?? null,
      stanceId: index % 5 === 4 ? null : index % 2 === 0 ? 9201 : 9202,
      targetId: index % 3 === 1 ? null : index % 2 === 0 ? 9301 : 9302,
      note: HARD[(index + 5) % HARD.length]!,
      version: 1 + (index % 3),
      createdAt: at(`2021-03-0${1 + (index % 9)}T10:00:00.${String(index).padStart(3, "0")}Z`),
      updatedAt: at(`2021-04-0${1 + (index % 9)}T10:00:00.${String(index).padStart(3, "0")}Z`),
      deletedAt: index === 7 ? at("2021-05-01T00:00:00Z") : null,
    };
  });
  await p.claim.createMany({ data: claims });
  // Enough more claims to cross the embedded export's keyset batch (2,000), with a line break
  // inside the last record of the first batch.
  const hard = Prisma.sql`(ARRAY[${Prisma.join(HARD)}]::text[])`;
  await p.$executeRaw`
    INSERT INTO claims (id, article_id, project_id, annotator_id, start, "end", quote, prefix, suffix, type,
                        stance_id, note, version, created_at, updated_at)
    SELECT 20000 + g, 9501, 9101, 9001 + g % 2, 0, 5, ${hard}[1 + (g + 2) % ${HARD.length}], '', '', 'direct',
           CASE WHEN g % 3 = 0 THEN NULL ELSE 9201 END, ${hard}[1 + (g * 7) % ${HARD.length}], 1,
           timestamp '2022-01-01 00:00:00.001' + g * interval '1.001 second',
           timestamp '2022-06-01 00:00:00' + g * interval '1 millisecond'
    FROM generate_series(1, 2100) g`;
}

interface Side {
  name: string;
  app: TestApp;
  token: string;
  drop(): Promise<void>;
}

const sides: Side[] = [];

beforeAll(async () => {
  for (const mode of onPostgresServer ? (["pglite", "server"] as const) : (["pglite"] as const)) {
    const database = await createTestDatabase({ mode });
    await insertFixture(database.db);
    const app = await startTestApp({ database });
    const researcher = await makeUser(app.db, "researcher");
    const { token } = await createApiToken(app.db.prisma, researcher.id, "export", "read");
    sides.push({ name: mode, app, token, drop: database.drop });
  }
}, 120_000);

afterAll(async () => {
  for (const side of sides) {
    await side.app.close();
    await side.drop();
  }
});

const exportsToCompare = [
  "/export/claims.csv",
  "/export/claims.csv?excel=1",
  "/export/claims.csv?project=9101&stance=favor&type=direct",
  "/export/claims.jsonl",
  "/export/claims.jsonld",
  "/export/articles.jsonl",
];

async function download(side: Side, path: string): Promise<Buffer> {
  const response = await request(side.app.url)
    .get(path)
    .set("Authorization", `Bearer ${side.token}`)
    // The same host on both sides, so annotation ids and sources are the same.
    .set("Host", "claimant.test")
    .responseType("blob");
  expect(response.status, `${side.name} ${path}`).toBe(200);
  return response.body as Buffer;
}

/** The one part that must differ: when the Web Annotation collection was generated. */
const withoutExportTime = (bytes: Buffer) =>
  bytes.toString("utf8").replace(/exported \d{4}-\d\d-\d\dT[\d:.]+Z/, "exported <time>");

const neutralised = (value: unknown) =>
  value === null ? "" : typeof value === "string" && /^[=+@\t\r-]/.test(value) ? `'${value}` : String(value);

describe("exports in both database modes", () => {
  it.runIf(onPostgresServer)(
    "are byte-identical: CSV, CSV for Excel, JSON Lines, Web Annotation, articles",
    async () => {
      for (const path of exportsToCompare) {
        const [embedded, server] = [await download(sides[0]!, path), await download(sides[1]!, path)];
        expect(embedded.length, path).toBeGreaterThan(0);
        expect(withoutExportTime(embedded), path).toBe(withoutExportTime(server));
      }
    },
  );

  it.each(["csv", "csv?excel=1"])(
    "CSV (%s) reads back exactly with a real CSV parser, every text cell neutralised the same way",
    async (variant) => {
      for (const side of sides) {
        const csv = await download(side, `/export/claims.${variant}`);
        const json = (await download(side, "/export/claims.jsonl"))
          .toString("utf8")
          .trimEnd()
          .split("\n")
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        const records = parse(csv, { bom: true, columns: true, relax_quotes: false }) as Record<
          string,
          string
        >[];
        expect(Object.keys(records[0]!)).toEqual([...claimColumns]);
        expect(records, side.name).toHaveLength(13 - 1 + 2100);
        expect(json).toHaveLength(records.length);
        const cells = records.map((record) => claimColumns.map((column) => record[column]));
        const expected = json.map((row) => claimColumns.map((column) => neutralised(row[column])));
        expect(cells, side.name).toEqual(expected);
        // Records end with CRLF; a line break inside a field stays what it was.
        const text = csv.toString("utf8");
        expect(text.endsWith("\r\n")).toBe(true);
        expect(text).toContain('"\'-3 dead\nafter the storm"');
        expect(text).toContain('"a bare CR\r=1+1 after it"');
        expect(text).toContain('"\'\rcarriage return first"');
        expect(text).toContain("'\tindented, with a tab");
      }
    },
  );

  it("JSON Lines and Web Annotation hold the exact values, never neutralised, nulls as null", async () => {
    for (const side of sides) {
      const rows = (await download(side, "/export/claims.jsonl"))
        .toString("utf8")
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const first = rows.find((row) => row.claim_id === 9601)!;
      expect(first).toMatchObject({
        project: '=Project, "one"\nwith a line',
        article_url: null,
        article_published_at: null,
        annotator: "=ann@example.org",
        quote: "=SUM(A1) on a sign",
        speaker_name: '=Evil, "Name"',
        speaker_role: "+Role\nTwo",
        speaker_affiliation: "",
        stance: "favor",
        target: "@Armenia",
        created_at: "2021-03-01T10:00:00.000Z",
        version: 1,
      });
      expect(rows.some((row) => row.claim_id === 9608)).toBe(false); // soft-deleted
      const collection = JSON.parse((await download(side, "/export/claims.jsonld")).toString("utf8"));
      expect(collection.first.items).toHaveLength(rows.length);
      const articles = (await download(side, "/export/articles.jsonl"))
        .toString("utf8")
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line) as { article_id: number; body: string });
      for (const row of rows.filter((r) => (r.claim_id as number) < 20000)) {
        const body = Array.from(articles.find((article) => article.article_id === row.article_id)!.body);
        expect(body.slice(row.start as number, row.end as number).join("")).toBe(row.quote);
      }
    }
  });
});

describe("the embedded export's spool file", () => {
  const admin: CurrentUser = {
    id: 9001,
    email: "x@example.org",
    name: "x",
    role: "admin",
    version: 1,
    mustChangePassword: false,
  };
  const open = () =>
    openEmbeddedExport(
      sides[0]!.app.db.pglite!,
      { kind: "csv", query: (page) => claimsExportQuery({}, admin, page), prefix: "" },
      admin,
      {},
      embeddedExportState(),
    );

  it("is deleted when the download ends, and when it is cancelled", async () => {
    const finished = (await open()) as fs.ReadStream;
    expect(fs.existsSync(String(finished.path))).toBe(true);
    await pipeline(finished, new Writable({ write: (_chunk, _encoding, done) => done() }));
    await expect.poll(() => fs.existsSync(String(finished.path))).toBe(false);

    const cancelled = (await open()) as fs.ReadStream;
    cancelled.destroy();
    await expect.poll(() => fs.existsSync(String(cancelled.path))).toBe(false);
  });
});
