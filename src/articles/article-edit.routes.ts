import { Router } from "express";
import type { PrismaClient } from "../db/types.js";
import { ConflictError } from "../errors.js";
import { flash } from "../http/flash.js";
import { handleForm } from "../http/forms.js";
import { parseId } from "../http/fields.js";
import { requireLogin } from "../http/guards.js";
import { parseInput, parseInputFor } from "../http/validate.js";
import { articleDetailsInput, articleIdParam, articleVersionInput } from "./articles.schema.js";
import { articleForEditing, updateArticleDetails } from "./articles.service.js";
import { articleInTrash, assertArticleKnown, deleteArticle, restoreArticle } from "./trash.service.js";

type EditedArticle = Awaited<ReturnType<typeof articleForEditing>>;

/** What the form sent besides its CSRF token, which the strict details schema does not know. */
function formFields(body: unknown): Record<string, unknown> {
  const { _csrf: _token, ...fields } = (body ?? {}) as Record<string, unknown>;
  return fields;
}

/** The form's values as the article holds them. */
function valuesOf(article: EditedArticle) {
  return {
    version: article.version,
    title: article.title,
    outlet: article.outlet,
    byline: article.byline,
    url: article.url ?? "",
    publishedAt: article.publishedAt?.toISOString().slice(0, 10) ?? "",
    language: article.language,
  };
}

function editLocals(
  article: EditedArticle,
  extra: { values?: unknown; errors?: Record<string, string> } = {},
) {
  return {
    title: `Edit details of ${article.title}`,
    article,
    values: extra.values ?? valuesOf(article),
    errors: extra.errors ?? {},
  };
}

/**
 * Correcting an article's details from its page (GET and POST /articles/:id/edit), deleting it
 * (POST /articles/:id/delete, then /articles/:id/deleted with Undo) and restoring it: admins and
 * the project's curators (the services check the project), with the version check of every edit.
 */
export function articleEditRoutes(prisma: PrismaClient): Router {
  const router = Router();

  router.get("/:id/edit", requireLogin, async (req, res) => {
    const article = await articleForEditing(prisma, req.user!, parseId(articleIdParam, req.params.id));
    res.render("articles/edit", editLocals(article));
  });

  router.post("/:id/edit", requireLogin, async (req, res) => {
    const articleId = parseId(articleIdParam, req.params.id);
    const article = await articleForEditing(prisma, req.user!, articleId);
    try {
      await handleForm(
        res,
        { view: "articles/edit", locals: editLocals(article), values: req.body },
        async () => {
          const saved = await updateArticleDetails(
            prisma,
            req.user!,
            articleId,
            parseInput(articleDetailsInput, formFields(req.body)),
          );
          flash(req, "success", `Saved the details of “${saved.title}”.`);
          res.redirect(`/articles/${articleId}`);
        },
      );
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      // Show what is saved now beside what they typed; a second save then goes through knowingly.
      const current = await articleForEditing(prisma, req.user!, articleId);
      res.status(409).render(
        "articles/edit",
        editLocals(current, {
          values: { ...(req.body as object), version: current.version },
          errors: { _form: error.message },
        }),
      );
    }
  });

  // The article and its claims go to the trash; the page after it offers Undo.
  router.post("/:id/delete", requireLogin, async (req, res) => {
    const articleId = parseId(articleIdParam, req.params.id);
    const { version } = await parseInputFor(articleVersionInput, formFields(req.body), () =>
      assertArticleKnown(prisma, req.user!, articleId),
    );
    await deleteArticle(prisma, req.user!, articleId, version);
    res.redirect(`/articles/${articleId}/deleted`);
  });

  router.get("/:id/deleted", requireLogin, async (req, res) => {
    const articleId = parseId(articleIdParam, req.params.id);
    const article = await articleInTrash(prisma, req.user!, articleId);
    if (!article) return res.redirect(`/articles/${articleId}`);
    res.render("articles/deleted", { title: `Deleted ${article.title}`, article });
  });

  router.post("/:id/restore", requireLogin, async (req, res) => {
    const articleId = parseId(articleIdParam, req.params.id);
    const { version } = await parseInputFor(articleVersionInput, formFields(req.body), () =>
      assertArticleKnown(prisma, req.user!, articleId),
    );
    const restored = await restoreArticle(prisma, req.user!, articleId, version);
    flash(
      req,
      "success",
      `Restored “${restored.title}” with ${restored.claims} claim${restored.claims === 1 ? "" : "s"}.`,
    );
    res.redirect(`/articles/${articleId}`);
  });

  return router;
}
