// `npm start` is production: an unexpected failure shows a plain message, never a stack trace, a
// file path or SQL. Only `npm run dev` shows the detail.
import path from "node:path";
import express from "express";
import pino from "pino";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { errorHandler } from "../../src/http/error-handler.js";
import { projectRoot } from "../../src/paths.js";

const secret = `relation "users" does not exist: SELECT password_hash FROM users at ${projectRoot}/src/x.ts:12:3`;

/** A bare app whose one route fails the way a bug would. */
function failingApp(isDevelopment: boolean) {
  const app = express();
  app.set("view engine", "ejs");
  app.set("views", path.join(projectRoot, "views"));
  app.use((req, _res, next) => {
    req.log = pino({ level: "silent" });
    next();
  });
  app.get(["/page", "/api/v1/thing"], () => {
    throw new Error(secret);
  });
  app.use(errorHandler(isDevelopment));
  return app;
}

describe("error pages in production", () => {
  it("is what npm start runs when NODE_ENV is not set", () => {
    expect(loadConfig({}).env).toBe("production");
  });

  it.each([["/page"], ["/api/v1/thing"]])("%s answers 500 with no stack, path or SQL", async (url) => {
    const response = await request(failingApp(false)).get(url);
    expect(response.status).toBe(500);
    for (const leak of ["SELECT", "password_hash", projectRoot, "x.ts", "at ", "Error:"]) {
      expect(response.text).not.toContain(leak);
    }
    expect(response.text).toContain("The server hit an unexpected problem");
  });

  it("development (npm run dev) shows the stack on the page", async () => {
    const response = await request(failingApp(true)).get("/page");
    expect(response.text).toContain("password_hash");
  });
});
