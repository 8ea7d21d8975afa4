// Deleting an article is a soft delete (issue 20): the article and its live claims get one
// deleted_at time, so every list, count, chart, agreement report, export and search (which all
// read live articles and live claims) leaves them out; restoring clears that time from both, and
// claims deleted on their own before keep theirs. Admins and the project's curators delete and
// restore; admins see the trash of every project.
import { recordAudit } from "../audit/audit.service.js";
import type { DbClient, PrismaClient } from "../db/types.js";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors.js";
import type { CurrentUser } from "../http/current-user.js";
import { isCurator, visibleProjectsFilter } from "../projects/access.js";

export const trashMessages = {
  notCurator: "Only admins and the project's curators can delete or restore its articles.",
  stale: "Someone changed this article since you opened it. Reload the page and try again.",
  notDeleted: "This article is not in the trash.",
  noArticle: "No such article, or it is in a project you are not a member of.",
};

async function findForTrash(db: DbClient, user: CurrentUser, articleId: number) {
  const article = await db.article.findFirst({
    where: { id: articleId, project: visibleProjectsFilter(user) },
    select: { id: true, projectId: true, title: true, version: true, deletedAt: true },
  });
  if (!article) throw new NotFoundError(trashMessages.noArticle);
  if (!(await isCurator(db, user, article.projectId))) throw new ForbiddenError(trashMessages.notCurator);
  return article;
}

/** 404 unless the user sees the article's project, in the trash or not: checked before a request's body. */
export async function assertArticleKnown(db: DbClient, user: CurrentUser, articleId: number): Promise<void> {
  const article = await db.article.findFirst({
    where: { id: articleId, project: visibleProjectsFilter(user) },
    select: { id: true },
  });
  if (!article) throw new NotFoundError(trashMessages.noArticle);
}

/** A deleted article the user may restore, with the claims that went with it; null when not deleted. */
export async function articleInTrash(db: DbClient, user: CurrentUser, articleId: number) {
  const article = await findForTrash(db, user, articleId);
  if (!article.deletedAt) return null;
  const claims = await db.claim.count({ where: { articleId, deletedAt: article.deletedAt } });
  return { ...article, claims };
}

export interface TrashOutcome {
  id: number;
  title: string;
  version: number;
  deletedAt: string | null;
  /** Claims (of every layer) that went to the trash with it, or came back. */
  claims: number;
}

/** Moves an article and its live claims to the trash, in one transaction, audited. */
export async function deleteArticle(
  prisma: PrismaClient,
  user: CurrentUser,
  articleId: number,
  version: number,
): Promise<TrashOutcome> {
  return prisma.$transaction(async (tx) => {
    const before = await findForTrash(tx, user, articleId);
    if (before.deletedAt) throw new NotFoundError(trashMessages.noArticle);
    if (before.version !== version) throw new ConflictError(trashMessages.stale, { version: before.version });
    const deletedAt = new Date();
    const { count } = await tx.article.updateMany({
      where: { id: articleId, version, deletedAt: null },
      data: { deletedAt, deletedById: user.id, version: { increment: 1 } },
    });
    if (count === 0) throw new ConflictError(trashMessages.stale);
    const claims = await tx.claim.updateMany({ where: { articleId, deletedAt: null }, data: { deletedAt } });
    await recordAudit(tx, {
      actorId: user.id,
      action: "article.delete",
      subjectType: "article",
      subjectId: articleId,
      before: { title: before.title, version: before.version },
      after: { deletedAt: deletedAt.toISOString(), claims: claims.count },
    });
    return {
      id: articleId,
      title: before.title,
      version: before.version + 1,
      deletedAt: deletedAt.toISOString(),
      claims: claims.count,
    };
  });
}

/** Brings an article back from the trash with the claims that went with it. */
export async function restoreArticle(
  prisma: PrismaClient,
  user: CurrentUser,
  articleId: number,
  version: number,
): Promise<TrashOutcome> {
  return prisma.$transaction(async (tx) => {
    const before = await findForTrash(tx, user, articleId);
    if (!before.deletedAt) throw new ConflictError(trashMessages.notDeleted, { version: before.version });
    if (before.version !== version) throw new ConflictError(trashMessages.stale, { version: before.version });
    const { count } = await tx.article.updateMany({
      where: { id: articleId, version, deletedAt: before.deletedAt },
      data: { deletedAt: null, deletedById: null, version: { increment: 1 } },
    });
    if (count === 0) throw new ConflictError(trashMessages.stale);
    const claims = await tx.claim.updateMany({
      where: { articleId, deletedAt: before.deletedAt },
      data: { deletedAt: null },
    });
    await recordAudit(tx, {
      actorId: user.id,
      action: "article.restore",
      subjectType: "article",
      subjectId: articleId,
      before: { deletedAt: before.deletedAt.toISOString(), version: before.version },
      after: { claims: claims.count },
    });
    return {
      id: articleId,
      title: before.title,
      version: before.version + 1,
      deletedAt: null,
      claims: claims.count,
    };
  });
}

/** The trash of every project, newest first, with how many claims each article took with it. */
export async function listTrash(db: DbClient) {
  const articles = await db.article.findMany({
    where: { deletedAt: { not: null } },
    orderBy: { deletedAt: "desc" },
    take: 1000,
    select: {
      id: true,
      title: true,
      version: true,
      deletedAt: true,
      project: { select: { id: true, name: true } },
      deletedBy: { select: { name: true } },
    },
  });
  // The claims that went with each article carry its deleted_at; those deleted before do not.
  const counts = await db.$queryRaw<{ articleId: number; claims: number }[]>`
    SELECT c.article_id AS "articleId", COUNT(*)::int AS claims
    FROM claims c JOIN articles a ON a.id = c.article_id
    WHERE a.deleted_at IS NOT NULL AND c.deleted_at = a.deleted_at
    GROUP BY c.article_id`;
  const claims = new Map(counts.map((row) => [row.articleId, row.claims]));
  return articles.map((article) => ({ ...article, claims: claims.get(article.id) ?? 0 }));
}

/** Articles in the trash since before `before`, and the claims that went with them. */
export async function expiredTrash(db: DbClient, before: Date) {
  const [row] = await db.$queryRaw<{ articles: number; claims: number }[]>`
    SELECT COUNT(DISTINCT a.id)::int AS articles, COUNT(c.id)::int AS claims
    FROM articles a LEFT JOIN claims c ON c.article_id = a.id
    WHERE a.deleted_at IS NOT NULL AND a.deleted_at < ${before}`;
  return row ?? { articles: 0, claims: 0 };
}

/**
 * Removes for good the articles in the trash since before `before`, with their claims, sentences
 * and everything else of theirs, in one transaction, audited article by article.
 */
export async function purgeTrash(prisma: PrismaClient, before: Date) {
  return prisma.$transaction(async (tx) => {
    const expired = await tx.article.findMany({
      where: { deletedAt: { lt: before } },
      select: { id: true, title: true, projectId: true, deletedAt: true },
    });
    const counted = await expiredTrash(tx, before);
    for (const article of expired)
      await recordAudit(tx, {
        actorId: null,
        action: "article.purge",
        subjectType: "article",
        subjectId: article.id,
        before: {
          title: article.title,
          projectId: article.projectId,
          deletedAt: article.deletedAt?.toISOString(),
        },
      });
    await tx.article.deleteMany({ where: { id: { in: expired.map((article) => article.id) } } });
    return counted;
  });
}
