import { Prisma } from "../generated/prisma/client.js";

/**
 * The one matching rule for speakers, used by the speaker picker, the speakers page, the API's `q`
 * and the Claims page's speaker filter: every word typed must be the start of some word of the
 * speaker's name or of one of its aliases, ignoring case and accents ("raf ort" and "ORTIZ" find
 * "Rafael Ortiz", "muller" and "zoe" find "Zoë Müller").
 *
 * Folding happens in the database, in search_fold() (prisma/migrations/20261127000000_speaker_search),
 * for the stored side and for what was typed alike, so both sides are folded by the same code in
 * both database modes. The words of every speaker sit in the GIN index speakers_search_idx; the
 * expression below must stay exactly the index's expression or the queries stop using it
 * (tests/speakers/speaker-search.test.ts checks the plans).
 */
export function speakerWords(speaker: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`array_to_tsvector(string_to_array(search_fold(${speaker}.name, ${speaker}.aliases), ' '))`;
}

/**
 * What was typed, as a prefix query: each folded word becomes 'word':*, all of them required.
 * Typed text without a letter or digit gives no query (NULL), which matches no speaker. The words
 * hold no quote or backslash (search_fold makes them separators or drops them), so quote_literal
 * gives a well-formed tsquery operand.
 */
export function typedWords(q: string): Prisma.Sql {
  return Prisma.sql`(SELECT string_agg(quote_literal(w) || ':*', ' & ')::tsquery
    FROM unnest(string_to_array(search_fold(${q}), ' ')) AS w)`;
}

/** SQL condition: the speaker `alias` (a table alias such as s) matches what was typed. */
export function speakerMatches(q: string, speaker: Prisma.Sql = Prisma.raw("s")): Prisma.Sql {
  return Prisma.sql`${speakerWords(speaker)} @@ ${typedWords(q)}`;
}

/**
 * How well a matching speaker matches, for ordering: 0 the whole name is what was typed, 1 an alias
 * is, 2 the name starts with it, 3 an alias does, 4 some words do. Compared folded.
 */
export function matchRank(q: string, speaker: Prisma.Sql = Prisma.raw("s")): Prisma.Sql {
  const typed = Prisma.sql`search_fold(${q})`;
  const name = Prisma.sql`search_fold(${speaker}.name)`;
  const aliases = Prisma.sql`unnest(coalesce(${speaker}.aliases, ARRAY[]::text[]))`;
  return Prisma.sql`CASE
    WHEN ${name} = ${typed} THEN 0
    WHEN EXISTS (SELECT 1 FROM ${aliases} AS a(n) WHERE search_fold(a.n) = ${typed}) THEN 1
    WHEN starts_with(${name}, ${typed}) THEN 2
    WHEN EXISTS (SELECT 1 FROM ${aliases} AS a(n) WHERE starts_with(search_fold(a.n), ${typed})) THEN 3
    ELSE 4 END`;
}
