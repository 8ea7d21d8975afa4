import type { DbClient } from "../db/types.js";
import { InvalidError, SimilarExistsError, type FieldProblem } from "../errors.js";
import type { CurrentUser } from "../http/current-user.js";
import { wellFormed } from "../http/input-guard.js";
import { parseInput } from "../http/validate.js";
import { visibleProjectsFilter } from "../projects/access.js";
import {
  findSpeakerOrCheckNew,
  resolveSpeaker,
  type NewSpeaker,
  type SpeakerRef,
} from "../speakers/speakers.service.js";
import { cleanName } from "../speakers/speakers.schema.js";
import { CodePointIndex, quoteContext } from "../text/code-points.js";
import type { Line } from "../text/lines.js";
import { bulkClaimLine, type BulkClaimLine } from "./bulk-import.schema.js";
import type { ClaimInsertRow } from "./bulk-import.sql.js";
import { chooseStance, chooseTarget, stanceChoices, type LabelChoice } from "./claim-labels.js";
import { checkSpans, messages, spansOf } from "./claims.service.js";

/** A refused line and why, as the report gives it. */
export interface RefusedLine {
  line: number;
  ok: false;
  errors: FieldProblem[];
}

/** A line that passed every check, ready to store. */
export interface AcceptedLine {
  line: number;
  row: ClaimInsertRow;
}

export type CheckedLine = AcceptedLine | RefusedLine;

/**
 * New speakers are created as their lines are stored ("create"), or named only and created when
 * the whole upload is stored ("defer", mode=all), so that an upload that stores nothing creates
 * nothing either.
 */
export type SpeakerPolicy = "create" | "defer";

/** A speaker a deferred line names that does not exist yet, by the key its rows carry. */
export interface PendingSpeaker extends NewSpeaker {
  projectId: number;
}

/** Articles whose bodies stay in memory during one upload (lines usually come article by article). */
const ARTICLE_CACHE_SIZE = 128;
/** Lines parsed between two turns of the event loop, so that other requests are not kept waiting. */
const YIELD_EVERY = 100;
const YIELD_BYTES = 1024 * 1024;

interface CheckedArticle {
  id: number;
  projectId: number;
  body: CodePointIndex;
}

interface ProjectLabels {
  stances: LabelChoice[];
  targets: LabelChoice[];
}

type SpeakerAnswer = { id: number } | { pending: string } | FieldProblem;

type Parsed = { line: number; claim: BulkClaimLine } | RefusedLine;

/**
 * Checks the lines of a bulk upload exactly as the single route checks a claim (the user may
 * write in the article's project; offsets and quote against the body; speaker, stance and target
 * of the project). Articles, labels and speakers are looked up once per upload, not once per line.
 */
export class LineChecker {
  private readonly articles = new Map<number, CheckedArticle | null>();
  private readonly labels = new Map<number, ProjectLabels>();
  private readonly speakers = new Map<string, SpeakerAnswer>();
  /** Deferred new speakers by key (projectId and lower-cased name). */
  readonly pendingSpeakers = new Map<string, PendingSpeaker>();

  constructor(
    private readonly user: CurrentUser,
    private readonly speakerPolicy: SpeakerPolicy,
  ) {}

  async check(tx: DbClient, lines: Line[]): Promise<CheckedLine[]> {
    const parsed: Parsed[] = [];
    let bytesSinceYield = 0;
    for (const line of lines) {
      parsed.push(parseLine(line));
      bytesSinceYield += line.bytes;
      // Other requests get their turn every 100 lines, or every megabyte of long lines.
      if (parsed.length % YIELD_EVERY === 0 || bytesSinceYield >= YIELD_BYTES) {
        bytesSinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await this.loadArticles(
      tx,
      parsed.flatMap((entry) => ("claim" in entry ? [entry.claim.articleId] : [])),
    );
    const checked: CheckedLine[] = [];
    for (const entry of parsed) checked.push("claim" in entry ? await this.checkClaim(tx, entry) : entry);
    return checked;
  }

  /**
   * Forgets what the database may have lost: speakers created by a batch whose transaction did
   * not commit. Articles and labels are only read, so they stay.
   */
  forgetCreatedSpeakers(): void {
    this.speakers.clear();
  }

  private async checkClaim(
    tx: DbClient,
    entry: { line: number; claim: BulkClaimLine },
  ): Promise<CheckedLine> {
    const { claim } = entry;
    const article = this.articles.get(claim.articleId);
    if (!article) return refused(entry.line, [{ field: "articleId", message: messages.articleNotFound }]);
    try {
      checkSpans(article.body, spansOf(claim));
      const speaker = claim.speaker ? await this.speaker(tx, article.projectId, claim.speaker) : null;
      const labels = await this.projectLabels(tx, article.projectId);
      const stanceId = claim.stance ? chooseStance(labels.stances, claim.stance, null) : null;
      const targetId = claim.target ? chooseTarget(labels.targets, claim.target, null) : null;
      const row = toRow(article, claim, {
        speakerId: speaker && "id" in speaker ? speaker.id : null,
        stanceId,
        targetId,
      });
      if (speaker && "pending" in speaker) row.newSpeaker = speaker.pending;
      return { line: entry.line, row };
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
      where: { id: { in: wanted }, deletedAt: null, project: visibleProjectsFilter(this.user) },
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

  /** Each speaker named in the upload is resolved once; its answer serves every line. */
  private async speaker(
    tx: DbClient,
    projectId: number,
    ref: SpeakerRef,
  ): Promise<{ id: number } | { pending: string }> {
    const key =
      "id" in ref
        ? `${projectId}:id:${ref.id}`
        : `${projectId}:name:${cleanName(ref.name).toLowerCase()}:${ref.confirmNew ? 1 : 0}`;
    let answer = this.speakers.get(key);
    if (answer === undefined) {
      answer = await this.resolve(tx, projectId, ref);
      this.speakers.set(key, answer);
    }
    if ("message" in answer) throw new InvalidError([answer]);
    return answer;
  }

  private async resolve(tx: DbClient, projectId: number, ref: SpeakerRef): Promise<SpeakerAnswer> {
    try {
      if (this.speakerPolicy === "create")
        return { id: (await resolveSpeaker(tx, projectId, ref, this.user)).id };
      const found = await findSpeakerOrCheckNew(tx, projectId, ref, this.user);
      if ("id" in found) return found;
      const pending = `${projectId}:${found.create.name.toLowerCase()}`;
      if (!this.pendingSpeakers.has(pending))
        this.pendingSpeakers.set(pending, { projectId, ...found.create });
      return { pending };
    } catch (error) {
      if (error instanceof SimilarExistsError) {
        return {
          field: "speaker",
          message: `${error.message} To create it anyway, send "speaker": {"name": …, "confirmNew": true}.`,
        };
      }
      if (error instanceof InvalidError) return error.problems[0]!;
      throw error;
    }
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

function refused(line: number, errors: FieldProblem[]): RefusedLine {
  return { line, ok: false, errors };
}

function parseLine(line: Line): Parsed {
  if ("problem" in line) {
    const message =
      line.problem === "too long"
        ? `This line is ${line.bytes.toLocaleString("en")} bytes, longer than any claim may be. Check that each claim is on a line of its own.`
        : "This line is not valid UTF-8 text. Save the file as UTF-8.";
    return refused(line.number, [{ message }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch {
    return refused(line.number, [
      { message: "This line is not JSON. Each line must be one claim as a JSON object." },
    ]);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return refused(line.number, [{ message: "Each line must be one claim as a JSON object." }]);
  }
  try {
    return { line: line.number, claim: parseInput(bulkClaimLine, wellFormed(value)) };
  } catch (error) {
    if (error instanceof InvalidError) return refused(line.number, error.problems);
    throw error;
  }
}
