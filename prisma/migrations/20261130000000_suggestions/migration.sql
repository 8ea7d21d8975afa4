-- Attribution suggestions: per project, whether the built-in suggester and stored external
-- suggestions are shown; suggestions from outside (any model) stored per article with their
-- source; and what each annotator dismissed.

-- AlterTable
ALTER TABLE "projects" ADD COLUMN "suggest_builtin" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN "suggest_external" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "external_suggestions" (
    "id" SERIAL NOT NULL,
    "article_id" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "start" INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    "quote" TEXT NOT NULL,
    "type" "ClaimType" NOT NULL,
    "speaker_id" INTEGER,
    "speaker_name" TEXT,
    "speaker_role" TEXT,
    "speaker_affiliation" TEXT,
    "mention_start" INTEGER,
    "mention_end" INTEGER,
    "cue_start" INTEGER,
    "cue_end" INTEGER,
    "confidence" DOUBLE PRECISION,
    "created_by_id" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "external_suggestions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "suggestion_dismissals" (
    "article_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "suggestion_dismissals_pkey" PRIMARY KEY ("article_id","user_id","key")
);

-- CreateIndex
CREATE INDEX "external_suggestions_article_id_start_idx" ON "external_suggestions"("article_id", "start");

-- CreateIndex
CREATE INDEX "suggestion_dismissals_user_id_idx" ON "suggestion_dismissals"("user_id");

-- AddForeignKey
ALTER TABLE "external_suggestions" ADD CONSTRAINT "external_suggestions_article_id_fkey" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "external_suggestions" ADD CONSTRAINT "external_suggestions_speaker_id_fkey" FOREIGN KEY ("speaker_id") REFERENCES "speakers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "external_suggestions" ADD CONSTRAINT "external_suggestions_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "suggestion_dismissals" ADD CONSTRAINT "suggestion_dismissals_article_id_fkey" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "suggestion_dismissals" ADD CONSTRAINT "suggestion_dismissals_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
