-- CreateTable
CREATE TABLE "bulk_edits" (
    "id" SERIAL NOT NULL,
    "user_id" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "value" TEXT,
    "selection" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "applied_at" TIMESTAMP(3),
    "undone_at" TIMESTAMP(3),

    CONSTRAINT "bulk_edits_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bulk_edit_items" (
    "bulk_edit_id" INTEGER NOT NULL,
    "claim_id" INTEGER NOT NULL,
    "version_seen" INTEGER NOT NULL,
    "outcome" TEXT,
    "version_after" INTEGER,
    "before_stance_id" INTEGER,
    "before_target_id" INTEGER,
    "before_speaker_id" INTEGER,
    "before_type" "ClaimType",
    "before_deleted_at" TIMESTAMP(3),

    CONSTRAINT "bulk_edit_items_pkey" PRIMARY KEY ("bulk_edit_id","claim_id")
);

-- CreateIndex
CREATE INDEX "bulk_edits_user_id_created_at_idx" ON "bulk_edits"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "bulk_edit_items_claim_id_idx" ON "bulk_edit_items"("claim_id");

-- AddForeignKey
ALTER TABLE "bulk_edits" ADD CONSTRAINT "bulk_edits_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bulk_edit_items" ADD CONSTRAINT "bulk_edit_items_bulk_edit_id_fkey" FOREIGN KEY ("bulk_edit_id") REFERENCES "bulk_edits"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bulk_edit_items" ADD CONSTRAINT "bulk_edit_items_claim_id_fkey" FOREIGN KEY ("claim_id") REFERENCES "claims"("id") ON DELETE CASCADE ON UPDATE CASCADE;
