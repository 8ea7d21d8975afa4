import fs from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Browser tests run whenever Chromium is installed, and always in CI, where a missing browser
 * must fail the run instead of skipping it. Locally without Chromium they are skipped, loudly.
 */
export const runBrowserTests = fs.existsSync(chromiumPath) || Boolean(process.env.CI);
if (!runBrowserTests) {
  console.warn(
    `Browser tests skipped: no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH).`,
  );
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
      "--no-first-run",
    ],
  });
}
