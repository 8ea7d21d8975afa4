import { Prisma } from "../generated/prisma/client.js";

/**
 * An annotator claim `c` still waiting for a curator: no decision yet, or accepted into a gold
 * claim that has since been deleted (deleting a gold claim sends its sources back to curation).
 */
export const isOpen = (claim: string) => Prisma.sql`NOT EXISTS (
  SELECT 1 FROM curation_decisions d LEFT JOIN claims g ON g.id = d.gold_claim_id
  WHERE d.source_claim_id = ${Prisma.raw(claim)}.id AND (d.gold_claim_id IS NULL OR g.deleted_at IS NULL))`;

/**
 * Who annotated each article of `articles` (a SQL list of ids): everyone with a live claim on it
 * and everyone who marked it done (having found nothing to claim is also an annotation).
 */
export const codersOf = (articles: Prisma.Sql) => Prisma.sql`
  SELECT article_id, annotator_id AS user_id FROM claims
  WHERE article_id IN (${articles}) AND layer = 'annotator' AND deleted_at IS NULL
  UNION
  SELECT article_id, user_id FROM article_completions WHERE article_id IN (${articles})`;

/** Serialises a project's curation writes, so two curators never turn the same claims into gold twice. */
export const lockCuration = (projectId: number) =>
  Prisma.sql`SELECT pg_advisory_xact_lock(hashtext('claimant.curation'), ${projectId})`;
