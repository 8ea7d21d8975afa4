import type { Request } from "express";

/** API paths, and clients that prefer JSON, get JSON errors; browsers get pages. */
export function wantsJson(req: Request): boolean {
  if (req.path.startsWith("/api/")) return true;
  return req.accepts(["html", "json"]) === "json";
}
