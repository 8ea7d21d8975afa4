// Types of workspace-layout.js for the TypeScript tests that import it.

export interface LayoutSpan {
  id: number | string;
  start: number;
  end: number;
}

export interface LayoutSegment {
  start: number;
  end: number;
  ids: ReadonlyArray<number | string>;
}

export function layoutSegments(
  length: number,
  cuts: Iterable<number>,
  spans: ReadonlyArray<LayoutSpan>,
): LayoutSegment[];

export function codePointIndex(text: string): Uint32Array;

export function codePointLength(text: string): number;

export function snapToSentences(
  sentences: ReadonlyArray<{ start: number; end: number }>,
  start: number,
  end: number,
): { start: number; end: number; first: number; last: number } | null;
