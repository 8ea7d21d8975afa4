import type { DbClient, PrismaClient } from "../db/types.js";
import { ConflictError, NotFoundError } from "../errors.js";
import { Prisma } from "../generated/prisma/client.js";
import type { CurrentUser } from "../http/current-user.js";
import { seesSpeakerSql } from "../speakers/speaker-visibility.js";
import type { BulkAction, BulkEditInput } from "./bulk-edit.schema.js";
import { claimsWhere, needsArticles } from "./claims.filters.js";

/**
 * Changing many claims at once, as set operations in the database so that 100,000 claims never
 * pass through memory: a preview records every selected claim with the version it had, applying
 * changes only those still at that version (one audit entry each), and undoing puts back only those
 * nobody changed since. Every step checks the user's right to change each claim.
 */

/** A bulk edit of 100,000 claims takes seconds; Prisma's default of 5 s would cut it off midway. */
const LONG_TRANSACTION = { timeout: 300_000, maxWait: 10_000 };

export const messages = {
  notFound: "No such bulk edit of yours.",
  applied: "This bulk edit was applied already. Preview the change again to apply it to what is there now.",
  notApplied: "This bulk edit was never applied, so there is nothing to undo.",
  undone: "This bulk edit was undone already.",
};

type Column = "stance_id" | "target_id" | "type" | "speaker_id" | "deleted_at";

/** What an action writes, as SQL over the claim `c`: the column, its new value, and whether it can. */
interface Change {
  column: Column;
  /** The column of bulk_edit_items that keeps the value from before. */
  before: string;
  newValue: Prisma.Sql;
  applicable: Prisma.Sql;
}

function changeOf(
  action: BulkAction,
  value: string | number | null | undefined,
  viewer: CurrentUser,
): Change {
  switch (action) {
    case "set_stance": {
      if (value === null) return clearing("stance_id", "before_stance_id");
      const id = Prisma.sql`(SELECT sl.id FROM stance_labels sl
        WHERE sl.project_id = c.project_id AND sl.key = ${String(value)} AND NOT sl.retired)`;
      return {
        column: "stance_id",
        before: "before_stance_id",
        newValue: id,
        applicable: Prisma.sql`${id} IS NOT NULL`,
      };
    }
    case "set_target": {
      if (value === null) return clearing("target_id", "before_target_id");
      const id = Prisma.sql`(SELECT t.id FROM targets t
        WHERE t.project_id = c.project_id AND lower(t.name) = lower(${String(value)}) AND NOT t.retired)`;
      return {
        column: "target_id",
        before: "before_target_id",
        newValue: id,
        applicable: Prisma.sql`${id} IS NOT NULL`,
      };
    }
    case "set_speaker": {
      if (value === null) return clearing("speaker_id", "before_speaker_id");
      // A blind project's annotator sets only speakers the registry shows them (speaker-visibility.ts).
      const id = Prisma.sql`(SELECT s.id FROM speakers s WHERE s.project_id = c.project_id AND s.id = ${Number(value)}
        AND ${seesSpeakerSql(viewer, Prisma.raw("s"), Prisma.raw("c.project_id"))})`;
      return {
        column: "speaker_id",
        before: "before_speaker_id",
        newValue: id,
        applicable: Prisma.sql`${id} IS NOT NULL`,
      };
    }
    case "set_type":
      return {
        column: "type",
        before: "before_type",
        newValue: Prisma.sql`${String(value)}::"ClaimType"`,
        applicable: Prisma.sql`TRUE`,
      };
    case "delete":
      return {
        column: "deleted_at",
        before: "before_deleted_at",
        newValue: Prisma.sql`timezone('UTC', now())`,
        applicable: Prisma.sql`TRUE`,
      };
  }
}

function clearing(column: Column, before: string): Change {
  return { column, before, newValue: Prisma.sql`NULL::int`, applicable: Prisma.sql`TRUE` };
}

function unchanged(change: Change): Prisma.Sql {
  if (change.column === "deleted_at") return Prisma.sql`FALSE`;
  return Prisma.sql`c.${Prisma.raw(change.column)} IS NOT DISTINCT FROM ${change.newValue}`;
}

/** Who may change a claim: admins any, annotators their own in projects they still belong to. */
function writableBy(user: CurrentUser): Prisma.Sql {
  if (user.role === "admin") return Prisma.sql`TRUE`;
  if (user.role !== "annotator") return Prisma.sql`FALSE`;
  return Prisma.sql`(c.annotator_id = ${user.id}
    AND c.project_id IN (SELECT project_id FROM project_members WHERE user_id = ${user.id}))`;
}

/** A label for the value a claim has now, for the preview's "from" counts. */
function currentLabel(column: Column): Prisma.Sql {
  switch (column) {
    case "stance_id":
      return Prisma.sql`(SELECT key FROM stance_labels WHERE id = c.stance_id)`;
    case "target_id":
      return Prisma.sql`(SELECT name FROM targets WHERE id = c.target_id)`;
    case "speaker_id":
      return Prisma.sql`(SELECT name FROM speakers WHERE id = c.speaker_id)`;
    case "type":
      return Prisma.sql`c.type::text`;
    case "deleted_at":
      return Prisma.sql`(SELECT key FROM stance_labels WHERE id = c.stance_id)`;
  }
}

export interface BulkEditSummary {
  id: number;
  action: BulkAction;
  value: string | number | null;
  /** Claims selected that the user may see. */
  selected: number;
  /** Chosen one by one but not found, or not the user's to see. */
  notFound: number;
  willChange: number;
  unchanged: number;
  /** In a project without that stance, target or speaker (or one that is retired). */
  notApplicable: number;
  /** Changed by someone since the page showed them; left alone. */
  changedSince: number;
  /** The values the changing claims have now, most common first (top 10). */
  from: { value: string; count: number }[];
  /** The projects of the changing claims. */
  projects: { id: number; name: string; count: number }[];
}

export async function previewBulkEdit(
  prisma: PrismaClient,
  user: CurrentUser,
  input: BulkEditInput,
): Promise<BulkEditSummary> {
  return prisma.$transaction(async (tx) => {
    const edit = await tx.bulkEdit.create({
      data: {
        userId: user.id,
        action: input.action,
        value: input.value === undefined || input.value === null ? null : String(input.value),
        selection: JSON.parse(JSON.stringify(input.selection)) as Prisma.InputJsonValue,
      },
    });
    let chosen: number | undefined;
    if ("claims" in input.selection) {
      const ids = input.selection.claims.map((claim) => claim.id);
      const versions = input.selection.claims.map((claim) => claim.version);
      chosen = new Set(ids).size;
      await tx.$executeRaw`
        INSERT INTO bulk_edit_items (bulk_edit_id, claim_id, version_seen)
        SELECT ${edit.id}, c.id, chosen.version
        FROM unnest(${ids}::int[], ${versions}::int[]) AS chosen(id, version)
        JOIN claims c ON c.id = chosen.id
        WHERE ${claimsWhere({}, user)} AND ${writableBy(user)}
        ON CONFLICT DO NOTHING`;
    } else {
      const filters = input.selection.filters;
      const articles = needsArticles(filters)
        ? Prisma.sql`JOIN articles a ON a.id = c.article_id`
        : Prisma.empty;
      await tx.$executeRaw`
        INSERT INTO bulk_edit_items (bulk_edit_id, claim_id, version_seen)
        SELECT ${edit.id}, c.id, c.version FROM claims c ${articles}
        WHERE ${claimsWhere(filters, user)} AND ${writableBy(user)}`;
    }
    return summarise(tx, user, edit.id, input.action, input.value ?? null, chosen);
  }, LONG_TRANSACTION);
}

async function summarise(
  db: DbClient,
  viewer: CurrentUser,
  id: number,
  action: BulkAction,
  value: string | number | null,
  chosen?: number,
): Promise<BulkEditSummary> {
  const change = changeOf(action, value, viewer);
  const current = Prisma.sql`c.version = i.version_seen`;
  const changing = Prisma.sql`${current} AND ${change.applicable} AND NOT (${unchanged(change)})`;
  const items = Prisma.sql`bulk_edit_items i JOIN claims c ON c.id = i.claim_id`;
  const ofThisEdit = Prisma.sql`i.bulk_edit_id = ${id}`;
  const [counts] = await db.$queryRaw<Record<string, number>[]>`
    SELECT count(*)::int AS selected,
           count(*) FILTER (WHERE NOT (${current}))::int AS "changedSince",
           count(*) FILTER (WHERE ${current} AND NOT (${change.applicable}))::int AS "notApplicable",
           count(*) FILTER (WHERE ${current} AND ${change.applicable} AND ${unchanged(change)})::int AS unchanged,
           count(*) FILTER (WHERE ${changing})::int AS "willChange"
    FROM ${items} WHERE ${ofThisEdit}`;
  const from = await db.$queryRaw<{ value: string; count: number }[]>`
    SELECT COALESCE(${currentLabel(change.column)}, '(none)') AS value, count(*)::int AS count
    FROM ${items} WHERE ${ofThisEdit} AND ${changing} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`;
  const projects = await db.$queryRaw<{ id: number; name: string; count: number }[]>`
    SELECT p.id, p.name, count(*)::int AS count
    FROM ${items} JOIN projects p ON p.id = c.project_id WHERE ${ofThisEdit} AND ${changing}
    GROUP BY p.id, p.name ORDER BY 3 DESC, 2`;
  const selected = counts?.selected ?? 0;
  return {
    id,
    action,
    value,
    selected,
    notFound: chosen === undefined ? 0 : chosen - selected,
    willChange: counts?.willChange ?? 0,
    unchanged: counts?.unchanged ?? 0,
    notApplicable: counts?.notApplicable ?? 0,
    changedSince: counts?.changedSince ?? 0,
    from,
    projects,
  };
}

/** The user's own bulk edit, locked for the rest of the transaction (two applies never overlap). */
async function lockOwnEdit(tx: DbClient, user: CurrentUser, id: number) {
  const [edit] = await tx.$queryRaw<
    { id: number; action: BulkAction; value: string | null; appliedAt: Date | null; undoneAt: Date | null }[]
  >`SELECT id, action, value, applied_at AS "appliedAt", undone_at AS "undoneAt"
    FROM bulk_edits WHERE id = ${id} AND user_id = ${user.id} FOR UPDATE`;
  if (!edit) throw new NotFoundError(messages.notFound);
  return {
    ...edit,
    parsedValue: edit.action === "set_speaker" && edit.value !== null ? Number(edit.value) : edit.value,
  };
}

export type BulkOutcomes = Record<string, number>;

async function outcomes(db: DbClient, id: number): Promise<BulkOutcomes> {
  const rows = await db.$queryRaw<{ outcome: string; count: number }[]>`
    SELECT outcome, count(*)::int AS count FROM bulk_edit_items WHERE bulk_edit_id = ${id} GROUP BY outcome`;
  return Object.fromEntries(rows.map((row) => [row.outcome, row.count]));
}

/** Applies a previewed bulk edit to the claims still as the preview saw them; one audit entry each. */
export async function applyBulkEdit(
  prisma: PrismaClient,
  user: CurrentUser,
  id: number,
): Promise<BulkOutcomes> {
  return prisma.$transaction(async (tx) => {
    const edit = await lockOwnEdit(tx, user, id);
    if (edit.appliedAt) throw new ConflictError(messages.applied);
    const change = changeOf(edit.action, edit.parsedValue, user);
    const column = Prisma.raw(change.column);
    await tx.$executeRaw`
      WITH target AS (
        SELECT c.id, c.${column} AS before, ${change.newValue} AS after
        FROM bulk_edit_items i JOIN claims c ON c.id = i.claim_id
        WHERE i.bulk_edit_id = ${id} AND c.version = i.version_seen AND c.deleted_at IS NULL
          AND ${writableBy(user)} AND ${change.applicable} AND NOT (${unchanged(change)})
        FOR UPDATE OF c
      ), updated AS (
        -- RETURNING carries the values from before and after, so no step joins one CTE to another
        -- (a join the planner cannot estimate and may run as a nested loop over every pair).
        UPDATE claims c SET ${column} = target.after, version = c.version + 1,
               updated_at = timezone('UTC', now())
        FROM target WHERE c.id = target.id
        RETURNING c.id, c.version, target.before, target.after
      ), recorded AS (
        UPDATE bulk_edit_items i SET outcome = 'applied', version_after = updated.version,
               ${Prisma.raw(change.before)} = updated.before
        FROM updated WHERE i.bulk_edit_id = ${id} AND i.claim_id = updated.id
      )
      INSERT INTO audit_events (actor_id, action, subject_type, subject_id, before, after)
      SELECT ${user.id}, 'claim.bulk_edit', 'claim', updated.id::text,
             jsonb_build_object(${change.column}::text, updated.before, 'version', updated.version - 1),
             jsonb_build_object(${change.column}::text, updated.after, 'version', updated.version,
                                'bulkEditId', ${id}::int)
      FROM updated`;
    await tx.$executeRaw`
      UPDATE bulk_edit_items i SET outcome = CASE
          WHEN c.version <> i.version_seen THEN 'conflict'
          WHEN c.deleted_at IS NOT NULL OR NOT ${writableBy(user)} THEN 'forbidden'
          WHEN NOT (${change.applicable}) THEN 'not_applicable'
          ELSE 'unchanged' END
      FROM claims c WHERE i.bulk_edit_id = ${id} AND i.outcome IS NULL AND c.id = i.claim_id`;
    await tx.$executeRaw`UPDATE bulk_edits SET applied_at = timezone('UTC', now()) WHERE id = ${id}`;
    return outcomes(tx, id);
  }, LONG_TRANSACTION);
}

/** Puts back what a bulk edit changed, claim by claim, unless someone changed the claim since. */
export async function undoBulkEdit(
  prisma: PrismaClient,
  user: CurrentUser,
  id: number,
): Promise<BulkOutcomes> {
  return prisma.$transaction(async (tx) => {
    const edit = await lockOwnEdit(tx, user, id);
    if (!edit.appliedAt) throw new ConflictError(messages.notApplied);
    if (edit.undoneAt) throw new ConflictError(messages.undone);
    const change = changeOf(edit.action, edit.parsedValue, user);
    const column = Prisma.raw(change.column);
    const before = Prisma.raw(`i.${change.before}`);
    await tx.$executeRaw`
      WITH target AS (
        SELECT c.id, c.${column} AS current, ${before} AS before
        FROM bulk_edit_items i JOIN claims c ON c.id = i.claim_id
        WHERE i.bulk_edit_id = ${id} AND i.outcome = 'applied' AND c.version = i.version_after
          AND ${writableBy(user)}
        FOR UPDATE OF c
      ), updated AS (
        UPDATE claims c SET ${column} = target.before, version = c.version + 1,
               updated_at = timezone('UTC', now())
        FROM target WHERE c.id = target.id
        RETURNING c.id, c.version, target.current, target.before
      ), recorded AS (
        UPDATE bulk_edit_items i SET outcome = 'undone'
        FROM updated WHERE i.bulk_edit_id = ${id} AND i.claim_id = updated.id
      )
      INSERT INTO audit_events (actor_id, action, subject_type, subject_id, before, after)
      SELECT ${user.id}, 'claim.bulk_edit_undo', 'claim', updated.id::text,
             jsonb_build_object(${change.column}::text, updated.current, 'version', updated.version - 1),
             jsonb_build_object(${change.column}::text, updated.before, 'version', updated.version,
                                'bulkEditId', ${id}::int)
      FROM updated`;
    await tx.$executeRaw`
      UPDATE bulk_edit_items SET outcome = 'undo_conflict' WHERE bulk_edit_id = ${id} AND outcome = 'applied'`;
    await tx.$executeRaw`UPDATE bulk_edits SET undone_at = timezone('UTC', now()) WHERE id = ${id}`;
    return outcomes(tx, id);
  }, LONG_TRANSACTION);
}
