import type { BulkOutcome, SaveOutcome } from "./clients.js";

/** What the clients were told, against what is stored, for one fault. */
export interface FaultCounts {
  fault: string;
  database: "postgres" | "embedded";
  /** Writes the clients made (single saves, or bulk lines). */
  writes: number;
  acknowledged: number;
  /** Acknowledged only after a retry with the same key got past a failure. */
  recoveredByRetry: number;
  acknowledgedButMissing: number;
  storedButRefused: number;
  duplicates: number;
  serverCrashes: number;
  /** HTTP 500 answers the clients saw. */
  serverErrors: number;
  /** What else the fault measured (p95 of other saves, 507 answers, ...). */
  notes: string;
  /** A promise of the issue the fault broke besides the counts (other saves too slow, say). */
  problem?: string;
}

/** Stored claims by note: the ids of the live claims carrying each note. */
export type StoredNotes = Map<string, number[]>;

export function countSaves(saves: SaveOutcome[], stored: StoredNotes) {
  let acknowledgedButMissing = 0;
  let storedButRefused = 0;
  let duplicates = 0;
  for (const save of saves) {
    const copies = stored.get(save.marker)?.length ?? 0;
    if (save.acknowledged && copies === 0) acknowledgedButMissing += 1;
    if (save.refused && copies > 0) storedButRefused += 1;
    if (copies > 1) duplicates += copies - 1;
  }
  return {
    writes: saves.length,
    acknowledged: saves.filter((save) => save.acknowledged).length,
    recoveredByRetry: saves.filter((save) => save.acknowledged && save.failedTries > 0).length,
    acknowledgedButMissing,
    storedButRefused,
    duplicates,
  };
}

/**
 * A bulk upload that completed must have every line stored exactly once, under the ids it was
 * given; one that did not complete may have stored some lines, each once, and every id it was
 * given must be stored.
 */
export function countBulk(uploads: BulkOutcome[], stored: StoredNotes) {
  let writes = 0;
  let acknowledged = 0;
  let recoveredByRetry = 0;
  let acknowledgedButMissing = 0;
  let storedButRefused = 0;
  let duplicates = 0;
  for (const upload of uploads) {
    writes += upload.lines;
    for (let line = 1; line <= upload.lines; line++) {
      const ids = stored.get(`${upload.prefix}:${line}`) ?? [];
      const given = upload.reported.get(line);
      if (ids.length > 1) duplicates += ids.length - 1;
      if (given !== undefined) {
        acknowledged += 1;
        if (upload.tries > 1) recoveredByRetry += 1;
        if (!ids.includes(given)) acknowledgedButMissing += 1;
      } else if (upload.complete && ids.length === 0) {
        acknowledgedButMissing += 1;
      } else if (!upload.complete && ids.length > 0 && upload.reported.size === 0) {
        storedButRefused += 1;
      }
    }
  }
  return { writes, acknowledged, recoveredByRetry, acknowledgedButMissing, storedButRefused, duplicates };
}

export function failed(counts: FaultCounts): boolean {
  return (
    counts.acknowledgedButMissing > 0 ||
    counts.storedButRefused > 0 ||
    counts.duplicates > 0 ||
    counts.serverCrashes > 0 ||
    counts.serverErrors > 0 ||
    Boolean(counts.problem)
  );
}

export function table(rows: FaultCounts[]): string {
  const head =
    "| fault | database | writes | acknowledged | recovered by retry | acknowledged but missing | stored but refused | duplicates | server crashes | HTTP 500 | also measured |";
  const rule = "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |";
  const lines = rows.map(
    (row) =>
      `| ${row.fault} | ${row.database} | ${row.writes} | ${row.acknowledged} | ${row.recoveredByRetry} | ${row.acknowledgedButMissing} | ${row.storedButRefused} | ${row.duplicates} | ${row.serverCrashes} | ${row.serverErrors} | ${[row.notes, row.problem && `FAILED: ${row.problem}`].filter(Boolean).join("; ")} |`,
  );
  return [head, rule, ...lines].join("\n");
}
