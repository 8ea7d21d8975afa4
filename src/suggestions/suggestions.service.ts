// The suggestions of an article as the workspace and the API give them: the built-in suggester's
// and those stored from outside, as each project allows, without what an annotator dismissed or
// has claimed already; and storing external suggestions, checked like claims.
import { assertCanImport, getArticle } from "../articles/articles.service.js";
import { recordAudit } from "../audit/audit.service.js";
import { checkSpans } from "../claims/claims.service.js";
import type { DbClient, PrismaClient } from "../db/types.js";
import { InvalidError, type FieldProblem } from "../errors.js";
import type { CurrentUser } from "../http/current-user.js";
import { CodePointIndex } from "../text/code-points.js";
import { suggestAttributions } from "./suggest.js";
import type { ArticleSuggestion } from "./suggestion.types.js";

export type { ArticleSuggestion };
import type { ExternalSuggestionsInput } from "./suggestions.schema.js";
import { suggestionsFromCitron, type CitronImport } from "./citron-import.js";

type ExternalRow = Awaited<ReturnType<typeof externalRows>>[number];

function externalRows(db: DbClient, articleId: number) {
  return db.externalSuggestion.findMany({ where: { articleId }, orderBy: [{ start: "asc" }, { id: "asc" }] });
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
    select: { suggestBuiltin: true, suggestExternal: true },
  });
  const body = new CodePointIndex(article.body);
  const [speakers, external] = await Promise.all([
    project.suggestBuiltin
      ? db.speaker.findMany({
          where: { projectId: article.projectId },
          select: { id: true, name: true, aliases: true },
        })
      : [],
    project.suggestExternal ? externalRows(db, article.id) : [],
  ]);
  const builtin = project.suggestBuiltin
    ? suggestAttributions(article.body, speakers).map((suggestion) => ({
        ...suggestion,
        key: `builtin:${suggestion.start}-${suggestion.end}`,
        source: "built-in",
        speakerName: suggestion.speaker && "name" in suggestion.speaker ? suggestion.speaker.name : null,
      }))
    : [];
  const all = [...builtin, ...external.map((row) => presentExternal(row, body))].sort(
    (a, b) => a.start - b.start || a.end - b.end,
  );
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

/** Stores suggestions from outside for an article: offsets and quotes checked as a claim's are. */
export async function storeExternalSuggestions(
  prisma: PrismaClient,
  user: CurrentUser,
  articleId: number,
  input: ExternalSuggestionsInput,
) {
  return prisma.$transaction(async (tx) => {
    const article = await getArticle(tx, user, articleId);
    await assertCanImport(tx, user, article.projectId);
    const body = new CodePointIndex(article.body);
    const problems: FieldProblem[] = [];
    input.suggestions.forEach((suggestion, index) => {
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
        await tx.speaker.findMany({
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
    const replaced =
      input.replace === false
        ? 0
        : (await tx.externalSuggestion.deleteMany({ where: { articleId, source: input.source } })).count;
    const { count } = await tx.externalSuggestion.createMany({
      data: input.suggestions.map((suggestion) => {
        const speaker = suggestion.speaker;
        return {
          articleId,
          source: input.source,
          start: suggestion.start,
          end: suggestion.end,
          quote: suggestion.quote,
          type: suggestion.type,
          speakerId: speaker && "id" in speaker ? speaker.id : null,
          speakerName: speaker && "name" in speaker ? speaker.name : null,
          speakerRole: speaker && "name" in speaker ? (speaker.role ?? null) : null,
          speakerAffiliation: speaker && "name" in speaker ? (speaker.affiliation ?? null) : null,
          mentionStart: suggestion.speakerMention?.start ?? null,
          mentionEnd: suggestion.speakerMention?.end ?? null,
          cueStart: suggestion.cue?.start ?? null,
          cueEnd: suggestion.cue?.end ?? null,
          confidence: suggestion.confidence ?? null,
          createdById: user.id,
        };
      }),
    });
    await recordAudit(tx, {
      actorId: user.id,
      action: "suggestions.store",
      subjectType: "article",
      subjectId: articleId,
      after: { source: input.source, stored: count, replaced },
    });
    return { source: input.source, stored: count, replaced };
  });
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
  return storeExternalSuggestions(prisma, user, articleId, {
    source: input.source,
    replace: input.replace,
    suggestions,
  });
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
