import { plural } from "../text/plural.js";
import { Router, type Response } from "express";
import { articleIdParam } from "../articles/articles.schema.js";
import { scriptJson } from "../articles/workspace.present.js";
import type { PrismaClient } from "../db/types.js";
import { flash } from "../http/flash.js";
import { requireLogin } from "../http/guards.js";
import { parseId } from "../http/fields.js";
import { parseInput, parseInputFor } from "../http/validate.js";
import { projectIdParam } from "../projects/projects.schema.js";
import type { CurrentUser } from "../http/current-user.js";
import { ClaimsWaitingError } from "./curation.errors.js";
import type { CurationState } from "./curation.present.js";
import { curatedForm, stateQuery } from "./curation.schema.js";
import {
  acceptExactAgreements,
  assertCuratesArticle,
  setCurated,
  type ExactOutcome,
} from "./curation.service.js";
import { curationData, curationLocals, curationPageInfo, loadCuration } from "./curation.view.js";

export const messages = {
  curated: "Marked the article curated.",
  uncurated: "Marked the article not curated: it waits for curation again.",
};

/** What accepting exact agreements did, in words. */
export function exactOutcomeMessage(outcome: ExactOutcome): string {
  if (outcome.goldClaims === 0 && outcome.curated === 0) {
    return "Nothing to accept: no claim that every annotator made the same way is waiting for a decision.";
  }
  return (
    `Accepted ${plural(outcome.goldClaims, "exact agreement")} into the gold layer ` +
    `(${plural(outcome.sources, "annotator claim")}); ${plural(outcome.curated, "article")} marked curated.`
  );
}

/** Renders a part of the curation page (views/curation/_*.ejs) to a string. */
function renderPart(res: Response, view: string, locals: object): Promise<string> {
  return new Promise((resolve, reject) => {
    res.render(`curation/${view}`, locals, (error: Error | null, html?: string) =>
      error ? reject(error) : resolve(html ?? ""),
    );
  });
}

/**
 * The curation page of an article (/articles/:articleId/curate), its state for the page's script
 * (…/curate/state: the parts that change after a decision, drawn by the same views), its "Mark
 * curated" form, and the project-wide "accept every exact agreement" form
 * (/projects/:projectId/curation/accept-exact). Curators only: the routes admit any signed-in
 * user and the service checks curatorship on the project.
 */
export function curationRoutes(prisma: PrismaClient): Router {
  const router = Router();

  async function renderPage(
    res: Response,
    user: CurrentUser,
    articleId: number,
    confirmCurated: { waiting: number } | null = null,
  ) {
    const view = await loadCuration(prisma, user, articleId);
    res.render("curation/show", {
      ...curationLocals(view, { confirmCurated }),
      curationJson: scriptJson(curationData(view)),
    });
  }

  router.get("/articles/:articleId/curate", requireLogin, async (req, res) => {
    await renderPage(res, req.user!, parseId(articleIdParam, req.params.articleId));
  });

  router.get("/articles/:articleId/curate/state", requireLogin, async (req, res) => {
    const articleId = parseId(articleIdParam, req.params.articleId);
    const { rows: only } = await parseInputFor(stateQuery, req.query, () =>
      assertCuratesArticle(prisma, req.user!, articleId),
    );
    const view = await loadCuration(prisma, req.user!, articleId);
    const locals = curationLocals(view, { only });
    const [rows, counts, toolbar, curated] = await Promise.all([
      renderPart(res, "_rows", locals),
      renderPart(res, "_counts", locals),
      renderPart(res, "_toolbar", locals),
      renderPart(res, "_curated-badge", locals),
    ]);
    const groups = view.sentences
      .flatMap((sentence) => sentence.groups)
      .filter((group) => !only || only.has(`g${group.index}`));
    const state: CurationState = {
      page: curationPageInfo(view),
      rows: [...locals.rowPrints],
      groups: Object.fromEntries(groups.map((group) => [String(group.index), group])),
      html: { rows, counts, toolbar, curated },
    };
    res.set("Cache-Control", "no-store").json(state);
  });

  // The "Mark curated" button without the page's script (with it, the page asks through the API).
  router.post("/articles/:articleId/curate/curated", requireLogin, async (req, res) => {
    const articleId = parseId(articleIdParam, req.params.articleId);
    await assertCuratesArticle(prisma, req.user!, articleId);
    const { curated, confirm } = parseInput(curatedForm, req.body ?? {});
    try {
      await setCurated(prisma, req.user!, articleId, curated, { confirm });
    } catch (error) {
      if (!(error instanceof ClaimsWaitingError)) throw error;
      res.status(422);
      return renderPage(res, req.user!, articleId, { waiting: error.waiting });
    }
    flash(req, "success", curated ? messages.curated : messages.uncurated);
    res.redirect(`/articles/${articleId}/curate`);
  });

  router.post("/projects/:projectId/curation/accept-exact", requireLogin, async (req, res) => {
    const projectId = parseId(projectIdParam, req.params.projectId);
    const outcome = await acceptExactAgreements(prisma, req.user!, { projectId });
    flash(req, "success", exactOutcomeMessage(outcome));
    res.redirect(`/projects/${projectId}`);
  });

  return router;
}
