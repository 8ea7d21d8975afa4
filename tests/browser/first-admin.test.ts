import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, runBrowserTests } from "../helpers/browser.js";
import { startServerProcess, type ServerProcess } from "../helpers/server-process.js";

describe.runIf(runBrowserTests)("a first visit in a real browser", () => {
  let browser: Browser;
  let server: ServerProcess;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "claimant-browser-"));

  beforeAll(async () => {
    // A fresh embedded database, exactly as `npm start` makes on a new machine.
    server = await startServerProcess({ DATA_DIR: dataDir, DATABASE_URL: "" });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("creates the first admin, logs in through the form, opens the users page and logs out", async () => {
    const page = await browser.newPage();
    const scriptErrors: string[] = [];
    page.on("pageerror", (error) => scriptErrors.push(error.message));
    const failedLoads: string[] = [];
    page.on("response", (response) => {
      if (response.status() >= 400 && !response.url().endsWith("/setup")) failedLoads.push(response.url());
    });

    await page.goto(server.url);
    await page.waitForURL(/\/setup$/);
    await page.getByLabel("Name").fill("Grace Admin");
    await page.getByLabel("Email").fill("grace@example.org");
    await page.getByLabel("Password", { exact: false }).first().fill("grace's password");
    await page.getByLabel("Password again").fill("grace's password");
    await page.getByRole("button", { name: "Create admin and log in" }).click();
    await page.waitForURL(`${server.url}/`);
    await expect(page.getByRole("heading", { name: "Welcome, Grace Admin" }).isVisible()).resolves.toBe(true);

    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/login$/);
    expect((await page.goto(`${server.url}/setup`))!.status()).toBe(404);

    await page.goto(`${server.url}/admin/users`);
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel("Email").fill("grace@example.org");
    await page.getByLabel("Password").fill("grace's password");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${server.url}/admin/users`);
    await expect(page.getByRole("cell", { name: "grace@example.org" }).isVisible()).resolves.toBe(true);

    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/login$/);
    await page.goto(`${server.url}/admin/users`);
    await page.waitForURL(/\/login\?next=/);
    expect(scriptErrors).toEqual([]);
    expect(failedLoads).toEqual([]);
  });
});
