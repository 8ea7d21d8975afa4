// Typed errors thrown by services and turned into HTTP answers in one place (src/http/error-handler.ts).

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  /** Seconds after which a retry may succeed; sent as Retry-After when set. */
  get retryAfterSeconds(): number | undefined {
    return undefined;
  }
  /** More fields of the JSON error body, beside code, message and field. */
  get details(): Record<string, unknown> | undefined {
    return undefined;
  }
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code = "not_found";
  constructor(message = "That page or item does not exist, or you do not have access to it.") {
    super(message);
  }
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly code = "unauthorized";
  constructor(message = "Log in, or send a valid API token.") {
    super(message);
  }
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly code = "forbidden";
  constructor(message = "Your role does not allow this. Ask an admin if you need access.") {
    super(message);
  }
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly code = "conflict";
  constructor(
    message: string,
    /** The current state, so a client can show what changed. */
    readonly current?: unknown,
  ) {
    super(message);
  }
}

/**
 * Nothing was created because what was asked for looks like something that exists (a speaker
 * named "Zoe Muller" beside "Zoë Müller"). The client offers the candidates first; sending the
 * request again with the flag named in `confirmWith` creates it anyway.
 */
export class SimilarExistsError extends AppError {
  readonly status = 409;
  constructor(
    readonly code: string,
    message: string,
    readonly field: string,
    readonly candidates: readonly unknown[],
    readonly confirmWith: Record<string, unknown>,
  ) {
    super(message);
  }
  override get details(): Record<string, unknown> {
    return { field: this.field, candidates: this.candidates, confirmWith: this.confirmWith };
  }
}

export interface FieldProblem {
  field?: string;
  message: string;
}

export class InvalidError extends AppError {
  readonly status = 422;
  readonly code = "invalid";
  readonly problems: FieldProblem[];
  constructor(problems: FieldProblem[] | string, field?: string) {
    const list = typeof problems === "string" ? [{ field, message: problems }] : problems;
    super(list.map((problem) => problem.message).join(" "));
    this.problems = list;
  }
  get field(): string | undefined {
    return this.problems[0]?.field;
  }
}

/** The body is in a format the route does not read; the message names the one it does. */
export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly code = "unsupported_media_type";
}

/**
 * A request asks for more work than one request may: the message names the limit and how to stay
 * under it (split the upload, send fewer items). `limit` is the documented figure, `name` its key.
 */
export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly code = "too_large";
  constructor(
    message: string,
    readonly limit: { name: string; value: number },
  ) {
    super(message);
  }
  override get details(): Record<string, unknown> {
    return { limit: this.limit };
  }
}

export class TooManyRequestsError extends AppError {
  readonly status = 429;
  readonly code = "too_many_requests";
  /** The default message is the login throttle's; other limits say what they limit. */
  constructor(
    readonly retryAt: Date,
    message?: string,
  ) {
    super(
      message ??
        `Too many failed attempts. Try again after ${retryAt.toISOString().slice(11, 16)} UTC ` +
          `(in about ${Math.max(1, Math.ceil((retryAt.getTime() - Date.now()) / 60_000))} minutes).`,
    );
  }
  override get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.retryAt.getTime() - Date.now()) / 1000));
  }
}

/** Something the app depends on is down or full for now; the same request should work later. */
export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  constructor(
    readonly code: string,
    message: string,
    private readonly retryAfter: number,
  ) {
    super(message);
  }
  override get retryAfterSeconds(): number {
    return this.retryAfter;
  }
}

/**
 * The disk holding the database is full (or nearly: the embedded database keeps a reserve).
 * Nothing was written; reads go on, and writes work again once space is freed.
 */
export class InsufficientStorageError extends AppError {
  readonly status = 507;
  readonly code = "insufficient_storage";
  constructor(
    message = "The server's disk is full, so nothing could be saved. Reading still works. Ask your administrator to free disk space; saving then works again by itself.",
  ) {
    super(message);
  }
  override get retryAfterSeconds(): number {
    return 60;
  }
}
