import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { openDatabase } from "../../src/db/database.js";
import { applyMigrations, readMigrationFiles } from "../../src/db/migrations.js";

/**
 * A DATA_DIR of its own for one test, holding an embedded database already built from the
 * migrations. Building one (initdb) takes several seconds; copying a cached one takes a fraction.
 */
export async function freshDataDir(prefix = "claimant-data-"): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.cpSync(await migratedTemplate(), path.join(dataDir, "pglite"), { recursive: true });
  return dataDir;
}

export function emptyDataDir(prefix = "claimant-data-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDataDir(dataDir: string | undefined): void {
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}

async function migratedTemplate(): Promise<string> {
  const pgliteVersion = (
    JSON.parse(fs.readFileSync("node_modules/@electric-sql/pglite/package.json", "utf8")) as {
      version: string;
    }
  ).version;
  const key = createHash("sha256")
    .update(pgliteVersion)
    .update(
      readMigrationFiles()
        .map((file) => file.checksum)
        .join(),
    )
    .digest("hex")
    .slice(0, 12);
  const template = path.join(os.tmpdir(), `claimant-test-template-${key}`);
  if (fs.existsSync(template)) return template;
  const building = `${template}.${process.pid}.building`;
  const pglite = await PGlite.create({ dataDir: building });
  const db = await openDatabase({ pglite });
  await applyMigrations(db);
  await db.close();
  await pglite.close();
  try {
    fs.renameSync(building, template);
  } catch {
    // Another test file built it at the same moment: use theirs.
    fs.rmSync(building, { recursive: true, force: true });
  }
  return template;
}

/** The environment of a process on this embedded database, whatever the test run's own settings. */
export function embeddedEnv(dataDir: string): Record<string, string> {
  return { DATA_DIR: dataDir, DATABASE_URL: "" };
}
