import { createHash } from "node:crypto";
import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import {
  applyMigrations,
  MigrationError,
  migrationsDir,
  readMigrationFiles,
} from "../../src/db/migrations.js";
import { createTestDatabase, onPostgresServer, type TestDatabase } from "../helpers/test-database.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function emptyDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase({ migrate: false });
  cleanups.push(() => database.drop());
  return database;
}

interface LedgerRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  applied_steps_count: number;
}

describe("applying migrations", () => {
  it("applies every migration once and records it in Prisma's ledger with Prisma's checksum", async () => {
    const { db } = await emptyDatabase();
    const files = readMigrationFiles();
    expect(await applyMigrations(db)).toEqual(files.map((file) => file.name));
    expect(await applyMigrations(db)).toEqual([]);

    const ledger = await db.withSession((s) =>
      s.query<LedgerRow>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`),
    );
    expect(ledger.map((row) => row.migration_name)).toEqual(files.map((file) => file.name));
    for (const [index, row] of ledger.entries()) {
      const bytes = fs.readFileSync(`${migrationsDir}/${row.migration_name}/migration.sql`);
      expect(row.checksum).toBe(createHash("sha256").update(bytes).digest("hex"));
      expect(row.finished_at).not.toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(files[index]!.checksum).toBe(row.checksum);
    }
  });

  it("stops with a message naming a migration changed after it was applied", async () => {
    const { db } = await emptyDatabase();
    await applyMigrations(db);
    const [first, ...rest] = readMigrationFiles();
    const edited = { ...first!, sql: `${first!.sql}\n-- edited`, checksum: "0".repeat(64) };
    const attempt = applyMigrations(db, [edited, ...rest]);
    await expect(attempt).rejects.toBeInstanceOf(MigrationError);
    await expect(applyMigrations(db, [edited, ...rest])).rejects.toThrow(
      new RegExp(`Migration ${first!.name} was modified after it was applied`),
    );
  });

  it("rolls back a failing migration whole and leaves no ledger row for it", async () => {
    const { db } = await emptyDatabase();
    const broken = {
      name: "29990101000000_broken",
      sql: `CREATE TABLE half_done (id int); SELECT * FROM no_such_table;`,
      checksum: "f".repeat(64),
    };
    await expect(applyMigrations(db, [...readMigrationFiles(), broken])).rejects.toThrow(
      /Migration 29990101000000_broken failed and was rolled back/,
    );
    const tables = await db.withSession((s) =>
      s.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'half_done'`,
      ),
    );
    expect(tables[0]!.n).toBe(0);
    const ledger = await db.withSession((s) => s.query<LedgerRow>(`SELECT * FROM "_prisma_migrations"`));
    expect(ledger.map((row) => row.migration_name)).not.toContain(broken.name);
  });

  it.runIf(onPostgresServer)(
    "lets two processes start at the same moment: one applies, the other waits",
    async () => {
      const { url } = await emptyDatabase();
      const first = await openDatabase({ url: url! });
      const second = await openDatabase({ url: url! });
      cleanups.push(async () => {
        await first.close();
        await second.close();
      });
      const [appliedByFirst, appliedBySecond] = await Promise.all([
        applyMigrations(first),
        applyMigrations(second),
      ]);
      const total = readMigrationFiles().length;
      expect([appliedByFirst.length, appliedBySecond.length].sort()).toEqual([0, total]);
      const rows = await first.withSession((s) =>
        s.query<{ n: number }>(`SELECT count(*)::int AS n FROM "_prisma_migrations"`),
      );
      expect(rows[0]!.n).toBe(total);
    },
  );
});
