// CPU-heavy work that must not hold up other requests runs here, in a worker thread: formatting
// long guidelines (guidelines.html.ts) and computing agreement over a large study
// (agreement.service.ts). One worker per kind of work, started on first use and stopped after a
// minute idle; jobs run one at a time, each with its own time limit, and a job that passes it (or
// a worker that dies, say at its own heap limit) fails alone: the worker is replaced for the next.
//
// The worker is the TypeScript entry file under tsx (development) and Vitest, loaded through
// tsx's require hook (tsx's ESM hooks do not reach worker threads on Node 20), and the compiled
// JavaScript file beside this one in production (dist/).
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { parentPort, Worker } from "node:worker_threads";

export class OffThreadError extends Error {
  constructor(
    readonly reason: "timeout" | "failed",
    message: string,
  ) {
    super(message);
  }
}

export interface OffThreadOptions {
  /** Milliseconds one job may run (read at each job, so tests may shorten it). */
  timeoutMs: () => number;
  /** The worker's own heap limit. */
  heapMb: number;
}

type Reply<O> = { ok: true; value: O } | { ok: false; message: string };

interface Job<I, O> {
  input: I;
  resolve: (value: O) => void;
  reject: (error: OffThreadError) => void;
}

export class OffThread<I, O> {
  private worker: Worker | undefined;
  private readonly queue: Job<I, O>[] = [];
  private running: { job: Job<I, O>; timer: NodeJS.Timeout } | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  /**
   * `entry`: the worker file's URL as `new URL("./x.worker.js", import.meta.url)` would give it,
   * with `.js`: the `.ts` beside it is used when the caller itself runs as TypeScript.
   */
  constructor(
    private readonly entry: URL,
    private readonly options: OffThreadOptions,
  ) {}

  run(input: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.running) return;
    const job = this.queue.shift();
    if (!job) {
      this.idleTimer ??= setTimeout(() => this.stop(), 60_000).unref();
      return;
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    let worker: Worker;
    try {
      worker = this.worker ?? this.start();
    } catch (error) {
      job.reject(new OffThreadError("failed", `could not start a worker: ${String(error)}`));
      return this.next();
    }
    const limit = this.options.timeoutMs();
    const timer = setTimeout(() => this.fail("timeout", `took longer than ${limit} ms`), limit);
    this.running = { job, timer };
    // Referenced while it works (a script awaiting a job is not ended under it), not when idle.
    worker.ref();
    worker.postMessage(job.input);
  }

  private start(): Worker {
    const resourceLimits = { maxOldGenerationSizeMb: this.options.heapMb };
    const typescript = this.entry.pathname.endsWith(".js") && import.meta.url.endsWith(".ts");
    const worker = typescript
      ? new Worker(typescriptEntry(this.entry), { eval: true, resourceLimits })
      : new Worker(this.entry, { resourceLimits });
    // Events of a worker already replaced (terminated after a timeout) are no longer news.
    worker.on("message", (reply: Reply<O>) => {
      const running = this.running;
      if (this.worker !== worker || !running) return;
      clearTimeout(running.timer);
      this.running = undefined;
      worker.unref();
      if (reply.ok) running.job.resolve(reply.value);
      else running.job.reject(new OffThreadError("failed", reply.message));
      this.next();
    });
    worker.on("error", (error) => {
      if (this.worker === worker) this.fail("failed", String(error));
    });
    worker.on("exit", (code) => {
      if (this.worker === worker) this.fail("failed", `the worker exited (${code})`);
    });
    this.worker = worker;
    return worker;
  }

  /** The running job fails, and the worker is replaced for the next one. */
  private fail(reason: OffThreadError["reason"], message: string) {
    const running = this.running;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) void worker.terminate();
    if (!running) return;
    clearTimeout(running.timer);
    this.running = undefined;
    running.job.reject(new OffThreadError(reason, message));
    this.next();
  }

  private stop() {
    this.idleTimer = undefined;
    if (this.running) return;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) void worker.terminate();
  }
}

/** Eval'd code that loads the TypeScript entry through tsx (transformed to CommonJS on the way). */
function typescriptEntry(entry: URL): string {
  const require = createRequire(import.meta.url);
  const file = fileURLToPath(entry).replace(/\.js$/, ".ts");
  return `require(${JSON.stringify(require.resolve("tsx/cjs"))}); require(${JSON.stringify(file)});`;
}

/** In a worker entry file: answers each job with `handler`'s result (or its error's message). */
export function serveOffThread<I, O>(handler: (input: I) => O): void {
  const port = parentPort;
  if (!port) throw new Error("serveOffThread runs in a worker thread only.");
  port.on("message", (input: I) => {
    let reply: Reply<O>;
    try {
      reply = { ok: true, value: handler(input) };
    } catch (error) {
      reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
}
