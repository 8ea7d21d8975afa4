import type { DbClient } from "../db/types.js";
import { Prisma } from "../generated/prisma/client.js";

export interface AuditEntry {
  actorId: number | null;
  action: string;
  subjectType: string;
  subjectId: string | number;
  before?: unknown;
  after?: unknown;
}

/** Records who did what to what, with the state before and after; call inside the change's transaction. */
export async function recordAudit(db: DbClient, entry: AuditEntry): Promise<void> {
  await db.auditEvent.create({
    data: {
      actorId: entry.actorId,
      action: entry.action,
      subjectType: entry.subjectType,
      subjectId: String(entry.subjectId),
      before: toJson(entry.before),
      after: toJson(entry.after),
    },
  });
}

function toJson(value: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull {
  if (value === undefined || value === null) return Prisma.DbNull;
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}

export async function listAuditEvents(db: DbClient, subjectType: string, subjectId: string | number) {
  return db.auditEvent.findMany({
    where: { subjectType, subjectId: String(subjectId) },
    orderBy: { id: "desc" },
    include: { actor: { select: { id: true, name: true, email: true } } },
  });
}
