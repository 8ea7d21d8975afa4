import { AppError } from "../errors.js";

/**
 * An article was to be marked curated while annotator claims on it still wait for a decision.
 * Nothing changed; sending the request again with `confirmWith` marks it curated anyway.
 */
export class ClaimsWaitingError extends AppError {
  readonly status = 422;
  readonly code = "claims_waiting";
  readonly confirmWith = { confirm: true } as const;
  constructor(readonly waiting: number) {
    super(ClaimsWaitingError.say(waiting));
  }
  static say(waiting: number): string {
    const claims = waiting === 1 ? "1 annotator claim still waits" : `${waiting} annotator claims still wait`;
    return (
      `${claims} for a decision, so the article was not marked curated. ` +
      'Decide them first, or send the request again with "confirm": true to mark it curated anyway ' +
      "(the waiting claims then stay out of the gold layer)."
    );
  }
  override get details(): Record<string, unknown> {
    return { waiting: this.waiting, confirmWith: this.confirmWith };
  }
}
