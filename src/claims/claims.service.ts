import { recordAudit } from "../audit/audit.service.js";
import { CodePointIndex, quoteContext } from "../text/code-points.js";
import type { DbClient, PrismaClient } from "../db/types.js";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError, type FieldProblem } from "../errors.js";
import type { CurrentUser } from "../http/current-user.js";
import { rememberAnswer, type IdempotentWrite } from "../idempotency/idempotency.service.js";
import {
  assertCurator,
  assertSeesOthersClaims,
  seesGold,
  visibleProjectsFilter,
} from "../projects/access.js";
import { createClaimInOneStatement, updateClaimInOneStatement } from "./claim-save.sql.js";
import { chooseStance, chooseTarget, stanceChoices } from "./claim-labels.js";
import { resolveSpeaker } from "../speakers/speakers.service.js";
import { claimInclude, claimLocation, goldInclude, presentClaim, type ClaimJson } from "./claims.present.js";
import type { CreateClaimInput, UpdateClaimInput } from "./claims.schema.js";

export const messages = {
  notFound: "No such claim, or it is in a project you are not a member of.",
  articleNotFound: "No such article, or it is in a project you are not a member of.",
  notYours: "You can change only your own claims. Admins can change anyone's.",
  stale:
    "Someone changed this claim after you opened it. Nothing was overwritten: look at the current version, then make your change again.",
  quoteNeeded: "Send the quote together with new start and end offsets.",
  notDeleted: "This claim is not deleted, so there is nothing to restore.",
  staleDeleted:
    "This claim changed after you deleted it (someone restored it, perhaps, and deleted it again). Nothing was restored: reload the page to see it as it is now.",
};

export interface Spans {
  start: number;
  end: number;
  quote: string;
  mentionStart: number | null;
  mentionEnd: number | null;
  cueStart: number | null;
  cueEnd: number | null;
}

/** The spans a new claim names, as checkSpans takes them. */
export function spansOf(input: CreateClaimInput): Spans {
  return {
    start: input.start,
    end: input.end,
    quote: input.quote,
    mentionStart: input.speakerMention?.start ?? null,
    mentionEnd: input.speakerMention?.end ?? null,
    cueStart: input.cue?.start ?? null,
    cueEnd: input.cue?.end ?? null,
  };
}

/** Checks offsets against the stored body; every problem names its field and says what is wrong. */
export function checkSpans(body: CodePointIndex, spans: Spans): void {
  const problems: FieldProblem[] = [];
  // For the quote itself the fields are start/end; for mention and cue the span's own name.
  const inBody = (span: "quote" | "speakerMention" | "cue", start: number, end: number) => {
    const field = span === "quote" ? "end" : span;
    const label = span === "quote" ? "" : `${span}: `;
    if (end <= start) {
      problems.push({
        field,
        message: `${label}end (${end}) must be greater than start (${start}); an empty span is not a claim.`,
      });
    } else if (end > body.length) {
      problems.push({
        field,
        message: `${label}end (${end}) is past the end of the article body (${body.length} code points).`,
      });
    } else return true;
    return false;
  };
  if (inBody("quote", spans.start, spans.end)) {
    const actual = body.slice(spans.start, spans.end);
    if (actual !== spans.quote) {
      problems.push({
        field: "quote",
        message: `quote does not match the article text at ${spans.start}..${spans.end}, which is "${truncate(actual)}". Offsets count Unicode code points of the body.`,
      });
    }
  }
  if (spans.mentionStart !== null && spans.mentionEnd !== null)
    inBody("speakerMention", spans.mentionStart, spans.mentionEnd);
  if (spans.cueStart !== null && spans.cueEnd !== null) inBody("cue", spans.cueStart, spans.cueEnd);
  if (problems.length) throw new InvalidError(problems);
}

function truncate(text: string): string {
  const points = Array.from(text);
  return points.length > 60 ? `${points.slice(0, 60).join("")}…` : text;
}

async function resolveStanceId(
  tx: DbClient,
  projectId: number,
  key: string | null | undefined,
  currentId: number | null,
) {
  if (!key) return null;
  const labels = await tx.stanceLabel.findMany({ where: { projectId }, orderBy: { position: "asc" } });
  return chooseStance(stanceChoices(labels), key, currentId);
}

async function resolveTargetId(
  tx: DbClient,
  projectId: number,
  name: string | null | undefined,
  currentId: number | null,
) {
  if (!name) return null;
  const targets = await tx.target.findMany({ where: { projectId }, orderBy: { position: "asc" } });
  return chooseTarget(targets, name, currentId);
}

async function loadArticle(tx: DbClient, user: CurrentUser, articleId: number) {
  const article = await tx.article.findFirst({
    where: { id: articleId, deletedAt: null, project: visibleProjectsFilter(user) },
    select: { id: true, projectId: true, body: true },
  });
  if (!article) throw new NotFoundError(messages.articleNotFound);
  return article;
}

async function fetchClaim(tx: DbClient, id: number, body: CodePointIndex): Promise<ClaimJson> {
  const claim = await tx.claim.findUniqueOrThrow({ where: { id }, include: claimInclude });
  return presentClaim(claim, body);
}

/**
 * The columns of a claim on the article, checked exactly as every claim is (offsets against the
 * body, speaker, stance and target of the project): shared by annotators' claims and gold claims.
 */
export async function claimColumns(
  tx: DbClient,
  article: { id: number; projectId: number; body: string },
  input: CreateClaimInput,
  actor: CurrentUser,
) {
  const body = new CodePointIndex(article.body);
  checkSpans(body, spansOf(input));
  const { prefix, suffix } = quoteContext(body, input.start, input.end);
  const speaker = input.speaker ? await resolveSpeaker(tx, article.projectId, input.speaker, actor) : null;
  const columns = {
    articleId: article.id,
    projectId: article.projectId,
    start: input.start,
    end: input.end,
    quote: input.quote,
    prefix,
    suffix,
    type: input.type,
    speakerId: speaker?.id ?? null,
    mentionStart: input.speakerMention?.start ?? null,
    mentionEnd: input.speakerMention?.end ?? null,
    cueStart: input.cue?.start ?? null,
    cueEnd: input.cue?.end ?? null,
    stanceId: await resolveStanceId(tx, article.projectId, input.stance, null),
    targetId: await resolveTargetId(tx, article.projectId, input.target, null),
    note: input.note ?? "",
  };
  return { body, columns };
}

/**
 * Creates an annotator's claim. The everyday case is one statement (claim-save.sql.ts); anything
 * it cannot decide (a new speaker to create, a refusal to explain) goes through the transaction
 * below, which either stores the claim or says precisely what is wrong.
 */
export async function createClaim(
  prisma: PrismaClient,
  user: CurrentUser,
  articleId: number,
  input: CreateClaimInput,
  write?: IdempotentWrite,
): Promise<ClaimJson> {
  return (
    (await createClaimInOneStatement(prisma, user, articleId, input, write)) ??
    createClaimFully(prisma, user, articleId, input, write)
  );
}

async function createClaimFully(
  prisma: PrismaClient,
  user: CurrentUser,
  articleId: number,
  input: CreateClaimInput,
  write?: IdempotentWrite,
): Promise<ClaimJson> {
  return prisma.$transaction(async (tx) => {
    const article = await loadArticle(tx, user, articleId);
    const { body, columns } = await claimColumns(tx, article, input, user);
    const created = await tx.claim.create({ data: { ...columns, annotatorId: user.id } });
    const json = await fetchClaim(tx, created.id, body);
    await recordAudit(tx, {
      actorId: user.id,
      action: "claim.create",
      subjectType: "claim",
      subjectId: created.id,
      after: json,
    });
    await rememberAnswer(tx, write, { status: 201, location: claimLocation(created.id), body: json });
    return json;
  });
}

/** 404 or 403 unless the user may change the claim: checked before a request's body is read. */
export async function assertClaimWritable(db: DbClient, user: CurrentUser, claimId: number): Promise<void> {
  await loadOwnClaim(db, user, claimId);
}

/** Like assertClaimWritable, for a claim that may be soft-deleted (restoring one). */
export async function assertDeletedClaimWritable(
  db: DbClient,
  user: CurrentUser,
  claimId: number,
): Promise<void> {
  await loadOwnClaim(db, user, claimId, { withDeleted: true });
}

async function loadOwnClaim(
  tx: DbClient,
  user: CurrentUser,
  claimId: number,
  options = { withDeleted: false },
) {
  const claim = await tx.claim.findFirst({
    where: {
      id: claimId,
      ...(options.withDeleted ? {} : { deletedAt: null }),
      article: { project: visibleProjectsFilter(user) },
    },
    include: { article: { select: { projectId: true, body: true } } },
  });
  if (!claim) throw new NotFoundError(messages.notFound);
  // Gold claims belong to the project's curators together, not to the curator who wrote them.
  if (claim.layer === "gold") await assertCurator(tx, user, claim.article.projectId);
  else if (claim.annotatorId !== user.id && user.role !== "admin")
    throw new ForbiddenError(messages.notYours);
  return claim;
}

/**
 * Applies a partial change if `version` is still current; otherwise 409 with the current claim.
 * One statement in the everyday case; the transaction below decides everything else.
 */
export async function updateClaim(
  prisma: PrismaClient,
  user: CurrentUser,
  claimId: number,
  patch: UpdateClaimInput,
  write?: IdempotentWrite,
): Promise<ClaimJson> {
  return (
    (await updateClaimInOneStatement(prisma, user, claimId, patch, write)) ??
    updateClaimFully(prisma, user, claimId, patch, write)
  );
}

async function updateClaimFully(
  prisma: PrismaClient,
  user: CurrentUser,
  claimId: number,
  patch: UpdateClaimInput,
  write?: IdempotentWrite,
): Promise<ClaimJson> {
  return prisma.$transaction(async (tx) => {
    const claim = await loadOwnClaim(tx, user, claimId);
    const body = new CodePointIndex(claim.article.body);
    const before = await fetchClaim(tx, claimId, body);
    if (claim.version !== patch.version) throw new ConflictError(messages.stale, before);

    const offsetsChanged =
      (patch.start !== undefined && patch.start !== claim.start) ||
      (patch.end !== undefined && patch.end !== claim.end);
    if (offsetsChanged && patch.quote === undefined) throw new InvalidError(messages.quoteNeeded, "quote");
    const pick = <T>(value: T | undefined, current: T) => (value === undefined ? current : value);
    const spans: Spans = {
      start: pick(patch.start, claim.start),
      end: pick(patch.end, claim.end),
      quote: pick(patch.quote, claim.quote),
      mentionStart:
        patch.speakerMention === undefined ? claim.mentionStart : (patch.speakerMention?.start ?? null),
      mentionEnd: patch.speakerMention === undefined ? claim.mentionEnd : (patch.speakerMention?.end ?? null),
      cueStart: patch.cue === undefined ? claim.cueStart : (patch.cue?.start ?? null),
      cueEnd: patch.cue === undefined ? claim.cueEnd : (patch.cue?.end ?? null),
    };
    checkSpans(body, spans);
    const { prefix, suffix } = quoteContext(body, spans.start, spans.end);
    const projectId = claim.article.projectId;
    const speakerId =
      patch.speaker === undefined
        ? claim.speakerId
        : patch.speaker === null
          ? null
          : (await resolveSpeaker(tx, projectId, patch.speaker, user)).id;
    const { count } = await tx.claim.updateMany({
      where: { id: claimId, version: patch.version, deletedAt: null },
      data: {
        ...spans,
        prefix,
        suffix,
        type: pick(patch.type, claim.type),
        speakerId,
        stanceId:
          patch.stance === undefined
            ? claim.stanceId
            : await resolveStanceId(tx, projectId, patch.stance, claim.stanceId),
        targetId:
          patch.target === undefined
            ? claim.targetId
            : await resolveTargetId(tx, projectId, patch.target, claim.targetId),
        note: pick(patch.note, claim.note),
        version: { increment: 1 },
      },
    });
    if (count === 0) throw new ConflictError(messages.stale, before);
    const after = await fetchClaim(tx, claimId, body);
    await recordAudit(tx, {
      actorId: user.id,
      action: "claim.update",
      subjectType: "claim",
      subjectId: claimId,
      before,
      after,
    });
    await rememberAnswer(tx, write, { status: 200, body: after });
    return after;
  });
}

/** Soft delete: the row stays for audit and leaves every list and export. */
export async function deleteClaim(
  prisma: PrismaClient,
  user: CurrentUser,
  claimId: number,
  version: number,
  write?: IdempotentWrite,
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const claim = await loadOwnClaim(tx, user, claimId);
    const body = new CodePointIndex(claim.article.body);
    const before = await fetchClaim(tx, claimId, body);
    if (version !== claim.version) throw new ConflictError(messages.stale, before);
    const { count } = await tx.claim.updateMany({
      where: { id: claimId, version: claim.version, deletedAt: null },
      data: { deletedAt: new Date(), version: { increment: 1 } },
    });
    if (count === 0) throw new ConflictError(messages.stale, before);
    await recordAudit(tx, {
      actorId: user.id,
      action: "claim.delete",
      subjectType: "claim",
      subjectId: claimId,
      before,
    });
    await rememberAnswer(tx, write, { status: 204 });
  });
}

/**
 * Undoes a soft delete if `version` is still current (the version the delete answered with, one
 * past the version deleted): the claim comes back with its id and fields, one version further.
 */
export async function restoreClaim(
  prisma: PrismaClient,
  user: CurrentUser,
  claimId: number,
  version: number,
  write?: IdempotentWrite,
): Promise<ClaimJson> {
  return prisma.$transaction(async (tx) => {
    const claim = await loadOwnClaim(tx, user, claimId, { withDeleted: true });
    const body = new CodePointIndex(claim.article.body);
    const before = await fetchClaim(tx, claimId, body);
    if (claim.deletedAt === null) throw new ConflictError(messages.notDeleted, before);
    if (version !== claim.version) throw new ConflictError(messages.staleDeleted, before);
    const { count } = await tx.claim.updateMany({
      where: { id: claimId, version: claim.version, deletedAt: { not: null } },
      data: { deletedAt: null, version: { increment: 1 } },
    });
    if (count === 0) throw new ConflictError(messages.staleDeleted, before);
    const after = await fetchClaim(tx, claimId, body);
    await recordAudit(tx, {
      actorId: user.id,
      action: "claim.restore",
      subjectType: "claim",
      subjectId: claimId,
      after,
    });
    await rememberAnswer(tx, write, { status: 200, body: after });
    return after;
  });
}

/** An annotator's own claims, every annotator's, one annotator's (by id), or the gold layer. */
export type Layer = "mine" | "all" | "gold" | number;

/** Annotators see their own claims unless they ask for another layer; admins and researchers all. */
export function defaultLayer(user: CurrentUser): Layer {
  return user.role === "annotator" ? "mine" : "all";
}

export const goldHiddenMessage =
  "The gold layer of this article is shown to annotators once a curator has marked the article curated.";

export async function listArticleClaims(
  db: DbClient,
  user: CurrentUser,
  article: { id: number; body: string; projectId: number },
  layer: Layer = defaultLayer(user),
): Promise<ClaimJson[]> {
  const where =
    layer === "gold"
      ? await goldWhere(db, user, article)
      : await annotatorLayerWhere(db, user, article, layer === "mine" ? user.id : layer);
  const claims = await db.claim.findMany({
    where: { articleId: article.id, deletedAt: null, ...where },
    include: layer === "gold" ? goldInclude : claimInclude,
    orderBy: [{ start: "asc" }, { end: "desc" }, { id: "asc" }],
  });
  const body = new CodePointIndex(article.body);
  return claims.map((claim) => presentClaim(claim, body));
}

async function goldWhere(db: DbClient, user: CurrentUser, article: { id: number; projectId: number }) {
  if (!(await seesGold(db, user, article.projectId, article.id))) throw new ForbiddenError(goldHiddenMessage);
  return { layer: "gold" as const };
}

async function annotatorLayerWhere(
  db: DbClient,
  user: CurrentUser,
  article: { id: number; projectId: number },
  annotator: "all" | number,
) {
  if (annotator !== user.id) await assertSeesOthersClaims(db, user, article.projectId, article.id);
  return { layer: "annotator" as const, ...(annotator === "all" ? {} : { annotatorId: annotator }) };
}
