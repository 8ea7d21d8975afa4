import { recordAudit } from "../audit/audit.service.js";
import type { DbClient, PrismaClient } from "../db/types.js";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError, SimilarExistsError } from "../errors.js";
import { Prisma, type Speaker } from "../generated/prisma/client.js";
import type { CurrentUser } from "../http/current-user.js";
import { assertProjectAccess, isCurator } from "../projects/access.js";
import { cleanName, type CreateSpeakerInput, type UpdateSpeakerInput } from "./speakers.schema.js";
import { uniqueIgnoringCase } from "../unique.js";
import { searchSpeakers } from "./speakers.search.js";
import { similarMessage, similarSpeakers } from "./speakers.similar.js";
import {
  registryView,
  scopeOf,
  seesSpeaker,
  type RegistryView,
  type SpeakerViewer,
} from "./speaker-visibility.js";

export const messages = {
  noSpeaker: "No such speaker in this project. It may have been merged into another one.",
  notInProject:
    "The chosen speaker does not belong to this project. Choose one from the list, or type a name.",
  emptyName: "Enter the speaker's name, or choose one from the list.",
  stale:
    "Someone changed this speaker while you were looking. Check the saved values below, then save again if needed.",
  sameSpeaker: "Choose two different speakers: the one to keep and the one to merge into it.",
  adminsOnly: "Only admins can edit or merge speakers.",
  readOnly: "Researchers can read speakers but not add them. Ask an admin or an annotator of the project.",
  /** A blind project's annotator names a speaker they do not see: its details stay a colleague's. */
  takenUnseen: (name: string) =>
    `This project already has a speaker called "${name}". Name "${name}" as a claim's speaker to use it.`,
};

export interface SpeakerSummary {
  id: number;
  name: string;
  role: string;
  affiliation: string;
  aliases: string[];
}

export interface SpeakerWithCount extends SpeakerSummary {
  claimCount: number;
}

/** The speaker as a client sees it; the version comes along so an edit can be checked for staleness. */
export type SpeakerState = SpeakerSummary & { version: number };

export function toSummary(speaker: SpeakerSummary): SpeakerSummary {
  const { id, name, role, affiliation, aliases } = speaker;
  return { id, name, role, affiliation, aliases: aliases ?? [] };
}

function toState(speaker: Speaker): SpeakerState {
  return { ...toSummary(speaker), version: speaker.version };
}

export type SpeakerRef =
  { id: number } | { name: string; role?: string; affiliation?: string; confirmNew?: boolean };

/**
 * The speaker a claim names: an existing one by id, or by name or alias (ignoring case), created
 * when nobody of that name exists yet. A new name that resembles an existing speaker's (accents,
 * an initial, the surname alone) is refused with the candidates (409 similar_speakers) unless
 * `confirmNew` says it is someone else. Runs inside the caller's transaction and uses nothing else.
 *
 * `actor`, the user whose claim names the speaker, should always be given: a new speaker records
 * them as its author, and an annotator of a blind project can neither pick by id a speaker they do
 * not see nor be shown one among the similar names (speaker-visibility.ts). A name typed in full
 * finds the existing speaker whoever added it: the name is no secret to whoever typed it.
 */
export async function resolveSpeaker(
  tx: DbClient,
  projectId: number,
  ref: SpeakerRef,
  actor?: SpeakerViewer,
): Promise<Speaker> {
  const view = () => (actor ? registryView(tx, actor, projectId) : Promise.resolve(undefined));
  if ("id" in ref) {
    const speaker = await tx.speaker.findFirst({ where: { id: ref.id, projectId } });
    if (!speaker || !(await seenBy(tx, await view(), speaker.id))) {
      throw new InvalidError(messages.notInProject, "speaker");
    }
    return speaker;
  }
  const name = cleanName(ref.name);
  if (!name) throw new InvalidError(messages.emptyName, "speaker");
  const known = await findByNames(tx, projectId, [name]);
  if (known) return known.speaker;
  await lockSpeakerNames(tx, projectId);
  // Someone may have created it while we waited for the lock; this statement sees their commit.
  const createdMeanwhile = await findByNames(tx, projectId, [name]);
  if (createdMeanwhile) return createdMeanwhile.speaker;
  if (!ref.confirmNew) {
    await refuseSimilar(tx, projectId, name, "speaker", { speaker: { confirmNew: true } }, await view());
  }
  return tx.speaker.create({
    data: {
      projectId,
      name,
      role: cleanName(ref.role ?? ""),
      affiliation: cleanName(ref.affiliation ?? ""),
      createdById: actor?.id ?? null,
    },
  });
}

/** Whether the speaker is one the view shows (every speaker, without a view). */
async function seenBy(db: DbClient, view: RegistryView | undefined, speakerId: number): Promise<boolean> {
  return !view || (await seesSpeaker(db, view, speakerId));
}

/** A speaker a claim names that does not exist yet: created when the claim is stored. */
export interface NewSpeaker {
  name: string;
  role: string;
  affiliation: string;
}

/**
 * Like resolveSpeaker, without writing: the existing speaker's id, or the checked name of a new
 * one (refused as resolveSpeaker refuses it: empty, or like an existing name without confirmNew).
 * For claims set aside until a whole upload is stored, so that a refused upload creates no speaker.
 * `actor` as for resolveSpeaker (pass it on to resolveSpeaker when the new speaker is created).
 */
export async function findSpeakerOrCheckNew(
  db: DbClient,
  projectId: number,
  ref: SpeakerRef,
  actor?: SpeakerViewer,
): Promise<{ id: number } | { create: NewSpeaker }> {
  if ("id" in ref) return { id: (await resolveSpeaker(db, projectId, ref, actor)).id };
  const name = cleanName(ref.name);
  if (!name) throw new InvalidError(messages.emptyName, "speaker");
  const known = await findByNames(db, projectId, [name]);
  if (known) return { id: known.speaker.id };
  if (!ref.confirmNew) {
    const view = actor ? await registryView(db, actor, projectId) : undefined;
    await refuseSimilar(db, projectId, name, "speaker", { speaker: { confirmNew: true } }, view);
  }
  return { create: { name, role: cleanName(ref.role ?? ""), affiliation: cleanName(ref.affiliation ?? "") } };
}

/**
 * Serialises, per project, every change that adds a name or alias, so two people typing the same
 * new name ("Jane Doe" and "jane doe") get one speaker. Held until the transaction ends.
 */
async function lockSpeakerNames(tx: DbClient, projectId: number): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`claimant:speakers:${projectId}`}, 0))`;
}

interface NameMatch {
  speaker: Speaker;
  /** Which of the wanted names matched, as the speaker spells it. */
  matched: string;
}

/** The speaker of the project (other than `exceptId`) whose name or an alias equals one of `names`, ignoring case. */
async function findByNames(
  db: DbClient,
  projectId: number,
  names: string[],
  exceptId = 0,
): Promise<NameMatch | undefined> {
  if (names.length === 0) return undefined;
  const rows = await db.$queryRaw<{ id: number; matched: string }[]>`
    SELECT s.id, known.n AS matched
    FROM speakers s
    CROSS JOIN LATERAL unnest(array_prepend(s.name, coalesce(s.aliases, ARRAY[]::text[])))
      WITH ORDINALITY AS known(n, position)
    WHERE s.project_id = ${projectId} AND s.id <> ${exceptId}
      -- Indexed (migration 20261201000000_speaker_name_keys): finds the candidates without a scan.
      AND speaker_name_keys(s.name, s.aliases) && ARRAY(SELECT lower(wanted) FROM unnest(${names}::text[]) AS wanted)
      AND lower(known.n) IN (SELECT lower(wanted) FROM unnest(${names}::text[]) AS wanted)
    ORDER BY known.position = 1 DESC, s.id
    LIMIT 1`;
  const row = rows[0];
  if (!row) return undefined;
  return { speaker: await db.speaker.findUniqueOrThrow({ where: { id: row.id } }), matched: row.matched };
}

/**
 * The project's speakers the user sees, by name, each with the live annotator claims the user is
 * shown (speaker-visibility.ts: in a blind project an annotator's own; never the gold layer).
 */
export async function listSpeakersWithCounts(
  db: DbClient,
  user: CurrentUser,
  projectId: number,
): Promise<SpeakerWithCount[]> {
  await assertProjectAccess(db, user, projectId);
  const view = await registryView(db, user, projectId);
  const whose = view.narrowed ? Prisma.sql`AND c.annotator_id = ${view.viewerId}` : Prisma.empty;
  // Counted in one pass over the project's live claims (an index-only scan of the claims index
  // that leads with project, deleted_at and layer), not once per speaker.
  return db.$queryRaw<SpeakerWithCount[]>`
    SELECT s.id, s.name, s.role, s.affiliation, coalesce(s.aliases, ARRAY[]::text[]) AS aliases,
           coalesce(counted.n, 0)::int AS "claimCount"
    FROM speakers s
    LEFT JOIN (
      SELECT c.speaker_id, count(*) AS n FROM claims c
      WHERE c.project_id = ${projectId} AND c.deleted_at IS NULL AND c.layer = 'annotator'
        AND c.speaker_id IS NOT NULL ${whose}
      GROUP BY c.speaker_id
    ) counted ON counted.speaker_id = s.id
    WHERE s.project_id = ${projectId} AND ${scopeOf(view).where}
    ORDER BY s.name, s.id`;
}

/** How many of the project's speakers the view shows. */
async function countSpeakers(db: DbClient, view: RegistryView, projectId: number): Promise<number> {
  if (!view.narrowed) return db.speaker.count({ where: { projectId } });
  const rows = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM speakers s WHERE s.project_id = ${projectId} AND ${scopeOf(view).where}`;
  return rows[0]?.n ?? 0;
}

/** The speakers page shows at most this many matches of a search. */
export const PAGE_SEARCH_LIMIT = 200;

/**
 * Everything the speakers page shows: the project's name and how many speakers it has; when `q` is
 * given, the speakers matching it, best first; and every speaker with claim counts when the page
 * lists them all (no `q`) or an admin needs them for the merge form.
 */
export async function speakersOverview(
  db: DbClient,
  user: CurrentUser,
  projectId: number,
  q?: string,
): Promise<{
  project: { id: number; name: string };
  total: number;
  speakers: SpeakerWithCount[];
  matches?: SpeakerWithCount[];
  /** The user sees the registry narrowed (a blind project's annotator: speaker-visibility.ts). */
  narrowed: boolean;
}> {
  await assertProjectAccess(db, user, projectId);
  const project = await db.project.findUniqueOrThrow({
    where: { id: projectId },
    select: { id: true, name: true },
  });
  const view = await registryView(db, user, projectId);
  const needsAll = q === undefined || user.role === "admin";
  const speakers = needsAll ? await listSpeakersWithCounts(db, user, projectId) : [];
  const total = needsAll ? speakers.length : await countSpeakers(db, view, projectId);
  const matches =
    q === undefined ? undefined : await searchSpeakers(db, user, projectId, q, PAGE_SEARCH_LIMIT);
  return { project, total, speakers, matches, narrowed: view.narrowed };
}

export async function getSpeaker(db: DbClient, user: CurrentUser, projectId: number, speakerId: number) {
  await assertProjectAccess(db, user, projectId);
  const speaker = await db.speaker.findFirst({
    where: { id: speakerId, projectId },
    include: { project: { select: { id: true, name: true } } },
  });
  if (!speaker || !(await seenBy(db, await registryView(db, user, projectId), speaker.id))) {
    throw new NotFoundError(messages.noSpeaker);
  }
  const { project, ...rest } = speaker;
  return { project, speaker: toState(rest) };
}

/**
 * A speaker added on purpose (page or API), as opposed to one made on the fly by resolveSpeaker.
 * One an admin or a curator adds is in the project's shared registry (speaker-visibility.ts).
 */
export async function createSpeaker(
  prisma: PrismaClient,
  actor: CurrentUser,
  projectId: number,
  input: CreateSpeakerInput,
): Promise<SpeakerSummary> {
  await assertProjectAccess(prisma, actor, projectId);
  if (actor.role === "researcher") throw new ForbiddenError(messages.readOnly);
  return translateNameClash(() =>
    prisma.$transaction(async (tx) => {
      await lockSpeakerNames(tx, projectId);
      const view = await registryView(tx, actor, projectId);
      const aliases = aliasesBesides(input.name, input.aliases);
      const existing = await findByNames(tx, projectId, [input.name, ...aliases]);
      if (existing && !(await seenBy(tx, view, existing.speaker.id))) {
        throw new ConflictError(messages.takenUnseen(existing.matched));
      }
      if (existing) throw new ConflictError(existsMessage(existing), toSummary(existing.speaker));
      if (!input.confirmNew) {
        await refuseSimilar(tx, projectId, input.name, "name", { confirmNew: true }, view);
      }
      const speaker = await tx.speaker.create({
        data: {
          projectId,
          name: input.name,
          role: input.role,
          affiliation: input.affiliation,
          aliases,
          createdById: actor.id,
          shared: await isCurator(tx, actor, projectId),
        },
      });
      await recordAudit(tx, {
        actorId: actor.id,
        action: "speaker.create",
        subjectType: "speaker",
        subjectId: speaker.id,
        after: toState(speaker),
      });
      return toSummary(speaker);
    }),
  );
}

/**
 * 409 similar_speakers when the new name resembles existing speakers' (checked under the names
 * lock): those `view` shows, when given.
 */
async function refuseSimilar(
  tx: DbClient,
  projectId: number,
  name: string,
  field: string,
  confirmWith: Record<string, unknown>,
  view?: RegistryView,
): Promise<void> {
  const candidates = await similarSpeakers(tx, projectId, name, view);
  if (candidates.length === 0) return;
  throw new SimilarExistsError(
    "similar_speakers",
    similarMessage(name, candidates),
    field,
    candidates,
    confirmWith,
  );
}

function existsMessage({ speaker, matched }: NameMatch): string {
  const how = matched === speaker.name ? "" : ` ("${matched}" is one of its aliases)`;
  return `This project already has the speaker "${speaker.name}" (id ${speaker.id})${how}. Use that speaker, or choose another name.`;
}

function clashMessage({ speaker, matched }: NameMatch): string {
  const how = matched === speaker.name ? "name" : "alias";
  return (
    `"${matched}" is already the ${how} of another speaker, "${speaker.name}". ` +
    "Choose another name, or merge the two speakers."
  );
}

function aliasesBesides(name: string, aliases: string[]): string[] {
  return uniqueIgnoringCase(aliases).filter((alias) => alias.toLowerCase() !== name.toLowerCase());
}

function assertAdmin(actor: CurrentUser): void {
  if (actor.role !== "admin") throw new ForbiddenError(messages.adminsOnly);
}

/** The unique index on (project, name) still catches a race the lock did not cover, e.g. raw SQL. */
async function translateNameClash<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
      throw new InvalidError(
        "Another speaker of this project already has this name. Choose another.",
        "name",
      );
    }
    throw error;
  }
}

export async function updateSpeaker(
  prisma: PrismaClient,
  actor: CurrentUser,
  projectId: number,
  speakerId: number,
  input: UpdateSpeakerInput,
): Promise<SpeakerState> {
  assertAdmin(actor);
  return translateNameClash(() =>
    prisma.$transaction(async (tx) => {
      await assertProjectAccess(tx, actor, projectId);
      await lockSpeakerNames(tx, projectId);
      const before = await tx.speaker.findFirst({ where: { id: speakerId, projectId } });
      if (!before) throw new NotFoundError(messages.noSpeaker);
      if (before.version !== input.version) throw new ConflictError(messages.stale, toState(before));
      const aliases = aliasesBesides(input.name, input.aliases);
      const nameClash = await findByNames(tx, projectId, [input.name], speakerId);
      if (nameClash) throw new InvalidError(clashMessage(nameClash), "name");
      const aliasClash = await findByNames(tx, projectId, aliases, speakerId);
      if (aliasClash) throw new InvalidError(clashMessage(aliasClash), "aliases");
      const { count } = await tx.speaker.updateMany({
        where: { id: speakerId, projectId, version: input.version },
        data: {
          name: input.name,
          role: input.role,
          affiliation: input.affiliation,
          aliases,
          // An admin's edit puts the speaker in the shared registry.
          shared: true,
          version: { increment: 1 },
        },
      });
      if (count === 0) throw new ConflictError(messages.stale, toState(before));
      const after = await tx.speaker.findUniqueOrThrow({ where: { id: speakerId } });
      await recordAudit(tx, {
        actorId: actor.id,
        action: "speaker.update",
        subjectType: "speaker",
        subjectId: speakerId,
        before: toState(before),
        after: toState(after),
      });
      return toState(after);
    }),
  );
}

/**
 * Folds one speaker into another: its claims move over, its name and aliases become aliases of
 * the kept speaker, and it is deleted.
 */
export async function mergeSpeakers(
  prisma: PrismaClient,
  actor: CurrentUser,
  projectId: number,
  keepId: number,
  mergeId: number,
): Promise<{ kept: SpeakerState; claimsMoved: number }> {
  assertAdmin(actor);
  if (keepId === mergeId) throw new InvalidError(messages.sameSpeaker, "mergeId");
  return prisma.$transaction(async (tx) => {
    await assertProjectAccess(tx, actor, projectId);
    // Row locks first: a claim being saved with the merged speaker either commits before we move
    // claims (and is moved) or waits and then fails its foreign key, never ends up orphaned.
    await tx.$queryRaw`SELECT id FROM speakers WHERE id IN (${keepId}, ${mergeId}) ORDER BY id FOR UPDATE`;
    const keep = await tx.speaker.findFirst({ where: { id: keepId, projectId } });
    const merged = await tx.speaker.findFirst({ where: { id: mergeId, projectId } });
    if (!keep) throw new InvalidError("Choose the speaker to keep from this project's list.", "keepId");
    if (!merged) throw new InvalidError("Choose the speaker to merge from this project's list.", "mergeId");
    const { count: claimsMoved } = await tx.claim.updateMany({
      where: { speakerId: mergeId },
      data: { speakerId: keepId, version: { increment: 1 } },
    });
    const aliases = aliasesBesides(keep.name, [...keep.aliases, merged.name, ...merged.aliases]);
    await tx.speaker.delete({ where: { id: mergeId } });
    const after = await tx.speaker.update({
      where: { id: keepId },
      data: { aliases, shared: true, version: { increment: 1 } },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "speaker.merge",
      subjectType: "speaker",
      subjectId: keepId,
      before: { kept: toState(keep), merged: toState(merged) },
      after: { kept: toState(after), claimsMoved },
    });
    return { kept: toState(after), claimsMoved };
  });
}
