// The article text: paints highlights over the server-rendered paragraphs and sentences, and maps
// points of the page's text back to code-point offsets of the body.
import { codePointLength, type CodePointIndex } from "../../text/code-points.js";
import { layoutSegments, type LayoutSpan, type SpanId } from "../../text/highlight-layout.js";
import type { Span, SpanKey } from "./types.js";

/** Pseudo-spans painted with the claims while the form is open: its quote, mention and cue. */
export type ExtraId = "pending" | SpanKey;
export type ExtraSpan = { id: ExtraId } & Span;

const EXTRA_CLASSES: Record<ExtraId, string> = {
  pending: "is-pending",
  speakerMention: "is-mention",
  cue: "is-cue",
};

/** A run of the body inside a paragraph, as the server rendered it: a sentence or a gap. */
interface PieceInfo extends Span {
  /** Sentence number; -1 for the text between sentences. */
  index: number;
}

interface ParagraphInfo extends Span {
  /** The body text between the previous paragraph and this one, verbatim. */
  before: string;
  pieces: PieceInfo[];
}

export class TextView {
  readonly length: number;
  /** Sentence elements by sentence number. */
  sentenceEls: HTMLElement[] = [];
  selectedId: number | null = null;
  private readonly paragraphs: ParagraphInfo[];
  private readonly cuts: number[] = [];
  private chosen: { first: number; last: number } | null = null;

  constructor(
    readonly container: HTMLElement,
    private readonly index: CodePointIndex,
  ) {
    this.length = index.length;
    this.paragraphs = readStructure(container);
    for (const paragraph of this.paragraphs) {
      this.cuts.push(paragraph.start, paragraph.end);
      for (const piece of paragraph.pieces) this.cuts.push(piece.start, piece.end);
    }
    this.collectSentences();
    // Only the sentence the keyboard is on may take focus: a focusable sentence under the pointer
    // would take focus on mousedown and collapse a drag that starts on its first letter.
    container.addEventListener("mousedown", () => this.releaseSentenceFocus(), { capture: true });
  }

  get body(): string {
    return this.index.text;
  }

  slice(start: number, end: number): string {
    return this.index.slice(start, end);
  }

  private collectSentences(): void {
    this.sentenceEls = [];
    for (const el of this.container.querySelectorAll<HTMLElement>(".sentence")) {
      this.sentenceEls[Number(el.dataset.index)] = el;
    }
  }

  /**
   * Rebuilds the text with highlights in one DOM write.
   * @param classesOf classes of a claim's highlight (stance, type, layer)
   */
  paint(
    claims: readonly LayoutSpan[],
    classesOf: (id: number) => string,
    extras: readonly ExtraSpan[] = [],
  ): void {
    const spans = extras.length ? [...claims, ...extras] : claims;
    const segments = layoutSegments(this.length, this.cuts, spans);
    const active = document.activeElement;
    const focused =
      active && this.container.contains(active)
        ? active.closest<HTMLElement>(".sentence")?.dataset.index
        : undefined;

    // Segments share their ids array while nothing changes, so the classes are worked out once.
    const markInfo = new Map<ReadonlyArray<SpanId>, { className: string; claims: string }>();
    const infoOf = (ids: ReadonlyArray<SpanId>) => {
      let info = markInfo.get(ids);
      if (info) return info;
      const real: number[] = [];
      const classes: string[] = [];
      for (const id of ids) {
        if (typeof id === "number") real.push(id);
        else classes.push(EXTRA_CLASSES[id as ExtraId]);
      }
      if (real.length) {
        classes.push("hl", `depth-${Math.min(real.length, 3)}`, classesOf(real[real.length - 1]!));
      } else {
        classes.push("pseudo");
      }
      info = { className: classes.join(" "), claims: real.join(" ") };
      markInfo.set(ids, info);
      return info;
    };

    const fragment = document.createDocumentFragment();
    let s = 0;
    for (const paragraph of this.paragraphs) {
      if (paragraph.before) fragment.append(paragraph.before);
      const p = document.createElement("p");
      p.className = "para";
      p.dataset.start = String(paragraph.start);
      p.dataset.end = String(paragraph.end);
      for (const piece of paragraph.pieces) {
        const el = document.createElement("span");
        el.dataset.start = String(piece.start);
        el.dataset.end = String(piece.end);
        if (piece.index >= 0) {
          el.className = "sentence";
          el.dataset.index = String(piece.index);
        } else {
          el.className = "gap";
        }
        while (s < segments.length && segments[s]!.end <= piece.start) s += 1;
        while (s < segments.length && segments[s]!.start < piece.end) {
          const segment = segments[s]!;
          const text = this.slice(segment.start, segment.end);
          if (segment.ids.length === 0) {
            el.append(text);
          } else {
            const info = infoOf(segment.ids);
            const mark = document.createElement("mark");
            mark.className = info.className;
            if (info.claims) mark.dataset.claims = info.claims;
            mark.textContent = text;
            el.append(mark);
          }
          if (segment.end > piece.end) break;
          s += 1;
        }
        p.append(el);
      }
      fragment.append(p);
    }
    this.container.replaceChildren(fragment);
    this.collectSentences();
    if (this.chosen) this.setChosen(this.chosen.first, this.chosen.last);
    if (this.selectedId !== null) this.markSelected(this.selectedId);
    if (focused !== undefined) this.focusSentence(Number(focused), { preventScroll: true });
  }

  /** Moves keyboard focus to a sentence: it alone becomes focusable (roving focus). */
  focusSentence(index: number, options: FocusOptions = {}): void {
    const el = this.sentenceEls[index];
    if (!el) return;
    this.releaseSentenceFocus(el);
    el.tabIndex = -1;
    el.focus(options);
  }

  /** Makes sentences unfocusable again, except `keep`. */
  private releaseSentenceFocus(keep?: HTMLElement): void {
    for (const el of this.container.querySelectorAll<HTMLElement>(".sentence[tabindex]"))
      if (el !== keep) el.removeAttribute("tabindex");
  }

  /** Marks sentences first..last as chosen for a new claim (keyboard selection); null clears. */
  setChosen(first: number | null, last = first): void {
    for (const el of this.container.querySelectorAll(".sentence.is-chosen")) el.classList.remove("is-chosen");
    this.chosen = first === null || last === null ? null : { first, last };
    if (!this.chosen) return;
    for (let i = this.chosen.first; i <= this.chosen.last; i += 1)
      this.sentenceEls[i]?.classList.add("is-chosen");
  }

  marksOf(id: number): NodeListOf<HTMLElement> {
    return this.container.querySelectorAll<HTMLElement>(`mark[data-claims~="${Number(id)}"]`);
  }

  markSelected(id: number | null): void {
    for (const mark of this.container.querySelectorAll("mark.is-selected"))
      mark.classList.remove("is-selected");
    this.selectedId = id;
    if (id === null) return;
    for (const mark of this.marksOf(id)) mark.classList.add("is-selected");
  }

  scrollToClaim(id: number): void {
    this.marksOf(id)[0]?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  /** Code-point offset of a DOM point (a selection's start or end). */
  offsetOf(node: Node, offset: number): number {
    const container = this.container;
    if (!container.contains(node)) {
      return container.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_PRECEDING ? 0 : this.length;
    }
    const element = node instanceof Element ? node : node.parentElement;
    const holder = element?.closest<HTMLElement>("[data-start]");
    const base = holder && container.contains(holder) ? holder : container;
    const range = document.createRange();
    range.setStart(base, 0);
    range.setEnd(node, offset);
    const from = base === container ? 0 : Number(base.dataset.start);
    return Math.min(this.length, from + codePointLength(range.toString()));
  }

  /** The selection's span in code points, or null when it is empty or outside the article. */
  selectionSpan(selection: Selection | null): Span | null {
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    if (!range.intersectsNode(this.container)) return null;
    const start = this.offsetOf(range.startContainer, range.startOffset);
    const end = this.offsetOf(range.endContainer, range.endOffset);
    return end > start ? { start, end } : null;
  }

  /** The span without whitespace at either end (a double-clicked word may bring a space). */
  trim(span: Span): Span | null {
    let { start, end } = span;
    while (start < end && /\s/.test(this.slice(start, start + 1))) start += 1;
    while (end > start && /\s/.test(this.slice(end - 1, end))) end -= 1;
    return end > start ? { start, end } : null;
  }

  /** The occurrence of `words` (ignoring case) nearest to `near`: inside it first, then closest. */
  find(words: string, near: Span): Span | null {
    const wanted = words.trim();
    if (!wanted) return null;
    const body = this.body;
    // Lower-casing keeps UTF-16 indices unless a character changes length (rare): then match exactly.
    const folded = body.toLowerCase();
    const fold = folded.length === body.length;
    const haystack = fold ? folded : body;
    const needle = fold ? wanted.toLowerCase() : wanted;
    const nearFrom = this.index.toUtf16(near.start);
    const nearTo = this.index.toUtf16(near.end);
    let best = -1;
    let bestDistance = Infinity;
    for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
      const end = at + needle.length;
      const inside = at >= nearFrom && end <= nearTo;
      const distance = inside ? -1 : Math.min(Math.abs(at - nearTo), Math.abs(nearFrom - end));
      if (distance < bestDistance) {
        best = at;
        bestDistance = distance;
      }
    }
    if (best < 0) return null;
    return { start: this.index.toCodePoint(best), end: this.index.toCodePoint(best + needle.length) };
  }
}

/** Paragraphs and their pieces, read once from the server-rendered text. */
function readStructure(container: HTMLElement): ParagraphInfo[] {
  const paragraphs: ParagraphInfo[] = [];
  let before = "";
  for (const node of container.childNodes) {
    if (node instanceof Text) {
      before += node.data;
    } else if (node instanceof HTMLElement && node.classList.contains("para")) {
      const pieces: PieceInfo[] = [];
      for (const child of node.children) {
        if (!(child instanceof HTMLElement)) continue;
        pieces.push({
          start: Number(child.dataset.start),
          end: Number(child.dataset.end),
          index: child.classList.contains("sentence") ? Number(child.dataset.index) : -1,
        });
      }
      paragraphs.push({ before, start: Number(node.dataset.start), end: Number(node.dataset.end), pieces });
      before = "";
    }
  }
  return paragraphs;
}
