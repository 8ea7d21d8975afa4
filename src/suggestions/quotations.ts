// Finds quotations in a text: curly and straight double quotes, single quotes nested inside them
// left alone, and a quotation left open at the end of a paragraph (news style: it continues in
// the next paragraph, which opens with a quotation mark again). Offsets are UTF-16 indices.

export interface Quotation {
  /** Index of the opening mark. */
  start: number;
  /** Index after the closing mark, or after the paragraph's last character when left open. */
  end: number;
  /** Left open at the end of its paragraph: the speaker goes on in the next one. */
  open: boolean;
}

const OPENING = "“";
const CLOSING = "”";
const STRAIGHT = '"';

/** Paragraphs of the text as [start, end) ranges: runs of text between blank lines. */
export function paragraphRanges(text: string): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  for (const match of text.matchAll(/\n[^\S\n]*\n\s*/g)) {
    ranges.push([start, match.index]);
    start = match.index + match[0].length;
  }
  ranges.push([start, text.length]);
  return ranges.filter(([from, to]) => to > from);
}

function opensAt(text: string, index: number): boolean {
  const before = index === 0 ? " " : text[index - 1]!;
  return /[\s([{—–-]/.test(before) || index === 0;
}

export function findQuotations(text: string): Quotation[] {
  const found: Quotation[] = [];
  for (const [from, to] of paragraphRanges(text)) {
    let openAt = -1;
    for (let i = from; i < to; i += 1) {
      const mark = text[i];
      if (mark === OPENING && openAt === -1) openAt = i;
      else if (mark === CLOSING && openAt !== -1) {
        found.push({ start: openAt, end: i + 1, open: false });
        openAt = -1;
      } else if (mark === STRAIGHT) {
        if (openAt === -1 && opensAt(text, i)) openAt = i;
        else if (openAt !== -1 && text[openAt] === STRAIGHT) {
          found.push({ start: openAt, end: i + 1, open: false });
          openAt = -1;
        }
      }
    }
    if (openAt !== -1) {
      let end = to;
      while (end > openAt && /\s/.test(text[end - 1]!)) end -= 1;
      found.push({ start: openAt, end, open: true });
    }
  }
  return found;
}
