/**
 * Offsets everywhere in Claimant count Unicode code points, so that Python's body[start:end] (and
 * R's substr on a UTF-8 string) gives the quote, emoji included.
 */

/** Converts between code-point offsets and JavaScript (UTF-16) string indices for one text. */
export class CodePointIndex {
  /** utf16Of[cp] = UTF-16 index where code point `cp` starts; last entry is text.length. */
  private readonly utf16Of: number[];

  constructor(readonly text: string) {
    const offsets: number[] = [];
    for (let i = 0; i < text.length; i += 1) {
      offsets.push(i);
      const unit = text.charCodeAt(i);
      if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) i += 1;
    }
    offsets.push(text.length);
    this.utf16Of = offsets;
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
