import type { DbClient, PrismaClient } from "../db/types.js";
import { recordAudit } from "../audit/audit.service.js";
import { InvalidError, NotFoundError } from "../errors.js";

/**
 * Who works on which article. Assignments decide what an annotator is offered (My articles, Next)
 * in projects that use them; claims already made stay when assignees change.
 */

export interface AssignmentsPage {
  project: { id: number; name: string; blind: boolean; useAssignments: boolean; version: number };
  annotators: { id: number; name: string; assigned: number; done: number }[];
  articles: {
    id: number;
    title: string;
    assignees: { id: number; name: string; done: boolean }[];
    done: number;
  }[];
  /** How many articles have 0, 1, 2, … annotators done (index = number done). */
  doneHistogram: number[];
  /** Articles curated into the gold layer. */
  curated: number;
}

export async function assignmentsPage(db: DbClient, projectId: number): Promise<AssignmentsPage> {
  const project = await db.project.findUnique({
    where: { id: projectId },
    select: { id: true, name: true, blind: true, useAssignments: true, version: true },
  });
  if (!project) throw new NotFoundError("No such project.");
  const [members, articles, assignments, completions] = await Promise.all([
    db.projectMember.findMany({
      where: { projectId, user: { role: "annotator" } },
      select: { user: { select: { id: true, name: true } } },
      orderBy: [{ user: { name: "asc" } }, { userId: "asc" }],
    }),
    db.article.findMany({
      where: { projectId, deletedAt: null },
      select: { id: true, title: true },
      orderBy: { id: "asc" },
    }),
    db.assignment.findMany({ where: { article: { projectId } }, select: { articleId: true, userId: true } }),
    db.articleCompletion.findMany({
      where: { article: { projectId } },
      select: { articleId: true, userId: true },
    }),
  ]);
  const names = new Map(members.map(({ user }) => [user.id, user.name]));
  const done = new Set(completions.map((row) => `${row.articleId}:${row.userId}`));
  const assigneesOf = new Map<number, number[]>();
  for (const row of assignments)
    assigneesOf.set(row.articleId, [...(assigneesOf.get(row.articleId) ?? []), row.userId]);
  const doneCount = countBy(completions, (row) => row.articleId);
  const assignedTo = countBy(assignments, (row) => row.userId);
  const doneBy = countBy(completions, (row) => row.userId);

  const doneHistogram: number[] = [];
  for (const article of articles) {
    const count = doneCount.get(article.id) ?? 0;
    while (doneHistogram.length <= count) doneHistogram.push(0);
    doneHistogram[count]! += 1;
  }
  return {
    project,
    annotators: members.map(({ user }) => ({
      id: user.id,
      name: user.name,
      assigned: assignedTo.get(user.id) ?? 0,
      done: doneBy.get(user.id) ?? 0,
    })),
    articles: articles.map((article) => ({
      ...article,
      done: doneCount.get(article.id) ?? 0,
      assignees: (assigneesOf.get(article.id) ?? [])
        .map((id) => ({ id, name: names.get(id) ?? `User ${id}`, done: done.has(`${article.id}:${id}`) }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    })),
    doneHistogram,
    curated: await db.articleCuration.count({ where: { article: { projectId } } }),
  };
}

function countBy<T>(rows: readonly T[], keyOf: (row: T) => number): Map<number, number> {
  const counts = new Map<number, number>();
  for (const row of rows) counts.set(keyOf(row), (counts.get(keyOf(row)) ?? 0) + 1);
  return counts;
}

/** Refuses articles of other projects and users who are not annotators of this one. */
async function assertInProject(db: DbClient, projectId: number, articleIds: number[], userIds: number[]) {
  const [articles, members] = await Promise.all([
    articleIds.length
      ? db.article.count({ where: { projectId, deletedAt: null, id: { in: articleIds } } })
      : 0,
    db.projectMember.count({ where: { projectId, userId: { in: userIds }, user: { role: "annotator" } } }),
  ]);
  if (articles !== new Set(articleIds).size) {
    throw new InvalidError(
      "Some of the ticked articles are not in this project. Reload the page and try again.",
      "articles",
    );
  }
  if (members !== new Set(userIds).size) {
    throw new InvalidError("Assign only annotators who are members of this project.", "annotators");
  }
}

export async function assignArticles(
  prisma: PrismaClient,
  actorId: number,
  projectId: number,
  input: { articles: number[]; annotators: number[] },
): Promise<number> {
  return prisma.$transaction(async (tx) => {
    await assertInProject(tx, projectId, input.articles, input.annotators);
    // One statement however many pairs (up to 10,000 articles × 200 annotators): the pairs are
    // made in Postgres from two id lists, not sent row by row.
    const count = await tx.$executeRaw`
      INSERT INTO assignments (article_id, user_id, assigned_by_id)
      SELECT a.id, u.id, ${actorId}::int
      FROM unnest(${input.articles}::int[]) AS a(id) CROSS JOIN unnest(${input.annotators}::int[]) AS u(id)
      ON CONFLICT DO NOTHING`;
    await recordAudit(tx, {
      actorId,
      action: "project.assign",
      subjectType: "project",
      subjectId: projectId,
      after: { ...input, added: count },
    });
    return count;
  });
}

export async function unassignArticles(
  prisma: PrismaClient,
  actorId: number,
  projectId: number,
  input: { articles: number[]; annotators: number[] },
): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.assignment.deleteMany({
      where: { articleId: { in: input.articles }, userId: { in: input.annotators }, article: { projectId } },
    });
    await recordAudit(tx, {
      actorId,
      action: "project.unassign",
      subjectType: "project",
      subjectId: projectId,
      after: { ...input, removed: count },
    });
    return count;
  });
}

/**
 * Gives every article that nobody is assigned to `perArticle` of the chosen annotators, each time
 * those with the fewest assignments in the project so far (ties: the lower id), so the load ends
 * up as even as it can be.
 */
export async function assignUnassigned(
  prisma: PrismaClient,
  actorId: number,
  projectId: number,
  input: { perArticle: number; annotators: number[] },
): Promise<{ articles: number; assignments: number }> {
  return prisma.$transaction(async (tx) => {
    await assertInProject(tx, projectId, [], input.annotators);
    // Two admins balancing at once would both see the same articles as unassigned.
    await tx.$executeRaw`SELECT 1 FROM projects WHERE id = ${projectId} FOR UPDATE`;
    const unassigned = await tx.article.findMany({
      where: { projectId, deletedAt: null, assignments: { none: {} } },
      select: { id: true },
      orderBy: { id: "asc" },
    });
    const loads = await tx.assignment.groupBy({
      by: ["userId"],
      where: { userId: { in: input.annotators }, article: { projectId } },
      _count: { _all: true },
    });
    const load = new Map(input.annotators.map((id) => [id, 0]));
    for (const row of loads) load.set(row.userId, row._count._all);
    const articleIds: number[] = [];
    const userIds: number[] = [];
    for (const article of unassigned) {
      const chosen = [...load].sort(([idA, a], [idB, b]) => a - b || idA - idB).slice(0, input.perArticle);
      for (const [userId] of chosen) {
        articleIds.push(article.id);
        userIds.push(userId);
        load.set(userId, load.get(userId)! + 1);
      }
    }
    // Two arrays of ids, one statement: a project of 100,000 articles is one round trip, not batches.
    const count = await tx.$executeRaw`
      INSERT INTO assignments (article_id, user_id, assigned_by_id)
      SELECT pair.article_id, pair.user_id, ${actorId}::int
      FROM unnest(${articleIds}::int[], ${userIds}::int[]) AS pair(article_id, user_id)
      ON CONFLICT DO NOTHING`;
    await recordAudit(tx, {
      actorId,
      action: "project.assign_balanced",
      subjectType: "project",
      subjectId: projectId,
      after: { ...input, articles: unassigned.length, added: count },
    });
    return { articles: unassigned.length, assignments: count };
  });
}
