import type { Browser, Page } from "playwright-core";
import type { CurrentUser } from "../../src/http/current-user.js";
import { TEST_PASSWORD, type TestApp } from "./test-app.js";

/** Collects the page's script errors and console errors (failed resource loads aside) into `errors`. */
export function watchScriptErrors(page: Page, errors: string[]): void {
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && !/Failed to load resource/.test(message.text()))
      errors.push(message.text());
  });
}

/** Logs in through the /login form as a person would, asking to come back to `path`. */
export async function logInThroughForm(
  page: Page,
  app: TestApp,
  user: CurrentUser,
  path: string,
): Promise<void> {
  await page.goto(`${app.url}/login?next=${encodeURIComponent(path)}`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.keyboard.press("Enter");
}

/** A new page logged in as `user` on the workspace at `path`, once its highlights are painted. */
export async function openWorkspaceAs(
  browser: Browser,
  app: TestApp,
  user: CurrentUser,
  path: string,
  errors: string[],
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  watchScriptErrors(page, errors);
  await logInThroughForm(page, app, user, path);
  await page.waitForURL(`${app.url}${path}`);
  await page.waitForSelector("main[data-painted]");
  return page;
}
