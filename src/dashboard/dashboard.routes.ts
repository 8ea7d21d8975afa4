import { Router } from "express";
import { requireLogin } from "../http/guards.js";

export function dashboardRoutes(): Router {
  const router = Router();
  router.get("/", requireLogin, (_req, res) => {
    res.render("dashboard/index", { title: "Dashboard" });
  });
  return router;
}
