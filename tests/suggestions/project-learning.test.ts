// The suggester learns from the project's confirmed claims (src/suggestions/project-evidence*.ts),
// through the API, on both database modes: a cue word annotators keep marking and a speaker's
// short form, read from the claims' own quote and context; in a blind project, only from the
// user's own claims and the gold claims of curated articles.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import {
  loginAgent,
  makeUser,
  startTestApp,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

const TRAINING = [
  "Cllr Ada Renshaw said: ‘The ferry is late again.’ ‘It is a disgrace,’ fumed the harbourmaster.",
  "‘We were promised a new pontoon,’ fumed the harbourmaster. Traders agreed.",
];
const LATER = "The tide was high on Monday. ‘Nobody asked the fishermen,’ fumed the harbourmaster.";

interface SuggestionBody {
  quote: string;
  cue: { text: string } | null;
  speaker: { id: number } | { name: string } | null;
}

describe("suggestions that learn from the project", () => {
  let app: TestApp;
  let admin: CurrentUser;
  let ann: CurrentUser;
  let bo: CurrentUser;
  const agents = new Map<CurrentUser, { agent: Agent; token: string }>();

  beforeAll(async () => {
    app = await startTestApp();
    admin = await makeUser(app.db, "admin");
    ann = await makeUser(app.db, "annotator", { name: "Ann Learns" });
    bo = await makeUser(app.db, "annotator", { name: "Bo Blind" });
    for (const user of [admin, ann, bo]) {
      const agent = await loginAgent(app, user.email);
      agents.set(user, { agent, token: await tokenFor(agent) });
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  const suggestionsOf = async (user: CurrentUser, articleId: number) =>
    (await agents.get(user)!.agent.get(`/api/v1/articles/${articleId}/suggestions`).expect(200)).body
      .suggestions as SuggestionBody[];

  /** The user marks the harbourmaster's quotes of a training text as claims, cue and mention included. */
  async function confirm(user: CurrentUser, projectId: number, text: string, speakerId: number) {
    const article = await makeArticle(app.db, admin, projectId, text);
    const quotes = [...text.matchAll(/‘[^’]+[.,]’(?= fumed)/g)].map((match) => match[0]);
    for (const quote of quotes) {
      const cue = spanOf(article.body, `${quote} fumed`);
      const mention = spanOf(article.body, `${quote} fumed the harbourmaster`);
      const quoteSpan = spanOf(article.body, quote);
      const { agent, token } = agents.get(user)!;
      await agent
        .post(`/api/v1/articles/${article.id}/claims`)
        .set("X-CSRF-Token", token)
        .send({
          ...quoteSpan,
          quote,
          type: "direct",
          speaker: { id: speakerId },
          cue: { start: cue.end - "fumed".length, end: cue.end },
          speakerMention: { start: mention.end - "the harbourmaster".length, end: mention.end },
        })
        .expect(201);
    }
    return article;
  }

  it("uses a cue word and a speaker's short form once the project has confirmed them twice", async () => {
    const projectId = (await makeProject(app.db, admin, [ann])).id;
    const quayle = await app.db.prisma.speaker.create({
      data: { projectId, name: "Sandra Quayle", shared: true },
    });
    const later = await makeArticle(app.db, admin, projectId, LATER);
    // "fumed" is no cue the lexicon knows: nothing is suggested yet.
    expect((await suggestionsOf(ann, later.id)).map((item) => item.cue?.text)).not.toContain("fumed");

    await confirm(ann, projectId, TRAINING[0]!, quayle.id);
    expect((await suggestionsOf(ann, later.id)).map((item) => item.cue?.text)).not.toContain("fumed");
    await confirm(ann, projectId, TRAINING[1]!, quayle.id);
    const learned = (await suggestionsOf(ann, later.id)).find((item) => item.cue?.text === "fumed");
    expect(learned).toMatchObject({ quote: "‘Nobody asked the fishermen,’", speaker: { id: quayle.id } });
    // Every member of an open project gets what the project confirmed.
    expect((await suggestionsOf(admin, later.id)).some((item) => item.cue?.text === "fumed")).toBe(true);
  });

  it("in a blind project, learns only from the user's own claims and the gold of curated articles", async () => {
    const projectId = (await makeProject(app.db, admin, [ann, bo])).id;
    await app.db.prisma.project.update({ where: { id: projectId }, data: { blind: true } });
    const quayle = await app.db.prisma.speaker.create({
      data: { projectId, name: "Sandra Quayle", shared: true },
    });
    const later = await makeArticle(app.db, admin, projectId, LATER);
    const trained = [
      await confirm(ann, projectId, TRAINING[0]!, quayle.id),
      await confirm(ann, projectId, TRAINING[1]!, quayle.id),
    ];
    const fumed = async (user: CurrentUser) =>
      (await suggestionsOf(user, later.id)).some((item) => item.cue?.text === "fumed");
    expect(await fumed(ann)).toBe(true);
    // Ann's claims are her own work: Bo does not learn from them.
    expect(await fumed(bo)).toBe(false);

    // Once the articles are curated, their gold claims teach everyone.
    for (const article of trained) {
      const claims = await app.db.prisma.claim.findMany({ where: { articleId: article.id } });
      for (const { id: _id, createdAt: _c, updatedAt: _u, ...claim } of claims)
        await app.db.prisma.claim.create({ data: { ...claim, layer: "gold", annotatorId: admin.id } });
      await app.db.prisma.articleCuration.create({ data: { articleId: article.id, curatedById: admin.id } });
    }
    expect(await fumed(bo)).toBe(true);
  });
});
