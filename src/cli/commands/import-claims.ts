import { createHash } from "node:crypto";
import fs from "node:fs";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { bulkImportQuery, MAX_LINE_BYTES } from "../../claims/bulk-import.schema.js";
import { importClaims, type LineReport } from "../../claims/bulk-import.service.js";
import type { CurrentUser } from "../../http/current-user.js";
import { writeOrWait } from "../../http/streaming.js";
import { parseInput } from "../../http/validate.js";
import { idempotencyKey } from "../../idempotency/idempotency.schema.js";
import { readLines } from "../../text/lines.js";
import type { PrismaClient } from "../../db/types.js";
import { CommandError, type DatabaseCommand } from "../command.js";

/**
 * npm run import:claims -- FILE.jsonl --as EMAIL [--mode all|valid] [--report REPORT.jsonl] [--key KEY]
 * The bulk claims API from the command line: the same checks, the same report (JSON Lines, then
 * the summary) on standard output or in REPORT, a progress bar on standard error. The upload's key
 * is made from the file's contents (or given with --key): the same command run again after a
 * failure or a Ctrl-C resumes the import, storing only the lines not stored yet. Exit code 0 when
 * every line was stored, 1 otherwise.
 */
export const importClaimsCommand: DatabaseCommand = {
  name: "import:claims",
  access: "database",
  async run(db, args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        as: { type: "string" },
        mode: { type: "string" },
        report: { type: "string" },
        key: { type: "string" },
      },
    });
    const file = positionals[0];
    if (!file || positionals.length > 1)
      throw new CommandError("Name one JSON Lines file of claims to import.");
    if (!values.as)
      throw new CommandError("Say whose claims these are: --as EMAIL (an annotator or an admin).");
    const { mode } = parseInput(bulkImportQuery, { mode: values.mode });
    const user = await uploader(db.prisma, values.as);
    const size = fileSize(file);
    const key = values.key
      ? parseInput(idempotencyKey, values.key)
      : `import-claims-${mode}-${await fileDigest(file)}`;
    io.stderr.write(
      `Upload key ${key}: if the import stops, run the same command again to resume it (lines already stored are not stored twice).\n`,
    );
    const report = values.report ? fs.createWriteStream(values.report) : io.stdout;
    // A report file that cannot be written (a full disk) stops the import like a reader that left.
    report.on("error", () => undefined);
    const bar = progressBar(io.stderr, size);
    let bytesRead = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of fs.createReadStream(file!)) {
        bytesRead += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    }
    const started = Date.now();
    const summary = await importClaims(db.prisma, user, readLines(counted(), MAX_LINE_BYTES), {
      mode,
      key,
      signal: io.signal,
      report: (entries) => writeReport(report, entries, io.signal),
      progress: (lines) =>
        bar.update(bytesRead, { lines: lines.toLocaleString("en"), rate: rate(lines, started) }),
    });
    bar.update(bytesRead);
    bar.stop();
    if (io.signal?.aborted) throw new CommandError(`Stopped. ${summary.message}`);
    await writeOrWait(report, `${JSON.stringify({ summary })}\n`).catch(() => undefined);
    if (report !== io.stdout) {
      report.end();
      await once(report, "finish").catch(() => undefined);
    }
    if (!summary.complete || summary.invalid > 0) throw new CommandError(summary.message);
    io.stderr.write(`${summary.message}\n`);
  },
};

async function uploader(prisma: PrismaClient, email: string): Promise<CurrentUser> {
  const user = await prisma.user.findFirst({ where: { email: { equals: email, mode: "insensitive" } } });
  if (!user || !user.active)
    throw new CommandError(`No active user ${email}. Check the address (--as EMAIL).`);
  if (user.role !== "annotator" && user.role !== "admin") {
    throw new CommandError(`${email} is a ${user.role}; claims belong to annotators or admins.`);
  }
  const { id, name, role, version } = user;
  return { id, email: user.email, name, role, version, mustChangePassword: false };
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    throw new CommandError(`Cannot read ${file}: no such file, or not readable.`);
  }
}

/** The file's sha256 (the first 32 hex digits): the same file gives the same upload key. */
async function fileDigest(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex").slice(0, 32);
}

function rate(lines: number, started: number): string {
  const seconds = (Date.now() - started) / 1000;
  return seconds > 0 ? Math.round(lines / seconds).toLocaleString("en") : "-";
}

function progressBar(stream: Writable, total: number) {
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WriteStream,
      format: "Importing [{bar}] {percentage}% | {lines} lines | {rate} claims/s | ETA {eta_formatted}",
      // Beside a running server the command's output is not a terminal: print a line now and then.
      noTTYOutput: true,
      notTTYSchedule: 5_000,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(total, 1), 0, { lines: "0", rate: "-" });
  return bar;
}

async function writeReport(stream: Writable, entries: LineReport[], signal?: AbortSignal): Promise<void> {
  let text = "";
  for (const entry of entries) text += `${JSON.stringify(entry)}\n`;
  await writeOrWait(stream, text, signal);
}
