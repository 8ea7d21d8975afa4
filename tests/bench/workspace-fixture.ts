import type { Browser, Page } from "playwright-core";
import { CodePointIndex } from "../../src/text/code-points.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { makeArticle, makeProject } from "../helpers/factories.js";
import { makeUser, startTestApp, TEST_PASSWORD, type TestApp } from "../helpers/test-app.js";

/**
 * The workspace as the bench and the screenshots see it: a 10,000-word article with 1,000 claims of
 * one annotator (whole sentences, parts of them, nested and overlapping spans), on the test app.
 */
export interface WorkspaceFixture {
  app: TestApp;
  annotator: CurrentUser;
  projectId: number;
  articleId: number;
  /** A short article with a few claims, for screenshots that must read at a glance. */
  shortArticleId: number;
}

const SHORT_BODY = [
  "BAKU, Azerbaijan, Nov.3",
  "Hajiyev stressed that the international community's support is the result of long-term activities. Fans cheered.",
  '"The Armenians are still committing military provocations," added the president’s assistant, "and we will answer."',
  "Officials in Yerevan denied the report. They said the ceasefire held overnight, according to the ministry.",
].join("\n\n");

export async function workspaceFixture(claims = 1_000): Promise<WorkspaceFixture> {
  const app = await startTestApp();
  const admin = await makeUser(app.db, "admin");
  const annotator = await makeUser(app.db, "annotator", { name: "Ann Bench" });
  const projectId = (await makeProject(app.db, admin, [annotator])).id;
  const vocabulary = [
    "the",
    "minister",
    "said",
    "talks",
    "would",
    "resume",
    "naïve",
    "on",
    "Monday",
    "truce",
  ];
  const paragraphs: string[] = [];
  let word = 0;
  for (let p = 0; p < 100; p += 1) {
    const sentences: string[] = [];
    for (let s = 0; s < 5; s += 1) {
      const words = Array.from({ length: 20 }, () => vocabulary[word++ % vocabulary.length]);
      sentences.push(`${words.join(" ").replace(/^./, (first) => first.toUpperCase())}.`);
    }
    paragraphs.push(sentences.join(" "));
  }
  const article = await makeArticle(app.db, admin, projectId, paragraphs.join("\n\n"));
  const body = new CodePointIndex(article.body);
  const sentences = await app.db.prisma.sentence.findMany({
    where: { articleId: article.id },
    orderBy: { index: "asc" },
  });
  const stances = await app.db.prisma.stanceLabel.findMany({ where: { projectId } });
  let seed = 11;
  const random = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const types = ["direct", "indirect", "mixed", "outlet"] as const;
  await app.db.prisma.claim.createMany({
    data: Array.from({ length: claims }, (_, i) => {
      const first = sentences[random(sentences.length - 2)]!;
      const last = random(3) === 0 ? sentences[first.index + 1]! : first;
      const start = random(2) === 0 ? first.start : first.start + random(first.end - first.start - 1);
      const end = random(2) === 0 ? last.end : Math.max(start + 1, last.end - random(last.end - start));
      return {
        articleId: article.id,
        projectId,
        annotatorId: annotator.id,
        start,
        end,
        quote: body.slice(start, end),
        prefix: "",
        suffix: "",
        type: types[i % types.length]!,
        stanceId: i % 5 === 0 ? null : stances[i % stances.length]!.id,
      };
    }),
  });

  const short = await makeArticle(app.db, admin, projectId, SHORT_BODY);
  const shortIndex = new CodePointIndex(short.body);
  const speaker = await app.db.prisma.speaker.create({
    data: { projectId, name: "Hikmat Hajiyev", role: "Assistant to the President" },
  });
  const at = (text: string) => {
    const utf16 = short.body.indexOf(text);
    const start = shortIndex.toCodePoint(utf16);
    return { start, end: start + Array.from(text).length };
  };
  const shortClaims: {
    quote: string;
    type: (typeof types)[number];
    stance: number;
    mention?: string;
    cue?: string;
  }[] = [
    {
      quote:
        "Hajiyev stressed that the international community's support is the result of long-term activities.",
      type: "indirect",
      stance: 0,
      mention: "Hajiyev",
      cue: "stressed",
    },
    {
      quote: '"The Armenians are still committing military provocations,"',
      type: "direct",
      stance: 1,
      mention: "the president’s assistant",
      cue: "added",
    },
    { quote: "still committing military provocations", type: "mixed", stance: 2 },
    { quote: "Officials in Yerevan denied the report.", type: "indirect", stance: 1, mention: "Officials" },
    {
      quote: "They said the ceasefire held overnight, according to the ministry.",
      type: "outlet",
      stance: -1,
    },
  ];
  for (const claim of shortClaims) {
    const span = at(claim.quote);
    const mention = claim.mention ? at(claim.mention) : null;
    const cue = claim.cue ? at(claim.cue) : null;
    await app.db.prisma.claim.create({
      data: {
        articleId: short.id,
        projectId,
        annotatorId: annotator.id,
        ...span,
        quote: claim.quote,
        prefix: "",
        suffix: "",
        type: claim.type,
        speakerId: claim.mention ? speaker.id : null,
        mentionStart: mention?.start ?? null,
        mentionEnd: mention?.end ?? null,
        cueStart: cue?.start ?? null,
        cueEnd: cue?.end ?? null,
        stanceId: claim.stance >= 0 ? stances.find((stance) => stance.position === claim.stance)!.id : null,
      },
    });
  }
  return { app, annotator, projectId, articleId: article.id, shortArticleId: short.id };
}

/** A page logged in as `user` through the login form, on `path`, once the highlights are painted. */
export async function openWorkspace(
  browser: Browser,
  app: TestApp,
  user: CurrentUser,
  path: string,
  viewport = { width: 1400, height: 900 },
): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.goto(`${app.url}/login?next=${encodeURIComponent(path)}`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.keyboard.press("Enter");
  await page.waitForURL(`${app.url}${path}`);
  await page.waitForSelector("main[data-painted]");
  return page;
}
