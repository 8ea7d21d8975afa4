import type { NextFunction, Request, Response } from "express";

/**
 * A filter form sends every field, empty ones too (`?project=&speaker=&stance=favor`). Links,
 * bookmarks and the address bar read better without them: such a request is sent once to the same
 * page with only the parameters that say something.
 */
export function withoutEmptyParameters(req: Request, res: Response, next: NextFunction) {
  const at = req.originalUrl.indexOf("?");
  if (at < 0) return next();
  const params = new URLSearchParams(req.originalUrl.slice(at + 1));
  const kept = new URLSearchParams([...params].filter(([, value]) => value.trim() !== ""));
  if (kept.size === params.size) return next();
  const query = kept.toString();
  res.redirect(302, `${req.originalUrl.slice(0, at)}${query ? `?${query}` : ""}`);
}
