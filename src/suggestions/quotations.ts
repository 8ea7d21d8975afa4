// Finds quotations in a text: double quotation marks (curly and straight) and, as British and
// Irish news writes them, single ones (‘…’ and '…'), each with the other kind nested inside left
// alone; and a quotation left open at the end of a paragraph (news style: it continues in the next
// paragraph, which opens with a quotation mark again). Offsets are UTF-16 indices.

export interface Quotation {
  /** Index of the opening mark. */
  start: number;
  /** Index after the closing mark, or after the paragraph's last character when left open. */
  end: number;
  /** Left open at the end of its paragraph: the speaker goes on in the next one. */
  open: boolean;
}

/** Opening mark → its closing mark. */
const DOUBLE: Record<string, string> = { "“": "”", '"': '"' };
const SINGLE: Record<string, string> = { "‘": "’", "'": "'" };

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
  return /[\s([{—–:-]/.test(before) || index === 0;
}

/**
 * Whether a single mark closes the quotation rather than being an apostrophe: not inside a word
 * ("don’t", "Fishermen’s"), not after a space, and not a plural possessive ("the players’ union").
 */
function closesSingle(text: string, index: number): boolean {
  const before = text[index - 1] ?? " ";
  const after = text.slice(index + 1, index + 3);
  if (/\s/.test(before) || /^[\p{L}\p{N}]/u.test(after)) return false;
  return !(/[sS]/.test(before) && /^ \p{Ll}/u.test(after));
}

interface Open {
  at: number;
  closing: string;
  single: boolean;
}

export function findQuotations(text: string): Quotation[] {
  const found: Quotation[] = [];
  for (const [from, to] of paragraphRanges(text)) {
    let open: Open | null = null;
    for (let i = from; i < to; i += 1) {
      const mark = text[i]!;
      if (open) {
        if (mark !== open.closing || (open.single && !closesSingle(text, i))) continue;
        // A single-quoted stretch of one word is a scare quote or a name, never a claim.
        if (!open.single || /\s/.test(text.slice(open.at, i).trim()))
          found.push({ start: open.at, end: i + 1, open: false });
        open = null;
      } else if (mark === "“" || (mark === '"' && opensAt(text, i))) {
        open = { at: i, closing: DOUBLE[mark]!, single: false };
      } else if (
        (mark === "‘" || (mark === "'" && opensAt(text, i))) &&
        /[\p{L}\p{N}]/u.test(text[i + 1] ?? "")
      ) {
        open = { at: i, closing: SINGLE[mark]!, single: true };
      }
    }
    if (open && leftOpen(text, open)) {
      let end = to;
      while (end > open.at && /\s/.test(text[end - 1]!)) end -= 1;
      found.push({ start: open.at, end, open: true });
    }
  }
  return found;
}

/**
 * A quotation still open at the end of its paragraph goes on in the next one. A single mark opens
 * such a quotation only at a capital (a sentence quoted), and a straight one never does: an
 * apostrophe ("'90s") must not swallow the rest of a paragraph.
 */
function leftOpen(text: string, open: Open): boolean {
  if (!open.single) return true;
  return text[open.at] === "‘" && /\p{Lu}/u.test(text[open.at + 1] ?? "");
}
