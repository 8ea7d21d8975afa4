// Which claims of different annotators are "the same claim": exact matches (same start and end)
// and one-to-one matches by largest overlap, taken greedily from the largest overlap down, as
// span-agreement measures in annotation tools do. Spans are code-point offsets in one article.

export interface Span {
  start: number;
  end: number;
}

function overlap(a: Span, b: Span): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
}

/** How many spans of `a` have a partner in `b` with the same start and end, one to one. */
export function exactMatches(a: readonly Span[], b: readonly Span[]): number {
  const waiting = new Map<string, number>();
  for (const span of b)
    waiting.set(`${span.start}:${span.end}`, (waiting.get(`${span.start}:${span.end}`) ?? 0) + 1);
  let matches = 0;
  for (const span of a) {
    const key = `${span.start}:${span.end}`;
    const left = waiting.get(key) ?? 0;
    if (left > 0) {
      matches += 1;
      waiting.set(key, left - 1);
    }
  }
  return matches;
}

interface Candidate {
  left: number;
  right: number;
  overlap: number;
  /** Ties on overlap go to the pair whose ends are closest. */
  distance: number;
}

function byLargestOverlap(x: Candidate, y: Candidate): number {
  return y.overlap - x.overlap || x.distance - y.distance || x.left - y.left || x.right - y.right;
}

/** One-to-one pairs [index in a, index in b] of overlapping spans, the largest overlaps first. */
export function overlapMatches(a: readonly Span[], b: readonly Span[]): [number, number][] {
  const candidates = allOverlaps(a, b);
  candidates.sort(byLargestOverlap);
  const usedLeft = new Set<number>();
  const usedRight = new Set<number>();
  const pairs: [number, number][] = [];
  for (const { left, right } of candidates) {
    if (usedLeft.has(left) || usedRight.has(right)) continue;
    usedLeft.add(left);
    usedRight.add(right);
    pairs.push([left, right]);
  }
  return pairs;
}

/** F1 of `matches` between sets of `sizeA` and `sizeB` spans; null when both are empty. */
export function f1(matches: number, sizeA: number, sizeB: number): number | null {
  return sizeA + sizeB === 0 ? null : (2 * matches) / (sizeA + sizeB);
}

/**
 * Groups the claims of several annotators on one article into units of "the same claim": overlapping
 * claims are joined from the largest overlap down, never two claims of one annotator in a unit.
 * Returns, per unit, the index of each annotator's claim in its list (undefined where it has none).
 */
export function claimUnits(spansByCoder: readonly (readonly Span[])[]): (number | undefined)[][] {
  const offsets: number[] = [];
  let total = 0;
  for (const spans of spansByCoder) {
    offsets.push(total);
    total += spans.length;
  }
  const parent = Array.from({ length: total }, (_, i) => i);
  const coders = Array.from({ length: total }, (_, i) => new Set([coderOf(offsets, i)]));
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));

  const edges: (Candidate & { coderA: number; coderB: number })[] = [];
  for (let a = 0; a < spansByCoder.length; a++) {
    for (let b = a + 1; b < spansByCoder.length; b++) {
      for (const candidate of allOverlaps(spansByCoder[a]!, spansByCoder[b]!)) {
        edges.push({ ...candidate, coderA: a, coderB: b });
      }
    }
  }
  edges.sort(byLargestOverlap);
  for (const edge of edges) {
    const x = root(offsets[edge.coderA]! + edge.left);
    const y = root(offsets[edge.coderB]! + edge.right);
    if (x === y || [...coders[y]!].some((coder) => coders[x]!.has(coder))) continue;
    parent[y] = x;
    for (const coder of coders[y]!) coders[x]!.add(coder);
  }

  const units = new Map<number, (number | undefined)[]>();
  for (let i = 0; i < total; i++) {
    const coder = coderOf(offsets, i);
    const unit = units.get(root(i)) ?? new Array<number | undefined>(spansByCoder.length).fill(undefined);
    unit[coder] = i - offsets[coder]!;
    units.set(root(i), unit);
  }
  return [...units.values()];
}

function allOverlaps(a: readonly Span[], b: readonly Span[]): Candidate[] {
  const found: Candidate[] = [];
  a.forEach((left, i) =>
    b.forEach((right, j) => {
      const shared = overlap(left, right);
      if (shared > 0) {
        const distance = Math.abs(left.start - right.start) + Math.abs(left.end - right.end);
        found.push({ left: i, right: j, overlap: shared, distance });
      }
    }),
  );
  return found;
}

function coderOf(offsets: readonly number[], index: number): number {
  let coder = 0;
  while (coder + 1 < offsets.length && offsets[coder + 1]! <= index) coder += 1;
  return coder;
}
