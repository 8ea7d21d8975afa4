import type { DbClient } from "../db/types.js";
import { ForbiddenError, NotFoundError } from "../errors.js";
import type { CurrentUser } from "../http/current-user.js";

/** Admins and researchers see every project; annotators only those they belong to. */
export function seesEveryProject(user: Pick<CurrentUser, "role">): boolean {
  return user.role === "admin" || user.role === "researcher";
}

/**
 * Checks that the user may see the project. Another project is simply "not found" to an
 * annotator: its existence is none of their business.
 */
export async function assertProjectAccess(db: DbClient, user: CurrentUser, projectId: number): Promise<void> {
  const project = seesEveryProject(user)
    ? await db.project.findUnique({ where: { id: projectId }, select: { id: true } })
    : await db.project.findFirst({
        where: { id: projectId, members: { some: { userId: user.id } } },
        select: { id: true },
      });
  if (!project) throw new NotFoundError("No such project, or you are not a member of it.");
}

/** Who may add articles: admins, and members whose membership allows importing. */
export async function canImportInto(db: DbClient, user: CurrentUser, projectId: number): Promise<boolean> {
  if (user.role === "admin") return true;
  const membership = await db.projectMember.findUnique({
    where: { projectId_userId: { projectId, userId: user.id } },
  });
  return Boolean(membership?.canImport);
}

/** Which project ids a user may see, as a Prisma filter on Project. */
export function visibleProjectsFilter(user: CurrentUser) {
  return seesEveryProject(user) ? {} : { members: { some: { userId: user.id } } };
}

/**
 * Whether the user may see other annotators' claims in the project: admins and researchers
 * always; annotators unless the project is blind (a blind study keeps each annotator to their
 * own layer so that nobody codes by looking at a colleague's work) and, when an article is named,
 * it is not yet curated: a curated article's layers are no longer a secret.
 */
export async function seesOthersClaims(
  db: DbClient,
  user: Pick<CurrentUser, "role">,
  projectId: number,
  articleId?: number,
): Promise<boolean> {
  if (user.role !== "annotator") return true;
  const project = await db.project.findUnique({ where: { id: projectId }, select: { blind: true } });
  if (!project?.blind) return true;
  return articleId !== undefined && (await isCurated(db, articleId));
}

export const blindMessage =
  "This project is blind: annotators see only their own claims until the article is curated.";

/** Refuses another annotator's layer to an annotator of a blind project. */
export async function assertSeesOthersClaims(
  db: DbClient,
  user: Pick<CurrentUser, "role">,
  projectId: number,
  articleId?: number,
) {
  if (!(await seesOthersClaims(db, user, projectId, articleId))) throw new ForbiddenError(blindMessage);
}

export async function isCurated(db: DbClient, articleId: number): Promise<boolean> {
  return (await db.articleCuration.count({ where: { articleId } })) > 0;
}

/** Curators build a project's gold layer: admins, and members an admin marked as curator. */
export async function isCurator(
  db: DbClient,
  user: Pick<CurrentUser, "id" | "role">,
  projectId: number,
): Promise<boolean> {
  if (user.role === "admin") return true;
  const membership = await db.projectMember.findUnique({
    where: { projectId_userId: { projectId, userId: user.id } },
    select: { isCurator: true },
  });
  return Boolean(membership?.isCurator);
}

export const curatorsOnlyMessage =
  "Only the project's curators (admins, and members an admin marked as curator) may change its gold layer.";

export async function assertCurator(db: DbClient, user: Pick<CurrentUser, "id" | "role">, projectId: number) {
  if (!(await isCurator(db, user, projectId))) throw new ForbiddenError(curatorsOnlyMessage);
}

/**
 * Whether the user may read the article's gold layer: everyone who sees the project, except that
 * annotators who are not curators wait until the article is curated (in a blind study the gold
 * layer would otherwise show them their colleagues' claims).
 */
export async function seesGold(
  db: DbClient,
  user: CurrentUser,
  projectId: number,
  articleId: number,
  /** Whether the user curates the project, when the caller knows already. */
  curator?: boolean,
) {
  if (user.role !== "annotator") return true;
  return (curator ?? (await isCurator(db, user, projectId))) || (await isCurated(db, articleId));
}
