import { Prisma } from "../generated/prisma/client.js";
import { getArticle } from "../articles/articles.service.js";
import type { DbClient, PrismaClient } from "../db/types.js";
import type { CurrentUser } from "../http/current-user.js";

/**
 * Who has done what. "done" is an ArticleCompletion row; "in progress" is having live claims on an
 * article without one; anything else is "not started". Everything is counted in SQL, in one query
 * per list, so the pages stay quick with thousands of articles.
 */

export type ArticleStatus = "not_started" | "in_progress" | "done";

export interface MyArticle {
  id: number;
  title: string;
  outlet: string;
  publishedAt: Date | null;
  projectId: number;
  projectName: string;
  myClaims: number;
  status: ArticleStatus;
}

/**
 * The articles in a user's list, in list order, with whether the user marked each done: every
 * article of the projects they belong to, except that in a project that uses assignments an
 * annotator's list holds only the articles assigned to them. One definition for the dashboard and
 * the workspace's progress line, so they never disagree.
 */
function myList(user: Pick<CurrentUser, "id" | "role">): Prisma.Sql {
  const assignedOnly = user.role === "annotator";
  return Prisma.sql`
    SELECT a.id, a.title, a.outlet, a.published_at, p.id AS project_id, p.name AS project_name,
           (c.article_id IS NOT NULL) AS done,
           ROW_NUMBER() OVER (ORDER BY p.name, p.id, a.id)::int AS position
    FROM project_members m
    JOIN projects p ON p.id = m.project_id
    JOIN articles a ON a.project_id = m.project_id AND a.deleted_at IS NULL
    LEFT JOIN article_completions c ON c.article_id = a.id AND c.user_id = m.user_id
    WHERE m.user_id = ${user.id}
      ${
        assignedOnly
          ? Prisma.sql`AND (NOT p.use_assignments OR EXISTS (
              SELECT 1 FROM assignments s WHERE s.article_id = a.id AND s.user_id = m.user_id))`
          : Prisma.empty
      }`;
}

/** The articles of the user's list (myList), with the user's own status on each. */
export async function listMyArticles(
  db: DbClient,
  user: Pick<CurrentUser, "id" | "role">,
): Promise<MyArticle[]> {
  return db.$queryRaw<MyArticle[]>`
    WITH mine AS (${myList(user)})
    SELECT l.id, l.title, l.outlet, l.published_at AS "publishedAt",
           l.project_id AS "projectId", l.project_name AS "projectName",
           COALESCE(counts.n, 0)::int AS "myClaims",
           CASE WHEN l.done THEN 'done' WHEN counts.n > 0 THEN 'in_progress' ELSE 'not_started' END AS status
    FROM mine l
    LEFT JOIN (
      SELECT article_id, COUNT(*)::int AS n FROM claims
      WHERE annotator_id = ${user.id} AND deleted_at IS NULL AND layer = 'annotator'
      GROUP BY article_id
    ) counts ON counts.article_id = l.id
    ORDER BY l.position`;
}

/** The article to work on next: the first one in the list that is not done. */
export function nextArticle(articles: MyArticle[]): MyArticle | undefined {
  return articles.find((article) => article.status !== "done");
}

/** Where an article stands in the user's list, for the workspace's head. */
export interface WorkspaceProgress {
  /** 1-based place of this article in the user's list; null when it is not in it (not a member). */
  position: number | null;
  total: number;
  done: number;
  /** The user has marked this article done. */
  isDone: boolean;
  /** The article to work on next: the first not done after this one, else the first before it. */
  next: { id: number; title: string } | null;
  /** The article after this one in the list, done or not (researchers read in order). */
  following: { id: number; title: string } | null;
}

interface WorkspaceProgressRow {
  position: number | null;
  total: number;
  done: number;
  isDone: boolean;
  nextId: number | null;
  nextTitle: string | null;
  followingId: number | null;
  followingTitle: string | null;
}

/**
 * The list of listMyArticles (same order, same "done"), reduced in SQL to what the workspace shows:
 * one query whatever the list's length, no article rows sent back.
 */
export async function workspaceProgress(
  db: DbClient,
  user: Pick<CurrentUser, "id" | "role">,
  articleId: number,
): Promise<WorkspaceProgress> {
  const userId = user.id;
  const [row] = await db.$queryRaw<WorkspaceProgressRow[]>`
    WITH mine AS (${myList(user)}
    ), here AS (
      SELECT position FROM mine WHERE id = ${articleId}
    )
    SELECT (SELECT COUNT(*)::int FROM mine) AS total,
           (SELECT COUNT(*)::int FROM mine WHERE done) AS done,
           (SELECT position FROM here) AS position,
           EXISTS (SELECT 1 FROM article_completions
                   WHERE article_id = ${articleId} AND user_id = ${userId}) AS "isDone",
           nxt.id AS "nextId", nxt.title AS "nextTitle",
           fol.id AS "followingId", fol.title AS "followingTitle"
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
      -- After this article first (false sorts before true), then from the top of the list.
      SELECT id, title FROM mine
      WHERE NOT done AND id <> ${articleId}
      ORDER BY (position < COALESCE((SELECT position FROM here), 0)), position
      LIMIT 1
    ) nxt ON true
    LEFT JOIN LATERAL (
      SELECT id, title FROM mine WHERE position = (SELECT position + 1 FROM here)
    ) fol ON true`;
  return {
    position: row?.position ?? null,
    total: row?.total ?? 0,
    done: row?.done ?? 0,
    isDone: row?.isDone ?? false,
    next: row?.nextId ? { id: row.nextId, title: row.nextTitle ?? "" } : null,
    following: row?.followingId ? { id: row.followingId, title: row.followingTitle ?? "" } : null,
  };
}

export function countByStatus(articles: { status: ArticleStatus }[]): Record<ArticleStatus, number> {
  const counts = { not_started: 0, in_progress: 0, done: 0 };
  for (const article of articles) counts[article.status] += 1;
  return counts;
}

export interface MemberProgress {
  userId: number;
  name: string;
  email: string;
  done: number;
  inProgress: number;
  notStarted: number;
}

export interface ProjectProgress {
  projectId: number;
  projectName: string;
  articles: number;
  members: MemberProgress[];
}

interface ProgressRow {
  projectId: number;
  projectName: string;
  total: number;
  userId: number | null;
  userName: string | null;
  userEmail: string | null;
  done: number;
  inProgress: number;
}

/** For admins: per project, each member's articles done, in progress and not started. */
export async function listProjectProgress(db: DbClient): Promise<ProjectProgress[]> {
  const rows = await db.$queryRaw<ProgressRow[]>`
    WITH totals AS (
      SELECT project_id, COUNT(*)::int AS total FROM articles WHERE deleted_at IS NULL GROUP BY project_id
    ), done AS (
      SELECT a.project_id, c.user_id, COUNT(*)::int AS n
      FROM article_completions c JOIN articles a ON a.id = c.article_id AND a.deleted_at IS NULL
      GROUP BY a.project_id, c.user_id
    ), started AS (
      SELECT a.project_id, cl.annotator_id AS user_id, COUNT(DISTINCT cl.article_id)::int AS n
      FROM claims cl JOIN articles a ON a.id = cl.article_id
      WHERE cl.deleted_at IS NULL AND cl.layer = 'annotator' AND NOT EXISTS (
        SELECT 1 FROM article_completions c
        WHERE c.article_id = cl.article_id AND c.user_id = cl.annotator_id)
      GROUP BY a.project_id, cl.annotator_id
    )
    SELECT p.id AS "projectId", p.name AS "projectName", COALESCE(t.total, 0)::int AS total,
           u.id AS "userId", u.name AS "userName", u.email AS "userEmail",
           COALESCE(d.n, 0)::int AS done, COALESCE(s.n, 0)::int AS "inProgress"
    FROM projects p
    LEFT JOIN totals t ON t.project_id = p.id
    LEFT JOIN project_members m ON m.project_id = p.id
    LEFT JOIN users u ON u.id = m.user_id
    LEFT JOIN done d ON d.project_id = p.id AND d.user_id = u.id
    LEFT JOIN started s ON s.project_id = p.id AND s.user_id = u.id
    ORDER BY p.name, p.id, u.name, u.id`;
  const projects = new Map<number, ProjectProgress>();
  for (const row of rows) {
    let project = projects.get(row.projectId);
    if (!project) {
      project = { projectId: row.projectId, projectName: row.projectName, articles: row.total, members: [] };
      projects.set(row.projectId, project);
    }
    if (row.userId === null) continue;
    project.members.push({
      userId: row.userId,
      name: row.userName ?? "",
      email: row.userEmail ?? "",
      done: row.done,
      inProgress: row.inProgress,
      notStarted: Math.max(0, row.total - row.done - row.inProgress),
    });
  }
  return [...projects.values()];
}

/** What the dashboard shows this user. */
export async function getDashboard(prisma: PrismaClient, user: CurrentUser) {
  const articles = await listMyArticles(prisma, user);
  const isAdmin = user.role === "admin";
  return {
    articles,
    next: nextArticle(articles),
    counts: countByStatus(articles),
    progress: isAdmin ? await listProjectProgress(prisma) : [],
    offerDemo: isAdmin && (await prisma.project.count()) === 0,
  };
}

/** Marks an article done for this user (again is fine); the article must be one they may see. */
export async function markArticleDone(prisma: PrismaClient, user: CurrentUser, articleId: number) {
  const article = await getArticle(prisma, user, articleId);
  await prisma.articleCompletion.upsert({
    where: { articleId_userId: { articleId, userId: user.id } },
    create: { articleId, userId: user.id },
    update: {},
  });
  return { id: article.id, title: article.title };
}

/** Takes the user's "done" off an article: it is in progress again (or not started). */
export async function reopenArticle(prisma: PrismaClient, user: CurrentUser, articleId: number) {
  const article = await getArticle(prisma, user, articleId);
  await prisma.articleCompletion.deleteMany({ where: { articleId, userId: user.id } });
  return { id: article.id, title: article.title };
}
