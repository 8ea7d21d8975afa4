import fs from "node:fs";

/** What other users met while an abuse ran: their requests' times and failures. */
export interface Bystanders {
  n: number;
  p95Ms: number;
  maxMs: number;
  failures: string[];
}

/**
 * The p-th percentile of sorted times. Of fewer than 20 times the 95th would be the slowest one,
 * which a single stray pause of a loaded machine decides: there it is the second-slowest, so one
 * outlier is forgiven as it is among 20 or more.
 */
const percentile = (sorted: number[], p: number) => {
  if (!sorted.length) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[sorted.length < 20 && sorted.length > 1 ? Math.min(index, sorted.length - 2) : index]!;
};

export interface Bystander {
  url: () => string;
  token: string;
  articleId: number;
  span: { start: number; end: number; quote: string };
}

/**
 * Another user at work while the abuse runs: opens the article's workspace page, then saves a
 * claim, over and over, one request at a time. Every answer must be a success.
 */
export function watchBystanders(who: Bystander): { stop: () => Promise<Bystanders> } {
  const times: number[] = [];
  const failures: string[] = [];
  let running = true;
  const headers = { authorization: `Bearer ${who.token}` };
  const timed = async (what: string, request: () => Promise<Response>) => {
    const started = performance.now();
    try {
      const answer = await request();
      await answer.arrayBuffer();
      times.push(performance.now() - started);
      if (!answer.ok) failures.push(`${what}: ${answer.status}`);
    } catch (error) {
      failures.push(`${what}: ${(error as Error).message}`);
    }
  };
  const loop = (async () => {
    for (let n = 0; running; n++) {
      await timed("workspace page", () =>
        fetch(`${who.url()}/articles/${who.articleId}`, { headers, signal: AbortSignal.timeout(30_000) }),
      );
      await timed("claim save", () =>
        fetch(`${who.url()}/api/v1/articles/${who.articleId}/claims`, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: JSON.stringify({ ...who.span, type: "outlet", note: `bystander ${n}` }),
          signal: AbortSignal.timeout(30_000),
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const sorted = [...times].sort((a, b) => a - b);
      return {
        n: sorted.length,
        p95Ms: Math.round(percentile(sorted, 95)),
        maxMs: Math.round(sorted[sorted.length - 1] ?? 0),
        failures: failures.slice(0, 5),
      };
    },
  };
}

/** The resident memory of a process, in MB, sampled every 100 ms: its peak. */
export function watchMemory(pid: number): { stop: () => { startMb: number; peakMb: number } } {
  const read = () => {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
      return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
    } catch {
      return 0;
    }
  };
  const startMb = read();
  let peakMb = startMb;
  const timer = setInterval(() => (peakMb = Math.max(peakMb, read())), 100);
  return {
    stop() {
      clearInterval(timer);
      return { startMb, peakMb: Math.max(peakMb, read()) };
    },
  };
}
