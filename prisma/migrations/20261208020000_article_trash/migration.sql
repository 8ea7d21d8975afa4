-- Deleted articles go to the trash (issue 20): they and their claims leave every list, count and
-- export, and come back whole when restored. A deleted article's claims get its deleted_at, which
-- tells them apart from claims deleted on their own before.
-- AlterTable
ALTER TABLE "articles" ADD COLUMN "deleted_at" TIMESTAMP(3),
ADD COLUMN "deleted_by_id" INTEGER;

-- CreateIndex
CREATE INDEX "articles_deleted_at_idx" ON "articles"("deleted_at");

-- AddForeignKey
ALTER TABLE "articles" ADD CONSTRAINT "articles_deleted_by_id_fkey" FOREIGN KEY ("deleted_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
