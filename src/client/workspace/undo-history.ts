// Undo and redo of the annotator's own creates, edits and deletes, several steps back, through the
// versioned claims API only: a create is undone by DELETE, an edit by PATCH back to the old values,
// a delete by POST …/restore. Each carries the version this page last left the claim at, so an undo
// that would overwrite someone else's later change is refused by the server (409), never forced.
import { callApi, errorMessage, type ApiResult } from "../lib/api.js";
import { describeChanges, quoted } from "./describe.js";
import type { ClaimJson, ClaimPatchBody, Stance, WorkspaceClaim } from "./types.js";

type Snapshot = WorkspaceClaim | ClaimJson;

/** One change by this page: the claim before and after it (null: not there, or deleted). */
interface Step {
  claimId: number;
  before: Snapshot | null;
  after: Snapshot | null;
}

export type Direction = "undo" | "redo";

export interface UndoHandlers {
  /** The claim is live again (or changed back): show it. */
  onClaimBack(claim: ClaimJson): void;
  /** The claim is deleted now: take it off the page. */
  onClaimGone(claimId: number): void;
  /** A refused step: the claim as the server has it now, when it is live. */
  onCurrent(claim: ClaimJson): void;
  /** What happened, in words, and what is left to undo and redo. */
  onReport(message: string, state: { canUndo: boolean; canRedo: boolean }): void;
}

const MAX_STEPS = 100;

const verbs: Record<Direction, string> = { undo: "Undone", redo: "Redone" };

export class UndoHistory {
  private readonly done: Step[] = [];
  private readonly undone: Step[] = [];
  /** The version each claim had after this page's last change to it. */
  private readonly versions = new Map<number, number>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly articleId: number,
    private readonly stances: readonly Stance[],
    private readonly handlers: UndoHandlers,
  ) {}

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  recordCreate(claim: ClaimJson): void {
    this.record({ claimId: claim.id, before: null, after: claim }, claim.version);
  }

  recordEdit(before: Snapshot, after: ClaimJson): void {
    this.record({ claimId: after.id, before, after }, after.version);
  }

  /** `claim` as it was when deleted: the delete left it one version further. */
  recordDelete(claim: Snapshot): void {
    this.record({ claimId: claim.id, before: claim, after: null }, claim.version + 1);
  }

  /** A change the user made in the form. Clears what could be redone, as editors do. */
  private record(step: Step, version: number): void {
    this.versions.set(step.claimId, version);
    this.done.push(step);
    if (this.done.length > MAX_STEPS) this.done.shift();
    this.undone.length = 0;
  }

  /** Runs after any step still under way, so quick presses apply in order. */
  undo(): Promise<void> {
    return this.enqueue("undo");
  }

  redo(): Promise<void> {
    return this.enqueue("redo");
  }

  private enqueue(direction: Direction): Promise<void> {
    this.queue = this.queue.then(() => this.step(direction));
    return this.queue;
  }

  private async step(direction: Direction): Promise<void> {
    const from = direction === "undo" ? this.done : this.undone;
    const to = direction === "undo" ? this.undone : this.done;
    const step = from.pop();
    if (!step) {
      this.report(direction === "undo" ? "Nothing to undo." : "Nothing to redo.");
      return;
    }
    const [have, want] = direction === "undo" ? [step.after, step.before] : [step.before, step.after];
    const result = await this.move(step.claimId, have, want);
    if (result.ok) {
      to.push(step);
      this.report(`${verbs[direction]}: ${describeMove(have, want, direction)}`);
      return;
    }
    // Could not reach the server: the step stays, to try again.
    if (result.status === 0) from.push(step);
    this.report(`Not ${verbs[direction].toLowerCase()}: ${this.refusal(result, have)}`);
  }

  /** Brings the claim from `have` (as this page left it) to `want` with one API call. */
  private async move(claimId: number, have: Snapshot | null, want: Snapshot | null) {
    const version = this.versions.get(claimId) ?? have?.version ?? 0;
    if (want === null) {
      const result = await callApi<null>("DELETE", `/api/v1/claims/${claimId}?version=${version}`);
      if (result.ok) {
        this.versions.set(claimId, version + 1);
        this.handlers.onClaimGone(claimId);
      } else this.showCurrent(result);
      return result;
    }
    const result =
      have === null
        ? await callApi<ClaimJson>("POST", `/api/v1/claims/${claimId}/restore`, { version })
        : await callApi<ClaimJson>("PATCH", `/api/v1/claims/${claimId}`, { version, ...fieldsOf(want) });
    if (result.ok) {
      this.versions.set(claimId, result.data.version);
      this.handlers.onClaimBack(result.data);
    } else if (have !== null) this.showCurrent(result);
    return result;
  }

  private showCurrent(result: ApiResult<unknown>): void {
    const current = !result.ok ? (result.data?.error?.current as ClaimJson | undefined) : undefined;
    if (result.status === 409 && current?.articleId === this.articleId) this.handlers.onCurrent(current);
  }

  /** Why a step was refused, plainly: for a 409, what someone else changed when the answer says. */
  private refusal(result: ApiResult<unknown>, expected: Snapshot | null): string {
    const error = !result.ok ? result.data?.error : undefined;
    if (result.status !== 409) return errorMessage(result);
    const current = error?.current as ClaimJson | undefined;
    const changes = expected && current ? describeChanges(expected, current, this.stances) : [];
    const what = changes.length ? ` ${changes.join(" ")}` : "";
    return `someone else changed this claim after you.${what} Nothing was overwritten.`;
  }

  private report(message: string): void {
    this.handlers.onReport(message, { canUndo: this.canUndo, canRedo: this.canRedo });
  }
}

/** The fields a PATCH sets to bring a claim back to `claim`. */
function fieldsOf(claim: Snapshot): Omit<ClaimPatchBody, "version"> {
  const span = (value: { start: number; end: number } | null) =>
    value ? { start: value.start, end: value.end } : null;
  return {
    start: claim.start,
    end: claim.end,
    quote: claim.quote,
    type: claim.type as ClaimJson["type"] & ClaimPatchBody["type"],
    speaker: claim.speaker ? { id: claim.speaker.id } : null,
    speakerMention: span(claim.speakerMention),
    cue: span(claim.cue),
    stance: claim.stance,
    target: claim.target,
    note: claim.note,
  };
}

function describeMove(have: Snapshot | null, want: Snapshot | null, direction: Direction): string {
  const claim = want ?? have;
  const quote = claim ? quoted(claim.quote, 50) : "the claim";
  if (want === null) return `claim ${quote} removed.`;
  if (have === null) return `claim ${quote} is back.`;
  return direction === "undo" ? `claim ${quote} is back as it was.` : `claim ${quote} has your change again.`;
}
