import type { DbClient } from "../db/types.js";
import { NotFoundError } from "../errors.js";
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
