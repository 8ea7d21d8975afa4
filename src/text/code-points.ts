/**
 * Offsets everywhere in Claimant count Unicode code points, so that Python's body[start:end] (and
 * R's substr on a UTF-8 string) gives the quote, emoji included. One definition for the server and
 * the page scripts: no Node API here.
 */

/** Converts between code-point offsets and JavaScript (UTF-16) string indices for one text. */
export class CodePointIndex {
  /** utf16Of[cp] = UTF-16 index where code point `cp` starts; last entry is text.length. */
  private readonly utf16Of: Uint32Array;

  constructor(readonly text: string) {
    // A typed array of the largest possible size, cut once: a 60,000-character body in one pass
    // without growing an array, which the page feels on every article it opens.
    const offsets = new Uint32Array(text.length + 1);
    let count = 0;
    for (let i = 0; i < text.length; i += 1) {
      offsets[count] = i;
      count += 1;
      const unit = text.charCodeAt(i);
      if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) i += 1;
    }
    offsets[count] = text.length;
    this.utf16Of = offsets.slice(0, count + 1);
  }

  /** Number of code points in the text. */
  get length(): number {
    return this.utf16Of.length - 1;
  }

  toUtf16(codePoint: number): number {
    const index = this.utf16Of[codePoint];
    if (index === undefined) throw new RangeError(`offset ${codePoint} is outside the text`);
    return index;
  }

  /** Code point offset of a UTF-16 index (binary search: text may be long). */
  toCodePoint(utf16: number): number {
    let low = 0;
    let high = this.utf16Of.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.utf16Of[middle]! < utf16) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  slice(start: number, end: number): string {
    return this.text.slice(this.toUtf16(start), this.toUtf16(end));
  }
}

/** Number of code points in a string, without building an index (a selection's text, say). */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    count += 1;
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) i += 1;
  }
  return count;
}

export const CONTEXT_LENGTH = 32;

/** W3C TextQuoteSelector context: the 32 code points before and after the span. */
export function quoteContext(index: CodePointIndex, start: number, end: number) {
  return {
    quote: index.slice(start, end),
    prefix: index.slice(Math.max(0, start - CONTEXT_LENGTH), start),
    suffix: index.slice(end, Math.min(index.length, end + CONTEXT_LENGTH)),
  };
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
