import http from "node:http";

/** A report line of POST /api/v1/claims/bulk, or its summary. */
export type BulkAnswerLine = Record<string, unknown>;

export interface BulkUploadClient {
  /** Sends more of the body (whole lines or not); resolves when the socket took it. */
  send(text: string): Promise<void>;
  /** Ends the body: the upload is complete. */
  end(): void;
  /** Goes away mid-upload: the socket is destroyed, as when a script is killed. */
  cut(): void;
  /** Stops reading the answer (a stalled client); resume() reads again. */
  pause(): void;
  resume(): void;
  /** The answer's lines parsed so far. */
  readonly lines: BulkAnswerLine[];
  status(): Promise<number>;
  /** Resolves when `count` report lines have arrived (or the answer ended). */
  waitForLines(count: number): Promise<void>;
  /** Resolves when the connection closed, whoever closed it (even while the answer is paused). */
  closed: Promise<void>;
  /** How the answer ended: complete (with its summary) or cut. */
  finished: Promise<{ how: "complete" | "cut"; summary?: Record<string, unknown>; body: string }>;
}

/**
 * A bulk upload sent piece by piece through Node's own http client, so that a test can stop
 * sending, stop reading, or vanish at a chosen point, as real scripts do.
 */
export function startBulkUpload(
  baseUrl: string,
  token: string,
  options: { mode?: "all" | "valid"; key?: string } = {},
): BulkUploadClient {
  const url = new URL(`/api/v1/claims/bulk${options.mode ? `?mode=${options.mode}` : ""}`, baseUrl);
  const headers: http.OutgoingHttpHeaders = {
    authorization: `Bearer ${token}`,
    "content-type": "application/x-ndjson",
    accept: "application/json",
  };
  if (options.key) headers["idempotency-key"] = options.key;
  const request = http.request(url, { method: "POST", headers });
  const lines: BulkAnswerLine[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  let body = "";
  let pending = "";
  let response: http.IncomingMessage | undefined;
  let ended = false;
  const wake = () => {
    for (const waiter of [...waiting]) {
      if (ended || lines.length >= waiter.count) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const status = new Promise<number>((resolve, reject) => {
    request.once("response", (res) => resolve(res.statusCode ?? 0));
    request.once("error", reject);
  });
  status.catch(() => undefined);
  const closed = new Promise<void>((resolve) =>
    request.once("socket", (socket) => socket.once("close", () => resolve())),
  );
  const finished = new Promise<{ how: "complete" | "cut"; summary?: Record<string, unknown>; body: string }>(
    (resolve) => {
      const settle = (how: "complete" | "cut") => {
        if (ended) return;
        ended = true;
        wake();
        const last = lines[lines.length - 1];
        resolve({ how, summary: last?.summary as Record<string, unknown> | undefined, body });
      };
      request.on("error", () => settle("cut"));
      request.on("response", (res) => {
        response = res;
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
          pending += chunk;
          let at = pending.indexOf("\n");
          while (at !== -1) {
            const line = pending.slice(0, at);
            pending = pending.slice(at + 1);
            if (line.trim()) {
              try {
                lines.push(JSON.parse(line) as BulkAnswerLine);
              } catch {
                lines.push({ unparsed: line });
              }
            }
            at = pending.indexOf("\n");
          }
          wake();
        });
        res.on("error", () => settle("cut"));
        res.on("close", () => settle(res.complete ? "complete" : "cut"));
      });
    },
  );
  return {
    send: (text) =>
      new Promise((resolve) => {
        if (request.destroyed || request.write(text)) return resolve();
        const done = () => {
          request.off("drain", done);
          request.off("close", done);
          resolve();
        };
        request.on("drain", done);
        request.on("close", done);
      }),
    end: () => request.end(),
    cut: () => {
      request.destroy();
      response?.destroy();
    },
    pause: () => response?.pause(),
    resume: () => response?.resume(),
    lines,
    closed,
    status: () => status,
    waitForLines: (count) =>
      new Promise((resolve) => {
        waiting.push({ count, resolve });
        wake();
      }),
    finished,
  };
}
