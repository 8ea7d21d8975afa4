import type { NextFunction, Request, Response } from "express";
import { InvalidError } from "../errors.js";

/** JSON deeper than this is no claim, article or form: refuse it before anything walks it. */
const MAX_DEPTH = 32;

/**
 * The boundary every request crosses before any route: text the database cannot store never gets
 * further. A NUL character anywhere in the query or the body is a 422 naming the field; lone UTF-16
 * surrogates in JSON text (which UTF-8 cannot encode) become U+FFFD, so no offset shifts.
 * guardQuery runs first of all; guardBody right after the body parsers.
 */
export function guardQuery(req: Request, _res: Response, next: NextFunction) {
  try {
    checkNoNul(req.query, "");
    next();
  } catch (error) {
    next(error);
  }
}

export function guardBody(req: Request, _res: Response, next: NextFunction) {
  try {
    if (req.body !== undefined) req.body = wellFormed(req.body);
    next();
  } catch (error) {
    next(error);
  }
}

function nulProblem(field: string): InvalidError {
  return new InvalidError(
    `${field} contains a NUL character (\\u0000), which cannot be stored. Remove it and send again.`,
    field,
  );
}

function checkNoNul(value: unknown, path: string): void {
  walk(value, path, (text, field) => {
    if (text.includes("\u0000")) throw nulProblem(field || "query");
    return text;
  });
}

/**
 * The same boundary for JSON that arrives another way (a line of a JSON Lines upload): throws a
 * 422 InvalidError for NUL, turns lone surrogates into U+FFFD.
 */
export function wellFormed(value: unknown): unknown {
  return walk(value, "", (text, field) => {
    if (text.includes("\u0000")) throw nulProblem(field || "body");
    return text.toWellFormed();
  });
}

/** Rewrites every string (and checks every key) of a JSON-like value with an explicit stack, not recursion. */
function walk(root: unknown, rootPath: string, visit: (text: string, field: string) => string): unknown {
  if (typeof root === "string") return visit(root, rootPath);
  if (typeof root !== "object" || root === null) return root;
  const stack: { node: Record<string, unknown>; path: string; depth: number }[] = [
    { node: root as Record<string, unknown>, path: rootPath, depth: 1 },
  ];
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop()!;
    if (depth > MAX_DEPTH) {
      throw new InvalidError(`The request nests data more than ${MAX_DEPTH} levels deep. Send it flatter.`);
    }
    for (const key of Object.keys(node)) {
      const field = path ? `${path}.${key}` : key;
      visit(key, field);
      const child = node[key];
      if (typeof child === "string") node[key] = visit(child, field);
      else if (typeof child === "object" && child !== null) {
        stack.push({ node: child as Record<string, unknown>, path: field, depth: depth + 1 });
      }
    }
  }
  return root;
}
