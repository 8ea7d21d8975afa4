import { Transform, type TransformCallback } from "node:stream";
import { stringify } from "csv-stringify";
import { claimColumns, type ExportRow } from "./export-query.js";

/** RFC 4180 CSV with a header row and CRLF between records; quotes, commas and line breaks are quoted. */
export function csvStringifier(columns: readonly string[] = claimColumns): Transform {
  return stringify({
    header: true,
    columns: [...columns],
    record_delimiter: "windows",
    cast: { number: String },
  });
}

const QUOTE = 0x22;
const LF = 0x0a;
const CRLF = Buffer.from("\r\n");

/**
 * Postgres COPY ends CSV records with LF; RFC 4180 wants CRLF. Line breaks inside quoted fields
 * are data and stay as they are. UTF-8 never uses these two byte values inside a character, and a
 * doubled quote toggles twice, so a byte scan with one bit of state is exact.
 */
export class CrlfRecords extends Transform {
  private inQuotes = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const parts: Buffer[] = [];
    let from = 0;
    for (let i = 0; i < chunk.length; i += 1) {
      const byte = chunk[i];
      if (byte === QUOTE) this.inQuotes = !this.inQuotes;
      else if (byte === LF && !this.inQuotes) {
        parts.push(chunk.subarray(from, i), CRLF);
        from = i + 1;
      }
    }
    parts.push(chunk.subarray(from));
    callback(null, parts.length === 1 ? chunk : Buffer.concat(parts));
  }
}

export const ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld";

/**
 * One claim as a W3C Web Annotation: the target holds a TextQuoteSelector and a
 * TextPositionSelector on the article; the body carries type, speaker, stance and target.
 */
export function toWebAnnotation(row: ExportRow, baseUrl: string) {
  const body: Record<string, unknown>[] = [
    { type: "TextualBody", purpose: "classifying", value: row.type, format: "text/plain" },
  ];
  if (row.speaker_name !== null) {
    body.push({
      type: "TextualBody",
      purpose: "identifying",
      value: row.speaker_name,
      ...(row.speaker_role ? { role: row.speaker_role } : {}),
    });
  }
  if (row.stance !== null) body.push({ type: "TextualBody", purpose: "assessing", value: row.stance });
  if (row.target !== null) body.push({ type: "TextualBody", purpose: "tagging", value: row.target });
  if (row.note) body.push({ type: "TextualBody", purpose: "commenting", value: row.note });
  return {
    id: `${baseUrl}/api/v1/claims/${row.claim_id}`,
    type: "Annotation",
    motivation: "classifying",
    created: row.created_at,
    modified: row.updated_at,
    creator: { type: "Person", nickname: row.annotator },
    body,
    target: {
      source: row.article_url ?? `${baseUrl}/articles/${row.article_id}`,
      selector: [
        { type: "TextQuoteSelector", exact: row.quote, prefix: row.prefix, suffix: row.suffix },
        { type: "TextPositionSelector", start: row.start, end: row.end },
      ],
    },
  };
}

export function webAnnotationCollectionHead(baseUrl: string, generated: Date): string {
  const head = {
    "@context": ANNOTATION_CONTEXT,
    id: `${baseUrl}/export/claims.jsonld`,
    type: "AnnotationCollection",
    label: `Claimant claims exported ${generated.toISOString()}`,
  };
  const text = JSON.stringify(head);
  return `${text.slice(0, -1)},"first":{"type":"AnnotationPage","items":[\n`;
}

export const webAnnotationCollectionTail = "\n]}}\n";
