// What a guidelines version changed, line by line, in bounded time and memory. Myers' O((N+M)·D)
// algorithm ("An O(ND) difference algorithm and its variations", 1986) over lines coded as
// integers, after the lines both versions share at the start and the end are set aside. It stops
// at DIFF_CHANGED_LINES_MAX changed lines or DIFF_STEPS_MAX steps, whichever comes first: the
// diff of two 200,000-character versions then costs tens of milliseconds at most, whatever they
// hold (jsdiff's diffLines took 44-49 s for two versions of 12,000 different lines, and about
// 0.4 s just to compare 100,000 identical ones). Past the limit the versions "differ too much":
// everything from the first changed line to the last is shown as removed, then as added.

/** At most this many lines removed plus added are paired up line by line. */
export const DIFF_CHANGED_LINES_MAX = 2_000;
/** At most this many steps (diagonals tried plus lines compared) are spent pairing them up. */
export const DIFF_STEPS_MAX = 1_000_000;

export interface LineChange {
  kind: "added" | "removed" | "same";
  /** Whole lines, each with its line break (the last line of a text may have none). */
  text: string;
}

export interface LineDiff {
  changes: LineChange[];
  /**
   * False when the versions differ too much to pair their lines up within the limits: the lines
   * between the first and the last change are then all shown as removed, then all as added.
   */
  paired: boolean;
}

export interface DiffLimits {
  changedLines?: number;
  steps?: number;
}

/** A text's lines as offsets: line i is text.slice(starts[i], starts[i + 1]), with its "\n". */
class Lines {
  readonly starts: Int32Array;
  readonly hashes: Int32Array;
  readonly count: number;

  constructor(readonly text: string) {
    // No string is made per line (that alone cost 25-50 ms for 40,000 lines): offsets, and an
    // FNV-1a hash of each line's characters.
    let count = 0;
    for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) count += 1;
    if (text.length > 0 && !text.endsWith("\n")) count += 1;
    this.count = count;
    this.starts = new Int32Array(count + 1);
    this.hashes = new Int32Array(count);
    let line = 0;
    let hash = FNV_OFFSET;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      hash = Math.imul(hash ^ unit, FNV_PRIME);
      if (unit === 10 || i === text.length - 1) {
        this.hashes[line] = hash;
        this.starts[++line] = i + 1;
        hash = FNV_OFFSET;
      }
    }
  }

  /** Lines from..to (exclusive) as one string. */
  slice(from: number, to: number): string {
    return this.text.slice(this.starts[from], this.starts[to]);
  }

  same(i: number, other: Lines, j: number): boolean {
    const start = this.starts[i]!;
    const length = this.starts[i + 1]! - start;
    const otherStart = other.starts[j]!;
    if (other.starts[j + 1]! - otherStart !== length) return false;
    for (let c = 0; c < length; c++) {
      if (this.text.charCodeAt(start + c) !== other.text.charCodeAt(otherStart + c)) return false;
    }
    return true;
  }
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;

/** Codes each line of both texts with a small integer: equal lines, equal codes. */
function lineCodes(a: Lines, b: Lines): [Int32Array, Int32Array] {
  const total = a.count + b.count;
  // The first line seen with each code (its text and index), and the next code with the same
  // hash (-1: none), for the rare different lines whose hashes collide.
  const exampleText: Lines[] = [];
  const exampleIndex = new Int32Array(total);
  const sameHashNext = new Int32Array(total).fill(-1);
  const firstOfHash = new Map<number, number>();
  let codes = 0;
  const codesOf = (lines: Lines) => {
    const result = new Int32Array(lines.count);
    for (let i = 0; i < lines.count; i++) {
      const hash = lines.hashes[i]! & 0x3fffffff; // a small integer: no boxed Map key
      let code = firstOfHash.get(hash) ?? -1;
      let last = -1;
      while (code !== -1 && !lines.same(i, exampleText[code]!, exampleIndex[code]!)) {
        last = code;
        code = sameHashNext[code]!;
      }
      if (code === -1) {
        code = codes++;
        exampleText.push(lines);
        exampleIndex[code] = i;
        if (last === -1) firstOfHash.set(hash, code);
        else sameHashNext[last] = code;
      }
      result[i] = code;
    }
    return result;
  };
  return [codesOf(a), codesOf(b)];
}

type Op = 0 | 1 | 2; // same, removed, added

export function diffLines(before: string, after: string, limits: DiffLimits = {}): LineDiff {
  const a = new Lines(before);
  const b = new Lines(after);
  const [codesA, codesB] = lineCodes(a, b);

  let head = 0;
  while (head < a.count && head < b.count && codesA[head] === codesB[head]) head += 1;
  let tail = 0;
  while (
    tail < a.count - head &&
    tail < b.count - head &&
    codesA[a.count - 1 - tail] === codesB[b.count - 1 - tail]
  )
    tail += 1;

  const script = editScript(
    codesA.subarray(head, a.count - tail),
    codesB.subarray(head, b.count - tail),
    limits.changedLines ?? DIFF_CHANGED_LINES_MAX,
    limits.steps ?? DIFF_STEPS_MAX,
  );

  const out = new ChangeList();
  out.push("same", a, 0, head);
  if (script) {
    let x = head;
    let y = head;
    for (let i = 0; i < script.length;) {
      let j = i;
      if (script[i] === 0) {
        while (j < script.length && script[j] === 0) j += 1;
        out.push("same", a, x, x + j - i);
        x += j - i;
        y += j - i;
      } else {
        // A run of edits: what was removed, then what was added, as jsdiff shows them.
        let removed = 0;
        while (j < script.length && script[j] !== 0) removed += script[j++] === 1 ? 1 : 0;
        const added = j - i - removed;
        out.push("removed", a, x, x + removed);
        out.push("added", b, y, y + added);
        x += removed;
        y += added;
      }
      i = j;
    }
  } else {
    out.push("removed", a, head, a.count - tail);
    out.push("added", b, head, b.count - tail);
  }
  out.push("same", a, a.count - tail, a.count);
  return { changes: out.changes, paired: script !== null };
}

/** Consecutive lines of one kind joined into one change, as jsdiff gives them. */
class ChangeList {
  readonly changes: LineChange[] = [];
  push(kind: LineChange["kind"], lines: Lines, from: number, to: number) {
    if (to <= from) return;
    const text = lines.slice(from, to);
    const last = this.changes[this.changes.length - 1];
    if (last?.kind === kind) last.text += text;
    else this.changes.push({ kind, text });
  }
}

/**
 * The shortest edit script turning `a` into `b` (0 keep, 1 remove from a, 2 add from b), or null
 * when it would need more than `maxEdits` edits or `maxSteps` steps. Memory: the furthest point of
 * each diagonal after each round, fewer integers than steps (4 MB at most).
 */
function editScript(a: Int32Array, b: Int32Array, maxEdits: number, maxSteps: number): Op[] | null {
  const n = a.length;
  const m = b.length;
  if (n + m === 0) return [];
  if (n === 0 || m === 0) {
    return n + m > maxEdits ? null : Array.from({ length: n + m }, () => (n ? 1 : 2));
  }
  const limit = Math.min(n + m, maxEdits);
  const offset = limit + 1;
  const furthest = new Int32Array(2 * limit + 3);
  // After round d, its furthest points (diagonals -d, -d+2, …, d) at trace[d(d+1)/2 …]: one
  // buffer, grown by doubling, instead of an array per round.
  let trace: Int32Array = new Int32Array(1024);
  let used = 0;
  let steps = 0;
  for (let d = 0; d <= limit; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && furthest[offset + k - 1]! < furthest[offset + k + 1]!)
          ? furthest[offset + k + 1]!
          : furthest[offset + k - 1]! + 1;
      let y = x - k;
      const start = x;
      while (x < n && y < m && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      steps += 1 + x - start;
      furthest[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, d, n, m);
      if (steps > maxSteps) return null;
    }
    trace = keepRound(trace, used, furthest, offset, d);
    used += d + 1;
  }
  return null;
}

/** Copies round d's furthest points to the trace at `used`, growing it when full. */
function keepRound(trace: Int32Array, used: number, furthest: Int32Array, offset: number, d: number) {
  let kept = trace;
  if (used + d + 1 > kept.length) {
    kept = new Int32Array(Math.max(kept.length * 2, used + d + 1));
    kept.set(trace.subarray(0, used));
  }
  for (let i = 0; i <= d; i++) kept[used + i] = furthest[offset - d + 2 * i]!;
  return kept;
}

function backtrack(trace: Int32Array, rounds: number, n: number, m: number): Op[] {
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = rounds; d > 0; d--) {
    // Round d - 1 starts at (d - 1)d/2 and holds diagonals -(d-1), -(d-1)+2, …, d-1.
    const start = ((d - 1) * d) / 2;
    const at = (k: number) => trace[start + ((k + d - 1) >> 1)]!;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const previousK = down ? k + 1 : k - 1;
    const previousX = at(previousK);
    const previousY = previousX - previousK;
    const afterEdit = down ? previousX : previousX + 1;
    while (x > afterEdit) {
      ops.push(0);
      x -= 1;
      y -= 1;
    }
    ops.push(down ? 2 : 1);
    x = previousX;
    y = previousY;
  }
  while (x > 0 && y > 0) {
    ops.push(0);
    x -= 1;
    y -= 1;
  }
  return ops.reverse();
}
