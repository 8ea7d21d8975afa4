import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/database.js";
import { createEmptyServerDatabase, dropServerDatabase, onPostgresServer } from "../helpers/test-database.js";

// A stuck statement must not pin one of the app's connections forever; exports, which are long
// by nature, have a pool of their own without that limit.
describe.runIf(onPostgresServer)("connection pools on a Postgres server", () => {
  let url: string;
  let db: Database;
  beforeAll(async () => {
    url = await createEmptyServerDatabase();
    db = await openDatabase({ url, statementTimeoutMs: 300, exportConnections: 2 });
  });
  afterAll(async () => {
    await db.close();
    await dropServerDatabase(url);
  });

  it("stops a statement on the app's pool after the timeout, and frees its connection", async () => {
    await expect(db.prisma.$queryRaw`SELECT pg_sleep(2)`).rejects.toThrow(/statement timeout/);
    expect((await db.pool!.query<{ ok: number }>("SELECT 1 AS ok")).rows[0]!.ok).toBe(1);
  });

  it("lifts the limit for maintenance sessions only, and restores it after", async () => {
    const inside = await db.withSession((session) =>
      session.query<{ statement_timeout: string }>("SHOW statement_timeout"),
    );
    expect(inside[0]!.statement_timeout).toBe("0");
    for (let i = 0; i < 3; i += 1) {
      const { rows } = await db.pool!.query<{ statement_timeout: string }>("SHOW statement_timeout");
      expect(rows[0]!.statement_timeout).toBe("300ms");
    }
  });

  it("gives exports their own pool, of their own size, without the limit", async () => {
    expect(db.exportPool!.options.max).toBe(2);
    const client = await db.exportPool!.connect();
    try {
      const { rows } = await client.query<{ statement_timeout: string; application_name: string }>(
        "SELECT current_setting('statement_timeout') AS statement_timeout, current_setting('application_name') AS application_name",
      );
      expect(rows[0]).toEqual({ statement_timeout: "0", application_name: "claimant-export" });
    } finally {
      client.release();
    }
  });
});
