import type { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** How a download ended, apart from the failures that are thrown. */
export type Delivery = "sent" | "client-gone" | "client-stalled";

/**
 * Sends `source` to `out` and tells a client that went away or stopped reading from a real
 * failure (the database or the spool file), which is thrown. A client counts as stalled when the
 * network has taken no data for `idleTimeoutMs` (like nginx's send_timeout): the download is cut
 * and whatever it held (a database connection, a spool file) is released.
 *
 * Node learns that the network took data only when the kernel's send buffer has room again; on
 * a fast link the buffers hold megabytes: a client reading 10 KB/s over loopback showed no
 * progress for 90 s. No finer signal reaches user space, so the limit must stay generous.
 */
export async function deliver(source: Readable, out: Writable, idleTimeoutMs?: number): Promise<Delivery> {
  if (out.destroyed) {
    // Gone while the export was being prepared (waiting for a connection, spooling).
    source.destroy();
    return "client-gone";
  }
  let firstTrouble: "client" | "source" | undefined;
  let sourceError: unknown;
  let stalled = false;
  const onClientClose = () => (firstTrouble ??= "client");
  const onSourceError = (error: unknown) => {
    firstTrouble ??= "source";
    sourceError ??= error;
  };
  out.once("close", onClientClose);
  source.once("error", onSourceError);
  const stopWatching =
    idleTimeoutMs === undefined
      ? () => undefined
      : watchForStall(out, idleTimeoutMs, () => {
          stalled = true;
          out.destroy();
        });
  try {
    await pipeline(source, out);
    return "sent";
  } catch (error) {
    if (stalled) return "client-stalled";
    if (firstTrouble === "source") throw sourceError;
    if (firstTrouble === "client") return "client-gone";
    throw error;
  } finally {
    stopWatching();
    out.off("close", onClientClose);
    source.off("error", onSourceError);
    // pipeline destroys both on failure; on success the source has ended. Either way it closes,
    // which is what releases its connection or deletes its file.
    source.destroy();
  }
}

/** Calls `onStall` once `out` has wanted a drain for `idleMs` without getting one. */
function watchForStall(out: Writable, idleMs: number, onStall: () => void): () => void {
  let waitingSince: number | undefined;
  const onDrain = () => (waitingSince = undefined);
  out.on("drain", onDrain);
  const timer = setInterval(
    () => {
      if (!out.writableNeedDrain) {
        waitingSince = undefined;
        return;
      }
      waitingSince ??= Date.now();
      if (Date.now() - waitingSince >= idleMs) {
        clearInterval(timer);
        onStall();
      }
    },
    Math.min(1000, Math.max(50, idleMs / 10)),
  );
  timer.unref();
  return () => {
    clearInterval(timer);
    out.off("drain", onDrain);
  };
}
