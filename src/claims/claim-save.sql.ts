import type { DbClient } from "../db/types.js";
import { PREPARED } from "../db/prepared.js";
import { Prisma } from "../generated/prisma/client.js";
import type { CurrentUser } from "../http/current-user.js";
import { seesEverySpeakerSql } from "../speakers/speaker-visibility.js";
import { rememberAnswerSql, type IdempotentWrite } from "../idempotency/idempotency.service.js";
import { seesEveryProject } from "../projects/access.js";
import { cleanName } from "../speakers/speakers.schema.js";
import type { ClaimJson } from "./claims.present.js";
import type { CreateClaimInput, UpdateClaimInput } from "./claims.schema.js";

// A claim save in one statement: the checks, the write, the audit entry and the answer. It covers
// the everyday case (the article or claim is the user's to change, every span fits, the speaker,
// stance and target already exist). When any of that does not hold it writes nothing and answers
// no row; claims.service.ts then runs the full transaction, which writes or says precisely why not.

/**
 * The claim as presentClaim (claims.present.ts) shows it, built in SQL from a claim row `c`, its
 * article's body `body`, and the joined annotator `u`, speaker `sp`, stance `st` and target `tg`.
 * Offsets count code points, as Postgres's substr does on UTF-8 text. Tested against presentClaim.
 */
const claimJson = Prisma.sql`json_build_object(
  'id', c.id, 'articleId', c.article_id, 'layer', c.layer,
  'annotator', json_build_object('id', u.id, 'name', u.name),
  'start', c.start, 'end', c."end", 'quote', c.quote, 'prefix', c.prefix, 'suffix', c.suffix, 'type', c.type,
  'speaker', CASE WHEN sp.id IS NULL THEN NULL
    ELSE json_build_object('id', sp.id, 'name', sp.name, 'role', sp.role, 'affiliation', sp.affiliation) END,
  'speakerMention', CASE WHEN c.mention_start IS NULL OR c.mention_end IS NULL THEN NULL
    ELSE json_build_object('start', c.mention_start, 'end', c.mention_end,
                           'text', substr(body, c.mention_start + 1, c.mention_end - c.mention_start)) END,
  'cue', CASE WHEN c.cue_start IS NULL OR c.cue_end IS NULL THEN NULL
    ELSE json_build_object('start', c.cue_start, 'end', c.cue_end,
                           'text', substr(body, c.cue_start + 1, c.cue_end - c.cue_start)) END,
  'stance', st.key, 'stanceLabel', st.label, 'target', tg.name, 'note', c.note, 'version', c.version,
  'createdAt', to_char(c.created_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'updatedAt', to_char(c.updated_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;

/** The joins claimJson reads, for a claim row `c`. */
const claimJoins = Prisma.sql`
  JOIN users u ON u.id = c.annotator_id
  LEFT JOIN speakers sp ON sp.id = c.speaker_id
  LEFT JOIN stance_labels st ON st.id = c.stance_id
  LEFT JOIN targets tg ON tg.id = c.target_id`;

// Each statement's text is the same whatever the input (the choices are parameters), so that a
// connection prepares it once: texts that varied with the input would pile up prepared statements.

type SpeakerRef = CreateClaimInput["speaker"];

/**
 * The speaker a claim names, if it exists in project `project` and `user` sees all of its speakers:
 * by id, or by name or alias ignoring case. For a blind project's annotator nothing is found here
 * (speaker-visibility.ts): the full path then answers as resolveSpeaker does.
 */
function speakerId(ref: SpeakerRef, project: Prisma.Sql, user: CurrentUser) {
  const kind = !ref ? "none" : "id" in ref ? "id" : "name";
  const id = ref && "id" in ref ? ref.id : null;
  const name = ref && "name" in ref ? cleanName(ref.name) : null;
  // Only a viewer who sees every speaker of the project is served here. A blind project's
  // annotator goes to the full path, which finds the speakers they see: the rule on which speakers
  // that is reads claims, and naming those tables in this statement cost a quarter of every save.
  const seen = seesEverySpeakerSql(user, project);
  // The same choice as speakers.service's findByNames: a name before an alias, then the oldest.
  // speaker_name_keys is indexed (migration 20261201000000_speaker_name_keys).
  return Prisma.sql`CASE ${kind}::text
    WHEN 'id' THEN (SELECT s.id FROM speakers s WHERE s.id = ${id}::int AND s.project_id = ${project} AND ${seen})
    WHEN 'name' THEN (SELECT s.id FROM speakers s
      WHERE speaker_name_keys(s.name, s.aliases) @> ARRAY[lower(${name}::text)] AND s.project_id = ${project} AND ${seen}
      ORDER BY lower(s.name) = lower(${name}::text) DESC, s.id LIMIT 1)
    END`;
}

/** A stance key or target name of the project that is open for new values; NULL when none or retired. */
function labelId(table: "stance" | "target", wanted: string | null | undefined, project: Prisma.Sql) {
  const value = wanted || null;
  // The first match in the project's order decides, as chooseLabel does; a retired one is for the full path.
  return table === "stance"
    ? Prisma.sql`(SELECT id FROM (SELECT id, retired FROM stance_labels WHERE project_id = ${project} AND key = ${value}::text
        ORDER BY position LIMIT 1) first WHERE NOT retired)`
    : Prisma.sql`(SELECT id FROM (SELECT id, retired FROM targets WHERE project_id = ${project} AND lower(name) = lower(${value}::text)
        ORDER BY position LIMIT 1) first WHERE NOT retired)`;
}

/** Whether a span (start, end) fits the body: not empty, not past its end; NULLs pass. */
function spanFits(start: Prisma.Sql, end: Prisma.Sql) {
  return Prisma.sql`(${start} IS NULL OR ${end} IS NULL OR (${end} > ${start} AND ${end} <= char_length(body)))`;
}

function visibleArticle(user: CurrentUser) {
  // A deleted article (in the trash) takes no new claims.
  return Prisma.sql`a.deleted_at IS NULL AND (${seesEveryProject(user)}::boolean
    OR EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = a.project_id AND m.user_id = ${user.id}::int))`;
}

/** Creates an annotator's claim in one statement; undefined when the full path must decide. */
export async function createClaimInOneStatement(
  db: DbClient,
  user: CurrentUser,
  articleId: number,
  input: CreateClaimInput,
  write?: IdempotentWrite,
): Promise<ClaimJson | undefined> {
  const rows = await db.$queryRaw<{ claim: ClaimJson }[]>(createStatement(user, articleId, input, write));
  return rows[0]?.claim;
}

/** Where the API shows a claim (the Location of a create), in SQL from a claim JSON `claim`. */
const claimLocationSql = Prisma.sql`'/api/v1/claims/' || (claim->>'id')`;

export function createStatement(
  user: CurrentUser,
  articleId: number,
  input: CreateClaimInput,
  write?: IdempotentWrite,
): Prisma.Sql {
  const now = new Date();
  const mention = input.speakerMention ?? null;
  const cue = input.cue ?? null;
  return Prisma.sql`${Prisma.raw(PREPARED)}
    WITH article AS (
      SELECT a.id, a.project_id, a.body FROM articles a WHERE a.id = ${articleId} AND ${visibleArticle(user)}
    ),
    resolved AS MATERIALIZED (
      SELECT article.*, ${speakerId(input.speaker, Prisma.sql`article.project_id`, user)} AS speaker_id,
             ${labelId("stance", input.stance, Prisma.sql`article.project_id`)} AS stance_id,
             ${labelId("target", input.target, Prisma.sql`article.project_id`)} AS target_id
      FROM article
    ),
    checked AS (
      SELECT * FROM resolved
      WHERE ${spanFits(Prisma.sql`${input.start}::int`, Prisma.sql`${input.end}::int`)}
        AND substr(body, ${input.start}::int + 1, ${input.end}::int - ${input.start}::int) = ${input.quote}
        AND ${spanFits(Prisma.sql`${mention?.start ?? null}::int`, Prisma.sql`${mention?.end ?? null}::int`)}
        AND ${spanFits(Prisma.sql`${cue?.start ?? null}::int`, Prisma.sql`${cue?.end ?? null}::int`)}
        AND (${!input.speaker}::boolean OR speaker_id IS NOT NULL)
        AND (${!input.stance}::boolean OR stance_id IS NOT NULL)
        AND (${!input.target}::boolean OR target_id IS NOT NULL)
    ),
    c AS (
      INSERT INTO claims (article_id, project_id, annotator_id, start, "end", quote, prefix, suffix, type,
                          speaker_id, mention_start, mention_end, cue_start, cue_end, stance_id, target_id, note,
                          created_at, updated_at)
      SELECT id, project_id, ${user.id}, ${input.start}, ${input.end}, ${input.quote},
             substr(body, greatest(1, ${input.start}::int - 31), least(32, ${input.start}::int)),
             substr(body, ${input.end}::int + 1, 32),
             ${input.type}::"ClaimType", speaker_id, ${mention?.start ?? null}, ${mention?.end ?? null},
             ${cue?.start ?? null}, ${cue?.end ?? null}, stance_id, target_id, ${input.note ?? ""}, ${now}, ${now}
      FROM checked
      RETURNING *
    ),
    shown AS (
      SELECT ${claimJson} AS claim FROM c JOIN checked ON TRUE ${claimJoins}
    ),
    audited AS (
      INSERT INTO audit_events (actor_id, action, subject_type, subject_id, after, created_at)
      SELECT ${user.id}, 'claim.create', 'claim', (claim->>'id'), claim::jsonb, ${now} FROM shown
    ),
    remembered AS (
      ${rememberAnswerSql(write, { status: 201, location: claimLocationSql, body: Prisma.sql`claim::jsonb`, from: Prisma.sql`shown` })}
    )
    SELECT claim FROM shown`;
}

/**
 * Applies a partial change to an annotator's claim in one statement, if `version` is current and
 * the user may change it; undefined when the full path must decide (or answer 404, 403, 409, 422).
 */
export async function updateClaimInOneStatement(
  db: DbClient,
  user: CurrentUser,
  claimId: number,
  patch: UpdateClaimInput,
  write?: IdempotentWrite,
): Promise<ClaimJson | undefined> {
  const rows = await db.$queryRaw<{ claim: ClaimJson }[]>(updateStatement(user, claimId, patch, write));
  return rows[0]?.claim;
}

export function updateStatement(
  user: CurrentUser,
  claimId: number,
  patch: UpdateClaimInput,
  write?: IdempotentWrite,
): Prisma.Sql {
  const now = new Date();
  const has = (key: keyof UpdateClaimInput) => patch[key] !== undefined;
  // A new value where the patch has one, else the current column.
  const pick = (key: keyof UpdateClaimInput, value: unknown, current: string, cast: string) =>
    Prisma.sql`CASE WHEN ${has(key)}::boolean THEN ${value ?? null}::${Prisma.raw(cast)} ELSE ${Prisma.raw(current)} END`;
  const mention = patch.speakerMention;
  const cue = patch.cue;
  const project = Prisma.sql`current.project_id`;
  return Prisma.sql`${Prisma.raw(PREPARED)}
    WITH current AS (
      SELECT cl.*, a.body FROM claims cl JOIN articles a ON a.id = cl.article_id
      WHERE cl.id = ${claimId} AND cl.deleted_at IS NULL AND cl.layer = 'annotator' AND cl.version = ${patch.version}
        AND (${user.role === "admin"}::boolean OR cl.annotator_id = ${user.id}::int)
        AND ${visibleArticle(user)}
      FOR UPDATE OF cl
    ),
    next AS MATERIALIZED (
      SELECT current.id, current.body,
        ${pick("start", patch.start, "current.start", "int")} AS start,
        ${pick("end", patch.end, 'current."end"', "int")} AS "end",
        ${pick("quote", patch.quote, "current.quote", "text")} AS quote,
        ${pick("type", patch.type, "current.type", '"ClaimType"')} AS type,
        CASE WHEN ${has("speaker")}::boolean THEN ${speakerId(patch.speaker, project, user)} ELSE current.speaker_id END
          AS speaker_id,
        ${pick("speakerMention", mention?.start, "current.mention_start", "int")} AS mention_start,
        ${pick("speakerMention", mention?.end, "current.mention_end", "int")} AS mention_end,
        ${pick("cue", cue?.start, "current.cue_start", "int")} AS cue_start,
        ${pick("cue", cue?.end, "current.cue_end", "int")} AS cue_end,
        CASE WHEN ${has("stance")}::boolean THEN ${labelId("stance", patch.stance, project)} ELSE current.stance_id END
          AS stance_id,
        CASE WHEN ${has("target")}::boolean THEN ${labelId("target", patch.target, project)} ELSE current.target_id END
          AS target_id,
        ${pick("note", patch.note, "current.note", "text")} AS note,
        -- New offsets need the quote sent with them.
        (${!has("start") && !has("end")}::boolean OR ${has("quote")}::boolean
          OR (coalesce(${patch.start ?? null}::int, current.start) = current.start
              AND coalesce(${patch.end ?? null}::int, current."end") = current."end")) AS quote_sent
      FROM current
    ),
    checked AS (
      SELECT * FROM next
      WHERE quote_sent
        AND ${spanFits(Prisma.sql`start`, Prisma.sql`"end"`)} AND start IS NOT NULL
        AND substr(body, start + 1, "end" - start) = quote
        AND ${spanFits(Prisma.sql`mention_start`, Prisma.sql`mention_end`)}
        AND ${spanFits(Prisma.sql`cue_start`, Prisma.sql`cue_end`)}
        AND (${!patch.speaker}::boolean OR speaker_id IS NOT NULL)
        AND (${!patch.stance}::boolean OR stance_id IS NOT NULL)
        AND (${!patch.target}::boolean OR target_id IS NOT NULL)
    ),
    before AS (
      SELECT ${claimJson} AS claim FROM current c ${claimJoins} WHERE c.id IN (SELECT id FROM checked)
    ),
    c AS (
      UPDATE claims SET start = checked.start, "end" = checked."end", quote = checked.quote,
        prefix = substr(checked.body, greatest(1, checked.start - 31), least(32, checked.start)),
        suffix = substr(checked.body, checked."end" + 1, 32),
        type = checked.type, speaker_id = checked.speaker_id, mention_start = checked.mention_start,
        mention_end = checked.mention_end, cue_start = checked.cue_start, cue_end = checked.cue_end,
        stance_id = checked.stance_id, target_id = checked.target_id, note = checked.note,
        version = claims.version + 1, updated_at = ${now}
      FROM checked WHERE claims.id = checked.id
      RETURNING claims.*, checked.body
    ),
    after AS (
      SELECT ${claimJson} AS claim FROM c ${claimJoins}
    ),
    audited AS (
      INSERT INTO audit_events (actor_id, action, subject_type, subject_id, before, after, created_at)
      SELECT ${user.id}, 'claim.update', 'claim', ${String(claimId)}, before.claim::jsonb, after.claim::jsonb, ${now}
      FROM before, after
    ),
    remembered AS (
      ${rememberAnswerSql(write, { status: 200, location: Prisma.sql`NULL::text`, body: Prisma.sql`claim::jsonb`, from: Prisma.sql`after` })}
    )
    SELECT claim FROM after`;
}
