import type { Socket } from "node:net";

/**
 * Ends a streamed request whose client makes the server wait too long: no bytes sent while the
 * server waits to read, or none read while it waits to write. Time the server spends on its own
 * work (a batch's transaction) never counts, so a slow database cannot cut a client off.
 * When the limit passes, `onIdle` runs once and the connection is closed.
 */
export class ClientIdleLimit {
  private fired = false;

  constructor(
    private readonly socket: Socket,
    readonly ms: number,
    private readonly onIdle: () => void,
  ) {
    socket.on("timeout", this.fire);
  }

  private readonly fire = () => {
    if (this.fired) return;
    this.fired = true;
    this.onIdle();
    this.socket.destroy();
  };

  /** Whether the client was cut off for keeping the server waiting. */
  get expired(): boolean {
    return this.fired;
  }

  /** Waits for `work` (a read or a drain), allowing the client at most `ms` of silence. */
  async wait<T>(work: Promise<T>): Promise<T> {
    this.socket.setTimeout(this.ms);
    try {
      return await work;
    } finally {
      this.socket.setTimeout(0);
    }
  }

  /** The chunks of `source`, each awaited under the limit. */
  async *read<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
    const chunks = source[Symbol.asyncIterator]();
    for (;;) {
      const next = await this.wait(chunks.next());
      if (next.done) return;
      yield next.value;
    }
  }

  /** Stops watching: the request is over. */
  close(): void {
    this.socket.setTimeout(0);
    this.socket.off("timeout", this.fire);
  }
}
