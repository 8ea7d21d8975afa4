import pg from "pg";

/**
 * A pg client that runs promise-style queries one after another itself. Prisma's query interpreter
 * sends an `include`'s sub-queries at the same time on a transaction's one client; pg 8 queues them
 * but warns that this is deprecated, and pg 9 will refuse. Waiting for the previous query here keeps
 * the same order and results without relying on pg's queue. Streams (COPY, cursors) and callback
 * calls pass straight through: they are only used on clients that run nothing else at the time.
 */
const plainQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;

export class SerialClient extends pg.Client {
  private tail: Promise<unknown> = Promise.resolve();

  // The override has to accept every overload of pg.Client.query.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const first = args[0] as { submit?: unknown } | undefined;
    const streaming = typeof first?.submit === "function";
    const withCallback = typeof args[args.length - 1] === "function";
    if (streaming || withCallback) return plainQuery.apply(this, args);
    const run = () => plainQuery.apply(this, args) as Promise<unknown>;
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
