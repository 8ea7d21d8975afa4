// Screenshots of the workspace for docs/screenshots/:
//   npx tsx tests/bench/workspace-screenshots.ts <name>    (writes docs/screenshots/workspace-<name>-*.png)
// A short article with nested and overlapping claims; one claim selected and open in the form.
import fs from "node:fs";
import path from "node:path";
import { buildClient } from "../../src/client/build.js";
import { projectRoot } from "../../src/paths.js";
import { launchBrowser } from "../helpers/browser.js";
import { openWorkspace, workspaceFixture } from "./workspace-fixture.js";

async function main() {
  const name = process.argv[2] ?? "now";
  const folder = path.join(projectRoot, "docs", "screenshots");
  fs.mkdirSync(folder, { recursive: true });
  await buildClient();
  const fixture = await workspaceFixture(10);
  const browser = await launchBrowser();
  try {
    const viewport = { width: 1280, height: 760 };
    const page = await openWorkspace(
      browser,
      fixture.app,
      fixture.annotator,
      `/articles/${fixture.shortArticleId}`,
      viewport,
    );
    await page
      .getByRole("option", { name: /the president’s assistant|military provocations/ })
      .first()
      .click();
    await page.locator("#claim-panel").waitFor();
    await page.evaluate("document.activeElement.blur()");
    await page.screenshot({ path: path.join(folder, `workspace-${name}-claim.png`) });

    // A new claim with a new speaker typed in: the state in which Save used to move away.
    await page.keyboard.press("Escape");
    const sentence = page.locator("#article-body .sentence").nth(4);
    const box = (await sentence.boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + 8);
    await page.mouse.down();
    await page.mouse.move(box.x + 120, box.y + 8, { steps: 4 });
    await page.mouse.up();
    await page.locator("#f-speaker").fill("Zohrab Mnatsakanyan");
    await page.locator("#f-speaker-list [role=option]").first().waitFor();
    await page.screenshot({ path: path.join(folder, `workspace-${name}-new-speaker.png`) });
    await page.close();
  } finally {
    await browser.close();
    await fixture.app.close();
  }
  console.log(`docs/screenshots/workspace-${name}-{claim,new-speaker}.png`);
}

await main();
