import { Router, type Request, type RequestHandler, type Response } from "express";
import multer from "multer";
import type { PrismaClient } from "../db/types.js";
import { InvalidError } from "../errors.js";
import { flash } from "../http/flash.js";
import { handleForm } from "../http/forms.js";
import { requireLogin } from "../http/guards.js";
import { parseId } from "../http/fields.js";
import { parseInput } from "../http/validate.js";
import { projectIdParam } from "../projects/projects.schema.js";
import { articleInput } from "./articles.schema.js";
import { importArticle } from "./articles.service.js";
import { articleImported } from "./import-words.js";
import {
  importFiles,
  importJsonLines,
  MAX_BULK_BYTES,
  MAX_FILE_BYTES,
  MAX_FILES,
  projectForImport,
  uploadFields,
} from "./import.js";

const receiveFiles = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_FILE_BYTES, files: MAX_FILES, fields: 20, fieldSize: 10_000 },
  defParamCharset: "utf8",
}).array("files", MAX_FILES);

const receiveBulk = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_BULK_BYTES, files: 1, fields: 5, fieldSize: 1_000 },
  defParamCharset: "utf8",
}).single("file");

/**
 * Adding articles to a project, under /projects/:projectId/articles: paste one, upload text or HTML
 * files, or stream a JSON Lines file. For admins and for members allowed to import.
 */
export function importRoutes(prisma: PrismaClient): Router {
  const router = Router({ mergeParams: true });
  router.use(requireLogin);

  const target = (req: Request) =>
    projectForImport(prisma, req.user!, parseId(projectIdParam, req.params.projectId));

  router.get("/new", async (req, res) => {
    const project = await target(req);
    res.render("articles/new", { title: `Add articles to ${project.name}`, project, values: {}, errors: {} });
  });

  router.get("/import", async (req, res) => {
    const project = await target(req);
    res.render("articles/import", { title: `Bulk import into ${project.name}`, project });
  });

  router.post("/", async (req, res) => {
    const project = await target(req);
    const locals = { title: `Add articles to ${project.name}`, project };
    await handleForm(res, { view: "articles/new", locals, values: req.body }, async () => {
      const outcome = await importArticle(prisma, req.user!, project.id, parseInput(articleInput, req.body));
      if (outcome.status === "duplicate") {
        res.status(409).render("articles/new", {
          ...locals,
          values: req.body,
          errors: { _form: `${outcome.reason} Nothing was added.` },
          duplicateOf: outcome.articleId,
        });
        return;
      }
      flash(req, "success", articleImported(outcome.sentences));
      res.redirect(`/articles/${outcome.articleId}`);
    });
  });

  /** Several .txt/.html files at once (sent by public/js/import.js); answers with one report per file. */
  router.post("/upload", async (req, res) => {
    const project = await target(req);
    await receive(receiveFiles, req, res);
    const files = (req.files as Express.Multer.File[] | undefined) ?? [];
    if (files.length === 0) throw new InvalidError("Choose at least one .txt or .html file.", "files");
    const fields = parseInput(uploadFields, req.body);
    if (files.length > 1 && fields.title) {
      throw new InvalidError("A typed title is for one file. Leave Title empty to upload several.", "title");
    }
    const uploads = files.map((file) => ({ name: file.originalname, bytes: file.buffer }));
    const logFailure = (error: unknown, file: string | number) =>
      req.log.error({ err: error, file }, "upload: a file could not be imported");
    res.json({ results: await importFiles(prisma, req.user!, project.id, uploads, fields, logFailure) });
  });

  /** A JSON Lines file; the answer streams one NDJSON report per line, then a summary. */
  router.post("/bulk", async (req, res) => {
    const project = await target(req);
    await receive(receiveBulk, req, res);
    if (!req.file) throw new InvalidError("Choose a JSON Lines file (.jsonl), one article per line.", "file");
    const logFailure = (error: unknown, line: string | number) =>
      req.log.error({ err: error, line }, "bulk import: a line could not be imported");
    await streamLines(res, importJsonLines(prisma, req.user!, project.id, req.file.buffer, logFailure));
  });

  return router;
}

/** Runs a multer handler; its refusals become messages that say what to change. */
function receive(handler: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    void handler(req, res, (error?: unknown) => (error ? reject(uploadProblem(error)) : resolve()));
  });
}

function uploadProblem(error: unknown): InvalidError {
  if (!(error instanceof multer.MulterError)) {
    return new InvalidError("The upload did not arrive complete. Try again.");
  }
  const name = (error as { filename?: string }).filename;
  const messages: Partial<Record<multer.ErrorCode, string>> = {
    LIMIT_FILE_SIZE:
      error.field === "file"
        ? `“${name ?? "The file"}” is larger than 50 MB. Split it into several files.`
        : `“${name ?? "A file"}” is larger than 5 MB. Upload files of at most 5 MB each.`,
    LIMIT_FILE_COUNT: `Upload at most ${MAX_FILES} files at once.`,
    LIMIT_UNEXPECTED_FILE: `Upload at most ${MAX_FILES} files at once, in the form's file field.`,
  };
  return new InvalidError(messages[error.code] ?? `The upload was refused (${error.message}).`, error.field);
}

/** Writes each event as one JSON line as soon as it is ready; stops if the client goes away. */
async function streamLines(res: Response, events: AsyncIterable<unknown>): Promise<void> {
  res.status(200).set({
    "Content-Type": "application/x-ndjson; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Accel-Buffering": "no",
  });
  res.flushHeaders();
  try {
    for await (const event of events) {
      if (res.destroyed) break;
      if (!res.write(`${JSON.stringify(event)}\n`)) await drained(res);
    }
  } catch (error) {
    res.req.log?.error({ err: error }, "bulk import stopped");
    if (!res.destroyed) {
      res.write(
        `${JSON.stringify({ error: "The import stopped on a server error. Run it again: lines already imported are reported as duplicates." })}\n`,
      );
    }
  }
  res.end();
}

function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
