import { createHash, randomBytes } from "node:crypto";
import { recordAudit } from "../audit/audit.service.js";
import type { DbClient, PrismaClient } from "../db/types.js";
import { NotFoundError } from "../errors.js";
import type { CurrentUser } from "../http/current-user.js";
import { PREPARED } from "../db/prepared.js";
import { storageIsLow } from "../db/disk-space.js";
import { Prisma } from "../generated/prisma/client.js";

export type TokenScope = "read" | "write";

const PREFIX = "clm_";

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Creates a token; its clear text is returned this once and only its hash is stored. */
export async function createApiToken(prisma: PrismaClient, userId: number, name: string, scope: TokenScope) {
  const token = `${PREFIX}${randomBytes(32).toString("base64url")}`;
  const row = await prisma.$transaction(async (tx) => {
    const created = await tx.apiToken.create({ data: { userId, name, scope, tokenHash: hashToken(token) } });
    await recordAudit(tx, {
      actorId: userId,
      action: "token.create",
      subjectType: "api_token",
      subjectId: created.id,
      after: { name, scope },
    });
    return created;
  });
  return { id: row.id, token };
}

export async function listApiTokens(db: DbClient, userId: number) {
  return db.apiToken.findMany({
    where: { userId },
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { id: "desc" }],
    select: { id: true, name: true, scope: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  });
}

export async function revokeApiToken(prisma: PrismaClient, userId: number, tokenId: number): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.apiToken.updateMany({
      where: { id: tokenId, userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count === 0) throw new NotFoundError("No such active token.");
    await recordAudit(tx, {
      actorId: userId,
      action: "token.revoke",
      subjectType: "api_token",
      subjectId: tokenId,
    });
  });
}

interface TokenRow {
  scope: string;
  id: number;
  email: string;
  name: string;
  role: CurrentUser["role"];
  version: number;
}

/**
 * The user behind a bearer token, or undefined when the token is unknown, revoked or its user
 * inactive. One statement: it reads the token with its user and, at most once a minute, notes
 * the token's last use (informational: a coarse, unsynchronised write is enough).
 */
export async function authenticateToken(
  db: DbClient,
  token: string,
): Promise<{ user: CurrentUser; scope: TokenScope } | undefined> {
  if (!token.startsWith(PREFIX)) return undefined;
  const now = new Date();
  // While the embedded database's disk is nearly full it takes no writes: the last use waits.
  const [row] = storageIsLow()
    ? await db.$queryRaw<TokenRow[]>`${Prisma.raw(PREPARED)}
      SELECT t.scope, u.id, u.email, u.name, u.role, u.version
      FROM api_tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = ${hashToken(token)} AND t.revoked_at IS NULL AND u.active`
    : await db.$queryRaw<TokenRow[]>`${Prisma.raw(PREPARED)}
    WITH found AS (
      SELECT t.id AS token_id, t.scope, t.last_used_at, u.id, u.email, u.name, u.role, u.version
      FROM api_tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = ${hashToken(token)} AND t.revoked_at IS NULL AND u.active
    ),
    noted AS (
      UPDATE api_tokens SET last_used_at = ${now}
      FROM found
      WHERE api_tokens.id = found.token_id
        AND (found.last_used_at IS NULL OR found.last_used_at < ${now}::timestamp - interval '1 minute')
    )
    SELECT scope, id, email, name, role, version FROM found`;
  if (!row) return undefined;
  const { id, email, name, role, version } = row;
  return {
    user: { id, email, name, role, version, mustChangePassword: false },
    scope: row.scope as TokenScope,
  };
}
