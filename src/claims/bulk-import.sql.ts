import type { DbClient } from "../db/types.js";

/** A checked claim, ready to store, with the audit record's "after" less what the database assigns. */
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
  audit: Record<string, unknown>;
}

/**
 * Stores the rows and their audit events ("claim.create", as the single route records) in one
 * statement, and answers the new ids in the rows' order: ids come from the sequence in the order
 * the ordered SELECT feeds the INSERT, so sorting them restores the rows' order.
 */
export async function insertClaimRows(tx: DbClient, annotatorId: number, rows: ClaimInsertRow[]) {
  const column = <K extends keyof ClaimInsertRow>(key: K) => rows.map((row) => row[key]);
  const now = new Date();
  const stamp = now.toISOString();
  const audits = rows.map((row) =>
    JSON.stringify({ ...row.audit, version: 1, createdAt: stamp, updatedAt: stamp }),
  );
  const inserted = await tx.$queryRaw<{ id: number }[]>`
    WITH incoming AS (
      SELECT * FROM unnest(
        ${column("articleId")}::int[], ${column("projectId")}::int[], ${column("start")}::int[],
        ${column("end")}::int[], ${column("quote")}::text[], ${column("prefix")}::text[],
        ${column("suffix")}::text[], ${column("type")}::text[], ${column("speakerId")}::int[],
        ${column("mentionStart")}::int[], ${column("mentionEnd")}::int[], ${column("cueStart")}::int[],
        ${column("cueEnd")}::int[], ${column("stanceId")}::int[], ${column("targetId")}::int[],
        ${column("note")}::text[], ${audits}::text[]
      ) WITH ORDINALITY AS r(article_id, project_id, start, "end", quote, prefix, suffix, type, speaker_id,
                             mention_start, mention_end, cue_start, cue_end, stance_id, target_id, note,
                             audit, position)
    ),
    inserted AS (
      INSERT INTO claims (article_id, project_id, annotator_id, start, "end", quote, prefix, suffix, type,
                          speaker_id, mention_start, mention_end, cue_start, cue_end, stance_id, target_id,
                          note, created_at, updated_at)
      SELECT article_id, project_id, ${annotatorId}, start, "end", quote, prefix, suffix, type::"ClaimType",
             speaker_id, mention_start, mention_end, cue_start, cue_end, stance_id, target_id, note,
             ${now}, ${now}
      FROM incoming ORDER BY position
      RETURNING id
    ),
    numbered AS (SELECT id, row_number() OVER (ORDER BY id) AS position FROM inserted),
    audited AS (
      INSERT INTO audit_events (actor_id, action, subject_type, subject_id, after, created_at)
      SELECT ${annotatorId}, 'claim.create', 'claim', numbered.id::text,
             incoming.audit::jsonb || jsonb_build_object('id', numbered.id), ${now}
      FROM numbered JOIN incoming USING (position)
    )
    SELECT id FROM numbered ORDER BY position`;
  return inserted.map((row) => row.id);
}
