import type { DbClient, PrismaClient } from "../db/types.js";
import { AppError, InvalidError, SimilarExistsError, type FieldProblem } from "../errors.js";
import type { CurrentUser } from "../http/current-user.js";
import { wellFormed } from "../http/input-guard.js";
import { parseInput } from "../http/validate.js";
import { visibleProjectsFilter } from "../projects/access.js";
import { resolveSpeaker, type SpeakerRef } from "../speakers/speakers.service.js";
import { cleanName } from "../speakers/speakers.schema.js";
import { CodePointIndex, quoteContext } from "../text/code-points.js";
import type { Line } from "../text/lines.js";
import { bulkClaimLine, type BulkClaimLine, type BulkMode } from "./bulk-import.schema.js";
import { chooseStance, chooseTarget, stanceChoices, type LabelChoice } from "./claim-labels.js";
import { checkSpans, messages } from "./claims.service.js";
import { insertClaimRows, reserveClaimIds, type ClaimInsertRow } from "./bulk-import.sql.js";

/** What became of one line: stored (with the claim's id), valid but not stored, or refused and why. */
export type LineReport =
  | { line: number; ok: true; id: number }
  | { line: number; ok: true; stored: false }
  | { line: number; ok: false; errors: FieldProblem[] };

export interface BulkSummary {
  mode: BulkMode;
  lines: number;
  valid: number;
  invalid: number;
  stored: number;
  /** False when nothing of this upload was kept (all-or-nothing with a refused line, or a failure). */
  committed: boolean;
  message: string;
}

export interface BulkImportOptions {
  mode: BulkMode;
  /**
   * Called with each batch's lines in order; the import waits for it, so a slow reader slows the
   * import down instead of piling reports up in memory.
   */
  report: (entries: LineReport[]) => Promise<void> | void;
  /** Called after each batch with the lines read so far (progress bars). */
  progress?: (linesRead: number) => void;
  /** Told of a failure that is not a line's fault, for the log; the summary says what was kept. */
  onFailure?: (error: unknown) => void;
}

/** Lines per INSERT: large enough to amortise the round trip, small enough to keep memory flat. */
const BATCH_LINES = 1_000;
/** Lines parsed between two turns of the event loop. */
const YIELD_EVERY = 100;
/** Articles whose bodies stay in memory during one upload (lines usually come article by article). */
const ARTICLE_CACHE_SIZE = 128;
/** An all-or-nothing upload is one transaction; at 5,000 lines/s an hour is 18 million lines. */
const WHOLE_UPLOAD = { timeout: 3_600_000, maxWait: 10_000 };

interface CheckedArticle {
  id: number;
  projectId: number;
  body: CodePointIndex;
}

interface ProjectLabels {
  stances: LabelChoice[];
  targets: LabelChoice[];
}

type Parsed = { line: number; claim: BulkClaimLine } | { line: number; errors: FieldProblem[] };
type Checked = LineReport | { line: number; row: ClaimInsertRow };
interface CheckedBatch {
  batch: Line[];
  checked: Checked[];
  /** Claim ids reserved for the batch's valid lines. */
  reserved: number[];
}

class RollBack extends Error {}

/**
 * POST /api/v1/claims/bulk and `npm run import:claims`: claims in the single-claim shape, one per
 * line, each checked exactly as the single route checks it (the user may write in the article's
 * project, offsets and quote against the body, speaker, stance and target of the project). Reads
 * and stores in batches, so memory stays flat however long the upload; articles, labels and
 * speakers are looked up (or created) once per upload, not once per line.
 */
export async function importClaims(
  prisma: PrismaClient,
  user: CurrentUser,
  lines: AsyncIterable<Line>,
  options: BulkImportOptions,
): Promise<BulkSummary> {
  const upload = new BulkUpload(user, options);
  try {
    if (options.mode === "valid") {
      for await (const batch of batches(lines)) {
        await prisma.$transaction((tx) => upload.takeOne(tx, batch), WHOLE_UPLOAD);
      }
    } else {
      await prisma.$transaction(async (tx) => {
        await upload.takeAll(tx, lines);
        if (upload.counts.invalid > 0) throw new RollBack();
      }, WHOLE_UPLOAD);
    }
  } catch (error) {
    if (!(error instanceof RollBack)) {
      options.onFailure?.(error);
      return upload.failed(error);
    }
  }
  return upload.summary();
}

async function* batches(lines: AsyncIterable<Line>): AsyncGenerator<Line[]> {
  let batch: Line[] = [];
  for await (const line of lines) {
    batch.push(line);
    if (batch.length === BATCH_LINES) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

class BulkUpload {
  readonly counts = { lines: 0, valid: 0, invalid: 0, stored: 0 };
  private readonly articles = new Map<number, CheckedArticle | null>();
  private readonly labels = new Map<number, ProjectLabels>();
  private readonly speakers = new Map<string, number | FieldProblem>();
  private lastLine = 0;
  /** Refused lines checked so far, including those of a batch not reported yet. */
  private invalidSeen = 0;

  constructor(
    private readonly user: CurrentUser,
    private readonly options: BulkImportOptions,
  ) {}

  /**
   * Checks the batches, stores each one's valid claims (unless an all-or-nothing upload already
   * failed) and reports its lines. While one batch is being stored the next is parsed and checked:
   * the database and the JavaScript work side by side.
   */
  async takeAll(tx: DbClient, lines: AsyncIterable<Line>): Promise<void> {
    let storing: Promise<void> = Promise.resolve();
    try {
      for await (const batch of batches(lines)) {
        const checked = await this.checkBatch(tx, batch);
        await storing;
        storing = this.storeAndReport(tx, checked);
      }
    } finally {
      // Also when a check failed: the batch being stored must end before the transaction does.
      await storing.catch(() => undefined);
    }
    await storing;
  }

  /** A batch of its own transaction (mode=valid): stored and reported before the next is read. */
  async takeOne(tx: DbClient, batch: Line[]): Promise<void> {
    await this.storeAndReport(tx, await this.checkBatch(tx, batch));
  }

  private async checkBatch(tx: DbClient, batch: Line[]): Promise<CheckedBatch> {
    // Asked first, answered while the lines are checked: storing the batch then waits for nothing.
    const reserving = reserveClaimIds(tx, batch.length);
    reserving.catch(() => undefined);
    const parsed: Parsed[] = [];
    for (const line of batch) {
      parsed.push(parseLine(line));
      // The previous batch's INSERT is on its way out through several turns of the event loop:
      // giving way now and then lets it reach the database while these lines are checked.
      if (parsed.length % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await this.loadArticles(
      tx,
      parsed.flatMap((entry) => ("claim" in entry ? [entry.claim.articleId] : [])),
    );
    const checked: Checked[] = [];
    for (const entry of parsed) checked.push(await this.check(tx, entry));
    this.invalidSeen += checked.filter((entry) => "errors" in entry).length;
    return { batch, checked, reserved: await reserving };
  }

  private async storeAndReport(tx: DbClient, { batch, checked, reserved }: CheckedBatch): Promise<void> {
    const rows = checked.flatMap((entry) => ("row" in entry ? [entry.row] : []));
    const store = this.options.mode === "valid" || this.invalidSeen === 0;
    const ids = store && rows.length ? await insertClaimRows(tx, this.user.id, rows, reserved) : [];
    let stored = 0;
    const reports = checked.map((entry): LineReport => {
      const report: LineReport =
        "row" in entry
          ? store
            ? { line: entry.line, ok: true, id: ids[stored++]! }
            : { line: entry.line, ok: true, stored: false }
          : entry;
      this.count(report);
      return report;
    });
    await this.options.report(reports);
    this.lastLine = batch[batch.length - 1]?.number ?? this.lastLine;
    this.options.progress?.(this.counts.lines);
  }

  private count(report: LineReport) {
    this.counts.lines += 1;
    if (!report.ok) this.counts.invalid += 1;
    else {
      this.counts.valid += 1;
      if ("id" in report) this.counts.stored += 1;
    }
  }

  private async check(tx: DbClient, entry: Parsed): Promise<Checked> {
    if ("errors" in entry) return { line: entry.line, ok: false, errors: entry.errors };
    const { claim } = entry;
    const article = this.articles.get(claim.articleId);
    if (!article) return refused(entry.line, [{ field: "articleId", message: messages.articleNotFound }]);
    try {
      checkSpans(article.body, {
        start: claim.start,
        end: claim.end,
        quote: claim.quote,
        mentionStart: claim.speakerMention?.start ?? null,
        mentionEnd: claim.speakerMention?.end ?? null,
        cueStart: claim.cue?.start ?? null,
        cueEnd: claim.cue?.end ?? null,
      });
      const speakerId = claim.speaker ? await this.speakerId(tx, article.projectId, claim.speaker) : null;
      const labels = await this.projectLabels(tx, article.projectId);
      const stanceId = claim.stance ? chooseStance(labels.stances, claim.stance, null) : null;
      const targetId = claim.target ? chooseTarget(labels.targets, claim.target, null) : null;
      return { line: entry.line, row: toRow(article, claim, { speakerId, stanceId, targetId }) };
    } catch (error) {
      if (error instanceof InvalidError) return refused(entry.line, error.problems);
      throw error;
    }
  }

  /** Fetches the batch's articles not yet in the cache, in one query, as the user may see them. */
  private async loadArticles(tx: DbClient, ids: number[]): Promise<void> {
    const wanted = [...new Set(ids)].filter((id) => !this.articles.has(id));
    for (const id of new Set(ids)) {
      const known = this.articles.get(id);
      // Re-inserting keeps recently used articles at the end of the map: the oldest go first.
      if (known !== undefined) {
        this.articles.delete(id);
        this.articles.set(id, known);
      }
    }
    if (!wanted.length) return;
    const found = await tx.article.findMany({
      where: { id: { in: wanted }, project: visibleProjectsFilter(this.user) },
      select: { id: true, projectId: true, body: true },
    });
    const byId = new Map(found.map((article) => [article.id, article]));
    for (const id of wanted) {
      const article = byId.get(id);
      this.articles.set(
        id,
        article ? { id, projectId: article.projectId, body: new CodePointIndex(article.body) } : null,
      );
    }
    const excess = this.articles.size - Math.max(ARTICLE_CACHE_SIZE, new Set(ids).size);
    if (excess > 0) {
      for (const id of [...this.articles.keys()].slice(0, excess)) this.articles.delete(id);
    }
  }

  private async projectLabels(tx: DbClient, projectId: number): Promise<ProjectLabels> {
    const known = this.labels.get(projectId);
    if (known) return known;
    const [stanceLabels, targets] = await Promise.all([
      tx.stanceLabel.findMany({ where: { projectId }, orderBy: { position: "asc" } }),
      tx.target.findMany({ where: { projectId }, orderBy: { position: "asc" } }),
    ]);
    const labels: ProjectLabels = { stances: stanceChoices(stanceLabels), targets };
    this.labels.set(projectId, labels);
    return labels;
  }

  /** Each speaker named in the upload is resolved (or created) once; its answer serves every line. */
  private async speakerId(tx: DbClient, projectId: number, ref: SpeakerRef): Promise<number> {
    const key =
      "id" in ref
        ? `${projectId}:id:${ref.id}`
        : `${projectId}:name:${cleanName(ref.name).toLowerCase()}:${ref.confirmNew ? 1 : 0}`;
    let answer = this.speakers.get(key);
    if (answer === undefined) {
      try {
        answer = (await resolveSpeaker(tx, projectId, ref)).id;
      } catch (error) {
        if (error instanceof SimilarExistsError) {
          answer = {
            field: "speaker",
            message: `${error.message} To create it anyway, send "speaker": {"name": …, "confirmNew": true}.`,
          };
        } else if (error instanceof InvalidError) answer = error.problems[0]!;
        else throw error;
      }
      this.speakers.set(key, answer);
    }
    if (typeof answer !== "number") throw new InvalidError([answer]);
    return answer;
  }

  summary(): BulkSummary {
    const { lines, valid, invalid, stored } = this.counts;
    const committed = this.options.mode === "valid" || invalid === 0;
    const refusedLines = `${invalid.toLocaleString("en")} ${invalid === 1 ? "line was" : "lines were"} refused`;
    const message = !committed
      ? `Nothing was stored: ${refusedLines} (see their errors). Fix them and send the whole file again, or send it with mode=valid to store the valid lines.`
      : invalid > 0
        ? `Stored ${stored.toLocaleString("en")} claims; ${refusedLines} (see their errors).`
        : `Stored ${stored.toLocaleString("en")} claims.`;
    return {
      mode: this.options.mode,
      lines,
      valid,
      invalid,
      stored: committed ? stored : 0,
      committed,
      message,
    };
  }

  /** The upload stopped on a failure that is not a line's fault (the database went away, say). */
  failed(error: unknown): BulkSummary {
    const all = this.options.mode === "all";
    const { lines, valid, invalid, stored } = this.counts;
    const why = error instanceof AppError ? error.message : "the server could not finish the upload";
    return {
      mode: this.options.mode,
      lines,
      valid,
      invalid,
      stored: all ? 0 : stored,
      committed: !all && stored > 0,
      message: all
        ? `Nothing was stored: ${why} after line ${this.lastLine}. Send the file again.`
        : `Stopped after line ${this.lastLine}: ${why}. The claims reported with an id are stored; send the rest again.`,
    };
  }
}

function toRow(
  article: CheckedArticle,
  claim: BulkClaimLine,
  ids: { speakerId: number | null; stanceId: number | null; targetId: number | null },
): ClaimInsertRow {
  const { prefix, suffix } = quoteContext(article.body, claim.start, claim.end);
  return {
    articleId: article.id,
    projectId: article.projectId,
    start: claim.start,
    end: claim.end,
    quote: claim.quote,
    prefix,
    suffix,
    type: claim.type,
    mentionStart: claim.speakerMention?.start ?? null,
    mentionEnd: claim.speakerMention?.end ?? null,
    cueStart: claim.cue?.start ?? null,
    cueEnd: claim.cue?.end ?? null,
    note: claim.note ?? "",
    ...ids,
  };
}

function refused(line: number, errors: FieldProblem[]): LineReport {
  return { line, ok: false, errors };
}

function parseLine(line: Line): Parsed {
  if ("problem" in line) {
    const message =
      line.problem === "too long"
        ? `This line is ${line.bytes.toLocaleString("en")} bytes, longer than any claim may be. Check that each claim is on a line of its own.`
        : "This line is not valid UTF-8 text. Save the file as UTF-8.";
    return { line: line.number, errors: [{ message }] };
  }
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch {
    return {
      line: line.number,
      errors: [{ message: "This line is not JSON. Each line must be one claim as a JSON object." }],
    };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { line: line.number, errors: [{ message: "Each line must be one claim as a JSON object." }] };
  }
  try {
    return { line: line.number, claim: parseInput(bulkClaimLine, wellFormed(value)) };
  } catch (error) {
    if (error instanceof InvalidError) return { line: line.number, errors: error.problems };
    throw error;
  }
}
