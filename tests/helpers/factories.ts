import { randomUUID } from "node:crypto";
import { importArticle } from "../../src/articles/articles.service.js";
import type { Database } from "../../src/db/database.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { createProject } from "../../src/projects/projects.service.js";

let projectCounter = 0;

export const SAMPLE_BODY = [
  "BAKU, Azerbaijan, Nov.3",
  "Hajiyev stressed that the international community's support is the result of long-term activities. 🎉 Fans cheered.",
  '"The Armenians are still committing military provocations," added the president’s assistant.',
].join("\n\n");

/** A project with default stances, targets and the given members (annotators may import). */
export async function makeProject(db: Database, admin: CurrentUser, members: { id: number }[] = []) {
  projectCounter += 1;
  const project = await createProject(db.prisma, admin.id, {
    name: `Project ${projectCounter} ${Date.now()}`,
    description: "",
    targets: ["Azerbaijan", "Armenia", "ceasefire"],
  });
  for (const member of members) {
    await db.prisma.projectMember.create({
      data: { projectId: project.id, userId: member.id, canImport: true },
    });
  }
  return project;
}

export async function makeArticle(db: Database, admin: CurrentUser, projectId: number, body = SAMPLE_BODY) {
  const outcome = await importArticle(db.prisma, admin, projectId, {
    title: "Hajiyev on the front",
    body: `${body}\n\n(${Math.random()})`,
    outlet: "Trend",
    byline: "",
    url: undefined,
    publishedAt: new Date("2020-11-03T00:00:00Z"),
    language: "en",
  });
  if (outcome.status !== "imported") throw new Error("article was a duplicate");
  return db.prisma.article.findUniqueOrThrow({ where: { id: outcome.articleId } });
}

/** Code-point span of `text` in `body`, as a client computes it. */
export function spanOf(body: string, text: string) {
  const utf16 = body.indexOf(text);
  if (utf16 < 0) throw new Error(`"${text}" is not in the body`);
  const start = Array.from(body.slice(0, utf16)).length;
  return { start, end: start + Array.from(text).length };
}

/** `count` claims by one speaker in a fresh one-line article; the first `deleted` are soft-deleted. */
export async function addSpeakerClaims(
  db: Database,
  options: { projectId: number; speakerId: number; annotatorId: number; count: number; deleted?: number },
) {
  const article = await db.prisma.article.create({
    data: { projectId: options.projectId, title: "A", body: "Some text.", bodyHash: randomUUID() },
  });
  for (let index = 0; index < options.count; index += 1) {
    await db.prisma.claim.create({
      data: {
        articleId: article.id,
        projectId: options.projectId,
        annotatorId: options.annotatorId,
        start: 0,
        end: 4,
        quote: "Some",
        prefix: "",
        suffix: " text.",
        type: "direct",
        speakerId: options.speakerId,
        deletedAt: index < (options.deleted ?? 0) ? new Date() : null,
      },
    });
  }
}

/** Marks a member of the project as one of its curators (who edit, delete and curate its articles). */
export async function makeCurator(db: Database, projectId: number, userId: number) {
  await db.prisma.projectMember.update({
    where: { projectId_userId: { projectId, userId } },
    data: { isCurator: true },
  });
}
