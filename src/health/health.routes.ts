import { Router } from "express";
import type { Database } from "../db/database.js";
import { publicRoute } from "../http/guards.js";

/** GET /healthz: 200 when the database answers, 503 when it does not (load balancers use this). */
export function healthRoutes(db: Database, isShuttingDown: () => boolean): Router {
  const router = Router();
  router.get("/healthz", publicRoute, async (_req, res) => {
    if (isShuttingDown()) return res.status(503).json({ status: "shutting_down" });
    try {
      await withTimeout(db.prisma.$queryRaw`SELECT 1`, 3000);
      res.json({ status: "ok", database: db.kind });
    } catch {
      res.status(503).json({ status: "unavailable", database: db.kind });
    }
  });
  return router;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timed out")), ms);
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
