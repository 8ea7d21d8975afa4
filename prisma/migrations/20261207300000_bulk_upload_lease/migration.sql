-- Bulk uploads one user may run at once (issue 17): a running upload holds a lease that its
-- process renews while it runs; a process that dies lets it lapse within a minute and a half.
-- AlterTable
ALTER TABLE "bulk_uploads" ADD COLUMN "running_until" TIMESTAMP(3);
