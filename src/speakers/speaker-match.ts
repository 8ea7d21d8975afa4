import { Prisma } from "../generated/prisma/client.js";

/**
 * The one matching rule for speakers, used by the speaker picker, the speakers page, the API's `q`
 * and the Claims page's speaker filter: every word typed must be the start of some word of the
 * speaker's name or of one of its aliases, ignoring case and accents ("raf ort" and "ORTIZ" find
 * "Rafael Ortiz", "muller" and "zoe" find "Zoë Müller").
 *
 * Folding happens in the database, in search_fold() (prisma/migrations/20261127000000_speaker_search),
 * for the stored side and for what was typed alike, so both sides are folded by the same code in
 * both database modes. The words of every speaker, speaker_words(name, aliases), sit in the GIN
 * index speakers_search_idx; queries must call it exactly so to use the index
 * (tests/speakers/speaker-search.test.ts checks the plans).
 */
export function speakerWords(speaker: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`speaker_words(${speaker}.name, ${speaker}.aliases)`;
}

/**
 * What was typed, as a prefix query: each folded word becomes 'word':*, all of them required.
 * Typed text without a letter or digit gives no query (NULL), which matches no speaker. The words
 * hold no quote or backslash (search_fold makes them separators or drops them), so quote_literal
 * gives a well-formed tsquery operand. A subquery, so that it is worked out once per statement.
 */
export function typedWords(q: string): Prisma.Sql {
  return Prisma.sql`(SELECT string_agg(quote_literal(w) || ':*', ' & ')::tsquery
    FROM unnest(string_to_array(search_fold(${q}), ' ')) AS w)`;
}

/** SQL condition: the speaker `speaker` (a table alias such as s) matches what was typed. */
export function speakerMatches(q: string, speaker: Prisma.Sql = Prisma.raw("s")): Prisma.Sql {
  return Prisma.sql`${speakerWords(speaker)} @@ ${typedWords(q)}`;
}
