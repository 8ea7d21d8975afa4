// A small least-recently-used cache for what is computed from guidelines texts (their HTML, the
// changes between two versions). Versions never change, so a result stays right as long as it is
// kept; entries are keyed by a hash of the texts, and the cache holds at most `maxSize` characters.
import { createHash } from "node:crypto";

export class TextCache<V> {
  private readonly entries = new Map<string, { value: V; size: number }>();
  private size = 0;

  constructor(private readonly maxSize: number) {}

  /** A key for one or more texts: a SHA-256 of each (about a millisecond for 200,000 characters). */
  static keyOf(...texts: string[]): string {
    return texts.map((text) => createHash("sha256").update(text).digest("base64")).join(":");
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Most recently used last: the oldest entries go first when the cache is full.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, size: number): V {
    if (size > this.maxSize) return value;
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.size -= old.size;
    }
    this.entries.set(key, { value, size });
    this.size += size;
    for (const [oldKey, entry] of this.entries) {
      if (this.size <= this.maxSize) break;
      this.entries.delete(oldKey);
      this.size -= entry.size;
    }
    return value;
  }
}
