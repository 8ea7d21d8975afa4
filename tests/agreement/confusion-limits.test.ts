import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONFUSION_VALUES_MAX, confusionTable } from "../../src/agreement/agreement.compute.js";
import { AGREEMENT_INLINE_CLAIMS_MAX, agreementLimits } from "../../src/agreement/agreement.service.js";
import { cohenKappa } from "../../src/agreement/kappa.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { makeArticle, makeProject } from "../helpers/factories.js";
import { loginAgent, makeUser, startTestApp, type Agent, type TestApp } from "../helpers/test-app.js";

describe("confusion tables: sparse counts, at most CONFUSION_VALUES_MAX values a side", () => {
  it("keeps every value when there are few, in alphabetical order", () => {
    const table = confusionTable(
      cohenKappa([
        ["b", "a"],
        ["a", "a"],
        ["b", "b"],
      ]).confusion,
    );
    expect(table).toEqual({
      values: ["a", "b"],
      counts: [
        [1, 0],
        [1, 1],
      ],
      distinctValues: 2,
      otherValues: 0,
    });
  });

  it("gives the most frequent values a row and column each and counts the others together", () => {
    // "common" values occur 10 times each on both sides; 100 rare ones once each.
    const pairs: [string, string][] = [];
    for (let v = 0; v < 25; v++)
      for (let n = 0; n < 10 - (v % 3); n++) pairs.push([`common ${v}`, `common ${v}`]);
    for (let r = 0; r < 100; r++) pairs.push([`rare ${r}`, `common ${r % 25}`]);
    const { confusion } = cohenKappa(pairs);
    const table = confusionTable(confusion);
    expect(table.values).toHaveLength(CONFUSION_VALUES_MAX);
    expect(table.distinctValues).toBe(125);
    expect(table.otherValues).toBe(125 - (CONFUSION_VALUES_MAX - 1));
    expect(table.values.at(-1)).toBe(`(${table.otherValues} other values)`);
    // No rare value has a row of its own; no count is lost.
    expect(table.values.filter((value) => value.startsWith("rare"))).toEqual([]);
    expect(table.counts.flat().reduce((sum, count) => sum + count, 0)).toBe(pairs.length);
    // The kept values are in alphabetical order.
    const kept = table.values.slice(0, -1);
    expect([...kept].sort((x, y) => x.localeCompare(y))).toEqual(kept);
  });
});

describe("agreement over a study where every claim has a speaker of its own", () => {
  let app: TestApp;
  let admin: CurrentUser;
  let agent: Agent;
  let projectId: number;
  const sentences = 300;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    const x = await makeUser(app.db, "annotator");
    const y = await makeUser(app.db, "annotator");
    projectId = (await makeProject(app.db, admin, [x, y])).id;
    const body = Array.from({ length: sentences }, (_, i) => `Speaker number ${i} said something.`).join(" ");
    const article = await makeArticle(app.db, admin, projectId, body);
    const prisma = app.db.prisma;
    await prisma.speaker.createMany({
      data: Array.from({ length: 2 * sentences }, (_, i) => ({ projectId, name: `Person ${i}` })),
    });
    const speakers = (await prisma.speaker.findMany({ where: { projectId }, orderBy: { id: "asc" } })).map(
      (speaker) => speaker.id,
    );
    const data = [x, y].flatMap((annotator, a) =>
      Array.from({ length: sentences }, (_, i) => {
        const text = `Speaker number ${i} said something.`;
        const start = body.indexOf(text);
        return {
          articleId: article.id,
          projectId,
          annotatorId: annotator.id,
          start,
          end: start + text.length,
          quote: text,
          prefix: "",
          suffix: "",
          type: "direct" as const,
          speakerId: speakers[a * sentences + i]!,
        };
      }),
    );
    await prisma.claim.createMany({ data });
    await prisma.articleCompletion.createMany({
      data: [
        { articleId: article.id, userId: x.id },
        { articleId: article.id, userId: y.id },
      ],
    });
    agent = await loginAgent(app, admin.email);
  });
  afterAll(async () => {
    await app?.close();
  });

  it("computes it in a worker thread and answers small tables, not 360,000 cells", async () => {
    expect(2 * sentences).toBeGreaterThan(AGREEMENT_INLINE_CLAIMS_MAX);
    const report = (await agent.get(`/api/v1/projects/${projectId}/agreement`).expect(200)).body;
    const speaker = report.fields.speaker.pairs[0];
    expect(speaker.items).toBe(sentences);
    expect(speaker.kappa).toBeCloseTo(0, 2);
    expect(speaker.confusion.values).toHaveLength(CONFUSION_VALUES_MAX);
    expect(speaker.confusion).toMatchObject({
      distinctValues: 2 * sentences,
      otherValues: 2 * sentences - 19,
    });
    expect(speaker.confusion.counts.flat().reduce((sum: number, count: number) => sum + count, 0)).toBe(
      sentences,
    );
    expect(report.fields.type.pairs[0]).toMatchObject({
      items: sentences,
      kappa: null,
      observedAgreement: 1,
    });

    const csv = (await agent.get(`/projects/${projectId}/agreement/confusion.csv`).expect(200)).text;
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    // Only cells that occur, from tables of at most 20 × 20: type 1, stance 1, target 1, speaker ≤ 20.
    expect(rows.length).toBeLessThanOrEqual(3 + CONFUSION_VALUES_MAX);
    expect(rows.every((row) => row.count !== "0")).toBe(true);
    expect(rows).toContainEqual(
      expect.objectContaining({
        field: "speaker",
        value_a: "(581 other values)",
        value_b: "(581 other values)",
      }),
    );

    const page = await agent.get(`/projects/${projectId}/agreement`).expect(200);
    expect(page.text).toContain("Each table has at most 20 rows and columns");
    expect(page.text).toContain("600 values (581 counted together)");
    expect(page.text.length).toBeLessThan(200_000);
  });

  it("refuses with a 413 naming the limit when the computation takes too long", async () => {
    const saved = agreementLimits.timeoutMs;
    agreementLimits.timeoutMs = 1;
    try {
      const response = await agent.get(`/api/v1/projects/${projectId}/agreement`).expect(413);
      expect(response.body.error).toMatchObject({
        code: "too_large",
        limit: { name: "agreementSeconds", value: 0.001 },
      });
      expect(response.body.error.message).toContain("Narrow it to fewer articles or annotators");
    } finally {
      agreementLimits.timeoutMs = saved;
    }
    // The worker is replaced: the next request is computed again.
    await agent.get(`/api/v1/projects/${projectId}/agreement`).expect(200);
  });
});
