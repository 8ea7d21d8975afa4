// npm run screenshots: every page of the tour (tests/helpers/page-tour.ts) at 1280×720, as each
// role meets it, into docs/screenshots/<page>.png, over a fresh embedded database (or
// TEST_DATABASE_URL's server). A reviewer sees the pages without running them.
import fs from "node:fs";
import path from "node:path";
import { launchBrowser } from "../helpers/browser.js";
import { buildTourWorld, Tour, tourStops } from "../helpers/page-tour.js";
import { startTestApp } from "../helpers/test-app.js";

const outDir = path.resolve("docs/screenshots");

const app = await startTestApp();
const browser = await launchBrowser();
try {
  const world = await buildTourWorld(app);
  const tour = new Tour(browser, app, world);
  fs.mkdirSync(outDir, { recursive: true });
  const stops = tourStops(world);
  for (const [index, stop] of stops.entries()) {
    const page = await tour.visit(stop);
    // The caret blinks and focus rings follow the last key: park the mouse for stable pictures.
    await page.mouse.move(0, 0);
    await page.screenshot({
      path: path.join(outDir, `${stop.name}.png`),
      animations: "disabled",
      caret: "hide",
    });
    console.log(`[screenshots] ${index + 1}/${stops.length} ${stop.name} (${stop.role}, ${stop.path})`);
  }
  await tour.close();
  console.log(`[screenshots] ${stops.length} pages written to ${path.relative(process.cwd(), outDir)}/`);
} finally {
  await browser.close();
  await app.close();
}
