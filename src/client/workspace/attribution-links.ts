// Connectors from a claim's quote to its speaker mention and cue, drawn as arcs in an SVG over the
// article text (as brat and INCEpTION draw relations). Only what is near the viewport is measured,
// so showing every claim's links costs no more than a screen of them; redrawn on resize and scroll.

const SVG = "http://www.w3.org/2000/svg";
/** How far beyond the viewport, in pixels, links are still drawn. */
const MARGIN = 400;

type Kind = "mention" | "cue";

interface Box {
  left: number;
  top: number;
  width: number;
}

export class AttributionLinks {
  /** Claims whose links are drawn; null draws none. */
  private ids: ReadonlySet<number> | null = null;
  private frameRequest = 0;
  /** Milliseconds the last drawing took. */
  lastMs = 0;
  /**
   * Paragraphs measured last, watched for size changes: a paragraph painted anew keeps a
   * placeholder height (content-visibility) until the browser lays it out, after the first draw.
   */
  private readonly watched = new Set<Element>();
  private readonly paragraphSizes = new ResizeObserver(() => this.schedule());

  constructor(
    private readonly svg: SVGSVGElement,
    private readonly text: HTMLElement,
  ) {
    const later = () => this.schedule();
    new ResizeObserver(later).observe(text);
    window.addEventListener("scroll", later, { passive: true });
    text.addEventListener("scroll", later, { passive: true });
  }

  /** Draws the links of these claims from the next frame on. */
  show(ids: Iterable<number> | null): void {
    this.ids = ids === null ? null : new Set(ids);
    this.schedule();
  }

  private schedule(): void {
    if (this.frameRequest) return;
    this.frameRequest = requestAnimationFrame(() => {
      this.frameRequest = 0;
      this.draw();
    });
  }

  /** Draws now (also what tests and the bench wait for, through data-links on the svg). */
  draw(): void {
    const started = performance.now();
    const paths: SVGElement[] = [];
    if (this.ids?.size) {
      const origin = this.svg.getBoundingClientRect();
      const marks = this.marksNearView();
      for (const [key, targets] of marks.links) {
        const [kind, id] = splitKey(key);
        const quotes = marks.quotes.get(id);
        if (!quotes?.length || !this.ids.has(id)) continue;
        const to = targets[0]!;
        const from = nearest(quotes, to);
        paths.push(arc(kind, id, relative(from, origin), relative(to, origin)));
      }
    }
    this.svg.replaceChildren(...paths);
    this.svg.dataset.links = String(paths.length);
    this.lastMs = performance.now() - started;
    this.svg.dataset.drawMs = this.lastMs.toFixed(1);
  }

  /** Quote boxes by claim and mention/cue boxes by "kind:claim", from paragraphs near the view. */
  private marksNearView() {
    const quotes = new Map<number, Box[]>();
    const links = new Map<string, Box[]>();
    const add = <K>(map: Map<K, Box[]>, key: K, box: Box) => {
      const boxes = map.get(key);
      if (boxes) boxes.push(box);
      else map.set(key, [box]);
    };
    const low = -MARGIN;
    const high = window.innerHeight + MARGIN;
    const near: HTMLElement[] = [];
    for (const para of this.text.querySelectorAll<HTMLElement>(".para")) {
      const bounds = para.getBoundingClientRect();
      if (bounds.bottom < low || bounds.top > high) continue;
      near.push(para);
      for (const mark of para.querySelectorAll<HTMLElement>("mark")) {
        const { claims, mentionOf, cueOf } = mark.dataset;
        if (!claims && !mentionOf && !cueOf) continue;
        const box = mark.getClientRects()[0];
        if (!box) continue;
        for (const id of ids(claims)) if (this.ids!.has(id)) add(quotes, id, box);
        for (const id of ids(mentionOf)) add(links, `mention:${id}`, box);
        for (const id of ids(cueOf)) add(links, `cue:${id}`, box);
      }
    }
    this.watch(near);
    return { quotes, links };
  }

  /** Watches these paragraphs only; watching the same ones again would redraw for nothing. */
  private watch(paragraphs: readonly HTMLElement[]): void {
    const same = paragraphs.length === this.watched.size && paragraphs.every((p) => this.watched.has(p));
    if (same) return;
    this.paragraphSizes.disconnect();
    this.watched.clear();
    for (const paragraph of paragraphs) {
      this.watched.add(paragraph);
      this.paragraphSizes.observe(paragraph);
    }
  }
}

function ids(list: string | undefined): number[] {
  return list ? list.split(" ").map(Number) : [];
}

function splitKey(key: string): [Kind, number] {
  const [kind, id] = key.split(":");
  return [kind as Kind, Number(id)];
}

function relative(box: Box, origin: DOMRect): Box {
  return { left: box.left - origin.left, top: box.top - origin.top, width: box.width };
}

/** The quote box nearest to the target, other than the target's own box where there is another. */
function nearest(boxes: readonly Box[], target: Box): Box {
  let best = boxes[0]!;
  let bestDistance = Infinity;
  for (const box of boxes) {
    const same = box.left === target.left && box.top === target.top;
    const distance = (same ? 1e6 : 0) + Math.hypot(centre(box) - centre(target), box.top - target.top);
    if (distance < bestDistance) {
      best = box;
      bestDistance = distance;
    }
  }
  return best;
}

const centre = (box: Box) => box.left + box.width / 2;

/** An arc over the text from the top middle of the quote's box to the top middle of the target's. */
function arc(kind: Kind, claimId: number, from: Box, to: Box): SVGElement {
  const x1 = centre(from);
  const x2 = centre(to);
  const rise = 8 + Math.min(28, Math.abs(x2 - x1) / 8);
  const top = Math.min(from.top, to.top) - rise;
  const path = document.createElementNS(SVG, "path");
  path.setAttribute(
    "d",
    `M ${r(x1)} ${r(from.top)} C ${r(x1)} ${r(top)} ${r(x2)} ${r(top)} ${r(x2)} ${r(to.top)}`,
  );
  path.setAttribute("class", `link link-${kind}`);
  path.dataset.claim = String(claimId);
  path.dataset.kind = kind;
  return path;
}

const r = (value: number) => Math.round(value * 10) / 10;
