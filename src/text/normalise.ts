import { createHash } from "node:crypto";

/** How an article body is stored: the form every offset into it refers to. */

/** NFC, "\n" line endings, no trailing spaces on lines, at most one blank line between paragraphs. */
export function normaliseBody(raw: string): string {
  return raw
    .normalize("NFC")
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t\u00a0]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export function bodyHash(normalisedBody: string): string {
  return createHash("sha256").update(normalisedBody, "utf8").digest("hex");
}
