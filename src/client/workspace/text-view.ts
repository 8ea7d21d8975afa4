// The article text: paints highlights over the server-rendered paragraphs and sentences, and maps
// points of the page's text back to code-point offsets of the body.
import { codePointLength, type CodePointIndex } from "../../text/code-points.js";
import {
  coveredSentences,
  layoutSegments,
  type LayoutSpan,
  type SpanId,
} from "../../text/highlight-layout.js";
import type { Span, SpanKey } from "./types.js";

/** Pseudo-spans painted with the claims while the form is open: its quote, mention and cue. */
export type ExtraId = "pending" | "suggestion" | "suggestion-current" | SpanKey;
export type ExtraSpan = { id: ExtraId } & Span;

const EXTRA_CLASSES: Record<ExtraId, string> = {
  pending: "is-pending",
  suggestion: "is-suggestion",
  "suggestion-current": "is-suggestion-current",
  speakerMention: "is-mention",
  cue: "is-cue",
};

/** A claim's speaker mention or cue, painted as a mark of its own and linked to the quote. */
export interface AttributionSpan extends Span {
  claimId: number;
  kind: "mention" | "cue";
}

/** What paint needs besides the claims. */
export interface PaintOptions {
  /** Classes of a claim's highlight (stance, type, layer). */
  classesOf(id: number): string;
  /** A claim's colour (CSS), for its begin and end brackets. */
  colourOf(id: number): string;
  /** The form's pseudo-spans while it is open. */
  extras?: readonly ExtraSpan[];
  /** Mentions and cues to show (the selected claim's, or every claim's). */
  attributions?: readonly AttributionSpan[];
  /** Words a screen reader says for a claim: "claim 3". */
  claimName?(id: number): string;
}

/** Begin or end bars drawn at one offset; more claims there read as "several" anyway. */
const MAX_BARS = 3;

const ATTRIBUTION_PREFIX = { mention: "m:", cue: "c:" } as const;
const ATTRIBUTION_WORDS = { mention: "speaker mention", cue: "cue" } as const;

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
  /** Sentence spans by sentence number. */
  private readonly sentenceSpans: Span[] = [];
  private chosen: { first: number; last: number } | null = null;

  constructor(
    readonly container: HTMLElement,
    private readonly index: CodePointIndex,
  ) {
    this.length = index.length;
    this.paragraphs = readStructure(container);
    for (const paragraph of this.paragraphs) {
      this.cuts.push(paragraph.start, paragraph.end);
      for (const piece of paragraph.pieces) {
        this.cuts.push(piece.start, piece.end);
        if (piece.index >= 0) this.sentenceSpans[piece.index] = { start: piece.start, end: piece.end };
      }
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

  /** Sentences that no claim painted last covers. */
  uncovered = 0;

  /**
   * Rebuilds the text with highlights, begin/end brackets, mentions and cues, and the marks on
   * sentences without a claim, in one DOM write.
   */
  paint(claims: readonly LayoutSpan[], options: PaintOptions): void {
    const { classesOf, colourOf, extras = [], attributions = [] } = options;
    const claimName = options.claimName ?? ((id: number) => `claim ${id}`);
    const linkSpans = attributions.map((span) => ({
      id: `${ATTRIBUTION_PREFIX[span.kind]}${span.claimId}`,
      start: span.start,
      end: span.end,
    }));
    const spans = extras.length || linkSpans.length ? [...claims, ...extras, ...linkSpans] : claims;
    const segments = layoutSegments(this.length, this.cuts, spans);
    const bounds = claimBounds(claims);
    const covered = coveredSentences(this.sentenceSpans, claims);
    this.uncovered = covered.filter((isCovered) => !isCovered).length;
    const active = document.activeElement;
    const focused =
      active && this.container.contains(active)
        ? active.closest<HTMLElement>(".sentence")?.dataset.index
        : undefined;

    // Segments share their ids array while nothing changes, so the classes are worked out once.
    const markInfo = new Map<ReadonlyArray<SpanId>, MarkInfo>();
    const infoOf = (ids: ReadonlyArray<SpanId>) => {
      let info = markInfo.get(ids);
      if (info) return info;
      info = markInfoOf(ids, classesOf, claimName);
      markInfo.set(ids, info);
      return info;
    };
    // One bracket per offset where claims begin or end, not one per claim: a bar per claim (up to
    // three, outermost first) in the claim's colour, drawn as shadows of a zero-width element. A
    // single claim's bar comes from its tone class; only where several meet is a style written.
    const bracket = (ids: readonly number[], side: "start" | "end") => {
      const el = document.createElement("span");
      el.setAttribute("aria-hidden", "true");
      el.setAttribute("data-claims", ids.join(" "));
      if (ids.length === 1) {
        el.className = `cb cb-${side} ${classesOf(ids[0]!)}`;
        return el;
      }
      el.className = `cb cb-${side}`;
      const sign = side === "start" ? 1 : -1;
      el.style.boxShadow = ids
        .slice(0, MAX_BARS)
        .map((id, k) => `${sign * (1 + 3 * k)}px 0 0 1px ${colourOf(id)}`)
        .join(", ");
      return el;
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
          el.className = covered[piece.index] === false ? "sentence is-uncovered" : "sentence";
          el.dataset.index = String(piece.index);
          if (covered[piece.index] === false) el.setAttribute("aria-describedby", "uncovered-hint");
        } else {
          el.className = "gap";
        }
        while (s < segments.length && segments[s]!.end <= piece.start) s += 1;
        while (s < segments.length && segments[s]!.start < piece.end) {
          const segment = segments[s]!;
          const text = this.slice(segment.start, segment.end);
          const starting = bounds.starts.get(segment.start);
          if (starting) el.append(bracket(starting, "start"));
          if (segment.ids.length === 0) {
            el.append(text);
          } else {
            el.append(markOf(infoOf(segment.ids), text));
          }
          const ending = bounds.ends.get(segment.end);
          if (ending) el.append(bracket(ending, "end"));
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

interface MarkInfo {
  className: string;
  claims: string;
  mentionOf: string;
  cueOf: string;
  label: string | null;
}

/** Classes, claim ids and words of a mark covered by `ids` (claims, form spans, mentions, cues). */
function markInfoOf(
  ids: ReadonlyArray<SpanId>,
  classesOf: (id: number) => string,
  claimName: (id: number) => string,
): MarkInfo {
  const real: number[] = [];
  const classes: string[] = [];
  const links = { mention: [] as number[], cue: [] as number[] };
  for (const id of ids) {
    if (typeof id === "number") real.push(id);
    else if (id in EXTRA_CLASSES) classes.push(EXTRA_CLASSES[id as ExtraId]);
    else links[id.startsWith(ATTRIBUTION_PREFIX.cue) ? "cue" : "mention"].push(Number(id.slice(2)));
  }
  if (links.mention.length) classes.push("is-mention", "is-link");
  if (links.cue.length) classes.push("is-cue", "is-link");
  if (real.length) {
    classes.push("hl", `depth-${Math.min(real.length, 3)}`, classesOf(real[real.length - 1]!));
  } else {
    classes.push("pseudo");
  }
  const words = (["mention", "cue"] as const).flatMap((kind) =>
    links[kind].map((id) => `${ATTRIBUTION_WORDS[kind]} of ${claimName(id)}`),
  );
  return {
    className: classes.join(" "),
    claims: real.join(" "),
    mentionOf: links.mention.join(" "),
    cueOf: links.cue.join(" "),
    label: words.length ? words.join(", ") : null,
  };
}

function markOf(info: MarkInfo, text: string): HTMLElement {
  const mark = document.createElement("mark");
  mark.className = info.className;
  if (info.claims) mark.dataset.claims = info.claims;
  if (info.mentionOf) mark.dataset.mentionOf = info.mentionOf;
  if (info.cueOf) mark.dataset.cueOf = info.cueOf;
  // The words stay in the name: a screen reader reads the text, then what it is.
  if (info.label) {
    mark.setAttribute("role", "mark");
    mark.setAttribute("aria-label", `${text}: ${info.label}`);
  }
  mark.textContent = text;
  return mark;
}

/** Claims by the offset where they begin (outermost first) and end (innermost first). */
function claimBounds(claims: readonly LayoutSpan[]) {
  const starts = new Map<number, number[]>();
  const ends = new Map<number, number[]>();
  const ordered = claims
    .filter((claim): claim is LayoutSpan & { id: number } => typeof claim.id === "number")
    .filter((claim) => claim.end > claim.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  for (const claim of ordered) {
    (starts.get(claim.start) ?? starts.set(claim.start, []).get(claim.start)!).push(claim.id);
  }
  for (let i = ordered.length - 1; i >= 0; i -= 1) {
    const claim = ordered[i]!;
    (ends.get(claim.end) ?? ends.set(claim.end, []).get(claim.end)!).push(claim.id);
  }
  return { starts, ends };
}
