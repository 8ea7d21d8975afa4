// The suggestions of an article as the workspace and the API give them: the built-in suggester's
// and those stored from outside, as each project allows, without what an annotator dismissed or
// has claimed already; and storing external suggestions, checked like claims.
import { visibleSpeakers } from "../speakers/speaker-visibility.js";
import { assertCanImport, getArticle } from "../articles/articles.service.js";
import { recordAudit } from "../audit/audit.service.js";
import { checkSpans } from "../claims/claims.service.js";
import type { DbClient, PrismaClient } from "../db/types.js";
import { InvalidError, PayloadTooLargeError, type FieldProblem } from "../errors.js";
import { Prisma } from "../generated/prisma/client.js";
import type { CurrentUser } from "../http/current-user.js";
import { CodePointIndex, codePointLength } from "../text/code-points.js";
import { OffThread, OffThreadError } from "../threads/off-thread.js";
import { TextCache } from "../threads/text-cache.js";
import { suggestAttributions, withLearnedMentions, withRegistry, type RegistrySpeaker } from "./suggest.js";
import type { SuggestInput } from "./suggest.worker.js";
import { NO_EVIDENCE, type ProjectEvidence } from "./project-evidence.js";
import { projectEvidence } from "./project-evidence.query.js";
import type { ArticleSuggestion, Suggestion } from "./suggestion.types.js";
import { proposedTarget } from "./target-proposal.js";

export type { ArticleSuggestion };
import {
  EXTERNAL_SUGGESTIONS_PER_ARTICLE_MAX,
  SUGGESTED_CHARACTERS_PER_ARTICLE_MAX,
  SUGGESTIONS_PER_REQUEST_MAX,
  tooManyPerRequest,
  type ExternalSuggestionsInput,
} from "./suggestions.schema.js";
import { suggestionsFromCitron, type CitronImport } from "./citron-import.js";

type ExternalRow = Awaited<ReturnType<typeof externalRows>>[number];

/** The article's external suggestions: at most as many as it may hold, should older data hold more. */
function externalRows(db: DbClient, articleId: number) {
  return db.externalSuggestion.findMany({
    where: { articleId },
    orderBy: [{ start: "asc" }, { id: "asc" }],
    take: EXTERNAL_SUGGESTIONS_PER_ARTICLE_MAX,
  });
}

/**
 * Articles up to this long get the built-in suggester on the request's own thread (tens of
 * milliseconds); longer ones in a worker thread (4 s for 2,000,000 characters), whose results are
 * kept by the text's hash: the workspace asks for them at every visit.
 */
export const SUGGEST_INLINE_MAX = 20_000;
export const suggestLimits = {
  /**
   * A run in the worker that takes longer is stopped, and the article gets no built-in suggestions
   * (a normal 2,000,000-character article needs about 4 s; paragraphs of more than about 64,000
   * characters make Node 20's sentence segmenter quadratic, see src/text/sentences.ts).
   */
  timeoutMs: 15_000,
};
const suggester = new OffThread<SuggestInput, Suggestion[]>(new URL("./suggest.worker.js", import.meta.url), {
  timeoutMs: () => suggestLimits.timeoutMs,
  heapMb: 512,
});
/** The built-in suggester's findings for long texts (before registry speakers are matched). */
const suggestedCache = new TextCache<Suggestion[]>(8_000_000);

export async function builtinSuggestions(
  body: string,
  speakers: RegistrySpeaker[],
  evidence: ProjectEvidence = NO_EVIDENCE,
): Promise<Suggestion[]> {
  if (body.length <= SUGGEST_INLINE_MAX) return suggestAttributions(body, speakers, evidence);
  const key = TextCache.keyOf(body, evidence.cueWords.join("\n"));
  let found = suggestedCache.get(key);
  if (!found) {
    try {
      found = await suggester.run({ body, cueWords: evidence.cueWords });
    } catch (error) {
      if (!(error instanceof OffThreadError)) throw error;
      found = [];
    }
    suggestedCache.set(key, found, body.length);
  }
  return withLearnedMentions(withRegistry(found, speakers), evidence.mentions);
}

function presentExternal(row: ExternalRow, body: CodePointIndex): ArticleSuggestion {
  const span = (start: number | null, end: number | null) =>
    start === null || end === null ? null : { start, end, text: body.slice(start, end) };
  const speaker =
    row.speakerId !== null
      ? { id: row.speakerId }
      : row.speakerName
        ? {
            name: row.speakerName,
            ...(row.speakerRole ? { role: row.speakerRole } : {}),
            ...(row.speakerAffiliation ? { affiliation: row.speakerAffiliation } : {}),
          }
        : null;
  return {
    key: `external:${row.id}`,
    source: row.source,
    start: row.start,
    end: row.end,
    quote: row.quote,
    type: row.type,
    cue: span(row.cueStart, row.cueEnd),
    speakerMention: span(row.mentionStart, row.mentionEnd),
    speaker,
    confidence: row.confidence ?? 0.5,
    speakerName: row.speakerName,
  };
}

/**
 * The article's suggestions the project allows. `forAnnotator` leaves out what that user
 * dismissed and what overlaps one of their claims (the workspace's view).
 */
export async function articleSuggestions(
  db: DbClient,
  user: CurrentUser,
  articleId: number,
  options: { forAnnotator?: boolean } = {},
): Promise<ArticleSuggestion[]> {
  const article = await getArticle(db, user, articleId);
  const project = await db.project.findUniqueOrThrow({
    where: { id: article.projectId },
    select: {
      suggestBuiltin: true,
      suggestExternal: true,
      targets: { where: { retired: false }, orderBy: { position: "asc" }, select: { name: true } },
    },
  });
  const targetNames = project.targets.map((target) => target.name);
  const body = new CodePointIndex(article.body);
  const [speakers, external, evidence] = await Promise.all([
    // Only the speakers the registry shows this user (a blind project hides colleagues' ones).
    project.suggestBuiltin ? visibleSpeakers(db, user, article.projectId) : [],
    project.suggestExternal ? externalRows(db, article.id) : [],
    project.suggestBuiltin ? projectEvidence(db, user, article.projectId) : NO_EVIDENCE,
  ]);
  const builtin = project.suggestBuiltin
    ? (await builtinSuggestions(article.body, speakers, evidence)).map((suggestion) => ({
        ...suggestion,
        key: `builtin:${suggestion.start}-${suggestion.end}`,
        source: "built-in",
        speakerName: suggestion.speaker && "name" in suggestion.speaker ? suggestion.speaker.name : null,
      }))
    : [];
  const all = [...builtin, ...external.map((row) => presentExternal(row, body))]
    .map((item) => (item.target ? item : withTarget(item, proposedTarget(item.quote, targetNames))))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const registryIds = [
    ...new Set(all.flatMap((item) => (item.speaker && "id" in item.speaker ? [item.speaker.id] : []))),
  ];
  if (registryIds.length) {
    const names = new Map(
      (
        await db.speaker.findMany({ where: { id: { in: registryIds } }, select: { id: true, name: true } })
      ).map((speaker) => [speaker.id, speaker.name]),
    );
    for (const item of all)
      if (item.speaker && "id" in item.speaker) item.speakerName = names.get(item.speaker.id) ?? null;
  }
  if (!options.forAnnotator) return all;
  const [dismissed, claims] = await Promise.all([
    db.suggestionDismissal.findMany({ where: { articleId, userId: user.id }, select: { key: true } }),
    db.claim.findMany({
      where: { articleId, annotatorId: user.id, layer: "annotator", deletedAt: null },
      select: { start: true, end: true },
    }),
  ]);
  const hidden = new Set(dismissed.map((row) => row.key));
  const claimed = (suggestion: ArticleSuggestion) =>
    claims.some((claim) => claim.start < suggestion.end && suggestion.start < claim.end);
  return all.filter((suggestion) => !hidden.has(suggestion.key) && !claimed(suggestion));
}

/** Characters of a suggestion's spans: quote, cue and speaker mention (code points). */
function spanCharacters(suggestion: ExternalSuggestionsInput["suggestions"][number]): number {
  const length = (span: { start: number; end: number } | null | undefined) =>
    span ? Math.max(0, span.end - span.start) : 0;
  return suggestion.end - suggestion.start + length(suggestion.cue) + length(suggestion.speakerMention);
}

/**
 * The article keeps at most EXTERNAL_SUGGESTIONS_PER_ARTICLE_MAX external suggestions, with at most
 * SUGGESTED_CHARACTERS_PER_ARTICLE_MAX characters in their spans, once these are stored (those of
 * the same source counted out when they are to be replaced). One store per article at a time, so
 * that two cannot both pass the check.
 */
async function assertArticleRoom(tx: DbClient, articleId: number, input: ExternalSuggestionsInput) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`claimant:suggestions:${articleId}`}, 0))`;
  const [kept] = await tx.$queryRaw<{ count: number; characters: number }[]>`
    SELECT count(*)::int AS count,
           COALESCE(SUM(("end" - start) + COALESCE(cue_end - cue_start, 0)
                        + COALESCE(mention_end - mention_start, 0)), 0)::float8 AS characters
    FROM external_suggestions
    WHERE article_id = ${articleId}
      ${input.replace === false ? Prisma.empty : Prisma.sql`AND source <> ${input.source}`}`;
  const count = kept!.count + input.suggestions.length;
  const characters = kept!.characters + input.suggestions.reduce((sum, s) => sum + spanCharacters(s), 0);
  const already = `The article already has ${kept!.count.toLocaleString("en")} external suggestions${input.replace === false ? "" : " from other sources"}`;
  const remedy = `Replace a source's suggestions instead of adding to them ("replace": true, the default), or store fewer.`;
  if (count > EXTERNAL_SUGGESTIONS_PER_ARTICLE_MAX) {
    throw new PayloadTooLargeError(
      `${already}; with these ${input.suggestions.length.toLocaleString("en")} it would have ${count.toLocaleString("en")}, and an article holds at most ${EXTERNAL_SUGGESTIONS_PER_ARTICLE_MAX.toLocaleString("en")}. ${remedy}`,
      { name: "externalSuggestionsPerArticle", value: EXTERNAL_SUGGESTIONS_PER_ARTICLE_MAX },
    );
  }
  if (characters > SUGGESTED_CHARACTERS_PER_ARTICLE_MAX) {
    throw new PayloadTooLargeError(
      `${already}; with these, their quotes, cues and speaker mentions would span ${characters.toLocaleString("en")} characters, and an article's suggestions span at most ${SUGGESTED_CHARACTERS_PER_ARTICLE_MAX.toLocaleString("en")}. ${remedy}`,
      { name: "suggestedCharactersPerArticle", value: SUGGESTED_CHARACTERS_PER_ARTICLE_MAX },
    );
  }
}

/**
 * One INSERT of column arrays: Prisma's createMany spent about a second of this thread's time on
 * 2,000 rows (building and compiling the query), holding up every other request meanwhile.
 */
async function insertSuggestions(
  tx: DbClient,
  articleId: number,
  userId: number,
  input: ExternalSuggestionsInput,
): Promise<number> {
  const column = <T>(value: (suggestion: ExternalSuggestionsInput["suggestions"][number]) => T) =>
    input.suggestions.map(value);
  const named = (suggestion: ExternalSuggestionsInput["suggestions"][number]) =>
    suggestion.speaker && "name" in suggestion.speaker ? suggestion.speaker : null;
  return tx.$executeRaw`
    INSERT INTO external_suggestions
      (article_id, source, start, "end", quote, type, speaker_id, speaker_name, speaker_role,
       speaker_affiliation, mention_start, mention_end, cue_start, cue_end, confidence, created_by_id)
    SELECT ${articleId}, ${input.source}, s.start, s."end", s.quote, s.type::"ClaimType", s.speaker_id,
           s.speaker_name, s.speaker_role, s.speaker_affiliation, s.mention_start, s.mention_end,
           s.cue_start, s.cue_end, s.confidence, ${userId}
    FROM unnest(
      ${column((x) => x.start)}::int[], ${column((x) => x.end)}::int[], ${column((x) => x.quote)}::text[],
      ${column((x) => x.type)}::text[],
      ${column((x) => (x.speaker && "id" in x.speaker ? x.speaker.id : null))}::int[],
      ${column((x) => named(x)?.name ?? null)}::text[],
      ${column((x) => named(x)?.role ?? null)}::text[],
      ${column((x) => named(x)?.affiliation ?? null)}::text[],
      ${column((x) => x.speakerMention?.start ?? null)}::int[],
      ${column((x) => x.speakerMention?.end ?? null)}::int[],
      ${column((x) => x.cue?.start ?? null)}::int[],
      ${column((x) => x.cue?.end ?? null)}::int[],
      ${column((x) => x.confidence ?? null)}::float8[]
    ) WITH ORDINALITY AS s(start, "end", quote, type, speaker_id, speaker_name, speaker_role,
                           speaker_affiliation, mention_start, mention_end, cue_start, cue_end,
                           confidence, position)
    ORDER BY s.position`;
}

/** Stores suggestions from outside for an article: offsets and quotes checked as a claim's are. */
export async function storeExternalSuggestions(
  prisma: PrismaClient,
  user: CurrentUser,
  articleId: number,
  input: ExternalSuggestionsInput,
  citron = false,
) {
  if (input.suggestions.length > SUGGESTIONS_PER_REQUEST_MAX) {
    throw tooManyPerRequest(input.suggestions.length, citron);
  }
  // Checked before the transaction: it holds only the writes (and the checks they depend on).
  const article = await getArticle(prisma, user, articleId);
  await assertCanImport(prisma, user, article.projectId);
  const body = new CodePointIndex(article.body);
  const problems: FieldProblem[] = [];
  input.suggestions.forEach((suggestion, index) => {
    // A quote of another length than its span is wrong whatever it says: said so without
    // comparing (or quoting back) a span that may be the whole of a 2,000,000-character article.
    const { start, end, quote } = suggestion;
    if (end > start && end <= body.length && codePointLength(quote) !== end - start) {
      problems.push({
        field: `suggestions.${index}.quote`,
        message: `Suggestion ${index + 1}: quote does not match the article text at ${start}..${end}: the quote has ${codePointLength(quote)} characters, the span ${end - start}. Offsets count Unicode code points of the body.`,
      });
      return;
    }
    try {
      checkSpans(body, {
        start: suggestion.start,
        end: suggestion.end,
        quote: suggestion.quote,
        mentionStart: suggestion.speakerMention?.start ?? null,
        mentionEnd: suggestion.speakerMention?.end ?? null,
        cueStart: suggestion.cue?.start ?? null,
        cueEnd: suggestion.cue?.end ?? null,
      });
    } catch (error) {
      if (!(error instanceof InvalidError)) throw error;
      for (const problem of error.problems) {
        problems.push({
          field: `suggestions.${index}.${problem.field ?? "start"}`,
          message: `Suggestion ${index + 1}: ${problem.message}`,
        });
      }
    }
  });
  const speakerIds = input.suggestions.flatMap((suggestion) =>
    suggestion.speaker && "id" in suggestion.speaker ? [suggestion.speaker.id] : [],
  );
  const known = new Set(
    (
      await prisma.speaker.findMany({
        where: { projectId: article.projectId, id: { in: speakerIds } },
        select: { id: true },
      })
    ).map((speaker) => speaker.id),
  );
  input.suggestions.forEach((suggestion, index) => {
    if (suggestion.speaker && "id" in suggestion.speaker && !known.has(suggestion.speaker.id)) {
      problems.push({
        field: `suggestions.${index}.speaker`,
        message: `Suggestion ${index + 1}: speaker ${suggestion.speaker.id} is not a speaker of this project; send { "name": … } for a new one.`,
      });
    }
  });
  if (problems.length) throw new InvalidError(problems.slice(0, 50));
  // The transaction holds the writes alone: at most SUGGESTIONS_PER_REQUEST_MAX rows in one
  // statement, given 20 s (not Prisma's default 5) so that a busy server still gets them in.
  return prisma.$transaction(
    async (tx) => {
      await assertArticleRoom(tx, articleId, input);
      const replaced =
        input.replace === false
          ? 0
          : (await tx.externalSuggestion.deleteMany({ where: { articleId, source: input.source } })).count;
      const count = await insertSuggestions(tx, articleId, user.id, input);
      await recordAudit(tx, {
        actorId: user.id,
        action: "suggestions.store",
        subjectType: "article",
        subjectId: articleId,
        after: { source: input.source, stored: count, replaced },
      });
      return { source: input.source, stored: count, replaced };
    },
    { timeout: 20_000 },
  );
}

/** A Citron document's quotes stored as external suggestions of the article. */
export async function importCitron(
  prisma: PrismaClient,
  user: CurrentUser,
  articleId: number,
  input: CitronImport,
) {
  const article = await getArticle(prisma, user, articleId);
  await assertCanImport(prisma, user, article.projectId);
  const suggestions = suggestionsFromCitron(article.body, input);
  return storeExternalSuggestions(
    prisma,
    user,
    articleId,
    { source: input.source, replace: input.replace, suggestions },
    true,
  );
}

export async function dismissSuggestion(db: DbClient, user: CurrentUser, articleId: number, key: string) {
  await getArticle(db, user, articleId);
  await db.suggestionDismissal.upsert({
    where: { articleId_userId_key: { articleId, userId: user.id, key } },
    create: { articleId, userId: user.id, key },
    update: {},
  });
}

export async function undismissSuggestion(db: DbClient, user: CurrentUser, articleId: number, key: string) {
  await getArticle(db, user, articleId);
  await db.suggestionDismissal.deleteMany({ where: { articleId, userId: user.id, key } });
}

const withTarget = <T extends ArticleSuggestion>(item: T, target: string | undefined): T =>
  target ? { ...item, target } : item;
