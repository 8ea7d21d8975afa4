import { recordAudit } from "../audit/audit.service.js";
import type { DbClient, PrismaClient } from "../db/types.js";
import { ConflictError, InvalidError, NotFoundError } from "../errors.js";
import type { CurrentUser } from "../http/current-user.js";
import {
  assertProjectAccess,
  canImportInto,
  isCurator,
  seesOthersClaims,
  visibleProjectsFilter,
} from "./access.js";
import type { CreateProjectInput, MemberRights, StudySettings } from "./projects.schema.js";
import { uniqueIgnoringCase } from "../unique.js";

export const DEFAULT_STANCES = ["favor", "against", "neutral", "unclear"];

export const messages = {
  nameTaken: "A project with this name exists already. Choose another name.",
  labelTaken: "This project has that one already.",
  keyless: (label: string) =>
    `The stance label "${label}" has no letter or digit to make its key from. Use a word such as "favor".`,
  sameKey: (first: string, second: string, key: string) =>
    `The stance labels "${first}" and "${second}" would both be stored as the key "${key}". Rename one.`,
};

/**
 * A stance key is the label in lower case, accents dropped, with underscores:
 * "Strongly favor" -> "strongly_favor", "Neutrál" -> "neutral".
 */
export function stanceKey(label: string): string {
  return label
    .trim()
    .toLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[^\p{L}\p{N}]+/gu, "_")
    .replace(/^_|_$/g, "");
}

/** The stance labels with their keys; refuses a label without a key and two labels with one key. */
export function stanceLabelsWithKeys(labels: string[]): { label: string; key: string }[] {
  const byKey = new Map<string, string>();
  return uniqueIgnoringCase(labels).map((label) => {
    const key = stanceKey(label);
    if (!key) throw new InvalidError(messages.keyless(label), "stances");
    const earlier = byKey.get(key);
    if (earlier !== undefined) throw new InvalidError(messages.sameKey(earlier, label, key), "stances");
    byKey.set(key, label);
    return { label, key };
  });
}

/** actorId is null when an operator command creates the project (no user acts). */
export async function createProject(prisma: PrismaClient, actorId: number | null, input: CreateProjectInput) {
  return prisma.$transaction(async (tx) => {
    if (await tx.project.findUnique({ where: { name: input.name } })) {
      throw new InvalidError(messages.nameTaken, "name");
    }
    const stances = stanceLabelsWithKeys(input.stances?.length ? input.stances : DEFAULT_STANCES);
    const project = await tx.project
      .create({
        data: {
          name: input.name,
          description: input.description,
          stances: { create: stances.map(({ label, key }, position) => ({ key, label, position })) },
          targets: {
            create: uniqueIgnoringCase(input.targets ?? []).map((name, position) => ({ name, position })),
          },
        },
      })
      .catch((error: unknown) => {
        // Two admins creating the same name at once: the unique index decides.
        if ((error as { code?: string }).code === "P2002") throw new InvalidError(messages.nameTaken, "name");
        throw error;
      });
    await recordAudit(tx, {
      actorId,
      action: "project.create",
      subjectType: "project",
      subjectId: project.id,
      after: project,
    });
    return project;
  });
}

export async function listProjects(db: DbClient, user: CurrentUser) {
  return db.project.findMany({
    where: visibleProjectsFilter(user),
    orderBy: { name: "asc" },
    include: { _count: { select: { articles: true, members: true } } },
  });
}

/** The project with its labels, targets and members, for someone allowed to see it. */
export async function getProject(db: DbClient, user: CurrentUser, projectId: number) {
  await assertProjectAccess(db, user, projectId);
  const project = await db.project.findUnique({
    where: { id: projectId },
    include: {
      stances: { orderBy: [{ position: "asc" }, { id: "asc" }] },
      targets: { orderBy: [{ position: "asc" }, { id: "asc" }] },
      members: { include: { user: { select: { id: true, name: true, email: true, role: true } } } },
    },
  });
  if (!project) throw new NotFoundError("No such project.");
  return project;
}

export async function addMember(
  prisma: PrismaClient,
  actorId: number | null,
  projectId: number,
  userId: number,
  rights: MemberRights,
) {
  return prisma.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId } });
    if (!user) throw new InvalidError("Choose an existing user.", "userId");
    const member = await tx.projectMember.upsert({
      where: { projectId_userId: { projectId, userId } },
      create: { projectId, userId, ...rights },
      update: rights,
    });
    await recordAudit(tx, {
      actorId,
      action: "project.add_member",
      subjectType: "project",
      subjectId: projectId,
      after: member,
    });
    return member;
  });
}

export async function removeMember(prisma: PrismaClient, actorId: number, projectId: number, userId: number) {
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.projectMember.deleteMany({ where: { projectId, userId } });
    if (count === 0) throw new NotFoundError("That user is not a member of this project.");
    await recordAudit(tx, {
      actorId,
      action: "project.remove_member",
      subjectType: "project",
      subjectId: projectId,
      before: { userId },
    });
  });
}

type LabelKind = "stance" | "target";

/** Adds a stance label or target at the end of the list. */
export async function addLabel(
  prisma: PrismaClient,
  actorId: number,
  projectId: number,
  kind: LabelKind,
  name: string,
) {
  return prisma.$transaction(async (tx) => {
    if (kind === "stance" && !stanceKey(name)) throw new InvalidError(messages.keyless(name), "name");
    if (kind === "target") await assertTargetNameFree(tx, projectId, name);
    const position = await nextPosition(tx, projectId, kind);
    try {
      const created =
        kind === "stance"
          ? await tx.stanceLabel.create({ data: { projectId, key: stanceKey(name), label: name, position } })
          : await tx.target.create({ data: { projectId, name, position } });
      await recordAudit(tx, {
        actorId,
        action: `project.add_${kind}`,
        subjectType: "project",
        subjectId: projectId,
        after: created,
      });
      return created;
    } catch (error) {
      if ((error as { code?: string }).code === "P2002") throw new ConflictError(messages.labelTaken);
      throw error;
    }
  });
}

/** Claims name targets ignoring case, so two targets differing only in case would be ambiguous. */
async function assertTargetNameFree(tx: DbClient, projectId: number, name: string, exceptId?: number) {
  const rows = await tx.$queryRaw<{ name: string }[]>`
    SELECT name FROM targets WHERE project_id = ${projectId} AND lower(name) = lower(${name})
      AND id <> ${exceptId ?? 0}`;
  if (rows[0]) throw new ConflictError(`${messages.labelTaken} (“${rows[0].name}”)`);
}

async function nextPosition(tx: DbClient, projectId: number, kind: LabelKind): Promise<number> {
  const last =
    kind === "stance"
      ? await tx.stanceLabel.aggregate({ where: { projectId }, _max: { position: true } })
      : await tx.target.aggregate({ where: { projectId }, _max: { position: true } });
  return (last._max.position ?? -1) + 1;
}

/** Renames (the stance key stays: exports and claims keep their meaning), retires or restores. */
export async function updateLabel(
  prisma: PrismaClient,
  actorId: number,
  projectId: number,
  kind: LabelKind,
  id: number,
  change: { name?: string; retired?: boolean },
) {
  return prisma.$transaction(async (tx) => {
    const where = { id, projectId };
    const before =
      kind === "stance" ? await tx.stanceLabel.findFirst({ where }) : await tx.target.findFirst({ where });
    if (!before) throw new NotFoundError(`No such ${kind} in this project.`);
    if (kind === "target" && change.name !== undefined) {
      await assertTargetNameFree(tx, projectId, change.name, id);
    }
    try {
      const after =
        kind === "stance"
          ? await tx.stanceLabel.update({
              where: { id },
              data: { label: change.name, retired: change.retired },
            })
          : await tx.target.update({ where: { id }, data: { name: change.name, retired: change.retired } });
      await recordAudit(tx, {
        actorId,
        action: `project.update_${kind}`,
        subjectType: "project",
        subjectId: projectId,
        before,
        after,
      });
      return after;
    } catch (error) {
      if ((error as { code?: string }).code === "P2002") throw new ConflictError(messages.labelTaken);
      throw error;
    }
  });
}

/** Moves a label or target one place up or down. */
export async function moveLabel(
  prisma: PrismaClient,
  projectId: number,
  kind: LabelKind,
  id: number,
  direction: -1 | 1,
) {
  await prisma.$transaction(async (tx) => {
    const items =
      kind === "stance"
        ? await tx.stanceLabel.findMany({
            where: { projectId },
            orderBy: [{ position: "asc" }, { id: "asc" }],
          })
        : await tx.target.findMany({ where: { projectId }, orderBy: [{ position: "asc" }, { id: "asc" }] });
    const from = items.findIndex((item) => item.id === id);
    if (from < 0) throw new NotFoundError(`No such ${kind} in this project.`);
    const to = from + direction;
    if (to < 0 || to >= items.length) return;
    const order = items.map((item) => item.id);
    [order[from], order[to]] = [order[to]!, order[from]!];
    for (const [position, itemId] of order.entries()) {
      if (kind === "stance") await tx.stanceLabel.update({ where: { id: itemId }, data: { position } });
      else await tx.target.update({ where: { id: itemId }, data: { position } });
    }
  });
}

/**
 * The project's articles, newest first, with their live claim counts: `claims`, the annotators'
 * claims (in a blind project an annotator who does not curate it is shown only their own: a count
 * of colleagues' claims is their work too), and `goldClaims`, the gold layer's, apart, for whoever
 * may read that article's gold layer (null otherwise). `ownClaimsOnly` says which `claims` are.
 */
export async function listProjectArticlesWithCounts(db: DbClient, user: CurrentUser, projectId: number) {
  await assertProjectAccess(db, user, projectId);
  const curator = await isCurator(db, user, projectId);
  const ownOnly = !curator && !(await seesOthersClaims(db, user, projectId));
  const articles = await db.article.findMany({
    where: { projectId, deletedAt: null },
    orderBy: [{ publishedAt: { sort: "desc", nulls: "last" } }, { id: "asc" }],
    select: {
      id: true,
      title: true,
      outlet: true,
      publishedAt: true,
      _count: {
        select: {
          claims: {
            where: { deletedAt: null, layer: "annotator", ...(ownOnly ? { annotatorId: user.id } : {}) },
          },
        },
      },
      curation: { select: { curatedAt: true } },
    },
  });
  const gold = await db.claim.groupBy({
    by: ["articleId"],
    where: { projectId, layer: "gold", deletedAt: null },
    _count: { _all: true },
  });
  const goldOf = new Map(gold.map((row) => [row.articleId, row._count._all]));
  // The rule of access.ts's seesGold: annotators who do not curate wait for the article's curation.
  const seesGoldOf = (curated: boolean) => user.role !== "annotator" || curator || curated;
  return {
    ownClaimsOnly: ownOnly,
    articles: articles.map(({ _count, ...article }) => ({
      ...article,
      claims: _count.claims,
      goldClaims: seesGoldOf(article.curation !== null) ? (goldOf.get(article.id) ?? 0) : null,
    })),
  };
}

/** Active users who are not members of the project yet, for the "Add a member" list. */
export async function listMemberCandidates(db: DbClient, projectId: number) {
  return db.user.findMany({
    where: { active: true, memberships: { none: { projectId } } },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    select: { id: true, name: true, email: true, role: true },
  });
}

/** Everything the project page shows to this user: the project, its articles and, for admins, who may join. */
export async function getProjectPage(db: DbClient, user: CurrentUser, projectId: number) {
  const project = await getProject(db, user, projectId);
  const { articles, ownClaimsOnly } = await listProjectArticlesWithCounts(db, user, projectId);
  const candidates = user.role === "admin" ? await listMemberCandidates(db, projectId) : [];
  const curator =
    user.role === "admin" || project.members.some((member) => member.userId === user.id && member.isCurator);
  return {
    project,
    articles,
    /** The Claims column counts only the user's own claims (a blind project's annotator). */
    ownClaimsOnly,
    candidates,
    seesAgreement: curator || user.role === "researcher",
    curator,
    curated: articles.filter((article) => article.curation !== null).length,
    mayImport: await canImportInto(db, user, projectId),
  };
}

/**
 * The study settings: blind (annotators see only their own layer) and assignments (annotators are
 * offered only their assigned articles). Checked against the version the admin read.
 */
export async function updateStudySettings(
  prisma: PrismaClient,
  actorId: number,
  projectId: number,
  input: StudySettings,
) {
  return prisma.$transaction(async (tx) => {
    const before = await tx.project.findUnique({
      where: { id: projectId },
      select: {
        blind: true,
        useAssignments: true,
        suggestBuiltin: true,
        suggestExternal: true,
        version: true,
      },
    });
    if (!before) throw new NotFoundError("No such project.");
    const { version, ...after } = input;
    const { count } = await tx.project.updateMany({
      where: { id: projectId, version },
      data: { ...after, version: { increment: 1 } },
    });
    if (count === 0) {
      throw new ConflictError(
        `Someone changed this project since you opened the page (version ${before.version}, you read ${input.version}). Reload and choose again.`,
        { currentVersion: before.version },
      );
    }
    await recordAudit(tx, {
      actorId,
      action: "project.study_settings",
      subjectType: "project",
      subjectId: projectId,
      before: {
        blind: before.blind,
        useAssignments: before.useAssignments,
        suggestBuiltin: before.suggestBuiltin,
        suggestExternal: before.suggestExternal,
      },
      after,
    });
  });
}
