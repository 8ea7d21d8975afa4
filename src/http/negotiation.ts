import type { Request } from "express";

/** API paths, and clients that prefer JSON, get JSON errors; browsers get pages. */
export function wantsJson(req: Request): boolean {
  // originalUrl: inside a router mounted at /api/v1, req.path has lost the prefix.
  if (req.originalUrl.startsWith("/api/")) return true;
  return req.accepts(["html", "json"]) === "json";
}
