import type { Server } from "node:http";

/**
 * HTTP 500 answers seen by this test process. A 500 is a defect whatever the test asserted: every
 * test file fails when one was answered (tests/setup/no-server-errors.ts).
 */
export const serverErrors: string[] = [];

/** Records every 500 the server answers, with its method and path. */
export function watchForServerErrors(server: Server): void {
  server.on("request", (req, res) => {
    res.on("finish", () => {
      if (res.statusCode === 500) serverErrors.push(`${req.method} ${req.url}`);
    });
  });
}

/** Records the 500s a server process logged (pino's JSON request lines). */
export function serverErrorsInLog(log: string): void {
  for (const line of log.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const entry = JSON.parse(line) as {
        res?: { statusCode?: number };
        req?: { method?: string; url?: string };
      };
      if (entry.res?.statusCode === 500) serverErrors.push(`${entry.req?.method} ${entry.req?.url}`);
    } catch {
      // not a log line of ours
    }
  }
}
