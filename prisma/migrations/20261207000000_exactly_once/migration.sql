-- Writes that are exactly once (issue 16): the answers to API writes sent with an Idempotency-Key,
-- stored in the write's own transaction; bulk uploads by key, with what became of each batch of
-- lines, so a resend stores exactly the lines not stored yet.

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "user_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "location" TEXT,
    "body" JSONB,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("user_id","key")
);

-- CreateTable
CREATE TABLE "bulk_uploads" (
    "id" SERIAL NOT NULL,
    "user_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'open',
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bulk_uploads_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bulk_upload_batches" (
    "upload_id" INTEGER NOT NULL,
    "first_line" INTEGER NOT NULL,
    "last_line" INTEGER NOT NULL,
    "lines_sha256" TEXT NOT NULL,
    "lines" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "claim_ids" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "refused" JSONB,
    "staged" JSONB,

    CONSTRAINT "bulk_upload_batches_pkey" PRIMARY KEY ("upload_id","first_line")
);

-- CreateIndex
CREATE INDEX "idempotency_keys_created_at_idx" ON "idempotency_keys"("created_at");

-- CreateIndex
CREATE INDEX "bulk_uploads_updated_at_idx" ON "bulk_uploads"("updated_at");

-- CreateIndex
CREATE UNIQUE INDEX "bulk_uploads_user_id_key_key" ON "bulk_uploads"("user_id", "key");

-- AddForeignKey
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bulk_uploads" ADD CONSTRAINT "bulk_uploads_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bulk_upload_batches" ADD CONSTRAINT "bulk_upload_batches_upload_id_fkey" FOREIGN KEY ("upload_id") REFERENCES "bulk_uploads"("id") ON DELETE CASCADE ON UPDATE CASCADE;
