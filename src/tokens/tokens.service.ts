import { createHash, randomBytes } from "node:crypto";
import { recordAudit } from "../audit/audit.service.js";
import type { DbClient, PrismaClient } from "../db/types.js";
import { NotFoundError } from "../errors.js";
import type { CurrentUser } from "../http/current-user.js";

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

/** The user behind a bearer token, or undefined when the token is unknown, revoked or its user inactive. */
export async function authenticateToken(
  db: DbClient,
  token: string,
): Promise<{ user: CurrentUser; scope: TokenScope } | undefined> {
  if (!token.startsWith(PREFIX)) return undefined;
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: true },
  });
  if (!row || row.revokedAt || !row.user.active) return undefined;
  // Last use is informational: a coarse, unsynchronised write is enough.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  const { id, email, name, role, version } = row.user;
  return {
    user: { id, email, name, role, version, mustChangePassword: false },
    scope: row.scope as TokenScope,
  };
}
