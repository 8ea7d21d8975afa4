import { createHash } from "node:crypto";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { Database } from "../../src/db/database.js";
import { openDatabase } from "../../src/db/database.js";
import { copyTableOut, listTables, readSequences, selectOn } from "../../src/backups/tables.js";
import { seedDemo } from "../../src/demo/seed-demo.js";
import { embeddedFolder } from "../../src/backups/embedded-folder.js";
import { takeBackup } from "../../src/backups/take-backup.js";
import { freshDataDir } from "./data-dir.js";

/** Every table's rows (checksum and count) and every sequence: "the same data" made comparable. */
export async function embeddedState(pglite: PGlite): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  for (const table of await listTables(selectOn(pglite))) {
    const hash = createHash("sha256");
    let rows = 0;
    for await (const chunk of copyTableOut(pglite, table)) {
      hash.update(chunk);
      for (const byte of chunk) if (byte === 0x0a) rows += 1;
    }
    state[table.name] = `${rows} rows, ${hash.digest("hex")}`;
  }
  for (const sequence of await readSequences(selectOn(pglite))) {
    state[sequence.name] = `${sequence.lastValue} ${sequence.isCalled}`;
  }
  return state;
}

/** Opens the embedded database in a DATA_DIR in this process (no server may hold it). */
export async function withEmbedded<T>(
  dataDir: string,
  work: (db: Database, pglite: PGlite) => Promise<T>,
): Promise<T> {
  const pglite = await PGlite.create({ dataDir: embeddedFolder(dataDir) });
  const db = await openDatabase({ pglite });
  try {
    return await work(db, pglite);
  } finally {
    await db.close();
    await pglite.close();
  }
}

/**
 * The demo project plus rows that test the copy's escaping and order: line breaks, tabs,
 * backslashes, a lone "\." line, JSON, code points beyond the BMP; and a deleted row, so that a
 * sequence stands above the largest id.
 */
export async function fillWithAwkwardData(db: Database): Promise<void> {
  await seedDemo(db.prisma);
  const awkward = 'line one\nline two\t tab \\ backslash\n\\.\n\r\n 🎉 ‘quotes’ "double" ';
  await db.prisma.user.create({
    data: { email: "awkward@example.org", name: awkward, role: "researcher", passwordHash: "x" },
  });
  const gone = await db.prisma.user.create({
    data: { email: "gone@example.org", name: "Gone", role: "annotator", passwordHash: "x" },
  });
  await db.prisma.user.delete({ where: { id: gone.id } });
  await db.prisma.auditEvent.create({
    data: {
      action: "test",
      subjectType: "user",
      subjectId: "1",
      after: { text: awkward, list: [1, 2.5, null] },
    },
  });
  await db.prisma.session.create({
    data: { sid: "Zeta-session", data: { cookie: {} }, expiresAt: new Date("2030-01-01T00:00:00Z") },
  });
  await db.prisma.session.create({
    data: { sid: "alpha-session", data: { cookie: {} }, expiresAt: new Date("2030-01-01T00:00:00Z") },
  });
}

/** The state of the embedded database in `dataDir` (opened and closed for the reading). */
export const embeddedStateOf = (dataDir: string) =>
  withEmbedded(dataDir, (_db, pglite) => embeddedState(pglite));

/** A DATA_DIR with awkward data, backed up (signed with its new key), then changed after the backup. */
export interface BackedUpDataDir {
  dataDir: string;
  backupDir: string;
  backupFile: string;
  keyFile: string;
  /** The database as the backup holds it, and as it is now. */
  atBackup: Record<string, string>;
  changed: Record<string, string>;
}

export async function backedUpThenChanged(): Promise<BackedUpDataDir> {
  const dataDir = await freshDataDir();
  const backupDir = path.join(dataDir, "backups");
  return withEmbedded(dataDir, async (db, pglite) => {
    await fillWithAwkwardData(db);
    const atBackup = await embeddedState(pglite);
    const backupFile = (await takeBackup(pglite, { dir: backupDir, keep: 7 })).file;
    // After the backup: a row deleted, one changed, one added.
    await db.prisma.claim.deleteMany({ where: { type: "outlet" } });
    await db.prisma.article.updateMany({ data: { title: "Changed after the backup" } });
    await db.prisma.user.create({
      data: { email: "late@example.org", name: "Late", role: "annotator", passwordHash: "x" },
    });
    const changed = await embeddedState(pglite);
    return { dataDir, backupDir, backupFile, keyFile: path.join(dataDir, "backup.key"), atBackup, changed };
  });
}
