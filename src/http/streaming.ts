import type { Writable } from "node:stream";

/**
 * Writes `text` and, when the reader's buffer is full, waits until it drains: memory stays flat
 * however slow the reader. Rejects (never hangs) when the stream breaks, closes or `signal` aborts.
 */
export async function writeOrWait(
  stream: Writable,
  text: string | Uint8Array,
  signal?: AbortSignal,
): Promise<void> {
  if (signal?.aborted || stream.destroyed || stream.writableEnded) throw new StreamGoneError();
  if (stream.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      stream.off("drain", drained);
      stream.off("close", gone);
      stream.off("error", gone);
      signal?.removeEventListener("abort", gone);
    };
    const drained = () => {
      cleanup();
      resolve();
    };
    const gone = () => {
      cleanup();
      reject(new StreamGoneError());
    };
    stream.on("drain", drained);
    stream.on("close", gone);
    stream.on("error", gone);
    signal?.addEventListener("abort", gone);
    if (stream.destroyed) gone();
  });
}

/** The reader went away: nothing more can be written. */
export class StreamGoneError extends Error {}
