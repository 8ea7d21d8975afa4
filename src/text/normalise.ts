import { createHash } from "node:crypto";

/**
 * Control characters other than tab and line breaks (NUL, backspace, escape, C1 controls…) have no
 * place in article text and some cannot be stored; a byte-order mark is not text either.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufeff]/g;

/**
 * How an article body is stored, the form every offset into it refers to: NFC, "\n" line endings,
 * no control characters, lone surrogates as U+FFFD, no trailing spaces on lines, at most one blank
 * line between paragraphs.
 */
export function normaliseBody(raw: string): string {
  return (
    raw
      .toWellFormed()
      .replace(/\r\n?/g, "\n")
      .replace(CONTROL_CHARACTERS, "")
      // After the removal: a combining mark that followed a control character may now compose.
      .normalize("NFC")
      .replace(/[ \t\u00a0]+$/gm, "")
      .replace(/\n{3,}/g, "\n\n")
      .trim()
  );
}

export function bodyHash(normalisedBody: string): string {
  return createHash("sha256").update(normalisedBody, "utf8").digest("hex");
}
