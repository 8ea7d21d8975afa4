import type { DbClient } from "../db/types.js";
import type { RefusedLine } from "./bulk-import.check.js";

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
  /** mode=all: the key of a speaker to create when the upload is stored (LineChecker.pendingSpeakers). */
  newSpeaker?: string;
  mentionStart: number | null;
  mentionEnd: number | null;
  cueStart: number | null;
  cueEnd: number | null;
  stanceId: number | null;
  targetId: number | null;
  note: string;
}

/** A batch of lines as read: lines firstLine..lastLine of the upload, and the sha256 of their text. */
export interface BatchIdentity {
  firstLine: number;
  lastLine: number;
  sha256: string;
}

/** The claim columns of a JSON row, for json_to_recordset. */
const ROW_COLUMNS = `id int, "articleId" int, "projectId" int, start int, "end" int, quote text, prefix text,
  suffix text, type text, "speakerId" int, "newSpeaker" text, "mentionStart" int, "mentionEnd" int,
  "cueStart" int, "cueEnd" int, "stanceId" int, "targetId" int, note text`;

/**
 * Ids for `count` new claims, taken from the sequence before the rows are stored: unused ones
 * leave gaps, as rolled-back inserts do anyway.
 */
export async function reserveClaimIds(tx: DbClient, count: number): Promise<number[]> {
  if (count === 0) return [];
  const taken = await tx.$queryRaw<{ id: number }[]>`
    SELECT nextval(pg_get_serial_sequence('claims', 'id'))::int AS id FROM generate_series(1, ${count}::int)`;
  return taken.map((row) => row.id);
}

/**
 * Stores the rows under the given ids and, in the same statement, one audit event for them
 * ("claim.bulk_create" by the uploader, listing the ids). Each claim's row already says who
 * created it and when, and its first version is the row as stored.
 */
export async function insertClaimRows(
  tx: DbClient,
  annotatorId: number,
  rows: (ClaimInsertRow & { id: number })[],
): Promise<void> {
  if (rows.length === 0) return;
  // One JSON parameter rather than seventeen arrays: Postgres parses it faster than the client
  // library encodes array literals, element by element.
  const batch = JSON.stringify(rows);
  const now = new Date();
  await tx.$executeRawUnsafe(
    `WITH stored AS (${insertFrom(`json_to_recordset($1::json) AS r(${ROW_COLUMNS})`, "r", "$2", "$3")})
     ${auditStored("$2", "$3")}`,
    batch,
    annotatorId,
    now,
  );
}

/** Writes (or, for a batch an earlier attempt set aside, replaces) the record of a batch. */
export async function recordBatch(
  tx: DbClient,
  uploadId: number,
  batch: BatchIdentity,
  outcome: {
    lines: number[];
    ids: number[];
    refused: RefusedLine[];
    staged?: (ClaimInsertRow & { id: number })[];
  },
): Promise<void> {
  const refused = outcome.refused.length ? JSON.stringify(outcome.refused) : null;
  const staged = outcome.staged ? JSON.stringify(outcome.staged) : null;
  await tx.$executeRaw`
    INSERT INTO bulk_upload_batches (upload_id, first_line, last_line, lines_sha256, lines, claim_ids, refused, staged)
    VALUES (${uploadId}, ${batch.firstLine}, ${batch.lastLine}, ${batch.sha256}, ${outcome.lines}::int[],
            ${outcome.ids}::int[], ${refused}::jsonb, ${staged}::jsonb)
    ON CONFLICT (upload_id, first_line) DO UPDATE SET last_line = excluded.last_line,
      lines_sha256 = excluded.lines_sha256, lines = excluded.lines, claim_ids = excluded.claim_ids,
      refused = excluded.refused, staged = excluded.staged`;
}

/**
 * mode=all, the whole upload checked: stores the set-aside claims of the batches starting in
 * lines from..to (speakers created by
 * the upload given by key in `newSpeakers`), one audit event per batch, and clears what was set
 * aside. One statement, so it is as quick as the database can copy the rows.
 */
export async function storeSetAside(
  tx: DbClient,
  uploadId: number,
  annotatorId: number,
  newSpeakers: Record<string, number>,
  lines: { from: number; to: number },
): Promise<number> {
  const now = new Date();
  const batches = "b.upload_id = $4 AND b.staged IS NOT NULL AND b.first_line BETWEEN $5 AND $6";
  const source = `bulk_upload_batches b CROSS JOIN LATERAL jsonb_to_recordset(b.staged) AS r(${ROW_COLUMNS})
    WHERE ${batches}`;
  const [row] = await tx.$queryRawUnsafe<{ stored: number }[]>(
    `WITH stored AS (${insertFrom(source, "r", "$2", "$3", "$1::jsonb")}),
     audited AS (
       INSERT INTO audit_events (actor_id, action, subject_type, subject_id, after, created_at)
       SELECT $2, 'claim.bulk_create', 'claims', b.claim_ids[1] || '-' || b.claim_ids[cardinality(b.claim_ids)],
              jsonb_build_object('via', 'bulk upload', 'count', cardinality(b.claim_ids), 'ids', to_jsonb(b.claim_ids)), $3
       FROM bulk_upload_batches b
       WHERE ${batches} AND cardinality(b.claim_ids) > 0
     ),
     cleared AS (UPDATE bulk_upload_batches b SET staged = NULL WHERE ${batches})
     SELECT count(*)::int AS stored FROM stored`,
    JSON.stringify(newSpeakers),
    annotatorId,
    now,
    uploadId,
    lines.from,
    lines.to,
  );
  return row?.stored ?? 0;
}

/** INSERT INTO claims from `source` (rows aliased `alias`), with the uploader and time given as SQL. */
function insertFrom(
  source: string,
  alias: string,
  annotator: string,
  now: string,
  speakers?: string,
): string {
  const speaker = speakers
    ? `coalesce(${alias}."speakerId", (${speakers} ->> ${alias}."newSpeaker")::int)`
    : `${alias}."speakerId"`;
  return `INSERT INTO claims (id, article_id, project_id, annotator_id, start, "end", quote, prefix, suffix, type,
                        speaker_id, mention_start, mention_end, cue_start, cue_end, stance_id, target_id,
                        note, created_at, updated_at)
    SELECT ${alias}.id, ${alias}."articleId", ${alias}."projectId", ${annotator}, ${alias}.start, ${alias}."end",
           ${alias}.quote, ${alias}.prefix, ${alias}.suffix, ${alias}.type::"ClaimType", ${speaker},
           ${alias}."mentionStart", ${alias}."mentionEnd", ${alias}."cueStart", ${alias}."cueEnd",
           ${alias}."stanceId", ${alias}."targetId", ${alias}.note, ${now}, ${now}
    FROM ${source}
    RETURNING id`;
}

function auditStored(annotator: string, now: string): string {
  return `INSERT INTO audit_events (actor_id, action, subject_type, subject_id, after, created_at)
    SELECT ${annotator}, 'claim.bulk_create', 'claims', min(id) || '-' || max(id),
           jsonb_build_object('via', 'bulk upload', 'count', count(*), 'ids', jsonb_agg(id ORDER BY id)), ${now}
    FROM stored`;
}
