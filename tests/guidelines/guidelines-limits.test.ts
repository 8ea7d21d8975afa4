import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GUIDELINES_MAX_LENGTH } from "../../src/guidelines/guidelines.schema.js";
import { guidelinesHtml, renderLimits } from "../../src/guidelines/guidelines.html.js";
import { renderGuidelines } from "../../src/guidelines/guidelines.render.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { makeProject } from "../helpers/factories.js";
import {
  loginAgent,
  makeUser,
  startTestApp,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

/** n characters (code points) of a script, in lines of 60. */
function textOf(alphabet: string, n: number): string {
  const letters = Array.from(alphabet);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((i + 1) % 61 === 0 ? "\n" : letters[i % letters.length]!);
  return out.join("");
}

describe("guidelines within their limits: long texts in any script, bounded diffs and formatting", () => {
  let app: TestApp;
  let admin: CurrentUser;
  let annotator: CurrentUser;
  let agent: Agent;
  let reader: Agent;
  let projectId: number;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    annotator = await makeUser(app.db, "annotator");
    projectId = (await makeProject(app.db, admin, [annotator])).id;
    agent = await loginAgent(app, admin.email);
    reader = await loginAgent(app, annotator.email);
  });
  afterAll(async () => {
    await app?.close();
  });

  const versions = () => app.db.prisma.guidelineVersion.count({ where: { projectId } });

  async function save(body: string, status: number, accept = "text/html") {
    const response = await agent
      .post(`/projects/${projectId}/guidelines`)
      .set("Accept", accept)
      .type("form")
      .send({ body, baseVersion: await versions(), _csrf: await tokenFor(agent) });
    expect(response.status, response.text.slice(0, 300)).toBe(status);
    return response;
  }

  const stored = async () =>
    (await app.db.prisma.guidelineVersion.findFirstOrThrow({
      where: { projectId },
      orderBy: { version: "desc" },
    }))!.body;

  it("saves 200,000 characters of Greek, CJK or emoji through the form (up to 2.4 MB urlencoded)", async () => {
    for (const alphabet of ["αβγδεζηθικλμνξοπρστυφχψω", "引用を注釈する発言者", "😀🎉🇬🇷👩‍👩‍👧"]) {
      const body = textOf(alphabet, GUIDELINES_MAX_LENGTH);
      expect(Array.from(body)).toHaveLength(GUIDELINES_MAX_LENGTH);
      await save(body, 302);
      expect(await stored()).toBe(body);
    }
  });

  it("refuses 200,001 characters with a 422 naming the limit, the text kept in the editor", async () => {
    const body = textOf("引用を注釈する", GUIDELINES_MAX_LENGTH + 1);
    const refused = await save(body, 422);
    expect(refused.text).toContain("The guidelines can be at most 200,000 characters");
    expect(refused.text).toContain('aria-invalid="true"');
    expect(refused.text).toContain(`${body.slice(0, 500)}`);
  });

  it("counts a line break once, as the editor shows it, and stores it as \\n", async () => {
    // What a browser sends: CRLF for every line break of the textarea.
    const lines = textOf("abc", GUIDELINES_MAX_LENGTH).split("\n");
    await save(lines.join("\r\n"), 302);
    expect(await stored()).toBe(lines.join("\n"));
    // Unchanged but for the line breaks: nothing saved.
    const before = await versions();
    await save(lines.join("\r\n"), 302);
    expect(await versions()).toBe(before);
  });

  it("answers a form past 4 MB with a 413 naming the limit; other forms keep their 256 kB", async () => {
    const response = await save("😀".repeat(400_000), 413, "application/json");
    expect(response.body.error).toMatchObject({
      code: "too_large",
      limit: { name: "guidelinesCharacters", value: GUIDELINES_MAX_LENGTH },
    });
    expect(response.body.error.message).toContain("at most 200,000 characters");
    const page = await save("😀".repeat(400_000), 413);
    expect(page.text).toContain("at most 200,000 characters");
    await agent
      .post(`/projects/${projectId}/guidelines/read`)
      .type("form")
      .send({ version: 1, filler: "x".repeat(300_000), _csrf: await tokenFor(agent) })
      .expect(413);
  });

  it("shows what two versions of 12,000 different lines changed in bounded time, with a clear fallback", async () => {
    const a = Array.from({ length: 12_000 }, (_, i) => `line a ${i} x`).join("\n");
    const b = Array.from({ length: 12_000 }, (_, i) => `line b ${i} y`).join("\n");
    await save(a, 302);
    await save(b, 302);
    const cpu = process.cpuUsage();
    const page = await reader.get(`/projects/${projectId}/guidelines`).expect(200);
    const used = process.cpuUsage(cpu);
    const previous = (await versions()) - 1;
    expect(page.text).toContain("These versions differ too much to pair their lines up");
    expect(page.text).toContain(`?version=${previous}">Read version ${previous} as a whole</a>`);
    expect(page.text).toContain("<del>line a 0 x\n");
    expect(page.text).toContain("<ins>line b 0 y\n");
    // jsdiff took 44-49 s here. CPU time of this process (app and test), as the machine may be busy.
    expect((used.user + used.system) / 1000).toBeLessThan(5000);
    // A small change on top is paired line by line, without the note.
    await save(b.replace("line b 6000 y", "line b 6000 z"), 302);
    const small = await reader.get(`/projects/${projectId}/guidelines`).expect(200);
    expect(small.text).not.toContain("differ too much");
    expect(small.text).toContain("<del>line b 6000 y\n</del><ins>line b 6000 z\n</ins>");
  });

  it("formats long guidelines in a worker thread: this thread keeps turning meanwhile", async () => {
    // 18,000 table rows: markdown-it needs most of a second for them on one thread.
    const table = `| Label | Use |\n|-|-|\n${Array.from({ length: 18_000 }, (_, i) => `|l${i}|u|`).join("\n")}`;
    expect(table.length).toBeLessThan(GUIDELINES_MAX_LENGTH);
    let turns = 0;
    const timer = setInterval(() => (turns += 1), 1);
    const html = await guidelinesHtml(table);
    clearInterval(timer);
    // Formatted on this thread, the text would have been ready before any timer could fire.
    expect(turns).toBeGreaterThan(5);
    expect(html).toContain("<td>l17999</td>");
    expect(html).toBe(renderGuidelines(table));

    // Through the app: the page and the API give the formatted text (from the cache by now).
    await save(table, 302);
    const page = await reader.get(`/projects/${projectId}/guidelines`).expect(200);
    expect(page.text).toContain("<td>l17999</td>");
    const api = await reader.get(`/api/v1/projects/${projectId}/guidelines`).expect(200);
    expect(api.body.html).toBe(html);
    turns = 0;
    const timer2 = setInterval(() => (turns += 1), 1);
    expect(await guidelinesHtml(table)).toBe(html);
    clearInterval(timer2);
    expect(turns).toBe(0);
  });

  it("shows the text as written when formatting takes longer than its limit", async () => {
    const saved = renderLimits.timeoutMs;
    renderLimits.timeoutMs = 1;
    try {
      const html = await guidelinesHtml(`# Too slow <b>\n\n${"- item\n".repeat(20_000)}`);
      expect(html).toContain("These guidelines took too long to format, so they are shown as written.");
      expect(html).toContain("<pre># Too slow &lt;b&gt;\n");
    } finally {
      renderLimits.timeoutMs = saved;
    }
    // The worker is replaced: the next long text is formatted again.
    expect(await guidelinesHtml(`# Fine\n\n${"- item\n".repeat(20_000)}`)).toContain("<h1>Fine</h1>");
  });
});
