import { randomUUID } from "node:crypto";
import { startBulkUpload } from "../helpers/bulk-client.js";

/** What a client was finally told about one write, and how it got there. */
export interface SaveOutcome {
  marker: string;
  /** 2xx: the write is acknowledged. */
  acknowledged: boolean;
  /** Answers before the last (network errors, 503s, 507s) that a retry with the key got past. */
  failedTries: number;
  /** The last answer was a refusal (4xx), or the client gave up: the write must not be stored twice. */
  refused: boolean;
  status: number;
}

export interface Target {
  url: () => string;
  token: string;
  articleId: number;
  span: { start: number; end: number; quote: string };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One claim create, sent with an Idempotency-Key and sent again with the same key after a network
 * error or a 5xx/507, as docs/api.md tells scripts to, until an answer or the deadline.
 */
export async function saveWithRetries(
  target: Target,
  marker: string,
  deadline: number,
): Promise<SaveOutcome> {
  const key = randomUUID();
  let failedTries = 0;
  let status = 0;
  for (;;) {
    try {
      const answer = await fetch(`${target.url()}/api/v1/articles/${target.articleId}/claims`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${target.token}`,
          "content-type": "application/json",
          "idempotency-key": key,
        },
        body: JSON.stringify({ ...target.span, type: "outlet", note: marker }),
        signal: AbortSignal.timeout(15_000),
      });
      status = answer.status;
      await answer.arrayBuffer();
      if (answer.ok) return { marker, acknowledged: true, failedTries, refused: false, status };
      if (status < 500 && status !== 429)
        return { marker, acknowledged: false, failedTries, refused: true, status };
    } catch {
      status = 0;
    }
    failedTries += 1;
    if (Date.now() > deadline) return { marker, acknowledged: false, failedTries, refused: true, status };
    await pause(100 + Math.random() * 200);
  }
}

/** `clients` clients saving one claim after another until `until()` says stop. */
export async function saveLoop(
  target: Target,
  prefix: string,
  clients: number,
  until: () => boolean,
): Promise<SaveOutcome[]> {
  const outcomes: SaveOutcome[] = [];
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let n = 0; !until(); n++) {
        outcomes.push(await saveWithRetries(target, `${prefix}:${client}:${n}`, Date.now() + 60_000));
      }
    }),
  );
  return outcomes;
}

/** A file of `count` claim lines whose notes are `${prefix}:${line}`. */
export function bulkFile(target: Target, prefix: string, count: number): string {
  let text = "";
  for (let line = 1; line <= count; line++) {
    text += `${JSON.stringify({ articleId: target.articleId, ...target.span, type: "outlet", note: `${prefix}:${line}` })}\n`;
  }
  return text;
}

export interface BulkOutcome {
  prefix: string;
  lines: number;
  key: string;
  /** Ids the client was given, by line. */
  reported: Map<number, number>;
  /** The last request's summary said the whole file was handled. */
  complete: boolean;
  tries: number;
}

/**
 * Sends a bulk file under one key, and sends it again (same key) after every interruption, until
 * a summary says it is complete or the deadline passes. `interrupt(n)` may cut the n-th try short.
 */
export async function bulkWithRetries(
  target: Target,
  options: {
    prefix: string;
    lines: number;
    mode: "all" | "valid";
    deadline: number;
    /** Called with each try's client once it is sending; may cut it (vanish) or do something else. */
    during?: (upload: ReturnType<typeof startBulkUpload>, tryNumber: number) => Promise<void>;
  },
): Promise<BulkOutcome> {
  const key = randomUUID();
  const text = bulkFile(target, options.prefix, options.lines);
  const outcome: BulkOutcome = {
    prefix: options.prefix,
    lines: options.lines,
    key,
    reported: new Map(),
    complete: false,
    tries: 0,
  };
  while (!outcome.complete && Date.now() < options.deadline) {
    outcome.tries += 1;
    const upload = startBulkUpload(target.url(), target.token, { mode: options.mode, key });
    // Sent over about a second and a half, as over a real network, so that a fault can land mid-way.
    const piece = Math.max(16 * 1024, Math.ceil(text.length / 30));
    const sending = (async () => {
      for (let at = 0; at < text.length; at += piece) {
        await upload.send(text.slice(at, at + piece));
        await pause(50);
      }
      upload.end();
    })();
    const during = options.during?.(upload, outcome.tries);
    const finished = await upload.finished;
    await sending.catch(() => undefined);
    await during;
    for (const line of upload.lines) {
      if (line.ok === true && typeof line.id === "number") outcome.reported.set(line.line as number, line.id);
    }
    outcome.complete = finished.how === "complete" && finished.summary?.complete === true;
    if (!outcome.complete) await pause(200 + Math.random() * 300);
  }
  return outcome;
}
