/** One line of a JSON Lines upload, numbered from 1, or why it could not be read as text. */
export type Line =
  | { number: number; text: string; bytes: number }
  | { number: number; problem: "too long" | "not UTF-8"; bytes: number };

const NEWLINE = 0x0a;
const TURN_BYTES = 1024 * 1024;

/**
 * Splits a byte stream into lines (LF or CRLF) without holding more than one line: a line longer
 * than `maxBytes` is skipped up to its end and reported, so one hostile line cannot exhaust memory.
 * A final line without a newline counts; blank lines are not yielded but keep their numbers.
 */
export async function* readLines(source: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Line> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let parts: Uint8Array[] = [];
  let length = 0;
  let overflow = 0;
  let number = 0;

  function* finish(): Generator<Line> {
    number += 1;
    const wasTooLong = overflow > 0;
    const bytes = length + overflow;
    const whole = joinParts(parts, length);
    parts = [];
    length = 0;
    overflow = 0;
    if (wasTooLong) return yield { number, problem: "too long", bytes };
    const end = whole.length > 0 && whole[whole.length - 1] === 0x0d ? whole.length - 1 : whole.length;
    let text: string;
    try {
      text = decoder.decode(whole.subarray(0, end));
    } catch {
      return yield { number, problem: "not UTF-8", bytes };
    }
    if (text.trim() !== "") yield { number, text, bytes };
  }

  function keep(piece: Uint8Array) {
    if (overflow > 0 || length + piece.length > maxBytes) {
      overflow += piece.length;
      if (parts.length) {
        overflow += length;
        parts = [];
        length = 0;
      }
      return;
    }
    parts.push(piece);
    length += piece.length;
  }

  let bytesSinceTurn = 0;
  for await (const chunk of source) {
    let from = 0;
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, from)) {
      keep(chunk.subarray(from, at));
      bytesSinceTurn += length;
      yield* finish();
      from = at + 1;
      // Decoding and checking a megabyte of lines takes tens of milliseconds, and a consumer's
      // awaits are microtasks: give other requests their turn of the event loop now and then.
      if (bytesSinceTurn >= TURN_BYTES) {
        bytesSinceTurn = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if (from < chunk.length) keep(chunk.subarray(from));
  }
  if (length > 0 || overflow > 0) yield* finish();
}

function joinParts(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const whole = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.length;
  }
  return whole;
}
