// Everything the curation page of an article shows, loaded in one place.
import { getArticle } from "../articles/articles.service.js";
import { claimTypes } from "../claims/claims.schema.js";
import { claimInclude, goldInclude, presentClaim } from "../claims/claims.present.js";
import type { DbClient } from "../db/types.js";
import type { CurrentUser } from "../http/current-user.js";
import { assertCurator } from "../projects/access.js";
import { CodePointIndex } from "../text/code-points.js";
import {
  curationRows,
  curationSentences,
  type CurationClaim,
  type CurationPageData,
  type CurationPageInfo,
  type Decision,
} from "./curation.present.js";
import { codersOf, isOpen } from "./curation.sql.js";
import { Prisma } from "../generated/prisma/client.js";
import { quoted } from "./quote-display.js";

async function coders(db: DbClient, articleId: number) {
  const rows = await db.$queryRaw<{ id: number; name: string; done: boolean }[]>`
    WITH coders AS (${codersOf(Prisma.sql`${articleId}`)})
    SELECT DISTINCT u.id, u.name,
           EXISTS (SELECT 1 FROM article_completions ac WHERE ac.article_id = ${articleId} AND ac.user_id = u.id) AS done
    FROM coders c JOIN users u ON u.id = c.user_id
    ORDER BY u.name, u.id`;
  return rows;
}

function decisionOf(
  row: { goldClaimId: number | null; gold: { deletedAt: Date | null } | null } | null,
): Decision {
  if (!row) return { kind: "open" };
  if (row.goldClaimId === null) return { kind: "rejected" };
  return row.gold?.deletedAt ? { kind: "open" } : { kind: "accepted", goldClaimId: row.goldClaimId };
}

/** The next article of the project, after this one, that is not curated and has claims to decide. */
async function nextToCurate(db: DbClient, projectId: number, articleId: number) {
  const rows = await db.$queryRaw<{ id: number; title: string }[]>`
    SELECT a.id, a.title FROM articles a
    WHERE a.project_id = ${projectId} AND a.id <> ${articleId} AND a.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM article_curations ac WHERE ac.article_id = a.id)
      AND EXISTS (SELECT 1 FROM claims c WHERE c.article_id = a.id AND c.layer = 'annotator'
                  AND c.deleted_at IS NULL AND ${isOpen("c")})
    ORDER BY a.id <= ${articleId}, a.id
    LIMIT 1`;
  return rows[0] ?? null;
}

export async function loadCuration(db: DbClient, user: CurrentUser, articleId: number) {
  const article = await getArticle(db, user, articleId);
  await assertCurator(db, user, article.projectId);
  const [annotators, claimRows, goldRows, curation, project, stances, targets, next] = await Promise.all([
    coders(db, article.id),
    db.claim.findMany({
      where: { articleId: article.id, layer: "annotator", deletedAt: null },
      include: {
        ...claimInclude,
        curationDecision: { select: { goldClaimId: true, gold: { select: { deletedAt: true } } } },
      },
      orderBy: [{ start: "asc" }, { end: "desc" }, { id: "asc" }],
    }),
    db.claim.findMany({
      where: { articleId: article.id, layer: "gold", deletedAt: null },
      include: goldInclude,
      orderBy: [{ start: "asc" }, { end: "desc" }, { id: "asc" }],
    }),
    db.articleCuration.findUnique({
      where: { articleId: article.id },
      select: { curatedAt: true, curatedBy: { select: { name: true } } },
    }),
    db.project.findUniqueOrThrow({
      where: { id: article.projectId },
      select: { id: true, name: true, blind: true },
    }),
    db.stanceLabel.findMany({
      where: { projectId: article.projectId, retired: false },
      orderBy: [{ position: "asc" }, { id: "asc" }],
      select: { key: true, label: true },
    }),
    db.target.findMany({
      where: { projectId: article.projectId, retired: false },
      orderBy: [{ position: "asc" }, { id: "asc" }],
      select: { name: true },
    }),
    nextToCurate(db, article.projectId, article.id),
  ]);
  const body = new CodePointIndex(article.body);
  const claims: CurationClaim[] = claimRows.map((row) => ({
    ...presentClaim(row, body),
    decision: decisionOf(row.curationDecision),
  }));
  const gold = goldRows.map((row) => presentClaim(row, body));
  const sentences = curationSentences(
    article.sentences,
    Array.from(article.body),
    claims,
    gold,
    annotators.map((annotator) => annotator.id),
  );
  const groups = sentences.flatMap((sentence) => sentence.groups);
  return {
    article: { id: article.id, title: article.title, projectId: article.projectId },
    project,
    annotators,
    sentences,
    curation: curation ? { at: curation.curatedAt, by: curation.curatedBy?.name ?? "a former user" } : null,
    counts: {
      open: claims.filter((claim) => claim.decision.kind === "open").length,
      exact: groups.filter((group) => group.exact).length,
      gold: gold.length,
    },
    next,
    choices: { types: [...claimTypes], stances, targets: targets.map((target) => target.name) },
  };
}
export type CurationView = Awaited<ReturnType<typeof loadCuration>>;

/** What the page's script knows of the article besides its groups. */
export function curationPageInfo(view: CurationView): CurationPageInfo {
  return {
    articleId: view.article.id,
    annotators: view.annotators,
    choices: view.choices,
    curated: view.curation !== null,
    waiting: view.counts.open,
    next: view.next ? `/articles/${view.next.id}/curate` : null,
  };
}

/** What the page's script works from (#curation-data). */
export function curationData(view: CurationView): CurationPageData {
  return { ...curationPageInfo(view), groups: view.sentences.flatMap((sentence) => sentence.groups) };
}

/**
 * The locals of views/curation/show.ejs and its parts. `only`: the keys of the rows to draw (the
 * page's script asking for some), or null for all of them.
 */
export function curationLocals(
  view: CurationView,
  options: { confirmCurated?: { waiting: number } | null; only?: ReadonlySet<string> | null } = {},
) {
  return {
    title: `Curate · ${view.article.title}`,
    ...view,
    quoted,
    confirmCurated: options.confirmCurated ?? null,
    only: options.only ?? null,
    rowPrints: new Map(curationRows(view.sentences, view.annotators.length)),
  };
}
