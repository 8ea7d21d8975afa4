// Warm interaction times in the workspace with 1,000 claims, in headless Chromium:
//   npx tsx tests/bench/workspace-interactions.ts          (TEST_DATABASE_URL for a Postgres server)
// Each figure is from the input event's timestamp to the first animation frame after the page shows
// the answer (so it includes the server round trip where there is one); median of the warm runs.
import type { Page } from "playwright-core";
import { buildClient } from "../../src/client/build.js";
import { launchBrowser } from "../helpers/browser.js";
import { openWorkspace, workspaceFixture } from "./workspace-fixture.js";

const RUNS = Number(process.env.INTERACTION_RUNS ?? 7);

/**
 * Page-side helpers: `__arm(type, ready)` notes the timestamp of the next `type` event and resolves
 * `__result` with the time until `ready()` holds and a frame has been asked for.
 */
const HELPERS = `(() => {
  window.__arm = (type, ready) => {
    let started = -1;
    window.addEventListener(type, (event) => { started = event.timeStamp; }, { capture: true, once: true });
    window.__result = new Promise((resolve) => {
      const check = () => {
        if (started < 0 || !ready()) return false;
        observer.disconnect();
        requestAnimationFrame(() => resolve(performance.now() - started));
        return true;
      };
      const observer = new MutationObserver(check);
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
  };
})()`;

async function measure(page: Page, type: string, ready: string, act: () => Promise<void>): Promise<number> {
  // A status line or notice left from the last run must not count as this run's answer.
  await page.evaluate(
    `document.getElementById("ws-status").textContent = ""; document.querySelector(".ws-notice-text").textContent = ""`,
  );
  await page.evaluate(`window.__arm(${JSON.stringify(type)}, () => (${ready}))`);
  await act();
  return page.evaluate<number>("window.__result");
}

/** Two frames later: whatever the last answer repaints has been painted. */
async function settle(page: Page) {
  await page.evaluate(
    "new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))",
  );
  if (await page.locator("#claim-panel").isVisible()) {
    await page.keyboard.press("Escape");
    await page.locator("#claim-panel").waitFor({ state: "hidden" });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]! * 10) / 10;
}

async function pointOf(page: Page, selector: string) {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} is not visible`);
  return box;
}

async function main() {
  await buildClient();
  const fixture = await workspaceFixture();
  const browser = await launchBrowser();
  const figures: Record<string, number> = {};
  try {
    const page = await openWorkspace(
      browser,
      fixture.app,
      fixture.annotator,
      `/articles/${fixture.articleId}`,
    );
    page.on("dialog", (dialog) => void dialog.accept());
    await page.evaluate(HELPERS);
    const runs: Record<string, number[]> = {};
    const note = (name: string, ms: number) => (runs[name] ??= []).push(ms);
    const status = `document.getElementById("ws-status").textContent`;
    // Saves and deletes are announced by the undo notice.
    const notice = `document.querySelector(".ws-notice-text").textContent`;
    const panelOpen = `!document.getElementById("claim-panel").hidden`;
    const heading = (text: string) =>
      `${panelOpen} && document.getElementById("claim-form-heading").textContent === ${JSON.stringify(text)}`;

    await page.locator("#article-body").focus();
    for (let run = 0; run < RUNS + 1; run += 1) {
      // j: the next sentence, as the status line says.
      note(
        "keyJNextSentence",
        await measure(page, "keydown", `${status} !== ""`, () => page.keyboard.press("j")),
      );
    }

    for (let run = 0; run < RUNS + 1; run += 1) {
      // A click on a claim in the list opens it in the form; Esc closes the form.
      const item = page.locator("#claim-list > li").nth(10 + run * 7);
      await item.scrollIntoViewIfNeeded();
      note("listClickOpensClaim", await measure(page, "click", heading("Edit claim"), () => item.click()));
      note(
        "escapeClosesForm",
        await measure(page, "keydown", `!(${panelOpen})`, () => page.keyboard.press("Escape")),
      );
    }

    for (let run = 0; run < RUNS + 1; run += 1) {
      // A click on a highlight selects its claim in the list.
      await settle(page);
      const mark = page.locator("#article-body mark[data-claims]").nth(5 + run * 3);
      await mark.scrollIntoViewIfNeeded();
      const ids = (await mark.getAttribute("data-claims"))!.split(" ");
      const wanted = ids.map(
        (id) => `document.getElementById("claim-item-${id}")?.getAttribute("aria-selected") === "true"`,
      );
      note(
        "highlightClickSelectsClaim",
        await measure(page, "click", wanted.join(" || "), () => mark.click()),
      );
    }

    for (let run = 0; run < RUNS + 1; run += 1) {
      // A mouse drag over a sentence opens the new-claim form; Save creates the claim.
      await settle(page);
      const sentence = page.locator("#article-body .sentence").nth(40 + run * 9);
      await sentence.scrollIntoViewIfNeeded();
      const box = await sentence.boundingBox();
      if (!box) throw new Error("sentence not visible");
      await page.mouse.move(box.x + 40, box.y + 10);
      await page.mouse.down();
      await page.mouse.move(box.x + 160, box.y + 10, { steps: 4 });
      note(
        "dragOpensNewClaimForm",
        await measure(page, "mouseup", heading("New claim"), () => page.mouse.up()),
      );
      const save = await pointOf(page, "#f-save");
      note(
        "saveNewClaim",
        await measure(page, "click", `${notice} === "Claim saved."`, () =>
          page.mouse.click(save.x + save.width / 2, save.y + save.height / 2),
        ),
      );
    }

    for (let run = 0; run < RUNS + 1; run += 1) {
      // Editing a note and saving; then deleting the claim.
      await settle(page);
      const item = page.locator("#claim-list > li").nth(200 + run * 11);
      await item.scrollIntoViewIfNeeded();
      const id = await item.getAttribute("data-id");
      await item.click();
      await page.locator("#f-note").fill(`edited ${run}`);
      const save = await pointOf(page, "#f-save");
      note(
        "saveEdit",
        await measure(page, "click", `${notice} === "Changes saved."`, () =>
          page.mouse.click(save.x + save.width / 2, save.y + save.height / 2),
        ),
      );
      await page.locator(`#claim-item-${id}`).click();
      await page.locator("#f-delete").waitFor();
      note(
        "deleteClaim",
        await measure(
          page,
          "click",
          `!document.querySelector('#article-body mark[data-claims~="${id}"]')`,
          () => page.locator("#f-delete").click(),
        ),
      );
    }

    for (let run = 0; run < RUNS + 1; run += 1) {
      // Switching the layer reloads the claims through the API and repaints.
      const layer = run % 2 === 0 ? "all" : "mine";
      note(
        "layerSwitch",
        await measure(page, "change", `${status}.startsWith("Showing")`, async () => {
          await page.locator("#ws-layer").selectOption(layer);
        }),
      );
      await page.waitForFunction(`${status}.startsWith("Showing")`);
    }

    // The first run of each warms the caches; the rest are the warm figures.
    for (const [name, values] of Object.entries(runs)) figures[`${name}MedianMs`] = median(values.slice(1));
    await page.close();
  } finally {
    await browser.close();
    await fixture.app.close();
  }
  console.log(JSON.stringify(figures, null, 2));
}

await main();
