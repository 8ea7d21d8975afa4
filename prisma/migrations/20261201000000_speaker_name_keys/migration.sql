-- A speaker is found by any of its names (name or alias) ignoring case, on every claim save that
-- names one. Projects hold thousands of speakers: this index finds the match without reading them all.
CREATE FUNCTION "speaker_name_keys"(name text, aliases text[]) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN array_prepend(lower(name), ARRAY(SELECT lower(alias) FROM unnest(coalesce(aliases, ARRAY[]::text[])) AS alias));

CREATE INDEX "speakers_name_keys_idx" ON "speakers" USING GIN (speaker_name_keys("name", "aliases"));
