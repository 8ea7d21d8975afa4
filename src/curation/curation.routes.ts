import { plural } from "../text/plural.js";
import { Router } from "express";
import { articleIdParam } from "../articles/articles.schema.js";
import { scriptJson } from "../articles/workspace.present.js";
import type { PrismaClient } from "../db/types.js";
import { flash } from "../http/flash.js";
import { requireLogin } from "../http/guards.js";
import { parseId } from "../http/fields.js";
import { projectIdParam } from "../projects/projects.schema.js";
import { comparedFields } from "./curation.present.js";
import { acceptExactAgreements, type ExactOutcome } from "./curation.service.js";
import { loadCuration } from "./curation.view.js";

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

/**
 * The curation page of an article (/articles/:articleId/curate) and the project-wide "accept
 * every exact agreement" form (/projects/:projectId/curation/accept-exact). Curators only: the
 * route admits any signed-in user and the service checks curatorship on the project.
 */
export function curationRoutes(prisma: PrismaClient): Router {
  const router = Router();

  router.get("/articles/:articleId/curate", requireLogin, async (req, res) => {
    const articleId = parseId(articleIdParam, req.params.articleId);
    const view = await loadCuration(prisma, req.user!, articleId);
    res.render("curation/show", {
      title: `Curate · ${view.article.title}`,
      ...view,
      fields: comparedFields,
      curationJson: scriptJson({
        articleId: view.article.id,
        annotators: view.annotators,
        groups: view.sentences.flatMap((sentence) => sentence.groups),
        choices: view.choices,
        curated: view.curation !== null,
        next: view.next ? `/articles/${view.next.id}/curate` : null,
      }),
    });
  });

  router.post("/projects/:projectId/curation/accept-exact", requireLogin, async (req, res) => {
    const projectId = parseId(projectIdParam, req.params.projectId);
    const outcome = await acceptExactAgreements(prisma, req.user!, { projectId });
    flash(req, "success", exactOutcomeMessage(outcome));
    res.redirect(`/projects/${projectId}`);
  });

  return router;
}
