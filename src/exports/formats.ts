import { Transform, type TransformCallback } from "node:stream";
import type { ExportRow } from "./export-query.js";

const QUOTE = 0x22;
const LF = 0x0a;
const COMMA = 0x2c;
const CRLF = Buffer.from("\r\n");

const APOSTROPHE = Buffer.from("'");
/** First bytes that make a spreadsheet read a cell as a formula (OWASP's CSV injection list). */
const FORMULA_START = new Uint8Array(256);
for (const character of "=+-@\t\r") FORMULA_START[character.charCodeAt(0)] = 1;

/**
 * Finishes Postgres COPY's CSV in one byte pass, without parsing it into values:
 * - records end with CRLF, as RFC 4180 wants (COPY writes LF); line breaks inside quoted fields
 *   are data and stay as they are;
 * - a cell whose text begins with = + - @, a tab or a carriage return gets a leading ' so that a
 *   spreadsheet shows it as text (OWASP), inside its quotes when it is quoted.
 * UTF-8 never uses these byte values inside a character, and a doubled quote toggles twice, so a
 * scan with a few bits of state is exact. The numeric and date columns never begin with those
 * characters, so every cell can be treated alike. The state carries over from chunk to chunk.
 */
export class CsvFinisher {
  private inQuotes = false;
  private fieldStart = true;
  private quotedStart = false;

  convert(chunk: Buffer): Buffer {
    const parts: Buffer[] = [];
    let from = 0;
    for (let i = 0; i < chunk.length; i += 1) {
      const byte = chunk[i]!;
      if (this.fieldStart) {
        this.fieldStart = false;
        if (byte === QUOTE) {
          this.inQuotes = true;
          this.quotedStart = true;
          continue;
        }
        if (FORMULA_START[byte]) {
          parts.push(chunk.subarray(from, i), APOSTROPHE);
          from = i;
        }
      } else if (this.quotedStart) {
        this.quotedStart = false;
        if (FORMULA_START[byte]) {
          parts.push(chunk.subarray(from, i), APOSTROPHE);
          from = i;
          continue;
        }
      }
      if (byte === QUOTE) this.inQuotes = !this.inQuotes;
      else if (!this.inQuotes) {
        if (byte === COMMA) this.fieldStart = true;
        else if (byte === LF) {
          parts.push(chunk.subarray(from, i), CRLF);
          from = i + 1;
          this.fieldStart = true;
        }
      }
    }
    if (parts.length === 0) return chunk;
    parts.push(chunk.subarray(from));
    return Buffer.concat(parts);
  }
}

/** CsvFinisher as a stream stage. */
export class CsvRecords extends Transform {
  private readonly converter = new CsvFinisher();

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    callback(null, this.converter.convert(chunk));
  }
}

/**
 * The first field of the last record in a piece of COPY CSV output that ends with a whole record
 * (as one COPY statement's output does): the keyset position to continue from. The export puts
 * the integer id first, and integers are never quoted.
 */
export function lastRecordKey(csv: Buffer): number | undefined {
  let inQuotes = false;
  let lastStart = -1;
  let recordStart = 0;
  for (let i = 0; i < csv.length; i += 1) {
    const byte = csv[i];
    if (byte === QUOTE) inQuotes = !inQuotes;
    else if (byte === LF && !inQuotes) {
      lastStart = recordStart;
      recordStart = i + 1;
    }
  }
  if (lastStart < 0) return undefined;
  const comma = csv.indexOf(COMMA, lastStart);
  const key = Number(csv.subarray(lastStart, comma < 0 ? undefined : comma).toString("latin1"));
  return Number.isInteger(key) ? key : undefined;
}

/** One JSON object a line. */
export async function* jsonLines(rows: AsyncIterable<Record<string, unknown>>): AsyncGenerator<string> {
  for await (const row of rows) yield `${JSON.stringify(row)}\n`;
}

export const ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld";

/**
 * One claim as a W3C Web Annotation: the target holds a TextQuoteSelector and a
 * TextPositionSelector on the article; the body carries type, speaker, stance and target. The
 * export writes the same in SQL (export-query.ts); this is the reference the tests compare it to.
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

export const webAnnotationCollectionTail = "]}}\n";
