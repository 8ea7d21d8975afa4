import { claimColumns, valueNumbers, valueTexts } from "./export-query.js";

/**
 * JSON Lines and Web Annotation exports, made from "values lines" that Postgres writes for each
 * claim (export-query.ts): the integer columns, comma-separated, then one JSON array of the text
 * columns, escaped by Postgres's to_json in one call a row. Here the values are only found in the
 * bytes and copied into their places, never decoded, parsed or encoded: the output is what
 * JSON.stringify writes. (One to_json call per text column, or JSON built in SQL, cost Postgres
 * twice a CSV row; cutting the lines as JavaScript strings cost Node three times that.)
 */

type Column = (typeof claimColumns)[number];

const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LETTER_N = 0x6e;
const NEWLINE = 0x0a;

/** Where each column's value sits in a values line: slot i is [start, end) at 2i, 2i + 1. */
const slotOf = new Map<Column, number>(
  [...valueNumbers, ...valueTexts].map((name, slot) => [name as Column, slot] as const),
);
const slot = (name: Column) => slotOf.get(name)!;
const SLOTS = slotOf.size;

/** The value spans of one values line, found in place. */
class ValueSpans {
  readonly at = new Int32Array(SLOTS * 2);
  line!: Buffer;

  read(line: Buffer, from: number): void {
    this.line = line;
    const at = this.at;
    let p = from;
    for (let i = 0; i < valueNumbers.length; i += 1) {
      const comma = line.indexOf(COMMA, p);
      at[2 * i] = p;
      at[2 * i + 1] = comma;
      p = comma + 1;
    }
    p += 1; // the array's "["
    for (let i = valueNumbers.length; i < SLOTS; i += 1) {
      at[2 * i] = p;
      if (line[p] === LETTER_N) {
        p += 4;
      } else {
        let end = line.indexOf(QUOTE, p + 1);
        while (escaped(line, end)) end = line.indexOf(QUOTE, end + 1);
        p = end + 1;
      }
      at[2 * i + 1] = p;
      p += 1; // "," or the array's "]"
    }
  }

  /** Whether the value is JSON null, or the empty string. */
  isNull(name: Column): boolean {
    const i = slot(name);
    return this.at[2 * i + 1]! - this.at[2 * i]! === 4 && this.line[this.at[2 * i]!] === LETTER_N;
  }
  isBlank(name: Column): boolean {
    const i = slot(name);
    return this.isNull(name) || this.at[2 * i + 1]! - this.at[2 * i]! === 2;
  }
}

/** Whether the quote at `at` is escaped: an odd number of backslashes before it. */
function escaped(bytes: Buffer, at: number): boolean {
  let backslashes = 0;
  for (let i = at - 1; bytes[i] === BACKSLASH; i -= 1) backslashes += 1;
  return backslashes % 2 === 1;
}

/** Bytes written one piece after another into a buffer that grows when it must. */
class ByteWriter {
  bytes = Buffer.allocUnsafe(0);
  length = 0;

  /** A new buffer for the next output, so that what take() gave stays as it was. */
  start(size: number): void {
    this.bytes = Buffer.allocUnsafe(size);
    this.length = 0;
  }

  reserve(more: number): void {
    if (this.length + more <= this.bytes.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + more));
    this.bytes.copy(bigger, 0, 0, this.length);
    this.bytes = bigger;
  }
  text(piece: Uint8Array): void {
    this.bytes.set(piece, this.length);
    this.length += piece.length;
  }
  value(spans: ValueSpans, name: Column): void {
    const i = slot(name);
    const start = spans.at[2 * i]!;
    const end = spans.at[2 * i + 1]!;
    // Most values are short: a loop costs less than a native copy's call for them.
    if (end - start < 64) {
      for (let k = start; k < end; k += 1) this.bytes[this.length++] = spans.line[k]!;
    } else {
      spans.line.copy(this.bytes, this.length, start, end);
      this.length += end - start;
    }
  }
  /** What was written since start(). */
  written(): Buffer {
    return this.bytes.subarray(0, this.length);
  }
}

/** How one export writes a claim: its fixed bytes at most, and the writing itself. */
interface ClaimEncoder {
  fixedBytes: number;
  write(out: ByteWriter, spans: ValueSpans): void;
}

const bytes = (text: string) => new Uint8Array(Buffer.from(text, "utf8"));

/** A claim as one JSON Lines object: every column, in the documented order. */
export function jsonlEncoder(): ClaimEncoder {
  const keys = claimColumns.map((name, i) => bytes(`${i === 0 ? "{" : ","}${JSON.stringify(name)}:`));
  const end = bytes("}\n");
  return {
    fixedBytes: keys.reduce((sum, key) => sum + key.length, end.length),
    write(out, spans) {
      for (let i = 0; i < claimColumns.length; i += 1) {
        out.text(keys[i]!);
        out.value(spans, claimColumns[i]!);
      }
      out.text(end);
    },
  };
}

/**
 * A claim as a W3C Web Annotation, as toWebAnnotation (formats.ts) builds it: the target holds a
 * TextQuoteSelector and a TextPositionSelector on the article; the body carries type, speaker,
 * stance, target and note. Items are separated by ",\n" (written before every item but the first).
 */
export function annotationEncoder(baseUrl: string): ClaimEncoder {
  const jsonPrefix = (text: string) => JSON.stringify(text).slice(0, -1);
  const piece = {
    separator: bytes(",\n"),
    id: bytes(`{"id":${jsonPrefix(`${baseUrl}/api/v1/claims/`)}`),
    created: bytes(`","type":"Annotation","motivation":"classifying","created":`),
    modified: bytes(`,"modified":`),
    creator: bytes(`,"creator":{"type":"Person","nickname":`),
    kind: bytes(`},"body":[{"type":"TextualBody","purpose":"classifying","value":`),
    kindEnd: bytes(`,"format":"text/plain"}`),
    speaker: bytes(`,{"type":"TextualBody","purpose":"identifying","value":`),
    role: bytes(`,"role":`),
    stance: bytes(`,{"type":"TextualBody","purpose":"assessing","value":`),
    target: bytes(`,{"type":"TextualBody","purpose":"tagging","value":`),
    note: bytes(`,{"type":"TextualBody","purpose":"commenting","value":`),
    close: bytes("}"),
    source: bytes(`],"target":{"source":`),
    articleSource: bytes(jsonPrefix(`${baseUrl}/articles/`)),
    quote: bytes(`"`),
    exact: bytes(`,"selector":[{"type":"TextQuoteSelector","exact":`),
    prefix: bytes(`,"prefix":`),
    suffix: bytes(`,"suffix":`),
    start: bytes(`},{"type":"TextPositionSelector","start":`),
    end: bytes(`,"end":`),
    itemEnd: bytes(`}]}}`),
  };
  let items = 0;
  return {
    fixedBytes: Object.values(piece).reduce((sum, part) => sum + part.length, 0),
    write(out, spans) {
      if (items++ > 0) out.text(piece.separator);
      out.text(piece.id);
      out.value(spans, "claim_id");
      out.text(piece.created);
      out.value(spans, "created_at");
      out.text(piece.modified);
      out.value(spans, "updated_at");
      out.text(piece.creator);
      out.value(spans, "annotator");
      out.text(piece.kind);
      out.value(spans, "type");
      out.text(piece.kindEnd);
      if (!spans.isNull("speaker_name")) {
        out.text(piece.speaker);
        out.value(spans, "speaker_name");
        if (!spans.isBlank("speaker_role")) {
          out.text(piece.role);
          out.value(spans, "speaker_role");
        }
        out.text(piece.close);
      }
      for (const name of ["stance", "target", "note"] as const) {
        if (name === "note" ? spans.isBlank(name) : spans.isNull(name)) continue;
        out.text(piece[name]);
        out.value(spans, name);
        out.text(piece.close);
      }
      out.text(piece.source);
      if (spans.isNull("article_url")) {
        out.text(piece.articleSource);
        out.value(spans, "article_id");
        out.text(piece.quote);
      } else {
        out.value(spans, "article_url");
      }
      out.text(piece.exact);
      out.value(spans, "quote");
      out.text(piece.prefix);
      out.value(spans, "prefix");
      out.text(piece.suffix);
      out.value(spans, "suffix");
      out.text(piece.start);
      out.value(spans, "start");
      out.text(piece.end);
      out.value(spans, "end");
      out.text(piece.itemEnd);
    },
  };
}

/**
 * Values lines in (as bytes cut anywhere), export text out: JSON Lines ("object\n" each), or the
 * items of one JSON array ("item,\nitem,\nitem", ended by finish()).
 */
export class ClaimLines {
  private readonly spans = new ValueSpans();
  private readonly out = new ByteWriter();
  private rest: Buffer | undefined;
  private items = 0;

  constructor(
    private readonly encoder: ClaimEncoder,
    private readonly layout: "lines" | "array",
  ) {}

  /** The whole lines of a chunk; a line cut by the chunk's end waits for the next chunk. */
  convert(chunk: Buffer): Buffer {
    const input = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    // Room for the chunk and the fixed bytes of its lines (reserve() grows it for long ones).
    this.out.start(input.length * 2 + 4096);
    let from = 0;
    for (let end = input.indexOf(NEWLINE); end !== -1; end = input.indexOf(NEWLINE, from)) {
      this.out.reserve(end - from + this.encoder.fixedBytes);
      this.spans.read(input, from);
      this.encoder.write(this.out, this.spans);
      this.items += 1;
      from = end + 1;
    }
    this.rest = from < input.length ? input.subarray(from) : undefined;
    return this.out.written();
  }

  /** What ends the output: the last item's line end, if the items make an array. */
  finish(): Buffer {
    if (this.rest) throw new Error("export: a values line without its line end");
    return Buffer.from(this.layout === "array" && this.items > 0 ? "\n" : "");
  }
}

export const jsonLinesOfClaims = () => new ClaimLines(jsonlEncoder(), "lines");
export const annotationsOfClaims = (baseUrl: string) => new ClaimLines(annotationEncoder(baseUrl), "array");
