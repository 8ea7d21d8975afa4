import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { endsWithQuotationMark, quoted, quotedShort } from "../../src/curation/quote-display.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import {
  loginAgent,
  makeUser,
  startTestApp,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

const BODY = "“We will win,” Ann said. Bo said the plan works. Cy said “nothing will change”. Di said four.";

interface StateBody {
  page: { curated: boolean; waiting: number; annotators: { name: string }[] };
  rows: [string, string][];
  groups: Record<string, { open: number; cells: { id: number; decision: { kind: string } }[][] }>;
  html: { rows: string; counts: string; toolbar: string; curated: string };
}

describe("quotes on the curation page", () => {
  it("are put in “…” once: never around a quote that begins or ends with a quotation mark", () => {
    expect(quoted("Bo said the plan works.")).toBe("“Bo said the plan works.”");
    expect(quoted("“We will win,”")).toBe("“We will win,”");
    expect(quoted('"We will win," he said')).toBe('"We will win," he said');
    expect(quoted("Cy said “nothing will change”")).toBe("Cy said “nothing will change”");
    expect(endsWithQuotationMark("change” ")).toBe(true);
    expect(endsWithQuotationMark("change.")).toBe(false);
    expect(quotedShort("a".repeat(100), 10)).toBe(`“${"a".repeat(10)}…”`);
    expect(quotedShort("“We will win,” he said", 8)).toBe("“We will…");
  });
});

/**
 * The curation page's server side: its cards' buttons, its quotes, the state its script brings
 * the page up to date from, the versions a decision checks, and "Mark curated" while claims wait.
 */
describe("the curation page", () => {
  let app: TestApp;
  let curator: CurrentUser;
  let x: CurrentUser;
  let agent: Agent;
  let token: string;
  let articleId: number;
  let body: string;
  const ids: Record<string, number> = {};

  const post = (path: string, payload?: object) =>
    agent.post(path).set("X-CSRF-Token", token).set("Accept", "application/json").send(payload);

  beforeAll(async () => {
    app = await startTestApp();
    const admin = await makeUser(app.db, "admin");
    x = await makeUser(app.db, "annotator", { name: "Xena" });
    const y = await makeUser(app.db, "annotator", { name: "Yann" });
    curator = await makeUser(app.db, "annotator", { name: "Cora" });
    const projectId = (await makeProject(app.db, admin, [x, y, curator])).id;
    await app.db.prisma.projectMember.update({
      where: { projectId_userId: { projectId, userId: curator.id } },
      data: { isCurator: true },
    });
    const article = await makeArticle(app.db, admin, projectId, BODY);
    articleId = article.id;
    body = article.body;
    const claim = async (name: string, user: CurrentUser, text: string) => {
      const row = await app.db.prisma.claim.create({
        data: {
          articleId,
          projectId,
          annotatorId: user.id,
          ...spanOf(body, text),
          quote: text,
          prefix: "",
          suffix: "",
          type: "direct",
        },
      });
      ids[name] = row.id;
    };
    await claim("xWin", x, "“We will win,”");
    await claim("yWin", y, "“We will win,”");
    await claim("xBo", x, "Bo said the plan works.");
    await claim("xCy", x, "Cy said “nothing will change”");
    await claim("yDi", y, "Di said four.");
    agent = await loginAgent(app, curator.email);
    token = await tokenFor(agent);
  });
  afterAll(async () => {
    await app?.close();
  });

  const page = async () => (await agent.get(`/articles/${articleId}/curate`).expect(200)).text;
  const cardOf = (html: string, id: number) => {
    const start = html.indexOf(`data-claim="${id}"`);
    expect(start, `card of claim ${id}`).toBeGreaterThan(-1);
    return html.slice(start, html.indexOf("</div>\n</div>", start));
  };

  it("shows each quote once, in “…” only when it has no quotation marks of its own", async () => {
    const html = await page();
    expect(html).toContain('<p class="cur-quote">“We will win,”</p>');
    expect(html).not.toContain("““");
    expect(html).not.toContain("””");
    // Only Xena claimed these: their spans differ from Yann's (none), which the quote is marked for.
    expect(html).toContain('<p class="cur-quote differs">“Bo said the plan works.”</p>');
    expect(html).toContain('<p class="cur-quote differs">Cy said “nothing will change”</p>');
    // No <q> left: the browser would add its own marks around the quote's.
    expect(html).not.toMatch(/<q[\s>]/);
  });

  it("gives every card a button for each decision it allows, showing its key, with a name of its own", async () => {
    await post(`/api/v1/claims/${ids.yDi}/reject`).expect(204);
    const gold = await post(`/api/v1/articles/${articleId}/gold`, {
      ...spanOf(body, "Bo said the plan works."),
      quote: "Bo said the plan works.",
      type: "direct",
      sources: [ids.xBo],
    }).expect(201);
    const html = await page();

    const open = cardOf(html, ids.xCy!);
    for (const [act, key, name] of [
      ["accept", "a", 'Accept<span class="visually-hidden"> Xena&#39;s claim, group 3</span>'],
      ["edit", "e", 'Edit<span class="visually-hidden"> and accept Xena&#39;s claim, group 3</span>'],
      ["reject", "r", 'Reject<span class="visually-hidden"> Xena&#39;s claim, group 3</span>'],
    ]) {
      expect(open).toContain(`data-act="${act}" aria-keyshortcuts="${key}"`);
      expect(open).toContain(`${name} <kbd aria-hidden="true">${key}</kbd></button>`);
    }
    expect(open).not.toContain('data-act="undo"');

    const rejected = cardOf(html, ids.yDi!);
    expect(rejected).toContain("Rejected");
    expect(rejected).toContain('data-act="undo" aria-keyshortcuts="u"');
    expect(rejected).toContain('<kbd aria-hidden="true">u</kbd>');
    expect(rejected).not.toContain('data-act="accept"');

    const accepted = cardOf(html, ids.xBo!);
    expect(accepted).toContain(`In gold (#${gold.body.id})`);
    expect(accepted).not.toContain("<button");

    const goldCard = cardOf(html, gold.body.id);
    expect(goldCard).toContain('data-act="edit" aria-keyshortcuts="e"');
    expect(goldCard).toContain(`Delete<span class="visually-hidden"> gold claim #${gold.body.id}</span>`);

    // The group where two claims wait: merge or reject them all at once.
    const group = html.slice(html.indexOf('id="group-0"'), html.indexOf('id="group-1"'));
    expect(group).toContain('data-act="merge" aria-keyshortcuts="m"');
    expect(group).toContain('data-act="reject-all" aria-keyshortcuts="Shift+R"');
    expect(group).toContain('Merge<span class="visually-hidden"> the 2 waiting claims of group 1</span>');
    const single = html.slice(html.indexOf('id="group-2"'), html.indexOf('id="group-3"'));
    expect(single).not.toContain('data-act="merge"');

    // Every other action of the page has its button too, and the key it shares.
    for (const [action, key] of [
      ["exact", "x"],
      ["curated", "c"],
      ["add", "n"],
      ["help", "?"],
    ]) {
      expect(html).toContain(`data-action="${action}" aria-keyshortcuts="${key}"`);
    }
    await post(`/api/v1/claims/${ids.yDi}/reject`).expect(409);
    await agent.delete(`/api/v1/claims/${ids.yDi}/reject`).set("X-CSRF-Token", token).expect(204);
  });

  it("answers the page's script with every row's fingerprint and the rows it asks for", async () => {
    const all = (await agent.get(`/articles/${articleId}/curate/state`).expect(200)).body as StateBody;
    expect(all.rows.map(([key]) => key)).toEqual(["s0", "g0", "s1", "g1", "s2", "g2", "s3", "g3", "s4"]);
    expect(Object.keys(all.groups)).toEqual(["0", "1", "2", "3"]);
    expect(all.page).toMatchObject({ curated: false, waiting: 4 });
    expect(all.html.rows).toContain('data-key="s4"');
    expect(all.html.counts).toContain("<strong>4</strong> annotator claims waiting");
    expect(all.html.toolbar).toContain("Mark curated");
    expect(all.html.curated).toContain("Not curated");
    // The page draws the same rows with the same fingerprints.
    const html = await page();
    for (const [key, print] of all.rows) expect(html).toContain(`data-key="${key}" data-sig="${print}"`);

    const some = (await agent.get(`/articles/${articleId}/curate/state?rows=g2,s4`).expect(200))
      .body as StateBody;
    expect(Object.keys(some.groups)).toEqual(["2"]);
    expect(some.html.rows.match(/data-key="\w+"/g)).toEqual(['data-key="g2"', 'data-key="s4"']);
    const none = (await agent.get(`/articles/${articleId}/curate/state?rows=`).expect(200)).body as StateBody;
    expect(none.html.rows.trim()).toBe("");
    expect(none.rows).toEqual(all.rows);

    // A decision changes the fingerprint of its row, and of no other.
    await post(`/api/v1/claims/${ids.xCy}/reject`).expect(204);
    const after = (await agent.get(`/articles/${articleId}/curate/state?rows=`).expect(200))
      .body as StateBody;
    const changed = after.rows.filter(([key, print]) => all.rows.find(([k]) => k === key)?.[1] !== print);
    expect(changed.map(([key]) => key)).toEqual(["g2"]);
    await agent.delete(`/api/v1/claims/${ids.xCy}/reject`).set("X-CSRF-Token", token).expect(204);

    const bad = await agent
      .get(`/articles/${articleId}/curate/state?rows=g2;drop`)
      .set("Accept", "application/json")
      .expect(422);
    expect(bad.body.error.message).toContain("rows must be all, or row keys");
    const xAgent = await loginAgent(app, x.email);
    await xAgent.get(`/articles/${articleId}/curate/state`).expect(403);
  });

  it("refuses a decision on a claim its annotator changed since the curator read it (409)", async () => {
    await app.db.prisma.claim.update({
      where: { id: ids.xCy },
      data: { type: "indirect", version: { increment: 1 } },
    });
    const stale = await post(`/api/v1/claims/${ids.xCy}/reject`, { version: 1 }).expect(409);
    expect(stale.body.error.message).toContain(`Claim ${ids.xCy} was changed by its annotator`);
    expect(stale.body.error.currentVersion).toBe(2);
    const staleGold = await post(`/api/v1/articles/${articleId}/gold`, {
      ...spanOf(body, "Cy said “nothing will change”"),
      quote: "Cy said “nothing will change”",
      type: "direct",
      sources: [ids.xCy],
      sourceVersions: [1],
    }).expect(409);
    expect(staleGold.body.error.message).toContain("you read version 1, it is now 2");
    const mismatched = await post(`/api/v1/articles/${articleId}/gold`, {
      ...spanOf(body, "Cy said “nothing will change”"),
      quote: "Cy said “nothing will change”",
      type: "direct",
      sources: [ids.xCy],
      sourceVersions: [2, 3],
    }).expect(422);
    expect(mismatched.body.error.field).toBe("sourceVersions");
    expect(await app.db.prisma.curationDecision.count({ where: { sourceClaimId: ids.xCy } })).toBe(0);
    await post(`/api/v1/claims/${ids.xCy}/reject`, { version: 2 }).expect(204);
    await agent.delete(`/api/v1/claims/${ids.xCy}/reject`).set("X-CSRF-Token", token).expect(204);
  });

  it("will not mark the article curated through the API while claims wait, unless confirmed", async () => {
    const refused = await post(`/api/v1/articles/${articleId}/curated`, { curated: true }).expect(422);
    expect(refused.body.error).toMatchObject({
      code: "claims_waiting",
      waiting: 4,
      confirmWith: { confirm: true },
    });
    expect(refused.body.error.message).toContain("4 annotator claims still wait for a decision");
    expect(await app.db.prisma.articleCuration.count({ where: { articleId } })).toBe(0);
    await post(`/api/v1/articles/${articleId}/curated`, { curated: true, confirm: true }).expect(200);
    expect(await app.db.prisma.articleCuration.count({ where: { articleId } })).toBe(1);
    // Already curated: nothing to confirm. Not curated needs no confirmation either.
    await post(`/api/v1/articles/${articleId}/curated`, { curated: true }).expect(200);
    await post(`/api/v1/articles/${articleId}/curated`, { curated: false }).expect(200);
    expect(await app.db.prisma.articleCuration.count({ where: { articleId } })).toBe(0);
  });

  it("answers the page's Mark curated form with the page (422) saying how many wait, offering to confirm", async () => {
    const form = (fields: Record<string, string>) =>
      agent
        .post(`/articles/${articleId}/curate/curated`)
        .type("form")
        .send({ _csrf: token, ...fields });
    const html = await page();
    expect(html).toContain(`<form method="post" action="/articles/${articleId}/curate/curated"`);
    expect(html).toContain('<input type="hidden" name="curated" value="true">');

    const refused = await form({ curated: "true" }).expect(422);
    expect(refused.text).toContain("4 annotator claims still wait for a decision");
    expect(refused.text).toContain("The article was not marked curated.");
    expect(refused.text).toContain('<input type="hidden" name="confirm" value="1">');
    expect(refused.text).toContain("Mark curated anyway");
    expect(refused.text).toContain("Keep curating");
    expect(refused.text).toContain('id="curation"');
    expect(await app.db.prisma.articleCuration.count({ where: { articleId } })).toBe(0);

    const confirmed = await form({ curated: "true", confirm: "1" }).expect(302);
    expect(confirmed.headers.location).toBe(`/articles/${articleId}/curate`);
    const curatedPage = await page();
    expect(curatedPage).toContain("Marked the article curated.");
    expect(curatedPage).toContain("Curated by Cora");
    expect(curatedPage).toContain('<input type="hidden" name="curated" value="false">');

    await form({ curated: "false" }).expect(302);
    expect(await app.db.prisma.articleCuration.count({ where: { articleId } })).toBe(0);
    const bad = await form({ curated: "maybe" }).expect(422);
    expect(bad.text).toContain("curated must be true or false.");
    await agent
      .post(`/articles/${articleId}/curate/curated`)
      .type("form")
      .send({ curated: "true", confirm: "1" })
      .expect(403);
  });

  it("marks the article curated without asking once no claim waits", async () => {
    const state = (await agent.get(`/articles/${articleId}/curate/state`).expect(200)).body as StateBody;
    const waiting = Object.values(state.groups)
      .flatMap((group) => group.cells.flat())
      .filter((claim) => claim.decision.kind === "open");
    for (const claim of waiting) await post(`/api/v1/claims/${claim.id}/reject`).expect(204);
    await agent
      .post(`/articles/${articleId}/curate/curated`)
      .type("form")
      .send({ _csrf: token, curated: "true" })
      .expect(302);
    expect(await app.db.prisma.articleCuration.count({ where: { articleId } })).toBe(1);
  });
});
