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
