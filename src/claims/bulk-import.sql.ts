import type { DbClient } from "../db/types.js";

/** A checked claim, ready to store. */
export interface ClaimInsertRow {
  articleId: number;
  projectId: number;
  start: number;
  end: number;
  quote: string;
  prefix: string;
  suffix: string;
  type: string;
  speakerId: number | null;
  mentionStart: number | null;
  mentionEnd: number | null;
  cueStart: number | null;
  cueEnd: number | null;
  stanceId: number | null;
  targetId: number | null;
  note: string;
}

/**
 * Ids for up to `count` new claims, taken from the sequence before the rows are checked (so that
 * asking costs no wait): unused ones leave gaps, as rolled-back inserts do anyway.
 */
export async function reserveClaimIds(tx: DbClient, count: number): Promise<number[]> {
  const taken = await tx.$queryRaw<{ id: number }[]>`
    SELECT nextval(pg_get_serial_sequence('claims', 'id'))::int AS id FROM generate_series(1, ${count}::int)`;
  return taken.map((row) => row.id);
}

/**
 * Stores the rows under the given ids (reserveClaimIds, in order) and, in the same statement, one
 * audit event for the batch ("claim.bulk_create" by the uploader, listing the ids). Each claim's
 * row already says who created it and when, and its first version is the row as stored; a later
 * change records its "before" as every change does.
 */
export async function insertClaimRows(
  tx: DbClient,
  annotatorId: number,
  rows: ClaimInsertRow[],
  reserved: number[],
): Promise<number[]> {
  const ids = reserved.slice(0, rows.length);
  // One JSON parameter rather than seventeen arrays: Postgres parses it faster than the client
  // library encodes array literals, element by element.
  const batch = JSON.stringify(rows.map((row, i) => ({ ...row, id: ids[i] })));
  const now = new Date();
  await tx.$executeRaw`
    WITH stored AS (
      INSERT INTO claims (id, article_id, project_id, annotator_id, start, "end", quote, prefix, suffix, type,
                          speaker_id, mention_start, mention_end, cue_start, cue_end, stance_id, target_id,
                          note, created_at, updated_at)
      SELECT id, "articleId", "projectId", ${annotatorId}, start, "end", quote, prefix, suffix, type::"ClaimType",
             "speakerId", "mentionStart", "mentionEnd", "cueStart", "cueEnd", "stanceId", "targetId", note,
             ${now}, ${now}
      FROM json_to_recordset(${batch}::json) AS r(
        id int, "articleId" int, "projectId" int, start int, "end" int, quote text, prefix text, suffix text,
        type text, "speakerId" int, "mentionStart" int, "mentionEnd" int, "cueStart" int, "cueEnd" int,
        "stanceId" int, "targetId" int, note text)
      RETURNING id
    )
    INSERT INTO audit_events (actor_id, action, subject_type, subject_id, after, created_at)
    SELECT ${annotatorId}, 'claim.bulk_create', 'claims', min(id) || '-' || max(id),
           jsonb_build_object('via', 'bulk upload', 'count', count(*), 'ids', jsonb_agg(id ORDER BY id)), ${now}
    FROM stored`;
  return ids;
}
