import request from "supertest";
import { describe, expect, it } from "vitest";
import { startTestApp } from "../helpers/test-app.js";
import { createTestDatabase } from "../helpers/test-database.js";

describe("GET /healthz", () => {
  it("answers 200 while the database answers, 503 once it does not", async () => {
    const database = await createTestDatabase();
    const app = await startTestApp({ database });
    try {
      const up = await request(app.url).get("/healthz");
      expect(up.status).toBe(200);
      expect(up.body.status).toBe("ok");
      // Closes the embedded database, or drops the server database under the app's feet.
      await database.drop();
      const down = await request(app.url).get("/healthz");
      expect(down.status).toBe(503);
      expect(down.body.status).toBe("unavailable");
    } finally {
      await app.close();
    }
  });
});
