// Claims in Citron's JSON format (BBC R&D's quote extraction system, docs/data_format.md of
// github.com/bbc/citron): one document per article, { text, quotes }, each quote with its cue,
// sources (the speaker mention), contents (the claim's span) and coreferences (where the
// speaker's name appears, when the mention is a pronoun or a role). Offsets count code points,
// as Python's string indices and Claimant's do. One JSON document a line.
import { claimsWhere, type ClaimFilters } from "../claims/claims.filters.js";
import { Prisma } from "../generated/prisma/client.js";
import type { CurrentUser } from "../http/current-user.js";
import { CodePointIndex } from "../text/code-points.js";
import type { KeysetPage } from "./export-query.js";

export interface CitronSpan {
  start: number;
  end: number;
  text: string;
}

export interface CitronQuote {
  id?: string;
  cue: CitronSpan;
  sources: CitronSpan[];
  contents: CitronSpan[];
  coreferences?: CitronSpan[];
  confidence?: number;
}

export interface CitronDocument {
  text: string;
  quotes: CitronQuote[];
}

interface ClaimCells {
  id: number;
  start: number;
  end: number;
  cueStart: number | null;
  cueEnd: number | null;
  mentionStart: number | null;
  mentionEnd: number | null;
  speaker: string | null;
}

/** One row per article with matching claims: its body and those claims, in text order. */
export function citronExportQuery(filters: ClaimFilters, viewer: CurrentUser, page?: KeysetPage): Prisma.Sql {
  return Prisma.sql`
    SELECT a.id AS article_id, a.body AS text,
           json_agg(json_build_object(
             'id', c.id, 'start', c.start, 'end', c."end", 'cueStart', c.cue_start, 'cueEnd', c.cue_end,
             'mentionStart', c.mention_start, 'mentionEnd', c.mention_end, 'speaker', s.name)
             ORDER BY c.start, c.id) AS claims
    FROM claims c JOIN articles a ON a.id = c.article_id LEFT JOIN speakers s ON s.id = c.speaker_id
    WHERE ${claimsWhere(filters, viewer)} ${page?.after != null ? Prisma.sql`AND a.id > ${page.after}` : Prisma.empty}
    GROUP BY a.id, a.body
    ORDER BY a.id ${page ? Prisma.sql`LIMIT ${page.limit}` : Prisma.empty}`;
}

/** Where a name first appears in the text as whole words, in code points. */
function nameSpan(index: CodePointIndex, name: string): CitronSpan | null {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, "u").exec(index.text);
  if (!match) return null;
  const start = index.toCodePoint(match.index);
  return { start, end: start + Array.from(name).length, text: name };
}

/**
 * A document from an article and its claims. Claims without a cue have no Citron quote (Citron's
 * quotes always have one) and are left out.
 */
export function citronDocument(text: string, claims: readonly ClaimCells[]): CitronDocument {
  const index = new CodePointIndex(text);
  const span = (start: number, end: number): CitronSpan => ({ start, end, text: index.slice(start, end) });
  const quotes: CitronQuote[] = [];
  for (const claim of claims) {
    if (claim.cueStart === null || claim.cueEnd === null) continue;
    const source =
      claim.mentionStart !== null && claim.mentionEnd !== null
        ? span(claim.mentionStart, claim.mentionEnd)
        : null;
    const named =
      claim.speaker && source && source.text !== claim.speaker ? nameSpan(index, claim.speaker) : null;
    quotes.push({
      id: String(claim.id),
      cue: span(claim.cueStart, claim.cueEnd),
      sources: source ? [source] : [],
      contents: [span(claim.start, claim.end)],
      coreferences: named ? [named] : [],
    });
  }
  return { text, quotes };
}

export async function* citronLines(rows: AsyncIterable<Record<string, unknown>>): AsyncGenerator<string> {
  for await (const row of rows) {
    const claims = (typeof row.claims === "string" ? JSON.parse(row.claims) : row.claims) as ClaimCells[];
    yield `${JSON.stringify(citronDocument(String(row.text), claims))}\n`;
  }
}
