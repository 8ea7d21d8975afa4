import { Router } from "express";
import { articleIdParam } from "../articles/articles.schema.js";
import { assertArticleVisible } from "../articles/articles.service.js";
import type { PrismaClient } from "../db/types.js";
import { requireLogin, requireRole } from "../http/guards.js";
import { parseId } from "../http/fields.js";
import { parseInput } from "../http/validate.js";
import {
  dismissalInput,
  externalSuggestionsInput,
  SUGGESTIONS_PER_REQUEST_MAX,
  suggestionsInBody,
  tooManyPerRequest,
} from "./suggestions.schema.js";
import { citronImportInput, suggestionsInCitron } from "./citron-import.js";
import {
  articleSuggestions,
  dismissSuggestion,
  importCitron,
  storeExternalSuggestions,
  undismissSuggestion,
} from "./suggestions.service.js";

/**
 * Attribution suggestions under /api/v1 (docs/api.md, Suggestions): read them, store them from
 * outside (admins and members allowed to import), and dismiss them one by one (annotators, admins).
 */
export function suggestionsApiRoutes(prisma: PrismaClient): Router {
  const router = Router();
  const annotating = requireRole("admin", "annotator");

  router.get("/articles/:id/suggestions", requireLogin, async (req, res) => {
    const articleId = parseId(articleIdParam, req.params.id);
    const forAnnotator = req.query.for === "me";
    res.json({ suggestions: await articleSuggestions(prisma, req.user!, articleId, { forAnnotator }) });
  });

  router.post("/articles/:id/suggestions", requireLogin, async (req, res) => {
    const articleId = parseId(articleIdParam, req.params.id);
    await assertArticleVisible(prisma, req.user!, articleId);
    const count = suggestionsInBody(req.body);
    if (count > SUGGESTIONS_PER_REQUEST_MAX) throw tooManyPerRequest(count, false);
    const input = parseInput(externalSuggestionsInput, req.body);
    res.status(201).json(await storeExternalSuggestions(prisma, req.user!, articleId, input));
  });

  router.post("/articles/:id/suggestions/citron", requireLogin, async (req, res) => {
    const articleId = parseId(articleIdParam, req.params.id);
    await assertArticleVisible(prisma, req.user!, articleId);
    const count = suggestionsInCitron(req.body);
    if (count > SUGGESTIONS_PER_REQUEST_MAX) throw tooManyPerRequest(count, true);
    const input = parseInput(citronImportInput, req.body);
    res.status(201).json(await importCitron(prisma, req.user!, articleId, input));
  });

  router.post("/articles/:id/suggestions/dismissals", annotating, async (req, res) => {
    const articleId = parseId(articleIdParam, req.params.id);
    await assertArticleVisible(prisma, req.user!, articleId);
    await dismissSuggestion(prisma, req.user!, articleId, parseInput(dismissalInput, req.body).key);
    res.status(204).end();
  });

  router.delete("/articles/:id/suggestions/dismissals", annotating, async (req, res) => {
    const articleId = parseId(articleIdParam, req.params.id);
    await assertArticleVisible(prisma, req.user!, articleId);
    await undismissSuggestion(
      prisma,
      req.user!,
      articleId,
      parseInput(dismissalInput, { ...req.query, ...(req.body as object) }).key,
    );
    res.status(204).end();
  });

  return router;
}
