-- Annotation studies: project settings (blind, assignments), curators, versioned guidelines and
-- who has read which version, and articles assigned to annotators.

-- AlterTable
ALTER TABLE "projects" ADD COLUMN "blind" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "use_assignments" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "project_members" ADD COLUMN "is_curator" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "guideline_versions" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "body" TEXT NOT NULL,
    "author_id" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "guideline_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "guideline_reads" (
    "project_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "read_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "guideline_reads_pkey" PRIMARY KEY ("project_id","user_id")
);

-- CreateTable
CREATE TABLE "assignments" (
    "article_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "assigned_by_id" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "assignments_pkey" PRIMARY KEY ("article_id","user_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "guideline_versions_project_id_version_key" ON "guideline_versions"("project_id", "version");

-- CreateIndex
CREATE INDEX "guideline_reads_user_id_idx" ON "guideline_reads"("user_id");

-- CreateIndex
CREATE INDEX "assignments_user_id_idx" ON "assignments"("user_id");

-- AddForeignKey
ALTER TABLE "guideline_versions" ADD CONSTRAINT "guideline_versions_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "guideline_versions" ADD CONSTRAINT "guideline_versions_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "guideline_reads" ADD CONSTRAINT "guideline_reads_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "guideline_reads" ADD CONSTRAINT "guideline_reads_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_article_id_fkey" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_assigned_by_id_fkey" FOREIGN KEY ("assigned_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
