import fs from "node:fs";
import { chromium } from "playwright-core";
import { importArticle } from "../../src/articles/articles.service.js";
import type { Database } from "../../src/db/database.js";
import type { ServerProcess } from "../helpers/server-process.js";

const WORDS = 10_000;
const CLAIMS = 5_000;
/** Opens of the page measured: the median of several, as the machine may be busy. */
const OPENS = Number(process.env.BENCH_OPENS ?? 3);
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** A 10,000-word article with 5,000 overlapping claims, opened the way an annotator opens it. */
export async function measureWorkspace(
  db: Database,
  server: ServerProcess,
  cookie: string,
  projectId: number,
) {
  const researcher = await db.prisma.user.findFirstOrThrow({ where: { role: "researcher" } });
  const annotator = await db.prisma.user.findFirstOrThrow({ where: { role: "annotator" } });
  const words = Array.from({ length: WORDS }, (_, i) => (i % 12 === 11 ? "end." : `word${i % 97}`));
  const paragraphs: string[] = [];
  for (let i = 0; i < words.length; i += 120) paragraphs.push(words.slice(i, i + 120).join(" "));
  const outcome = await importArticle(
    db.prisma,
    { ...researcher, role: "admin", mustChangePassword: false },
    projectId,
    {
      title: "Long article",
      body: paragraphs.join("\n\n"),
      outlet: "",
      byline: "",
      language: "en",
      url: undefined,
      publishedAt: undefined,
    },
  );
  if (outcome.status !== "imported") throw new Error("long article was a duplicate");
  const articleId = outcome.articleId;
  // Claims over sentence spans, overlapping in pairs: every fifth claim spans two sentences. Each
  // has a speaker mention and a cue (its first words), for the links drawn from quote to both.
  await db.prisma.$executeRaw`
    INSERT INTO claims (article_id, project_id, annotator_id, start, "end", quote, prefix, suffix, type, note, updated_at,
                        mention_start, mention_end, cue_start, cue_end)
    SELECT ${articleId}, ${projectId}, ${annotator.id}, s.start, e."end", substr(a.body, s.start + 1, e."end" - s.start), '', '',
           'indirect', '', now(), s.start, s.start + 5, s.start + 6, s.start + 10
    FROM generate_series(0, ${CLAIMS - 1}) g
    JOIN sentences s ON s.article_id = ${articleId} AND s.index = g % (SELECT count(*) FROM sentences WHERE article_id = ${articleId})
    JOIN sentences e ON e.article_id = ${articleId} AND e.index = least(s.index + (CASE WHEN g % 5 = 0 THEN 1 ELSE 0 END),
         (SELECT count(*) - 1 FROM sentences WHERE article_id = ${articleId}))
    JOIN articles a ON a.id = ${articleId}`;

  const serverTimes: number[] = [];
  for (let run = 0; run < 10; run += 1) {
    const started = performance.now();
    const response = await fetch(`${server.url}/articles/${articleId}?layer=all`, { headers: { cookie } });
    await response.text();
    if (!response.ok) throw new Error(`workspace answered ${response.status}`);
    serverTimes.push(performance.now() - started);
  }
  serverTimes.sort((a, b) => a - b);
  const figures: Record<string, number> = {
    words: WORDS,
    claims: CLAIMS,
    serverRenderMedianMs: Math.round(serverTimes[5]!),
  };
  if (!fs.existsSync(chromiumPath)) return { ...figures, browser: "skipped: no Chromium" };

  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  try {
    const context = await browser.newContext();
    const [name, value] = cookie.split("=");
    await context.addCookies([{ name: name!, value: value!, url: server.url }]);
    const page = await context.newPage();
    const paints: number[] = [];
    const scriptPaints: number[] = [];
    for (let run = 0; run < OPENS; run += 1) {
      const started = performance.now();
      await page.goto(`${server.url}/articles/${articleId}?layer=all`);
      await page.waitForSelector("[data-painted]", { timeout: 30_000 });
      paints.push(performance.now() - started);
      scriptPaints.push(Number(await page.locator("main").getAttribute("data-paint-ms")));
    }
    // The same with every claim's mention and cue shown and linked (the option, remembered).
    await page.evaluate(`localStorage.setItem("claimant.workspace.allLinks", "1")`);
    const linkedPaints: number[] = [];
    const linkDraws: number[] = [];
    for (let run = 0; run < OPENS; run += 1) {
      await page.goto(`${server.url}/articles/${articleId}?layer=all`);
      await page.waitForSelector("[data-painted]", { timeout: 30_000 });
      await page.waitForSelector("#ws-links[data-draw-ms]", { timeout: 30_000 });
      linkedPaints.push(Number(await page.locator("main").getAttribute("data-paint-ms")));
      linkDraws.push(Number(await page.locator("#ws-links").getAttribute("data-draw-ms")));
    }
    const links = Number(await page.locator("#ws-links").getAttribute("data-links"));
    await page.evaluate(`localStorage.removeItem("claimant.workspace.allLinks")`);
    // Paragraphs below the first screen are painted as they scroll into view.
    const marks = await page.locator("mark").count();
    return {
      ...figures,
      openAndPaintMedianMs: Math.round(paints.sort((a, b) => a - b)[Math.floor(paints.length / 2)]!),
      // The script's own highlight paint (main[data-paint-ms]): fastest and median of the opens,
      // as other work on a busy machine can slow any one of them several times.
      paintMinMs: Math.min(...scriptPaints),
      paintMedianMs: median(scriptPaints),
      // With every claim's mention and cue painted, and the arcs near the view drawn.
      paintAllLinksMedianMs: median(linkedPaints),
      paintAllLinksMinMs: Math.min(...linkedPaints),
      drawLinksMedianMs: median(linkDraws),
      linksDrawn: links,
      marksOnFirstScreen: marks,
    };
  } finally {
    await browser.close();
  }
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
