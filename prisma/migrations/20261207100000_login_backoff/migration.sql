-- Login back-off instead of a fixed lock (issue 17): failures are counted per client address, per
-- account, and per account and address, and each failure past the free ones doubles the wait. The
-- old counters' keys and windows mean nothing to the new rules: they are dropped, not converted.
DELETE FROM "login_throttles";

-- AlterTable
ALTER TABLE "login_throttles" DROP COLUMN "window_starts_at",
ADD COLUMN "account" TEXT,
ADD COLUMN "address" TEXT,
ADD COLUMN "last_failure_at" TIMESTAMP(3) NOT NULL;

-- CreateIndex
CREATE INDEX "login_throttles_account_idx" ON "login_throttles"("account");

-- CreateIndex
CREATE INDEX "login_throttles_last_failure_at_idx" ON "login_throttles"("last_failure_at");
