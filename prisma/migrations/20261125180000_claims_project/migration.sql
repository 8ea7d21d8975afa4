-- AlterTable: each claim keeps its article's project, so counting a project's claims needs no join.
ALTER TABLE "claims" ADD COLUMN "project_id" INTEGER;
UPDATE "claims" SET "project_id" = "articles"."project_id" FROM "articles" WHERE "articles"."id" = "claims"."article_id";
ALTER TABLE "claims" ALTER COLUMN "project_id" SET NOT NULL;

-- CreateIndex
CREATE INDEX "claims_project_id_deleted_at_stance_id_type_target_id_annotator_id_speaker_id_idx" ON "claims"("project_id", "deleted_at", "stance_id", "type", "target_id", "annotator_id", "speaker_id");

-- AddForeignKey
ALTER TABLE "claims" ADD CONSTRAINT "claims_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
