-- Speaker search that ignores case and accents and matches any word of a name or an alias.
--
-- search_fold(text) is the one definition of the folded form, for both database modes: it
-- needs no extension (PGlite would have to load unaccent in every process that opens the data
-- folder, and a server would need the right to CREATE EXTENSION), so it gives the same words on
-- PGlite and on any Postgres 13+ server. The folded text of t:
--   1. NFKD (compatibility decomposition: "ﬁ" -> "fi", full-width letters -> ASCII, "²" -> "2");
--   2. combining marks dropped (the Combining Diacritical Marks blocks): "Zoë Müller" -> "Zoe Muller";
--   3. apostrophes and the Catalan middle dot join: "O'Brien" -> "OBrien", "col·legi" -> "collegi";
--   4. letters that do not decompose, as unaccent folds them: ß -> ss, æ -> ae, œ -> oe, þ -> th,
--      ø -> o, ł -> l, đ ð -> d, ħ -> h, ı -> i, ŧ -> t, ŋ -> n, ĸ -> k, ƒ -> f, final ς -> σ;
--   5. lower case: Greek and Cyrillic capitals by an explicit table (the same whatever the server's
--      locale), then lower() for the rest;
--   6. every other character that is not a letter or digit (ASCII and Latin-1 punctuation, the
--      General and CJK punctuation blocks, spaces of any kind) separates words; words are cut at
--      100 characters (a tsvector word may not exceed 2,047 bytes), runs of separators become one
--      space, and the ends are trimmed.
-- tests/speakers/search-fold.test.ts checks it against a reference on both database modes.
-- One SQL expression of built-in functions only, so that Postgres inlines it into queries (no call
-- overhead) and a restore of a dump, which runs with an empty search_path, can evaluate it.
CREATE FUNCTION "search_fold"(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT btrim(
    regexp_replace(
      regexp_replace(
        lower(translate(
          replace(replace(replace(replace(replace(replace(replace(replace(
            regexp_replace(
              regexp_replace(
                normalize(t, NFKD),
                '[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]', '', 'g'),
              '[''`\u00b7\u02bb\u02bc\u2018\u2019]', '', 'g'),
            'ß', 'ss'), 'ẞ', 'ss'), 'æ', 'ae'), 'Æ', 'ae'), 'œ', 'oe'), 'Œ', 'oe'), 'þ', 'th'), 'Þ', 'th'),
          'øØłŁđĐðÐħĦıŧŦŋŊĸƒƑƏςЀЁЂЃЄЅІЇЈЉЊЋЌЍЎЏАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ',
          'oollddddhhittnnkffəσѐёђѓєѕіїјљњћќѝўџабвгдежзийклмнопрстуфхцчшщъыьэюяαβγδεζηθικλμνξοπρστυφχψω')),
        '[\u0001-\u002f\u003a-\u0040\u005b-\u0060\u007b-\u00bf\u00d7\u00f7\u2000-\u206f\u2e00-\u2e7f\u3000-\u303f\ufeff]+',
        ' ', 'g'),
      '([^ ]{100})[^ ]+', '\1', 'g'),
    ' ')
$$;

-- The words of a speaker's name and aliases, for prefix search ('raf':* & 'ort':*). Not inlined
-- (it joins the aliases with array_to_string, which Postgres counts as only stable), hence the
-- search_path it was made with, for restores. The GIN index over it is an expression index that
-- schema.prisma cannot declare; tests/helpers/schema-model.ts lists it as a known extra. Queries
-- call speaker_words(s.name, s.aliases) as it is (src/speakers/speaker-match.ts) and so use it.
CREATE FUNCTION "speaker_words"(name text, aliases text[]) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT array_to_tsvector(string_to_array(search_fold(name || ' ' || coalesce(array_to_string(aliases, ' '), '')), ' '))
$$;

CREATE INDEX "speakers_search_idx" ON "speakers" USING GIN (speaker_words("name", "aliases"));

-- A speaker's live claims, newest last: counting a speaker's claims (the search ranks by it) is an
-- index-only scan, and the Claims page filtered on one speaker walks that speaker's claims in id
-- order instead of every claim. Partial, with INCLUDE: a hand-made index schema.prisma cannot
-- declare (listed in tests/helpers/schema-model.ts).
CREATE INDEX "claims_live_speaker_idx" ON "claims" ("speaker_id", "id") INCLUDE ("project_id")
  WHERE "deleted_at" IS NULL;
