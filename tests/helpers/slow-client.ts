import http, { type IncomingHttpHeaders } from "node:http";

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body of an answer other than 200 (an error message). */
  body?: string;
}

export interface SlowDownload {
  /** Status and headers, once the server has answered. */
  answer: Promise<Answer>;
  /** How the body ended: in full, or cut (connection closed before the end of the response). */
  ended: Promise<"complete" | "cut">;
  received(): number;
  /** Reads whatever is left as fast as it comes. */
  speedUp(): void;
  /** Goes away, as a browser does when the download is cancelled. */
  stop(): void;
}

/**
 * A client that reads a download at `bytesPerSecond` (0: never reads), in small steps, the way
 * a slow connection does. Node's own http client, so that reading really stops when it pauses.
 */
export function slowDownload(url: string, token: string, bytesPerSecond: number): SlowDownload {
  const tick = 100;
  let received = 0;
  let timer: NodeJS.Timeout | undefined;
  let response: http.IncomingMessage | undefined;
  let settle: (how: "complete" | "cut") => void = () => undefined;
  const ended = new Promise<"complete" | "cut">((resolve) => (settle = resolve));
  // A script's request: errors (429, 503) come back as JSON.
  const request = http.get(url, {
    headers: { authorization: `Bearer ${token}`, accept: "application/json" },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    request.on("error", (error) => {
      settle("cut");
      reject(error);
    });
    request.on("response", (res) => {
      response = res;
      res.on("error", () => undefined);
      res.on("close", () => {
        clearInterval(timer);
        settle(res.complete ? "complete" : "cut");
      });
      if (res.statusCode !== 200) {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
        return;
      }
      resolve({ status: 200, headers: res.headers });
      res.pause();
      if (bytesPerSecond === 0) return;
      const step = Math.max(1, Math.round((bytesPerSecond * tick) / 1000));
      timer = setInterval(() => {
        const chunk = res.read(step) as Buffer | null;
        if (chunk) received += chunk.length;
      }, tick);
    });
  });
  answer.catch(() => undefined);
  return {
    answer,
    ended,
    received: () => received,
    speedUp() {
      clearInterval(timer);
      response?.on("data", (chunk: Buffer) => (received += chunk.length));
      response?.resume();
    },
    stop() {
      clearInterval(timer);
      request.destroy();
    },
  };
}
