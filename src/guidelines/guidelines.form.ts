// The guidelines editor's form is the one form that carries a long text: 200,000 characters
// (GUIDELINES_MAX_LENGTH) are up to 1.8 MB once urlencoded in Greek or CJK and 2.4 MB in emoji
// (each UTF-8 byte of a non-ASCII character becomes %XX: 9 and 12 bytes a character), far past
// the 256 kB the other forms need. Its save gets a parser of its own, ahead of the session and CSRF checks that
// read the parsed body, as every form's parser is.
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { PayloadTooLargeError } from "../errors.js";
import { GUIDELINES_MAX_LENGTH } from "./guidelines.schema.js";

/**
 * Bytes the guidelines form may send: the worst case of GUIDELINES_MAX_LENGTH characters (12 bytes
 * each) with room to spare, so a text somewhat over the limit still gets the editor back with the
 * text in it and the limit named (422), not a bare error page.
 */
export const GUIDELINES_FORM_BYTES_MAX = 4 * 1024 * 1024;

const SAVE_PATH = /^\/projects\/[^/]+\/guidelines\/?$/i;

const guidelinesForm = express.urlencoded({
  extended: false,
  limit: GUIDELINES_FORM_BYTES_MAX,
  parameterLimit: 10,
});

/** The guidelines save's parser for POST /projects/:id/guidelines, `others` for every other request. */
export function guidelinesFormOr(others: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== "POST" || !SAVE_PATH.test(req.path)) return others(req, res, next);
    guidelinesForm(req, res, (error?: unknown) => {
      if ((error as { type?: string } | undefined)?.type === "entity.too.large") {
        return next(
          new PayloadTooLargeError(
            `The guidelines can be at most ${GUIDELINES_MAX_LENGTH.toLocaleString("en")} characters, and this form sent more than ${GUIDELINES_FORM_BYTES_MAX / 1024 / 1024} MB. Shorten the text (or move parts of it to linked documents) and save again.`,
            { name: "guidelinesCharacters", value: GUIDELINES_MAX_LENGTH },
          ),
        );
      }
      next(error as Error | undefined);
    });
  };
}
