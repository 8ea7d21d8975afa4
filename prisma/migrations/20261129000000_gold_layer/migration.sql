-- Curation into a gold layer: gold claims live in claims beside the annotators' (layer = 'gold'),
-- so every page, API and export reads them the same way; curation_decisions records what a
-- curator did with each annotator claim (accepted into which gold claim, or rejected), and
-- article_curations which articles are curated.

-- CreateEnum
CREATE TYPE "ClaimLayer" AS ENUM ('annotator', 'gold');

-- AlterTable
ALTER TABLE "claims" ADD COLUMN "layer" "ClaimLayer" NOT NULL DEFAULT 'annotator';

-- The researchers' desk index now holds the layer too, so counting one layer stays index-only.
DROP INDEX "claims_project_id_deleted_at_stance_id_type_target_id_annotator_id_speaker_id_idx";
CREATE INDEX "claims_project_id_deleted_at_layer_stance_id_type_target_id_annotator_id_speaker_id_idx" ON "claims"("project_id", "deleted_at", "layer", "stance_id", "type", "target_id", "annotator_id", "speaker_id");

-- CreateTable
CREATE TABLE "curation_decisions" (
    "source_claim_id" INTEGER NOT NULL,
    "article_id" INTEGER NOT NULL,
    "gold_claim_id" INTEGER,
    "curator_id" INTEGER,
    "decided_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "curation_decisions_pkey" PRIMARY KEY ("source_claim_id")
);

-- CreateTable
CREATE TABLE "article_curations" (
    "article_id" INTEGER NOT NULL,
    "curated_by_id" INTEGER,
    "curated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "article_curations_pkey" PRIMARY KEY ("article_id")
);

-- CreateIndex
CREATE INDEX "curation_decisions_article_id_idx" ON "curation_decisions"("article_id");

-- CreateIndex
CREATE INDEX "curation_decisions_gold_claim_id_idx" ON "curation_decisions"("gold_claim_id");

-- AddForeignKey
ALTER TABLE "curation_decisions" ADD CONSTRAINT "curation_decisions_source_claim_id_fkey" FOREIGN KEY ("source_claim_id") REFERENCES "claims"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "curation_decisions" ADD CONSTRAINT "curation_decisions_article_id_fkey" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "curation_decisions" ADD CONSTRAINT "curation_decisions_gold_claim_id_fkey" FOREIGN KEY ("gold_claim_id") REFERENCES "claims"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "curation_decisions" ADD CONSTRAINT "curation_decisions_curator_id_fkey" FOREIGN KEY ("curator_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "article_curations" ADD CONSTRAINT "article_curations_article_id_fkey" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "article_curations" ADD CONSTRAINT "article_curations_curated_by_id_fkey" FOREIGN KEY ("curated_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
