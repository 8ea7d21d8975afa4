import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import session from "express-session";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveSessionBeforeRedirect } from "../../src/http/save-before-redirect.js";

/** A session store whose writes take a while, as a busy database's do. */
class SlowStore extends session.MemoryStore {
  writesDone: number[] = [];
  override set(sid: string, data: session.SessionData, callback?: (error?: unknown) => void) {
    setTimeout(() => {
      super.set(sid, data, (error) => {
        this.writesDone.push(performance.now());
        callback?.(error);
      });
    }, 150);
  }
}

/** When the redirect's headers reach the client (a browser follows the 302 from them). */
function headersArrive(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (response) => {
        resolve(performance.now());
        response.resume();
      })
      .on("error", reject);
  });
}

function appWith(store: SlowStore, withFix: boolean) {
  const app = express();
  app.use(session({ secret: "test", resave: false, saveUninitialized: false, store }));
  if (withFix) app.use(saveSessionBeforeRedirect);
  app.get("/act", (req, res) => {
    (req.session as unknown as { flash: string }).flash = "Done.";
    res.redirect("/next");
  });
  return app;
}

describe("a redirect after a session change", () => {
  const servers: http.Server[] = [];
  const urls: Record<string, string> = {};
  const stores = { fixed: new SlowStore(), plain: new SlowStore() };

  beforeAll(async () => {
    for (const [name, withFix] of [
      ["fixed", true],
      ["plain", false],
    ] as const) {
      const server = appWith(stores[name], withFix).listen(0, "127.0.0.1");
      await new Promise((resolve) => server.once("listening", resolve));
      servers.push(server);
      urls[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}/act`;
    }
  });
  afterAll(() => Promise.all(servers.map((server) => new Promise((done) => server.close(done)))));

  it("leaves only once the session is stored, so the next page finds the flash message", async () => {
    const arrived = await headersArrive(urls.fixed!);
    expect(stores.fixed.writesDone).toHaveLength(1);
    expect(arrived).toBeGreaterThanOrEqual(stores.fixed.writesDone[0]!);
  });

  it("is needed: without it the 302's headers arrive before the session is stored", async () => {
    const arrived = await headersArrive(urls.plain!);
    expect(stores.plain.writesDone).toHaveLength(0);
    // The write lands later (150 ms on a quiet machine; a loaded one may take longer).
    await expect.poll(() => stores.plain.writesDone.length, { timeout: 10_000 }).toBe(1);
    expect(stores.plain.writesDone[0]!).toBeGreaterThan(arrived);
  });
});
