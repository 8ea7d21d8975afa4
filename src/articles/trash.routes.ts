import { Router } from "express";
import type { PrismaClient } from "../db/types.js";
import { requireRole } from "../http/guards.js";
import { listTrash } from "./trash.service.js";

/** The trash of every project, GET /admin/trash, for admins: what was deleted, by whom, and Restore. */
export function trashRoutes(prisma: PrismaClient): Router {
  const router = Router();
  router.get("/", requireRole("admin"), async (_req, res) => {
    res.render("articles/trash", { title: "Trash", articles: await listTrash(prisma) });
  });
  return router;
}
