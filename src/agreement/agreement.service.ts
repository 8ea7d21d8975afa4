import type { DbClient } from "../db/types.js";
import { ForbiddenError, NotFoundError } from "../errors.js";
import type { CurrentUser } from "../http/current-user.js";
import { computeAgreement, type AgreementFigures } from "./agreement.compute.js";
import { loadStudy, type StudyScope } from "./agreement.data.js";

export interface AgreementReport extends AgreementFigures {
  project: { id: number; name: string; blind: boolean };
  scope: { annotators: number[] | null; articles: number[] | null };
  /** The members who marked any article done: the choices for narrowing by annotator. */
  choices: { id: number; name: string }[];
  ms: number;
}

/**
 * Who may see agreement: admins and researchers, and members an admin made curators. Annotators
 * otherwise may not: in a study they must not learn how their colleagues coded.
 */
export async function assertSeesAgreement(db: DbClient, user: CurrentUser, projectId: number) {
  const project = await db.project.findUnique({
    where: { id: projectId },
    select: {
      id: true,
      name: true,
      blind: true,
      members: { where: { userId: user.id }, select: { isCurator: true } },
    },
  });
  const member = project?.members[0];
  if (!project || (user.role === "annotator" && !member)) {
    throw new NotFoundError("No such project, or you are not a member of it.");
  }
  if (user.role === "annotator" && !member?.isCurator) {
    throw new ForbiddenError("Agreement is for admins, researchers and the project's curators.");
  }
  return { id: project.id, name: project.name, blind: project.blind };
}

export async function projectAgreement(
  db: DbClient,
  user: CurrentUser,
  projectId: number,
  scope: StudyScope,
): Promise<AgreementReport> {
  const started = performance.now();
  const project = await assertSeesAgreement(db, user, projectId);
  const [study, choices] = await Promise.all([
    loadStudy(db, projectId, scope),
    annotatorChoices(db, projectId),
  ]);
  return {
    project,
    scope: {
      annotators: scope.annotatorIds ? [...scope.annotatorIds] : null,
      articles: scope.articleIds ? [...scope.articleIds] : null,
    },
    choices,
    ...computeAgreement(study),
    ms: Math.round(performance.now() - started),
  };
}

function annotatorChoices(db: DbClient, projectId: number) {
  return db.user.findMany({
    where: { completions: { some: { article: { projectId } } } },
    select: { id: true, name: true },
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
}
