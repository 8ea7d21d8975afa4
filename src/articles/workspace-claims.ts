// The claims of one layer of an article, as the workspace page embeds them (PageClaim), read in one
// SQL statement. listArticleClaims (claims.service.ts) reads the same rows through Prisma's
// relations and builds the API's whole JSON: at 5,000 claims on one article that took 120-200 ms of
// the page's 230 ms on the server (2 cores), where this statement and the mapping below take 30-60.
import { goldHiddenMessage, type Layer } from "../claims/claims.service.js";
import type { DbClient } from "../db/types.js";
import { ForbiddenError } from "../errors.js";
import { Prisma } from "../generated/prisma/client.js";
import { blindMessage } from "../projects/access.js";
import { CodePointIndex } from "../text/code-points.js";
import type { PageClaim } from "./workspace.present.js";

interface Row {
  id: number;
  articleId: number;
  layer: PageClaim["layer"];
  annotatorId: number;
  annotatorName: string;
  start: number;
  end: number;
  type: string;
  speakerId: number | null;
  speakerName: string | null;
  speakerRole: string | null;
  speakerAffiliation: string | null;
  mentionStart: number | null;
  mentionEnd: number | null;
  cueStart: number | null;
  cueEnd: number | null;
  stance: string | null;
  stanceLabel: string | null;
  target: string | null;
  note: string;
  version: number;
  sources: number[] | null;
}

/** What the caller already found out about the user and this article (loadWorkspace). */
export interface LayerAccess {
  seesOthers: boolean;
  seesGold: boolean;
}

/**
 * The layer's live claims in text order (start, longest first, id), each as presentClaim shows it
 * without what the page leaves out. The same rule as listArticleClaims: another annotator's layer
 * only to who sees others' claims, the gold layer only to who sees gold.
 */
export async function workspaceClaims(
  db: DbClient,
  user: { id: number },
  article: { id: number; body: string },
  layer: Layer,
  access: LayerAccess,
): Promise<PageClaim[]> {
  const gold = layer === "gold";
  const annotator = layer === "mine" ? user.id : layer;
  if (gold && !access.seesGold) throw new ForbiddenError(goldHiddenMessage);
  if (!gold && annotator !== user.id && !access.seesOthers) throw new ForbiddenError(blindMessage);
  const whose =
    !gold && typeof annotator === "number" ? Prisma.sql`AND c.annotator_id = ${annotator}` : Prisma.empty;
  // A gold claim names the annotator claims it came from (its provenance).
  const sources = gold
    ? Prisma.sql`ARRAY(SELECT d.source_claim_id FROM curation_decisions d WHERE d.gold_claim_id = c.id
                       ORDER BY d.source_claim_id)`
    : Prisma.sql`NULL::int[]`;
  const rows = await db.$queryRaw<Row[]>`
    SELECT c.id, c.article_id AS "articleId", c.layer::text AS layer, c.annotator_id AS "annotatorId",
           u.name AS "annotatorName", c.start, c."end", c.type::text AS type, c.speaker_id AS "speakerId",
           s.name AS "speakerName", s.role AS "speakerRole", s.affiliation AS "speakerAffiliation",
           c.mention_start AS "mentionStart", c.mention_end AS "mentionEnd", c.cue_start AS "cueStart",
           c.cue_end AS "cueEnd", st.key AS stance, st.label AS "stanceLabel", t.name AS target, c.note,
           c.version, ${sources} AS sources
    FROM claims c
    JOIN users u ON u.id = c.annotator_id
    LEFT JOIN speakers s ON s.id = c.speaker_id
    LEFT JOIN stance_labels st ON st.id = c.stance_id
    LEFT JOIN targets t ON t.id = c.target_id
    WHERE c.article_id = ${article.id} AND c.deleted_at IS NULL
      AND c.layer = ${gold ? "gold" : "annotator"}::"ClaimLayer" ${whose}
    ORDER BY c.start ASC, c."end" DESC, c.id ASC`;
  const body = new CodePointIndex(article.body);
  const span = (start: number | null, end: number | null) =>
    start === null || end === null ? null : { start, end, text: body.slice(start, end) };
  return rows.map((row) => ({
    id: row.id,
    articleId: row.articleId,
    layer: row.layer,
    annotator: { id: row.annotatorId, name: row.annotatorName },
    start: row.start,
    end: row.end,
    type: row.type,
    speaker:
      row.speakerId === null
        ? null
        : {
            id: row.speakerId,
            name: row.speakerName!,
            role: row.speakerRole!,
            affiliation: row.speakerAffiliation!,
          },
    speakerMention: span(row.mentionStart, row.mentionEnd),
    cue: span(row.cueStart, row.cueEnd),
    stance: row.stance,
    stanceLabel: row.stanceLabel,
    target: row.target,
    note: row.note,
    version: row.version,
    ...(gold ? { sources: row.sources ?? [] } : {}),
  }));
}
