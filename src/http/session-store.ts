import session from "express-session";
import type { PrismaClient } from "../generated/prisma/client.js";

type Callback<T = void> = (error?: unknown, value?: T) => void;

const PRUNE_INTERVAL_MS = 15 * 60_000;

function userIdOf(data: session.SessionData): number | null {
  const user = (data as { passport?: { user?: unknown } }).passport?.user;
  return typeof user === "number" ? user : null;
}

function expiryOf(data: session.SessionData, fallbackMs: number): Date {
  const expires = data.cookie?.expires;
  return expires ? new Date(expires) : new Date(Date.now() + fallbackMs);
}

/**
 * express-session store on the app's own database, so sessions survive restarts and every app
 * process sees the same ones. The user_id column lets a deactivation end a user's sessions at once.
 */
export class DatabaseSessionStore extends session.Store {
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly maxAgeMs: number,
  ) {
    super();
    this.pruneTimer = setInterval(() => void this.pruneExpired().catch(() => undefined), PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
  }

  override get(sid: string, callback: Callback<session.SessionData | null>): void {
    this.prisma.session
      .findUnique({ where: { sid } })
      .then((row) => {
        if (!row || row.expiresAt.getTime() <= Date.now()) return callback(undefined, null);
        callback(undefined, row.data as unknown as session.SessionData);
      })
      .catch((error: unknown) => callback(error));
  }

  override set(sid: string, data: session.SessionData, callback?: Callback): void {
    const values = {
      data: JSON.parse(JSON.stringify(data)) as object,
      expiresAt: expiryOf(data, this.maxAgeMs),
      userId: userIdOf(data),
    };
    this.prisma.session
      .upsert({ where: { sid }, create: { sid, ...values }, update: values })
      .then(() => callback?.())
      .catch((error: unknown) => callback?.(error));
  }

  override touch(sid: string, data: session.SessionData, callback?: Callback): void {
    this.prisma.session
      .updateMany({ where: { sid }, data: { expiresAt: expiryOf(data, this.maxAgeMs) } })
      .then(() => callback?.())
      .catch((error: unknown) => callback?.(error));
  }

  override destroy(sid: string, callback?: Callback): void {
    this.prisma.session
      .deleteMany({ where: { sid } })
      .then(() => callback?.())
      .catch((error: unknown) => callback?.(error));
  }

  async pruneExpired(): Promise<number> {
    const { count } = await this.prisma.session.deleteMany({ where: { expiresAt: { lte: new Date() } } });
    return count;
  }

  close(): void {
    clearInterval(this.pruneTimer);
  }
}
