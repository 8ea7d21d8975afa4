-- Blind projects hide colleagues' speakers (issue 17): a speaker now records who added it and whether
-- it is in the project's shared registry (added, edited or merged on purpose by an admin or a
-- curator). Annotators of a blind project see the shared speakers, their own, and those quoted in
-- curated articles; never one that exists only because a colleague quoted it.

-- AlterTable
ALTER TABLE "speakers" ADD COLUMN "created_by_id" INTEGER,
ADD COLUMN "shared" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "speakers_created_by_id_idx" ON "speakers"("created_by_id");

-- AddForeignKey
ALTER TABLE "speakers" ADD CONSTRAINT "speakers_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Existing speakers: what the audit log knows. Speakers added by hand (page or API) were audited
-- with their author; those an admin or a curator of the project added, edited or kept in a merge
-- are the shared registry. Speakers made on the fly by a claim were never audited: they stay
-- unshared, seen in a blind project only by those who quote them.
UPDATE "speakers" s SET "created_by_id" = a."actor_id"
FROM "audit_events" a
WHERE a."action" = 'speaker.create' AND a."subject_type" = 'speaker' AND a."subject_id" = s."id"::text
  AND a."actor_id" IS NOT NULL;

UPDATE "speakers" s SET "shared" = true
WHERE EXISTS (
  SELECT 1 FROM "audit_events" a
  JOIN "users" u ON u."id" = a."actor_id"
  WHERE a."subject_type" = 'speaker' AND a."subject_id" = s."id"::text
    AND a."action" IN ('speaker.create', 'speaker.update', 'speaker.merge')
    AND (u."role" = 'admin' OR EXISTS (
      SELECT 1 FROM "project_members" m
      WHERE m."project_id" = s."project_id" AND m."user_id" = u."id" AND m."is_curator")));
