-- What the suggester learns from a project (src/suggestions/project-evidence.query.ts) is its
-- newest 5,000 live claims with a cue or a mention. Without this index a project of 1,000,000
-- claims few of which mark a cue was read row by row to the end (146 ms per suggestions request,
-- `BENCH_ONLY=evidence npm run bench`); with it the newest such claims are read directly.
CREATE INDEX "claims_confirmed_words_idx" ON "claims" ("project_id", "id")
  WHERE "deleted_at" IS NULL AND ("cue_start" IS NOT NULL OR "mention_start" IS NOT NULL);
