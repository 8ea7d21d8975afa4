import { recordAudit } from "../audit/audit.service.js";
import type { DbClient, PrismaClient } from "../db/types.js";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from "../errors.js";
import type { CurrentUser } from "../http/current-user.js";
import { isKeyTaken, rememberAnswer, type IdempotentWrite } from "../idempotency/idempotency.service.js";
import { articleLocation, presentArticle } from "./articles.present.js";
import { assertProjectAccess, canImportInto, isCurator, visibleProjectsFilter } from "../projects/access.js";
import type { ArticleDetailsInput, ArticleInput } from "./articles.schema.js";
import { sentenceSpansInCodePoints } from "../text/sentences.js";
import { CodePointIndex } from "../text/code-points.js";
import { bodyHash, normaliseBody } from "../text/normalise.js";

export const messages = {
  duplicateUrl: "An article with this URL is already in the project.",
  duplicateBody: "An article with exactly this text is already in the project.",
  cannotImport: "Only admins and project members allowed to import can add articles.",
};

export type ImportOutcome =
  | { status: "imported"; articleId: number; sentences: number }
  | { status: "duplicate"; articleId: number; reason: string };

/** Finds an article of the project with the same URL or the same normalised body. */
async function findDuplicate(db: DbClient, projectId: number, url: string | undefined, hash: string) {
  const select = { id: true, deletedAt: true } as const;
  const sameUrl = url ? await db.article.findFirst({ where: { projectId, url }, select }) : null;
  if (sameUrl) return { articleId: sameUrl.id, reason: duplicateReason(messages.duplicateUrl, sameUrl) };
  const sameBody = await db.article.findFirst({ where: { projectId, bodyHash: hash }, select });
  if (sameBody) return { articleId: sameBody.id, reason: duplicateReason(messages.duplicateBody, sameBody) };
  return undefined;
}

/** A duplicate in the trash is said to be there: an admin restores it rather than importing it again. */
function duplicateReason(reason: string, found: { deletedAt: Date | null }): string {
  return found.deletedAt ? `${reason} It is in the trash: an admin can restore it.` : reason;
}

/**
 * Who may add articles to a project, the one check of every way in (the page forms, the API, stored
 * suggestions): admins, and members whose membership allows importing ("may import"), whatever
 * their role; a researcher too, when an admin gave them that right. Others who see the project get
 * 403; those who do not, 404.
 */
export async function assertCanImport(db: DbClient, user: CurrentUser, projectId: number): Promise<void> {
  await assertProjectAccess(db, user, projectId);
  if (!(await canImportInto(db, user, projectId))) throw new ForbiddenError(messages.cannotImport);
}

/**
 * Adds one article: the body is normalised once (NFC, "\n"), split into sentences, and stored
 * with them in one transaction. An article already there (same URL or body) is not added again.
 */
export async function importArticle(
  prisma: PrismaClient,
  user: CurrentUser,
  projectId: number,
  input: ArticleInput,
  write?: IdempotentWrite,
): Promise<ImportOutcome> {
  const body = normaliseBody(input.body);
  const hash = bodyHash(body);
  const spans = sentenceSpansInCodePoints(new CodePointIndex(body));
  try {
    return await prisma.$transaction(async (tx) => {
      const duplicate = await findDuplicate(tx, projectId, input.url, hash);
      if (duplicate) return { status: "duplicate", ...duplicate } as const;
      const article = await tx.article.create({
        data: {
          projectId,
          title: input.title,
          body,
          bodyHash: hash,
          outlet: input.outlet,
          byline: input.byline,
          url: input.url ?? null,
          publishedAt: input.publishedAt ?? null,
          language: input.language,
          createdById: user.id,
        },
      });
      await tx.sentence.createMany({
        data: spans.map((span, index) => ({
          articleId: article.id,
          index,
          start: span.start,
          end: span.end,
        })),
      });
      await recordAudit(tx, {
        actorId: user.id,
        action: "article.import",
        subjectType: "article",
        subjectId: article.id,
        after: { title: article.title, url: article.url, bodyHash: hash },
      });
      await rememberAnswer(tx, write, {
        status: 201,
        location: articleLocation(article.id),
        body: { ...presentArticle({ ...article, sentences: spans }), claims: [] },
      });
      return { status: "imported", articleId: article.id, sentences: spans.length } as const;
    });
  } catch (error) {
    // Two imports of the same article at once: the unique index decides, the loser is a duplicate.
    // A concurrent request with the same idempotency key won: the route answers as it did.
    if (isKeyTaken(error)) throw error;
    if ((error as { code?: string }).code === "P2002") {
      const duplicate = await findDuplicate(prisma, projectId, input.url, hash);
      if (duplicate) return { status: "duplicate", ...duplicate };
    }
    throw error;
  }
}

/** 404 unless the user may see the article: checked before a request's body is, so unknown ids read as unknown. */
export async function assertArticleVisible(
  db: DbClient,
  user: CurrentUser,
  articleId: number,
): Promise<void> {
  const article = await db.article.findFirst({
    where: { id: articleId, deletedAt: null, project: visibleProjectsFilter(user) },
    select: { id: true },
  });
  if (!article) throw new NotFoundError("No such article, or it is in a project you are not a member of.");
}

/** The article, if the user may see its project; 404 otherwise (also for other projects' members). */
export async function getArticle(db: DbClient, user: CurrentUser, articleId: number) {
  const article = await db.article.findFirst({
    where: { id: articleId, deletedAt: null, project: visibleProjectsFilter(user) },
    include: { sentences: { orderBy: { index: "asc" }, select: { start: true, end: true } } },
  });
  if (!article) throw new NotFoundError("No such article, or it is in a project you are not a member of.");
  return article;
}

export const editMessages = {
  notCurator:
    "Only admins and the project's curators can change an article's details; ask one of them to correct it.",
  stale:
    "Someone changed this article's details since you opened it. Reload to see their version, then edit again.",
};

/** The article as its edit form shows it: for admins and the project's curators only. */
export async function articleForEditing(db: DbClient, user: CurrentUser, articleId: number) {
  const article = await getArticle(db, user, articleId);
  if (!(await isCurator(db, user, article.projectId))) throw new ForbiddenError(editMessages.notCurator);
  return article;
}

/** The details an edit can change, as the audit log records them before and after. */
function detailsOf(article: {
  title: string;
  outlet: string;
  byline: string;
  url: string | null;
  publishedAt: Date | null;
  language: string;
  version: number;
}) {
  return {
    title: article.title,
    outlet: article.outlet,
    byline: article.byline,
    url: article.url,
    publishedAt: article.publishedAt?.toISOString() ?? null,
    language: article.language,
    version: article.version,
  };
}

/**
 * Changes an article's details (title, outlet, byline, URL, date, language) for admins and the
 * project's curators, in one transaction with its audit record. A stale version is a 409 carrying
 * the current details; a URL another article of the project has is a 422 naming it.
 */
export async function updateArticleDetails(
  prisma: PrismaClient,
  user: CurrentUser,
  articleId: number,
  input: ArticleDetailsInput,
) {
  try {
    return await prisma.$transaction(async (tx) => {
      const before = await getArticle(tx, user, articleId);
      if (!(await isCurator(tx, user, before.projectId))) throw new ForbiddenError(editMessages.notCurator);
      if (before.version !== input.version) throw new ConflictError(editMessages.stale, detailsOf(before));
      const { version, ...changes } = input;
      if (changes.url) {
        const sameUrl = await tx.article.findFirst({
          where: { projectId: before.projectId, url: changes.url, id: { not: articleId } },
          select: { id: true },
        });
        if (sameUrl) throw new InvalidError(`${messages.duplicateUrl} (article ${sameUrl.id})`, "url");
      }
      const { count } = await tx.article.updateMany({
        where: { id: articleId, version },
        data: { ...changes, version: { increment: 1 } },
      });
      if (count === 0) throw new ConflictError(editMessages.stale, detailsOf(before));
      const after = await getArticle(tx, user, articleId);
      await recordAudit(tx, {
        actorId: user.id,
        action: "article.update",
        subjectType: "article",
        subjectId: articleId,
        before: detailsOf(before),
        after: detailsOf(after),
      });
      return after;
    });
  } catch (error) {
    // Two edits giving two articles the same URL at once: the unique index decides.
    if ((error as { code?: string }).code === "P2002") throw new InvalidError(messages.duplicateUrl, "url");
    throw error;
  }
}
