import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { verifyRowForRow } from "../../src/backups/move-to-postgres.js";
import { listTables, quoteName, readSequences, selectOn, type TableInfo } from "../../src/backups/tables.js";
import { createUser } from "../../src/users/users.service.js";
import { runCommand } from "../helpers/command-process.js";
import { freshDataDir, removeDataDir } from "../helpers/data-dir.js";
import { embeddedState, fillWithAwkwardData, withEmbedded } from "../helpers/embedded-state.js";
import { startServerProcess } from "../helpers/server-process.js";
import { csrfFrom } from "../helpers/test-app.js";
import request from "supertest";
import { createEmptyServerDatabase, dropServerDatabase, onPostgresServer } from "../helpers/test-database.js";

/** A table's rows as JSON, in key order: compared across the two databases by the test itself. */
function rowsQuery(table: TableInfo): string {
  const order = table.key.map((column, i) => `${quoteName(column)}${table.textKey[i] ? ' COLLATE "C"' : ""}`);
  return `SELECT to_jsonb(t)::text AS row FROM ${quoteName(table.name)} t ORDER BY ${order.join(", ")}`;
}

describe.runIf(onPostgresServer)(
  "moving the embedded database to a Postgres server",
  { timeout: 180_000 },
  () => {
    let dataDir: string | undefined;
    let target: string | undefined;
    afterAll(async () => {
      removeDataDir(dataDir);
      if (target) await dropServerDatabase(target);
    });

    it("copies every row and sequence, verified; the app runs on the server; the embedded data is as it was", async () => {
      dataDir = await freshDataDir();
      target = await createEmptyServerDatabase();
      const before = await withEmbedded(dataDir, async (db, pglite) => {
        await fillWithAwkwardData(db);
        const input = {
          email: "mover@example.org",
          name: "Mover",
          role: "admin" as const,
          password: "moving day 1234",
        };
        await createUser(db.prisma, null, input, { mustChangePassword: false });
        return embeddedState(pglite);
      });
      const env = { DATA_DIR: dataDir, DATABASE_URL: target };

      const move = await runCommand("src/cli/move-to-postgres.ts", [], { env });
      expect(move.stderr).toBe("");
      expect(move.status).toBe(0);
      expect(move.stdout).toContain(`Moving the embedded database in ${dataDir} to postgresql://`);
      expect(move.stdout).toMatch(/ {2}users: 3 rows\n/);
      expect(move.stdout).toContain(
        "Verified row for row: every row on the server equals its embedded original.",
      );

      const server = new pg.Client({ connectionString: target });
      await server.connect();
      try {
        await withEmbedded(dataDir, async (_db, pglite) => {
          const tables = await listTables(selectOn(pglite));
          expect(tables.map((table) => table.name)).toContain("claims");
          for (const table of tables) {
            const embedded = (await pglite.query<{ row: string }>(rowsQuery(table))).rows.map((r) => r.row);
            const moved = (await server.query<{ row: string }>(rowsQuery(table))).rows.map((r) => r.row);
            expect({ table: table.name, rows: moved }).toEqual({ table: table.name, rows: embedded });
          }
          const onServer = await readSequences(async (sql) => (await server.query(sql)).rows);
          expect(onServer).toEqual(await readSequences(selectOn(pglite)));
          // Left exactly as it was.
          expect(await embeddedState(pglite)).toEqual(before);
          // The verification the move ran would have caught a row that came out different.
          await server.query("BEGIN");
          await server.query("UPDATE users SET name = name || ' ' WHERE email = 'awkward@example.org'");
          const changed = await server.query<{ id: number }>(
            "SELECT id FROM users WHERE email = 'awkward@example.org'",
          );
          await expect(pglite.transaction((tx) => verifyRowForRow(tx, server, tables))).rejects.toThrow(
            `Verification failed in table users: row ('${changed.rows[0]!.id}') differs.`,
          );
          await server.query("ROLLBACK");
        });
      } finally {
        await server.end();
      }

      const app = await startServerProcess({ DATABASE_URL: target });
      try {
        const agent = request.agent(app.url);
        const page = await agent.get("/login");
        const login = await agent
          .post("/login")
          .type("form")
          .send({ email: "mover@example.org", password: "moving day 1234", _csrf: csrfFrom(page.text) });
        expect(login.status).toBe(302);
        expect((await agent.get("/claims")).text).toContain("Hajiyev");
      } finally {
        await app.stop();
      }

      const again = await runCommand("src/cli/move-to-postgres.ts", [], { env });
      expect(again.status).toBe(1);
      expect(again.stderr).toContain("Error: The server database already holds data (in ");
      expect(again.stderr).toContain("create a new one (for example createdb claimant)");
    });
  },
);
