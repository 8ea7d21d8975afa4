-- Full-text search over claim quotes for the researchers' desk (filter q). schema.prisma cannot
-- declare an expression index; tests/helpers/schema-model.ts lists it as a known extra.
CREATE INDEX "claims_quote_fts_idx" ON "claims" USING GIN (to_tsvector('english', "quote"));

-- Listing newest claims of live rows: keyset pages walk this index backwards.
CREATE INDEX "claims_live_id_idx" ON "claims" ("id") WHERE "deleted_at" IS NULL;
