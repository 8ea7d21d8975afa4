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
 * own layer so that nobody codes by looking at a colleague's work).
 */
export async function seesOthersClaims(
  db: DbClient,
  user: Pick<CurrentUser, "role">,
  projectId: number,
): Promise<boolean> {
  if (user.role !== "annotator") return true;
  const project = await db.project.findUnique({ where: { id: projectId }, select: { blind: true } });
  return !project?.blind;
}

export const blindMessage =
  "This project is blind: annotators see only their own claims until the article is curated.";

/** Refuses another annotator's layer to an annotator of a blind project. */
export async function assertSeesOthersClaims(
  db: DbClient,
  user: Pick<CurrentUser, "role">,
  projectId: number,
) {
  if (!(await seesOthersClaims(db, user, projectId))) throw new ForbiddenError(blindMessage);
}
