import path from "node:path";
import { backupKeyFile } from "./backups/backup-key.js";
import { z } from "zod";

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no"], {
    message: "must be one of true, false, 1, 0, yes, no",
  })
  .transform((value) => ["true", "1", "yes"].includes(value));

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, { message: "must start with postgresql:// (or postgres://)" });

const environmentSchema = z.object({
  // `npm start` is production-safe by default; `npm run dev` (src/dev.ts) sets development.
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  SESSION_SECRET: z.string().min(32, { message: "must be at least 32 characters" }).optional(),
  SESSION_MAX_AGE_HOURS: z.coerce.number().positive().default(12),
  TRUST_PROXY: z.string().optional(),
  COOKIE_SECURE: booleanFlag.optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ADMIN_EMAIL: z.email({ message: "must be an email address" }).optional(),
  ADMIN_PASSWORD: z.string().min(10, { message: "must be at least 10 characters" }).optional(),
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().positive().default(10),
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_KEY_FILE: z.string().min(1).optional(),
  BACKUP_INTERVAL_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 366)
    .default(24),
  BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(7),
  TRASH_DAYS: z.coerce.number().int().min(0).max(36_500).default(30),
  EXPORT_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(3),
  EXPORTS_PER_USER: z.coerce.number().int().min(1).max(100).default(2),
  EXPORT_IDLE_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(60),
  BULK_UPLOADS_PER_USER: z.coerce.number().int().min(1).max(100).default(2),
  BULK_IDLE_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(60),
  BENCH_BASELINE_ROUTES: booleanFlag.default(false),
  DISK_RESERVE_MB: z.coerce.number().int().min(16).max(1_000_000).default(256),
});

export interface BulkLimits {
  perUser: number;
  idleTimeoutMs: number;
}

export type Config = {
  env: "development" | "production" | "test";
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  databasePoolSize: number;
  sessionSecret?: string;
  sessionMaxAgeMs: number;
  /** Express "trust proxy" setting: hop count, true, or a list of addresses. */
  trustProxy: boolean | number | string;
  cookieSecure: boolean | "auto";
  logLevel: string;
  firstAdmin?: { email: string; password: string };
  shutdownGraceMs: number;
  /** Embedded database only: where scheduled and on-demand backups go, how often, how many kept. */
  backups: { dir: string; intervalMs: number; keep: number; keyFile: string };
  /** Days a deleted article stays in the trash before `npm run articles:purge` may remove it for good. */
  trashDays: number;
  /** Long reads (exports) get their own connections, so they never starve the rest of the app. */
  exports: { connections: number; perUser: number; idleTimeoutMs: number };
  /**
   * Bulk claims uploads: how many one user may run at once (each uses a database connection for
   * each batch it stores), and how long a client may keep one waiting before it is ended.
   */
  bulk: BulkLimits;
  /** `npm run bench` only: mounts the baseline routes its figures are measured against. */
  benchBaselineRoutes: boolean;
  /**
   * Embedded database only: free space kept on DATA_DIR's disk. Below it writes are refused (507)
   * before the disk fills, because PGlite cannot recover from a full disk without a restart.
   */
  diskReserveBytes: number;
};

export class ConfigError extends Error {}

/** Reads and checks the environment once; a bad value stops start-up with its variable named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${problems.join("\n")}`);
  }
  const e = parsed.data;
  if (Boolean(e.ADMIN_EMAIL) !== Boolean(e.ADMIN_PASSWORD)) {
    throw new ConfigError("Invalid configuration:\n  ADMIN_EMAIL and ADMIN_PASSWORD must be set together");
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    sessionSecret: e.SESSION_SECRET,
    sessionMaxAgeMs: e.SESSION_MAX_AGE_HOURS * 3600_000,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    cookieSecure: e.COOKIE_SECURE ?? "auto",
    logLevel: e.LOG_LEVEL,
    firstAdmin:
      e.ADMIN_EMAIL && e.ADMIN_PASSWORD ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD } : undefined,
    shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000,
    backups: {
      dir: path.resolve(e.BACKUP_DIR ?? path.join(e.DATA_DIR, "backups")),
      intervalMs: e.BACKUP_INTERVAL_HOURS * 3600_000,
      keep: e.BACKUP_KEEP,
      keyFile: backupKeyFile(path.resolve(e.DATA_DIR), e.BACKUP_KEY_FILE),
    },
    trashDays: e.TRASH_DAYS,
    exports: {
      connections: e.EXPORT_CONNECTIONS,
      perUser: e.EXPORTS_PER_USER,
      idleTimeoutMs: e.EXPORT_IDLE_TIMEOUT_SECONDS * 1000,
    },
    bulk: { perUser: e.BULK_UPLOADS_PER_USER, idleTimeoutMs: e.BULK_IDLE_TIMEOUT_SECONDS * 1000 },
    benchBaselineRoutes: e.BENCH_BASELINE_ROUTES,
    diskReserveBytes: e.DISK_RESERVE_MB * 1024 * 1024,
  };
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === "false") return false;
  if (value === "true") return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
