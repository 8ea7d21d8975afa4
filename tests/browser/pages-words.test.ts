// The words of the dashboard, speakers, agreement and Claims pages where a count or a role meets
// its noun: "an annotator", "1 claim", "1 annotator pair". Read over HTTP, as the browser gets them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClaim } from "../../src/claims/claims.service.js";
import { markArticleDone } from "../../src/dashboard/progress.service.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import { loginAgent, makeUser, startTestApp, type TestApp } from "../helpers/test-app.js";

let app: TestApp;
let admin: CurrentUser;
let projectId: number;

const SENTENCE = "Talks resume on Monday.";

beforeAll(async () => {
  app = await startTestApp();
  admin = await makeUser(app.db, "admin");
  const ann = await makeUser(app.db, "annotator", { name: "Ann" });
  const ben = await makeUser(app.db, "annotator", { name: "Ben" });
  const project = await makeProject(app.db, admin, [ann, ben]);
  projectId = project.id;
  const article = await makeArticle(app.db, admin, projectId, SENTENCE);
  for (const [user, speaker] of [
    [ann, "Hikmat Hajiyev"],
    [ben, "Ilham Aliyev"],
  ] as const) {
    await createClaim(app.db.prisma, user, article.id, {
      ...spanOf(article.body, SENTENCE),
      quote: SENTENCE,
      type: "direct",
      stance: "favor",
      speaker: { name: speaker },
    });
    await markArticleDone(app.db.prisma, user, article.id);
  }
});
afterAll(() => app.close());

const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ")
    .replace(/ ([.,:])/g, "$1");

describe("counts and roles with the nouns that fit them", () => {
  it("greets each role with the article its word takes", async () => {
    for (const [role, greeting] of [
      ["annotator", "You are logged in as an annotator."],
      ["admin", "You are logged in as an admin."],
      ["researcher", "You are logged in as a researcher."],
    ] as const) {
      const agent = await loginAgent(app, (await makeUser(app.db, role)).email);
      expect(textOf((await agent.get("/")).text)).toContain(greeting);
    }
  });

  it("says '1 claim' for a speaker quoted once on the speakers page", async () => {
    const agent = await loginAgent(app, admin.email);
    const text = textOf((await agent.get(`/projects/${projectId}/speakers`)).text);
    expect(text).toContain("Hikmat Hajiyev: 1 claim ");
    expect(text).not.toMatch(/\b1 claims\b/);
  });

  it("counts one article, two annotators and one pair on the agreement page", async () => {
    const agent = await loginAgent(app, admin.email);
    const text = textOf((await agent.get(`/projects/${projectId}/agreement`)).text);
    expect(text).toContain("1 article, 2 annotators.");
    expect(text).toContain("1 annotator pair");
    expect(text).toContain("1 matched claim");
    expect(text).not.toMatch(/\b1 (articles|annotators|pairs|matched claims|sentences|claims)\b/);
  });
});
