import type { Request } from "express";
import session from "express-session";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { PREPARED } from "../db/prepared.js";
import { storageIsLow } from "../db/disk-space.js";
import type { CurrentUser } from "./current-user.js";

type Callback<T = void> = (error?: unknown, value?: T) => void;

const PRUNE_INTERVAL_MS = 15 * 60_000;
/**
 * A session's expiry moves forward with each request (rolling sessions), but writing it more often
 * than this buys nothing: a session idle for its whole lifetime still ends at most this much early.
 */
const TOUCH_INTERVAL_MS = 60_000;

/** The session's user, read together with the session: the row as passport needs it. */
export type SessionUser = CurrentUser & { active: boolean };

interface SessionRow {
  data: session.SessionData;
  expires_at: Date;
  id: number | null;
  email: string;
  name: string;
  role: CurrentUser["role"];
  version: number;
  must_change_password: boolean;
  active: boolean;
}

// Carried beside the session data, never stored: neither is enumerable, so neither is saved.
const loadedWith = Symbol("loadedWith");
const storedExpiry = Symbol("storedExpiry");
const sessionUser = Symbol("sessionUser");

/** The user read with this request's session, if it has one (passport's deserializeUser uses it). */
export function userLoadedWithSession(req: Request): SessionUser | undefined {
  return (req as unknown as Record<symbol, SessionUser | undefined>)[sessionUser];
}

function hidden(target: object, key: symbol, value: unknown) {
  Object.defineProperty(target, key, { value, enumerable: false, writable: true, configurable: true });
}

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
 * Only logged-in sessions are stored: logged-out visitors cost no row (their login form's CSRF
 * token is a signed cookie, csrf.ts).
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

  /** The session and its user in one query: each request starts with one round trip, not two. */
  override get(sid: string, callback: Callback<session.SessionData | null>): void {
    this.prisma.$queryRaw<SessionRow[]>`${Prisma.raw(PREPARED)}
      SELECT s.data, s.expires_at, u.id, u.email, u.name, u.role, u.version, u.must_change_password, u.active
      FROM sessions s LEFT JOIN users u ON u.id = s.user_id
      WHERE s.sid = ${sid}`
      .then(([row]) => {
        if (!row || row.expires_at.getTime() <= Date.now()) return callback(undefined, null);
        const { data, expires_at: expiresAt, id, must_change_password: mustChangePassword, ...user } = row;
        const loaded = id === null ? undefined : { ...user, id, mustChangePassword };
        hidden(data, loadedWith, { user: loaded, expiresAt });
        callback(undefined, data);
      })
      .catch((error: unknown) => callback(error));
  }

  override createSession(
    req: Request,
    data: session.SessionData,
  ): session.Session & Partial<session.SessionData> {
    const loaded = (data as unknown as Record<symbol, { user?: SessionUser; expiresAt: Date } | undefined>)[
      loadedWith
    ];
    const created = super.createSession(req, data);
    if (loaded) {
      hidden(req, sessionUser, loaded.user);
      hidden(created, storedExpiry, loaded.expiresAt);
    }
    return created;
  }

  override set(sid: string, data: session.SessionData, callback?: Callback): void {
    // The disk is nearly full (embedded database): reading pages goes on without saving sessions;
    // logging in and other writes are refused with 507 before they get here.
    if (storageIsLow()) return callback?.();
    // Sessions exist only once someone has logged in: an anonymous visitor's session (a redirect
    // saves it, see save-before-redirect.ts) is never stored. One that was stored and has lost its
    // user is removed.
    if (userIdOf(data) === null) {
      const stored = (data as unknown as Record<symbol, Date | undefined>)[storedExpiry];
      if (!stored) return callback?.();
      this.destroy(sid, callback);
      return;
    }
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
    const stored = (data as unknown as Record<symbol, Date | undefined>)[storedExpiry];
    const next = expiryOf(data, this.maxAgeMs);
    if (storageIsLow() || (stored && next.getTime() - stored.getTime() < TOUCH_INTERVAL_MS)) {
      callback?.();
      return;
    }
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
