-- Articles can be edited (issue 20): their details change under the same version check as every
-- other edit, so two curators editing at once never overwrite each other silently.
-- AlterTable
ALTER TABLE "articles" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1;
