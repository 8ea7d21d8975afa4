import type { DbClient } from "../db/types.js";
import { Prisma } from "../generated/prisma/client.js";
import { speakerWords } from "./speaker-match.js";
import { scopeOf, speakerScope, type RegistryView } from "./speaker-visibility.js";

/**
 * Names close to existing speakers, so that "Zoe Muller" is not created beside "Zoë Müller" by
 * accident. All comparisons are of folded names (search_fold: no case, no accents, words separated
 * by single spaces), word by word:
 * - same_letters: the same words ("Zoe Muller" and "Zoë Müller", "J Doe" and "J. Doe");
 * - initials: the same last word, and the given names agree where one is an initial
 *   ("J. Doe" and "Jane Doe", "Jane A. Doe" and "Jane Doe"; not "John Doe" and "Jane Doe");
 * - surname_only: one of the two is the other's last word alone ("Doe" and "Jane Doe").
 */
export type Likeness = "same_letters" | "initials" | "surname_only";

const strength: Record<Likeness, number> = { same_letters: 0, initials: 1, surname_only: 2 };

/** Two given names agree when equal or when one is a single letter that starts the other. */
function sameGivenName(a: string, b: string): boolean {
  return a === b || (a.length === 1 && b.startsWith(a)) || (b.length === 1 && a.startsWith(b));
}

/** How the folded name `wanted` resembles the folded name `known`, if it does. */
export function likeness(wanted: string, known: string): Likeness | undefined {
  if (!wanted || !known) return undefined;
  if (wanted === known) return "same_letters";
  const a = wanted.split(" ");
  const b = known.split(" ");
  if (a.at(-1) !== b.at(-1)) return undefined;
  const givenA = a.slice(0, -1);
  const givenB = b.slice(0, -1);
  if (givenA.length === 0 || givenB.length === 0) return "surname_only";
  const [shorter, longer] = givenA.length <= givenB.length ? [givenA, givenB] : [givenB, givenA];
  return shorter.every((word, index) => sameGivenName(word, longer[index]!)) ? "initials" : undefined;
}

export interface SimilarSpeaker {
  id: number;
  name: string;
  role: string;
  affiliation: string;
  aliases: string[];
  claimCount: number;
  /** Why it was offered. */
  likeness: Likeness;
  /** The name or alias that resembles the new name, as the speaker spells it. */
  matched: string;
}

interface CandidateRow {
  wanted: string;
  id: number;
  name: string;
  role: string;
  affiliation: string;
  aliases: string[];
  claimCount: number;
  foldedNames: string[];
}

/**
 * The project's speakers whose name or an alias resembles `name`, the closest and most quoted
 * first. Only speakers sharing its last word can resemble it; they are found through the search
 * index (an exact word, not a prefix), then compared here. With `view`, only the speakers that
 * viewer sees, with the counts they are shown (speaker-visibility.ts); without, every speaker.
 */
export async function similarSpeakers(
  db: DbClient,
  projectId: number,
  name: string,
  view?: RegistryView,
): Promise<SimilarSpeaker[]> {
  const scope = view ? scopeOf(view) : speakerScope(0, false);
  const rows = await db.$queryRaw<CandidateRow[]>`
    SELECT search_fold(${name}) AS wanted, s.id, s.name, s.role, s.affiliation,
           coalesce(s.aliases, ARRAY[]::text[]) AS aliases,
           ${scope.claimCount} AS "claimCount",
           ARRAY(SELECT search_fold(n) FROM unnest(array_prepend(s.name, coalesce(s.aliases, ARRAY[]::text[]))) AS n)
             AS "foldedNames"
    FROM speakers s
    WHERE s.project_id = ${projectId} AND ${scope.where}
      AND ${speakerWords(Prisma.raw("s"))} @@ (SELECT quote_literal(substring(search_fold(${name}) from '[^ ]+$'))::tsquery)
    LIMIT 200`;
  const found: SimilarSpeaker[] = [];
  for (const row of rows) {
    const names = [row.name, ...row.aliases];
    let best: { likeness: Likeness; matched: string } | undefined;
    row.foldedNames.forEach((folded, index) => {
      const how = likeness(row.wanted, folded);
      if (how && (!best || strength[how] < strength[best.likeness]))
        best = { likeness: how, matched: names[index]! };
    });
    if (!best) continue;
    const { id, name: speakerName, role, affiliation, aliases, claimCount } = row;
    found.push({ id, name: speakerName, role, affiliation, aliases, claimCount, ...best });
  }
  return found.sort(
    (a, b) =>
      strength[a.likeness] - strength[b.likeness] ||
      b.claimCount - a.claimCount ||
      a.name.localeCompare(b.name) ||
      a.id - b.id,
  );
}

const why: Record<Likeness, string> = {
  same_letters: "the same name but for accents, case or punctuation",
  initials: "the same surname, with an initial for a first name",
  surname_only: "the same surname",
};

/** The message of the 409: what resembles what, and the two ways on. */
export function similarMessage(name: string, candidates: SimilarSpeaker[]): string {
  const first = candidates[0]!;
  const spelled =
    first.matched === first.name ? `"${first.name}"` : `"${first.matched}" (an alias of "${first.name}")`;
  const others = candidates.length > 1 ? ` and ${candidates.length - 1} more` : "";
  return (
    `"${name}" looks like ${spelled}${others}, already in this project (${why[first.likeness]}). ` +
    `Choose "${first.name}", or confirm that "${name}" is someone else.`
  );
}
