// What agreement is computed over: the articles that at least two annotators (of those chosen)
// marked done, each done annotator's live claims on them, and the articles' sentences. Read in a
// few set queries whatever the project's size.
import type { DbClient } from "../db/types.js";
import { Prisma } from "../generated/prisma/client.js";
import type { Span } from "./span-matching.js";

export interface StudyClaim extends Span {
  type: string;
  stanceId: number | null;
  targetId: number | null;
  speakerId: number | null;
}

export interface StudyArticle {
  id: number;
  title: string;
  sentences: Span[];
  /** The annotators who marked it done, by id, ascending. */
  coders: number[];
  /** Each coder's claims, in the order of `coders`. */
  claims: StudyClaim[][];
}

export interface StudyScope {
  annotatorIds?: readonly number[];
  articleIds?: readonly number[];
}

export interface StudyData {
  articles: StudyArticle[];
  annotators: Map<number, string>;
  stances: Map<number, string>;
  targets: Map<number, string>;
  speakers: Map<number, string>;
}

const idList = (ids: readonly number[]) => Prisma.sql`${[...ids]}::int[]`;

export async function loadStudy(db: DbClient, projectId: number, scope: StudyScope): Promise<StudyData> {
  const done = await db.$queryRaw<{ articleId: number; userId: number }[]>`
    SELECT ac.article_id AS "articleId", ac.user_id AS "userId"
    FROM article_completions ac JOIN articles a ON a.id = ac.article_id
    WHERE a.project_id = ${projectId} AND a.deleted_at IS NULL
      ${scope.annotatorIds ? Prisma.sql`AND ac.user_id = ANY(${idList(scope.annotatorIds)})` : Prisma.empty}
      ${scope.articleIds ? Prisma.sql`AND ac.article_id = ANY(${idList(scope.articleIds)})` : Prisma.empty}
    ORDER BY ac.article_id, ac.user_id`;
  const codersOf = new Map<number, number[]>();
  for (const row of done) codersOf.set(row.articleId, [...(codersOf.get(row.articleId) ?? []), row.userId]);
  const studied = [...codersOf].filter(([, coders]) => coders.length >= 2).map(([id]) => id);

  const [articles, claims, sentences, labels] = await Promise.all([
    db.$queryRaw<{ id: number; title: string }[]>`
      SELECT id, title FROM articles WHERE id = ANY(${idList(studied)}) ORDER BY id`,
    db.$queryRaw<(StudyClaim & { articleId: number; annotatorId: number })[]>`
      SELECT c.article_id AS "articleId", c.annotator_id AS "annotatorId", c.start, c."end",
             c.type::text AS type, c.stance_id AS "stanceId", c.target_id AS "targetId",
             c.speaker_id AS "speakerId"
      FROM claims c
      JOIN article_completions ac ON ac.article_id = c.article_id AND ac.user_id = c.annotator_id
      WHERE c.article_id = ANY(${idList(studied)}) AND c.deleted_at IS NULL AND c.layer = 'annotator'
      ORDER BY c.article_id, c.annotator_id, c.start, c."end", c.id`,
    db.$queryRaw<{ articleId: number; start: number; end: number }[]>`
      SELECT article_id AS "articleId", start, "end" FROM sentences
      WHERE article_id = ANY(${idList(studied)}) ORDER BY article_id, index`,
    loadLabels(db, projectId),
  ]);

  const sentencesOf = groupBy(sentences, (row) => row.articleId);
  const claimsOf = groupBy(claims, (row) => `${row.articleId}:${row.annotatorId}`);
  const annotatorIds = new Set(done.map((row) => row.userId));
  return {
    articles: articles.map((article) => {
      const coders = codersOf.get(article.id)!;
      return {
        id: article.id,
        title: article.title,
        sentences: (sentencesOf.get(article.id) ?? []).map(({ start, end }) => ({ start, end })),
        coders,
        claims: coders.map((coder) => (claimsOf.get(`${article.id}:${coder}`) ?? []).map(studyClaim)),
      };
    }),
    annotators: await loadNames(db, [...annotatorIds]),
    ...labels,
  };
}

function studyClaim(row: StudyClaim): StudyClaim {
  const { start, end, type, stanceId, targetId, speakerId } = row;
  return { start, end, type, stanceId, targetId, speakerId };
}

async function loadLabels(db: DbClient, projectId: number) {
  const [stances, targets, speakers] = await Promise.all([
    db.stanceLabel.findMany({ where: { projectId }, select: { id: true, key: true } }),
    db.target.findMany({ where: { projectId }, select: { id: true, name: true } }),
    db.speaker.findMany({ where: { projectId }, select: { id: true, name: true } }),
  ]);
  return {
    stances: new Map(stances.map((stance) => [stance.id, stance.key])),
    targets: new Map(targets.map((target) => [target.id, target.name])),
    speakers: new Map(speakers.map((speaker) => [speaker.id, speaker.name])),
  };
}

async function loadNames(db: DbClient, ids: number[]): Promise<Map<number, string>> {
  const users = await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  return new Map(users.map((user) => [user.id, user.name]));
}

function groupBy<T, K>(rows: readonly T[], keyOf: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}
