-- What the database holds must render everywhere. Prisma cannot declare CHECK constraints, so they
-- live here only; the input rules that keep requests within them are in src/http/fields.ts.

-- Only http(s) links are kept: an article URL of another scheme (javascript:, data:, file:) is dropped.
UPDATE "articles" SET "url" = NULL WHERE "url" IS NOT NULL AND "url" !~* '^https?://[^/?#[:space:]]';
ALTER TABLE "articles" ADD CONSTRAINT "articles_url_http" CHECK ("url" IS NULL OR "url" ~* '^https?://[^/?#[:space:]]');

-- Dates in years 1-9999 only: JavaScript, ISO 8601 and every export format can write them.
UPDATE "articles" SET "published_at" = NULL
  WHERE "published_at" < '0001-01-01' OR "published_at" >= '10000-01-01';
ALTER TABLE "articles" ADD CONSTRAINT "articles_published_at_years" CHECK (
  "published_at" IS NULL OR ("published_at" >= '0001-01-01' AND "published_at" < '10000-01-01')
);
