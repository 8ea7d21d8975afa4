// The curators' writes: gold claims made from annotators' claims (accepted as they are, edited or
// merged) or written anew, rejections, accepting every exact agreement at once, and marking an
// article curated. Each is one transaction under the project's curation lock, audited.
import { recordAudit } from "../audit/audit.service.js";
import { claimColumns } from "../claims/claims.service.js";
import { goldInclude, presentClaim, type ClaimJson } from "../claims/claims.present.js";
import type { DbClient, PrismaClient } from "../db/types.js";
import { ConflictError, InvalidError, NotFoundError } from "../errors.js";
import { Prisma } from "../generated/prisma/client.js";
import type { CurrentUser } from "../http/current-user.js";
import { assertCurator, visibleProjectsFilter } from "../projects/access.js";
import { CodePointIndex } from "../text/code-points.js";
import { ClaimsWaitingError } from "./curation.errors.js";
import type { GoldClaimInput } from "./curation.schema.js";
import { codersOf, isOpen, lockCuration } from "./curation.sql.js";

export const messages = {
  articleNotFound: "No such article, or it is in a project you are not a member of.",
  claimNotFound: "No such annotator claim, or it is in a project you are not a member of.",
  notSource: (id: number) =>
    `Claim ${id} is not a live annotator claim on this article, so it cannot be a source of its gold claim.`,
  decided: (id: number, gold: number | null) =>
    gold === null
      ? `Claim ${id} was already rejected. Undo that first (u) if it should go into the gold layer.`
      : `Claim ${id} is already in gold claim ${gold}. Edit that gold claim, or delete it to decide again.`,
  changed: (id: number, read: number, now: number) =>
    `Claim ${id} was changed by its annotator after you read it (you read version ${read}, it is now ${now}). ` +
    "Nothing was decided: look at the claim as it is now, then decide again.",
  notRejected: (id: number) =>
    `Claim ${id} is not rejected, so there is nothing to undo. A claim accepted into gold goes back to curation when its gold claim is deleted.`,
};

/** The article, after checking the user sees it (404) and curates its project (403). */
async function findCuratedArticle(db: DbClient, user: CurrentUser, articleId: number) {
  const article = await db.article.findFirst({
    where: { id: articleId, deletedAt: null, project: visibleProjectsFilter(user) },
    select: { id: true, projectId: true, body: true },
  });
  if (!article) throw new NotFoundError(messages.articleNotFound);
  await assertCurator(db, user, article.projectId);
  return article;
}

/** 404 or 403 unless the user curates the article's project: checked before a request's body is read. */
export async function assertCuratesArticle(db: DbClient, user: CurrentUser, articleId: number) {
  await findCuratedArticle(db, user, articleId);
}

/** The article a curator works on, checked, with the project's curation lock taken. */
async function curatedArticle(tx: DbClient, user: CurrentUser, articleId: number) {
  const article = await findCuratedArticle(tx, user, articleId);
  await tx.$executeRaw(lockCuration(article.projectId));
  return article;
}

/** The decisions already made on these claims that still stand (rejections, or live gold claims). */
async function standingDecisions(tx: DbClient, claimIds: number[]) {
  return tx.$queryRaw<{ sourceClaimId: number; goldClaimId: number | null }[]>`
    SELECT d.source_claim_id AS "sourceClaimId", d.gold_claim_id AS "goldClaimId"
    FROM curation_decisions d LEFT JOIN claims g ON g.id = d.gold_claim_id
    WHERE d.source_claim_id = ANY(${claimIds}::int[]) AND (d.gold_claim_id IS NULL OR g.deleted_at IS NULL)`;
}

/**
 * Checks that every source is a live annotator claim of the article, not decided yet, and (when
 * the curator sent the versions they read) not changed since: a 409 names what is different.
 */
async function assertSources(
  tx: DbClient,
  articleId: number,
  sources: number[],
  versions: ReadonlyMap<number, number> = new Map(),
) {
  const found = await tx.claim.findMany({
    where: { id: { in: sources }, articleId, layer: "annotator", deletedAt: null },
    select: { id: true, version: true },
  });
  const known = new Map(found.map((claim) => [claim.id, claim.version]));
  const missing = sources.find((id) => !known.has(id));
  if (missing !== undefined) throw new InvalidError(messages.notSource(missing), "sources");
  const decided = (await standingDecisions(tx, sources))[0];
  if (decided) throw new ConflictError(messages.decided(decided.sourceClaimId, decided.goldClaimId));
  for (const [id, read] of versions) {
    const now = known.get(id)!;
    if (read !== now) throw new ConflictError(messages.changed(id, read, now), { id, version: now });
  }
}

/** The versions the curator read, by source claim id (none sent: none checked). */
function readVersions(input: GoldClaimInput): Map<number, number> {
  const versions = new Map<number, number>();
  input.sourceVersions?.forEach((version, at) => {
    const id = input.sources?.[at];
    if (id !== undefined) versions.set(id, version);
  });
  return versions;
}

async function decide(
  tx: DbClient,
  curatorId: number,
  articleId: number,
  sources: number[],
  gold: number | null,
) {
  await tx.$executeRaw`
    INSERT INTO curation_decisions (source_claim_id, article_id, gold_claim_id, curator_id)
    SELECT id, ${articleId}, ${gold}, ${curatorId} FROM unnest(${sources}::int[]) AS s(id)
    ON CONFLICT (source_claim_id) DO UPDATE
      SET gold_claim_id = EXCLUDED.gold_claim_id, curator_id = EXCLUDED.curator_id,
          decided_at = CURRENT_TIMESTAMP`;
}

export async function fetchGoldClaim(db: DbClient, id: number, body: CodePointIndex): Promise<ClaimJson> {
  return presentClaim(await db.claim.findUniqueOrThrow({ where: { id }, include: goldInclude }), body);
}

/**
 * A gold claim: an annotator claim accepted as it is or with edits, several merged, or (with no
 * sources) the curator's own. Its sources are decided by it; each may be decided only once.
 */
export async function createGoldClaim(
  prisma: PrismaClient,
  user: CurrentUser,
  articleId: number,
  input: GoldClaimInput,
): Promise<ClaimJson> {
  return prisma.$transaction(async (tx) => {
    const article = await curatedArticle(tx, user, articleId);
    const sources = [...new Set(input.sources ?? [])];
    await assertSources(tx, article.id, sources, readVersions(input));
    const { body, columns } = await claimColumns(tx, article, input, user);
    const created = await tx.claim.create({ data: { ...columns, annotatorId: user.id, layer: "gold" } });
    await decide(tx, user.id, article.id, sources, created.id);
    const json = await fetchGoldClaim(tx, created.id, body);
    await recordAudit(tx, {
      actorId: user.id,
      action: "gold.create",
      subjectType: "claim",
      subjectId: created.id,
      after: json,
    });
    return json;
  });
}

/** The annotator claim, after checking the user sees it (404) and curates its project (403). */
async function findDecidedClaim(db: DbClient, user: CurrentUser, claimId: number) {
  const claim = await db.claim.findFirst({
    where: { id: claimId, layer: "annotator", deletedAt: null, project: visibleProjectsFilter(user) },
    select: { id: true, articleId: true, version: true },
  });
  if (!claim) throw new NotFoundError(messages.claimNotFound);
  const article = await findCuratedArticle(db, user, claim.articleId);
  return { ...claim, projectId: article.projectId };
}

/** 404 or 403 unless the user may decide on the claim: checked before a request's body is read. */
export async function assertDecidesClaim(db: DbClient, user: CurrentUser, claimId: number) {
  await findDecidedClaim(db, user, claimId);
}

/** The annotator claim a curator decides on, checked: live, annotator layer, a project they curate. */
async function annotatorClaim(tx: DbClient, user: CurrentUser, claimId: number) {
  const claim = await findDecidedClaim(tx, user, claimId);
  await tx.$executeRaw(lockCuration(claim.projectId));
  return claim;
}

/**
 * Leaves an annotator claim out of the gold layer, for the record. With `version` (the one the
 * curator read), a claim its annotator changed since is a 409 instead.
 */
export async function rejectClaim(
  prisma: PrismaClient,
  user: CurrentUser,
  claimId: number,
  version?: number,
) {
  await prisma.$transaction(async (tx) => {
    const claim = await annotatorClaim(tx, user, claimId);
    const decided = (await standingDecisions(tx, [claim.id]))[0];
    if (decided) throw new ConflictError(messages.decided(decided.sourceClaimId, decided.goldClaimId));
    if (version !== undefined && version !== claim.version) {
      throw new ConflictError(messages.changed(claim.id, version, claim.version), {
        id: claim.id,
        version: claim.version,
      });
    }
    await decide(tx, user.id, claim.articleId, [claim.id], null);
    await recordAudit(tx, {
      actorId: user.id,
      action: "gold.reject",
      subjectType: "claim",
      subjectId: claim.id,
    });
  });
}

/** Takes a rejection back: the claim waits for a decision again. */
export async function undoRejection(prisma: PrismaClient, user: CurrentUser, claimId: number) {
  await prisma.$transaction(async (tx) => {
    const claim = await annotatorClaim(tx, user, claimId);
    const { count } = await tx.curationDecision.deleteMany({
      where: { sourceClaimId: claim.id, goldClaimId: null },
    });
    if (count === 0) throw new ConflictError(messages.notRejected(claim.id));
    await recordAudit(tx, {
      actorId: user.id,
      action: "gold.undo_reject",
      subjectType: "claim",
      subjectId: claim.id,
    });
  });
}

/** How many live annotator claims of the article still wait for a curator's decision. */
export async function waitingClaims(db: DbClient, articleId: number): Promise<number> {
  const [row] = await db.$queryRaw<{ waiting: number }[]>`
    SELECT count(*)::int AS waiting FROM claims c
    WHERE c.article_id = ${articleId} AND c.layer = 'annotator' AND c.deleted_at IS NULL AND ${isOpen("c")}`;
  return row?.waiting ?? 0;
}

/**
 * Marks an article curated, or not. Marking it curated while annotator claims still wait for a
 * decision needs `confirm`: without it nothing changes and the answer says how many wait (422).
 */
export async function setCurated(
  prisma: PrismaClient,
  user: CurrentUser,
  articleId: number,
  curated: boolean,
  options: { confirm?: boolean } = {},
) {
  await prisma.$transaction(async (tx) => {
    const article = await curatedArticle(tx, user, articleId);
    const already = await tx.articleCuration.findUnique({ where: { articleId: article.id } });
    if (curated && already) return;
    if (curated && !options.confirm) {
      const waiting = await waitingClaims(tx, article.id);
      if (waiting > 0) throw new ClaimsWaitingError(waiting);
    }
    if (curated) {
      await tx.articleCuration.upsert({
        where: { articleId: article.id },
        create: { articleId: article.id, curatedById: user.id },
        update: {},
      });
    } else {
      await tx.articleCuration.deleteMany({ where: { articleId: article.id } });
    }
    await recordAudit(tx, {
      actorId: user.id,
      action: curated ? "article.curated" : "article.uncurated",
      subjectType: "article",
      subjectId: article.id,
    });
  });
}

export interface ExactOutcome {
  /** Gold claims made, one per exact agreement. */
  goldClaims: number;
  /** Annotator claims those gold claims came from. */
  sources: number;
  /** Articles marked curated because nothing on them was left to decide. */
  curated: number;
}

/**
 * Accepts every claim on which all annotators of an article agree exactly (same span, type,
 * speaker, speaker mention, cue, stance and target, one claim each) as one gold claim, for one
 * article or every uncurated article of a project. Articles with at least two annotators and no
 * claim left to decide are then marked curated. Set-based: a whole project is a few statements.
 */
export async function acceptExactAgreements(
  prisma: PrismaClient,
  user: CurrentUser,
  scope: { articleId: number } | { projectId: number },
): Promise<ExactOutcome> {
  return prisma.$transaction(
    async (tx) => {
      const projectId =
        "articleId" in scope
          ? (await curatedArticle(tx, user, scope.articleId)).projectId
          : await curatedProject(tx, user, scope.projectId);
      const articles = Prisma.sql`
        SELECT a.id FROM articles a
        WHERE a.project_id = ${projectId} AND a.deleted_at IS NULL
          ${"articleId" in scope ? Prisma.sql`AND a.id = ${scope.articleId}` : Prisma.empty}
          AND NOT EXISTS (SELECT 1 FROM article_curations ac WHERE ac.article_id = a.id)`;
      const [made] = await tx.$queryRaw<{ goldClaims: number; sources: number }[]>(
        insertExactAgreements(articles, user.id),
      );
      const curated = await tx.$executeRaw`
        WITH coders AS (${codersOf(articles)}),
        studied AS (SELECT article_id FROM coders GROUP BY article_id HAVING count(*) >= 2)
        INSERT INTO article_curations (article_id, curated_by_id)
        SELECT s.article_id, ${user.id} FROM studied s
        WHERE NOT EXISTS (
          SELECT 1 FROM claims c
          WHERE c.article_id = s.article_id AND c.layer = 'annotator' AND c.deleted_at IS NULL AND ${isOpen("c")})`;
      const outcome = { goldClaims: made?.goldClaims ?? 0, sources: made?.sources ?? 0, curated };
      await recordAudit(tx, {
        actorId: user.id,
        action: "gold.accept_exact",
        subjectType: "articleId" in scope ? "article" : "project",
        subjectId: "articleId" in scope ? scope.articleId : projectId,
        after: outcome,
      });
      return outcome;
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
}

async function curatedProject(tx: DbClient, user: CurrentUser, projectId: number) {
  const project = await tx.project.findFirst({
    where: { id: projectId, ...visibleProjectsFilter(user) },
    select: { id: true },
  });
  if (!project) throw new NotFoundError("No such project, or you are not a member of it.");
  await assertCurator(tx, user, project.id);
  await tx.$executeRaw(lockCuration(project.id));
  return project.id;
}

/** The fields that must all be equal for an exact agreement; NULLs compare equal in GROUP BY. */
const SIGNATURE = [
  "article_id",
  "start",
  '"end"',
  "type",
  "speaker_id",
  "mention_start",
  "mention_end",
  "cue_start",
  "cue_end",
  "stance_id",
  "target_id",
];

function insertExactAgreements(articles: Prisma.Sql, curatorId: number): Prisma.Sql {
  const signature = Prisma.raw(SIGNATURE.map((column) => `o.${column}`).join(", "));
  const joinOn = Prisma.raw(
    SIGNATURE.map((column) => `g.${column} IS NOT DISTINCT FROM i.${column}`).join(" AND "),
  );
  return Prisma.sql`
    WITH coders AS (${codersOf(articles)}),
    coder_counts AS (SELECT article_id, count(*)::int AS n FROM coders GROUP BY article_id HAVING count(*) >= 2),
    open_claims AS (
      SELECT c.* FROM claims c JOIN coder_counts cc ON cc.article_id = c.article_id
      WHERE c.layer = 'annotator' AND c.deleted_at IS NULL AND ${isOpen("c")}),
    g AS (
      SELECT ${signature}, min(o.id) AS rep, array_agg(o.id ORDER BY o.id) AS members
      FROM open_claims o JOIN coder_counts cc ON cc.article_id = o.article_id
      GROUP BY ${signature}, cc.n
      HAVING count(DISTINCT o.annotator_id) = cc.n AND count(*) = cc.n),
    i AS (
      INSERT INTO claims (layer, article_id, project_id, annotator_id, start, "end", quote, prefix, suffix,
                          type, speaker_id, mention_start, mention_end, cue_start, cue_end, stance_id,
                          target_id, note, updated_at)
      SELECT 'gold', r.article_id, r.project_id, ${curatorId}, r.start, r."end", r.quote, r.prefix, r.suffix,
             r.type, r.speaker_id, r.mention_start, r.mention_end, r.cue_start, r.cue_end, r.stance_id,
             r.target_id, '', CURRENT_TIMESTAMP
      FROM g JOIN claims r ON r.id = g.rep
      RETURNING ${Prisma.raw(SIGNATURE.join(", "))}, id),
    decided AS (
      INSERT INTO curation_decisions (source_claim_id, article_id, gold_claim_id, curator_id)
      SELECT unnest(g.members), g.article_id, i.id, ${curatorId} FROM i JOIN g ON ${joinOn}
      ON CONFLICT (source_claim_id) DO UPDATE
        SET gold_claim_id = EXCLUDED.gold_claim_id, curator_id = EXCLUDED.curator_id,
            decided_at = CURRENT_TIMESTAMP
      RETURNING 1)
    SELECT (SELECT count(*) FROM i)::int AS "goldClaims", (SELECT count(*) FROM decided)::int AS sources`;
}
