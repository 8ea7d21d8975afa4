import type { DbClient } from "../db/types.js";
import { ForbiddenError, NotFoundError, PayloadTooLargeError } from "../errors.js";
import { OffThread, OffThreadError } from "../threads/off-thread.js";
import type { CurrentUser } from "../http/current-user.js";
import { computeAgreement, type AgreementFigures } from "./agreement.compute.js";
import { loadStudy, type StudyData, type StudyScope } from "./agreement.data.js";

/**
 * Studies up to this many claims are computed on the request's own thread (at most about 40 ms);
 * larger ones in a worker thread, one at a time, so that other requests go on meanwhile (1,000
 * articles × 3 annotators × 20 claims take about a second, mostly the bootstrap).
 */
export const AGREEMENT_INLINE_CLAIMS_MAX = 500;

export const agreementLimits = {
  /** A computation in the worker stops after this long: 413, narrow the selection. */
  timeoutMs: 120_000,
  /** The worker's heap: a computation that needs more stops there, not the server. */
  heapMb: 1024,
};

const worker = new OffThread<StudyData, AgreementFigures>(new URL("./agreement.worker.js", import.meta.url), {
  timeoutMs: () => agreementLimits.timeoutMs,
  heapMb: agreementLimits.heapMb,
});

async function computeOffThread(study: StudyData): Promise<AgreementFigures> {
  let claims = 0;
  for (const article of study.articles) for (const coder of article.claims) claims += coder.length;
  if (claims <= AGREEMENT_INLINE_CLAIMS_MAX) return computeAgreement(study);
  try {
    return await worker.run(study);
  } catch (error) {
    if (!(error instanceof OffThreadError)) throw error;
    const narrow =
      "Narrow it to fewer articles or annotators (the form above the figures, or annotators= and articles=) and try again.";
    if (error.reason === "timeout") {
      throw new PayloadTooLargeError(
        `Agreement over this selection (${claims.toLocaleString("en")} claims) takes longer than ${agreementLimits.timeoutMs / 1000} s to compute. ${narrow}`,
        { name: "agreementSeconds", value: agreementLimits.timeoutMs / 1000 },
      );
    }
    if (error.message.includes("ERR_WORKER_OUT_OF_MEMORY")) {
      throw new PayloadTooLargeError(
        `Agreement over this selection (${claims.toLocaleString("en")} claims) needs more than ${agreementLimits.heapMb} MB to compute. ${narrow}`,
        { name: "agreementMemoryMb", value: agreementLimits.heapMb },
      );
    }
    throw error;
  }
}

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
    ...(await computeOffThread(study)),
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
