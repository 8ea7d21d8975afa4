import fs from "node:fs";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { bulkImportQuery, MAX_LINE_BYTES } from "../../claims/bulk-import.schema.js";
import { importClaims, type LineReport } from "../../claims/bulk-import.service.js";
import type { CurrentUser } from "../../http/current-user.js";
import { parseInput } from "../../http/validate.js";
import { readLines } from "../../text/lines.js";
import type { PrismaClient } from "../../db/types.js";
import { CommandError, type DatabaseCommand } from "../command.js";

/**
 * npm run import:claims -- FILE.jsonl --as EMAIL [--mode all|valid] [--report REPORT.jsonl]
 * The bulk claims API from the command line: the same checks, the same report (JSON Lines, one
 * line per claim line, then the summary) on standard output or in REPORT, a progress bar on
 * standard error. Exit code 0 when every line was stored, 1 otherwise.
 */
export const importClaimsCommand: DatabaseCommand = {
  name: "import:claims",
  access: "database",
  async run(db, args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { as: { type: "string" }, mode: { type: "string" }, report: { type: "string" } },
    });
    const file = positionals[0];
    if (!file || positionals.length > 1)
      throw new CommandError("Name one JSON Lines file of claims to import.");
    if (!values.as)
      throw new CommandError("Say whose claims these are: --as EMAIL (an annotator or an admin).");
    const { mode } = parseInput(bulkImportQuery, { mode: values.mode });
    const user = await uploader(db.prisma, values.as);
    const size = fileSize(file);
    const report = values.report ? fs.createWriteStream(values.report) : io.stdout;
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
      report: (entries) => writeReport(report, entries),
      progress: (lines) =>
        bar.update(bytesRead, { lines: lines.toLocaleString("en"), rate: rate(lines, started) }),
    });
    bar.update(bytesRead);
    bar.stop();
    report.write(`${JSON.stringify({ summary })}\n`);
    if (report !== io.stdout) {
      report.end();
      await once(report, "finish");
    }
    if (!summary.committed || summary.invalid > 0) throw new CommandError(summary.message);
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

async function writeReport(stream: Writable, entries: LineReport[]): Promise<void> {
  let text = "";
  for (const entry of entries) text += `${JSON.stringify(entry)}\n`;
  if (!stream.write(text)) await once(stream, "drain");
}
