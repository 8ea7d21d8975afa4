import type { NextFunction, Request, Response } from "express";

/**
 * Saves a changed session before a redirect leaves. express-session saves at the end of a
 * response, but sends the headers first (all of the body but its last byte), and browsers follow
 * a 302 as soon as its headers arrive: on a busy server the next page was read before the flash
 * message ("Assigned …", "Saved") was stored, and the message was lost.
 */
export function saveSessionBeforeRedirect(req: Request, res: Response, next: NextFunction) {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    if (!req.session) return redirect(...args);
    req.session.save((error) => (error ? next(error) : redirect(...args)));
  }) as Response["redirect"];
  next();
}
