import { compile } from "html-to-text";
import { z } from "zod";
import type { PrismaClient } from "../db/types.js";
import type { CurrentUser } from "../http/current-user.js";
import { storableText } from "../http/fields.js";
import { AppError } from "../errors.js";
import { articleInput, type ArticleInput } from "./articles.schema.js";
import { assertCanImport, importArticle, type ImportOutcome } from "./articles.service.js";

/**
 * Turning uploads into articles: text and HTML files, and JSON Lines bulk files. Parsing is pure;
 * the import functions at the end hand each article to importArticle, which refuses duplicates.
 */

export const MAX_FILE_BYTES = 5 * 1024 * 1024;
export const MAX_FILES = 50;
export const MAX_BULK_BYTES = 50 * 1024 * 1024;

// ------------------------------------------------------------------------------------ decoding

/** Windows-1252 characters of bytes 0x80-0x9F (Node without full ICU reads them as Latin-1 controls). */
const CP1252_HIGH =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

/**
 * UTF-8 (a byte-order mark dropped), or UTF-16 when the file starts with its byte-order mark (as
 * Windows Notepad saves "Unicode"); bytes that are not UTF-8 are read as Windows-1252.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return Buffer.from(bytes)
      .toString("latin1")
      .replace(/[\u0080-\u009f]/g, (char) => CP1252_HIGH[char.charCodeAt(0) - 0x80]!);
  }
}

/** How many UTF-16 units of `text` match `pattern` (global): counted by the regex engine, not char by char. */
const countOf = (text: string, pattern: RegExp) => text.length - text.replace(pattern, "").length;

/**
 * Why a decoded file is no text, or undefined when it is: more than 2% control characters (and
 * more than two), or fewer than 40% letters among the visible characters (2,000 random bytes, a
 * picture, UTF-16 without its byte-order mark, a word-processor file saved as .txt). A stray NUL
 * is dropped from the body at import, and Windows-1252 text is text: decodeText reads it.
 */
export function notTextReason(text: string): string | undefined {
  const visibleText = text.replace(/[\t\n\r\f\v ]+/g, "");
  const visible = visibleText.length;
  const controls = countOf(visibleText, /[\p{Cc}\uFFFD]/gu);
  const letters = countOf(visibleText, /\p{L}/gu);
  if (visible === 0) return undefined;
  if (controls > Math.max(2, visible * 0.02)) return "is mostly control characters or binary data, not text";
  if (letters < visible * 0.4) return "holds too few letters to be an article (binary data?)";
  return undefined;
}

// ---------------------------------------------------------------------------------- HTML, text

const headings = ["h1", "h2", "h3", "h4", "h5", "h6"].map((selector) => ({
  selector,
  options: { uppercase: false },
}));
/** Page furniture that is not article text. */
const dropped = [
  ...["script", "style", "template", "noscript", "head", "title"],
  ...["nav", "aside", "footer", "form", "button", "select", "iframe", "svg", "img"],
];

/** Article text: paragraphs separated by blank lines, links as their words, page furniture dropped. */
const htmlToText = compile({
  wordwrap: false,
  selectors: [
    ...dropped.map((selector) => ({ selector, format: "skip" })),
    ...headings,
    { selector: "a", options: { ignoreHref: true } },
    { selector: "p", options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
    { selector: "div", options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
    { selector: "section", format: "block", options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
    { selector: "blockquote", format: "block", options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
    { selector: "ul", options: { itemPrefix: "- " } },
    { selector: "tr", format: "block" },
    { selector: "td", format: "inlineSurround", options: { suffix: " " } },
    { selector: "th", format: "inlineSurround", options: { suffix: " " } },
  ],
});

/** The text of the first element matching `selector`, or "" when there is none. */
function firstText(selector: string) {
  const convert = compile({
    wordwrap: false,
    baseElements: { selectors: [selector], returnDomByDefault: false },
    limits: { maxBaseElements: 1 },
    selectors: [...headings, { selector: "a", options: { ignoreHref: true } }],
  });
  return (html: string) => convert(html).replace(/\s+/g, " ").trim();
}
const titleOf = firstText("title");
const firstHeadingOf = firstText("h1");

export interface ParsedDocument {
  /** The document's own title ("" when it has none). */
  title: string;
  body: string;
}

export function parseHtml(html: string): ParsedDocument {
  return { title: titleOf(html) || firstHeadingOf(html), body: htmlToText(html) };
}

/** A plain text file: its first non-empty line is the title, the rest the body. */
export function parseText(text: string): ParsedDocument {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n?|\n/);
  const first = lines.findIndex((line) => line.trim() !== "");
  if (first < 0) return { title: "", body: "" };
  return { title: lines[first]!.trim(), body: lines.slice(first + 1).join("\n") };
}

export type FileKind = "text" | "html";

/** Which parser a file name calls for, or undefined for a file we do not read. */
export function fileKind(fileName: string): FileKind | undefined {
  const extension = /\.([^.]+)$/.exec(fileName.toLowerCase())?.[1];
  if (extension === "txt" || extension === "text") return "text";
  if (extension === "html" || extension === "htm") return "html";
  return undefined;
}

/**
 * The article fields of one uploaded file. A title typed in the form wins; otherwise the HTML's
 * <title> (or first <h1>), or the first line of a text file (which then leaves the body).
 */
export function documentFromFile(kind: FileKind, bytes: Uint8Array, formTitle: string): ParsedDocument {
  return documentFromText(kind, decodeText(bytes), formTitle);
}

function documentFromText(kind: FileKind, text: string, formTitle: string): ParsedDocument {
  if (kind === "html") {
    const parsed = parseHtml(text);
    return { title: formTitle || parsed.title, body: parsed.body };
  }
  return formTitle ? { title: formTitle, body: text } : parseText(text);
}

// --------------------------------------------------------------------------------- JSON Lines

export interface JsonLine {
  /** 1-based line number in the file. */
  line: number;
  /** The line's text, or null when its bytes are not UTF-8. */
  text: string | null;
}

/** The non-blank lines of a JSON Lines file, one at a time, each decoded on its own. */
export function* jsonLines(bytes: Uint8Array): Generator<JsonLine> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  let start = 0;
  let line = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    line += 1;
    const text = decodeLine(decoder, bytes.subarray(start, end));
    if (text === null || text.trim() !== "") yield { line, text };
    start = end + 1;
  }
}

function decodeLine(decoder: InstanceType<typeof TextDecoder>, bytes: Uint8Array): string | null {
  try {
    return decoder.decode(bytes).replace(/\r$/, "");
  } catch {
    return null;
  }
}

export type ParsedLine =
  { ok: true; article: z.output<typeof articleInput> } | { ok: false; message: string };

/** One line as an article, or the reason it is not one ("not valid JSON: ...", "body: ..."). */
export function parseArticleLine(text: string | null): ParsedLine {
  if (text === null) {
    return {
      ok: false,
      message: "the line is not UTF-8 text: save the file as UTF-8 (JSON Lines is always UTF-8)",
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    return { ok: false, message: `not valid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, message: "each line must be one JSON object with title and body" };
  }
  const result = articleInput.safeParse(value);
  if (result.success) return { ok: true, article: result.data };
  return { ok: false, message: describeIssues(result.error.issues) };
}

export function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join(" ");
}

// ---------------------------------------------------------------------------------- importing

/** The form fields shared by every uploaded file; a typed title only makes sense for one file. */
export const uploadFields = articleInput
  .pick({ outlet: true, byline: true, publishedAt: true, language: true })
  .extend({
    title: storableText("Title")
      .optional()
      .transform((value) => (value ?? "").normalize("NFC").trim())
      .refine((value) => value.length <= 500, { message: "Titles are at most 500 characters." }),
  });
export type UploadFields = z.output<typeof uploadFields>;

export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
}

export type ImportStatus = "imported" | "duplicate" | "invalid";

export interface FileReport {
  file: string;
  status: ImportStatus;
  articleId?: number;
  message?: string;
}

/** Imports uploaded files one after the other; a bad file is reported and the others still go in. */
export async function importFiles(
  prisma: PrismaClient,
  user: CurrentUser,
  projectId: number,
  files: UploadedFile[],
  fields: UploadFields,
  onUnexpected?: UnexpectedFailure,
): Promise<FileReport[]> {
  const reports: FileReport[] = [];
  for (const file of files) {
    const kind = fileKind(file.name);
    if (!kind) {
      reports.push({ file: file.name, status: "invalid", message: "only .txt and .html files can be read" });
      continue;
    }
    // Decoded once: checked for being text, then read as the article.
    const text = decodeText(file.bytes);
    const notText = notTextReason(text);
    if (notText) {
      reports.push({
        file: file.name,
        status: "invalid",
        message: `${notText}: upload the article as a .txt or .html text file`,
      });
      continue;
    }
    const document = documentFromText(kind, text, fields.title);
    const problem = !document.body.trim()
      ? "no article text found in the file"
      : !document.title
        ? "no title found: type one in the Title field, or upload the files one by one"
        : undefined;
    const parsed = problem ? undefined : articleInput.safeParse({ ...fields, ...document });
    if (!parsed?.success) {
      const message = problem ?? describeIssues(parsed!.error!.issues);
      reports.push({ file: file.name, status: "invalid", message });
      continue;
    }
    const outcome = await importOne(prisma, user, projectId, parsed.data, (error) =>
      onUnexpected?.(error, file.name),
    );
    reports.push(
      outcome.status === "imported"
        ? { file: file.name, status: "imported", articleId: outcome.articleId }
        : outcome.status === "duplicate"
          ? { file: file.name, status: "duplicate", articleId: outcome.articleId, message: outcome.reason }
          : { file: file.name, status: "invalid", message: outcome.message },
    );
  }
  return reports;
}

/** Called with an unexpected failure of one file or line, so the route can log it; the import goes on. */
export type UnexpectedFailure = (error: unknown, where: string | number) => void;

const FAILED_MESSAGE =
  "could not be stored because of a server problem (it has been logged); import it again to retry";

/**
 * One article of a file or line. A refusal (bad input) or an unexpected failure becomes that item's
 * report, so one bad item never stops the others.
 */
async function importOne(
  prisma: PrismaClient,
  user: CurrentUser,
  projectId: number,
  article: ArticleInput,
  onUnexpected: (error: unknown) => void,
): Promise<ImportOutcome | { status: "failed"; message: string }> {
  try {
    return await importArticle(prisma, user, projectId, article);
  } catch (error) {
    if (error instanceof AppError) return { status: "failed", message: error.message };
    onUnexpected(error);
    return { status: "failed", message: FAILED_MESSAGE };
  }
}

export type LineReport =
  | { line: number; status: "imported"; articleId: number }
  | { line: number; status: "duplicate"; articleId: number; message: string }
  | { line: number; status: "invalid"; message: string };

export interface BulkSummary {
  done: true;
  imported: number;
  duplicates: number;
  invalid: number;
  total: number;
}

/**
 * Imports a JSON Lines file line by line, reporting each line as it goes: first { total }, then one
 * report per non-blank line, then the summary. Good lines go in even when others are bad; an
 * article already there (or earlier in the file) is reported as a duplicate, never added twice.
 */
export async function* importJsonLines(
  prisma: PrismaClient,
  user: CurrentUser,
  projectId: number,
  bytes: Uint8Array,
  onUnexpected?: UnexpectedFailure,
): AsyncGenerator<{ total: number } | LineReport | BulkSummary> {
  let total = 0;
  for (const _line of jsonLines(bytes)) total += 1;
  yield { total };
  const counts = { imported: 0, duplicates: 0, invalid: 0 };
  const lineOfArticle = new Map<number, number>();
  for (const { line, text } of jsonLines(bytes)) {
    const parsed = parseArticleLine(text);
    if (!parsed.ok) {
      counts.invalid += 1;
      yield { line, status: "invalid", message: parsed.message };
      continue;
    }
    const outcome = await importOne(prisma, user, projectId, parsed.article, (error) =>
      onUnexpected?.(error, line),
    );
    if (outcome.status === "failed") {
      counts.invalid += 1;
      yield { line, status: "invalid", message: outcome.message };
    } else if (outcome.status === "imported") {
      counts.imported += 1;
      lineOfArticle.set(outcome.articleId, line);
      yield { line, status: "imported", articleId: outcome.articleId };
    } else {
      counts.duplicates += 1;
      const earlier = lineOfArticle.get(outcome.articleId);
      const message = earlier
        ? `${outcome.reason.replace(/\.$/, "")}: the one from line ${earlier} of this file.`
        : outcome.reason;
      yield { line, status: "duplicate", articleId: outcome.articleId, message };
    }
  }
  yield { done: true, ...counts, total };
}

/** The project an import goes into, after checking the user may import there (404, else 403). */
export async function projectForImport(prisma: PrismaClient, user: CurrentUser, projectId: number) {
  await assertCanImport(prisma, user, projectId);
  return prisma.project.findUniqueOrThrow({ where: { id: projectId }, select: { id: true, name: true } });
}
