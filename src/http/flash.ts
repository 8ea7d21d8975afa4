import type { NextFunction, Request, Response } from "express";

/** One-shot messages carried across a redirect in the session (post/redirect/get). */
export function flash(req: Request, kind: "success" | "error", message: string): void {
  req.session.flash = [...(req.session.flash ?? []), { kind, message }];
}

export function exposeFlash(req: Request, res: Response, next: NextFunction) {
  res.locals.flash = req.session?.flash ?? [];
  if (req.session?.flash) delete req.session.flash;
  next();
}
