import { Router } from "express";
import type { PrismaClient } from "../db/types.js";
import { ConflictError } from "../errors.js";
import { flash } from "../http/flash.js";
import { handleForm } from "../http/forms.js";
import { parseId } from "../http/fields.js";
import { requireLogin } from "../http/guards.js";
import { parseInput } from "../http/validate.js";
import { articleDetailsInput, articleIdParam } from "./articles.schema.js";
import { articleForEditing, updateArticleDetails } from "./articles.service.js";

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
 * Correcting an article's details from its page, GET and POST /articles/:id/edit: admins and the
 * project's curators (the service checks the project), with the version check of every edit.
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

  return router;
}
