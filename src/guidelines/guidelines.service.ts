import type { DbClient, PrismaClient } from "../db/types.js";
import { recordAudit } from "../audit/audit.service.js";
import { ConflictError, InvalidError, NotFoundError } from "../errors.js";
import type { CurrentUser } from "../http/current-user.js";
import { assertProjectAccess } from "../projects/access.js";
import { guidelinesHtml } from "./guidelines.html.js";
import { diffLines, type LineDiff } from "./line-diff.js";
import { withNewlines } from "./guidelines.schema.js";
import { TextCache } from "../threads/text-cache.js";

export interface GuidelinesVersion {
  version: number;
  body: string;
  html: string;
  author: string | null;
  createdAt: Date;
}

const withAuthor = { author: { select: { name: true } } } as const;

async function present(row: {
  version: number;
  body: string;
  createdAt: Date;
  author: { name: string } | null;
}): Promise<GuidelinesVersion> {
  return {
    version: row.version,
    body: row.body,
    html: await guidelinesHtml(row.body),
    author: row.author?.name ?? null,
    createdAt: row.createdAt,
  };
}

/** The number of the version in force, without its text. */
function newestVersion(db: DbClient, projectId: number) {
  return db.guidelineVersion.findFirst({
    where: { projectId },
    orderBy: { version: "desc" },
    select: { version: true },
  });
}

/** The guidelines in force (the newest version), or null when the project has none yet. */
export async function currentGuidelines(db: DbClient, projectId: number): Promise<GuidelinesVersion | null> {
  const row = await db.guidelineVersion.findFirst({
    where: { projectId },
    orderBy: { version: "desc" },
    include: withAuthor,
  });
  return row && (await present(row));
}

/** Everything the guidelines page shows: one version (the newest by default), what it changed, the history. */
export async function guidelinesPage(db: DbClient, user: CurrentUser, projectId: number, version?: number) {
  await assertProjectAccess(db, user, projectId);
  const project = await db.project.findUniqueOrThrow({
    where: { id: projectId },
    select: { id: true, name: true },
  });
  const history = await db.guidelineVersion.findMany({
    where: { projectId },
    orderBy: { version: "desc" },
    select: { version: true, createdAt: true, author: { select: { name: true } } },
  });
  const latest = history[0]?.version ?? 0;
  const wanted = version ?? latest;
  if (version !== undefined && !history.some((row) => row.version === version)) {
    throw new NotFoundError(`These guidelines have no version ${version}; the newest is ${latest}.`);
  }
  const [shown, previous] = await Promise.all(
    [wanted, wanted - 1].map((v) =>
      v > 0
        ? db.guidelineVersion.findUnique({
            where: { projectId_version: { projectId, version: v } },
            include: withAuthor,
          })
        : null,
    ),
  );
  return {
    project,
    latest,
    shown: shown ? await present(shown) : null,
    changes: shown && previous ? changesBetween(previous.body, shown.body) : null,
    history: history.map((row) => ({
      version: row.version,
      createdAt: row.createdAt,
      author: row.author?.name ?? null,
    })),
  };
}

/**
 * Line by line, what a version changed from the one before, within the limits of line-diff.ts.
 * Versions saved before line breaks were stored as "\n" (guidelines.schema.ts) may hold "\r\n":
 * compared without it, so that the first save after that change does not show every line changed.
 */
export function changesBetween(before: string, after: string): LineDiff {
  // Kept, as each view of a version would compute it again: up to tens of milliseconds each.
  const key = TextCache.keyOf(before, after);
  return (
    diffCache.get(key) ??
    diffCache.set(key, diffLines(withNewlines(before), withNewlines(after)), before.length + after.length)
  );
}

/** The changes of the versions viewed lately: at most this many characters of versions compared. */
const diffCache = new TextCache<LineDiff>(8_000_000);

/**
 * Saves a new version. `baseVersion` is the version the admin edited: if someone saved another
 * meanwhile, nothing is overwritten (409 with the version in force). An unchanged text saves nothing.
 */
export async function saveGuidelines(
  prisma: PrismaClient,
  user: CurrentUser,
  projectId: number,
  input: { body: string; baseVersion: number },
): Promise<{ version: number; saved: boolean }> {
  await assertProjectAccess(prisma, user, projectId);
  return prisma.$transaction(async (tx) => {
    // One saver at a time per project: the second waits here, then sees the first one's version.
    await tx.$executeRaw`SELECT 1 FROM projects WHERE id = ${projectId} FOR UPDATE`;
    // The text only: formatting it (up to a second in a worker) has no place under the lock.
    const current = await tx.guidelineVersion.findFirst({
      where: { projectId },
      orderBy: { version: "desc" },
      select: { version: true, body: true },
    });
    const latest = current?.version ?? 0;
    if (input.baseVersion !== latest) {
      throw new ConflictError(
        `Someone saved version ${latest} of the guidelines after you started editing version ${input.baseVersion}. Your text is still in the form: compare it with version ${latest}, then save again.`,
        { version: latest, body: current?.body ?? "" },
      );
    }
    if (current && withNewlines(current.body) === input.body) return { version: latest, saved: false };
    if (!current && input.body.trim() === "")
      throw new InvalidError("Write the guidelines before saving.", "body");
    const row = await tx.guidelineVersion.create({
      data: { projectId, version: latest + 1, body: input.body, authorId: user.id },
    });
    await tx.guidelineRead.upsert({
      where: { projectId_userId: { projectId, userId: user.id } },
      create: { projectId, userId: user.id, version: row.version },
      update: { version: row.version, readAt: new Date() },
    });
    await recordAudit(tx, {
      actorId: user.id,
      action: "project.guidelines",
      subjectType: "project",
      subjectId: projectId,
      before: current ? { version: current.version } : null,
      after: { version: row.version, length: input.body.length },
    });
    return { version: row.version, saved: true };
  });
}

/** Notes that the user has seen `version` (never going back to an older one). */
export async function markGuidelinesRead(
  db: DbClient,
  user: CurrentUser,
  projectId: number,
  version: number,
) {
  await assertProjectAccess(db, user, projectId);
  const latest = (await newestVersion(db, projectId))?.version ?? 0;
  if (version > latest) {
    throw new InvalidError(
      `These guidelines have no version ${version}; the newest is ${latest}.`,
      "version",
    );
  }
  await db.$executeRaw`
    INSERT INTO guideline_reads (project_id, user_id, version) VALUES (${projectId}, ${user.id}, ${version})
    ON CONFLICT (project_id, user_id)
    DO UPDATE SET version = GREATEST(guideline_reads.version, EXCLUDED.version), read_at = now()`;
}

/**
 * The version in force when the user has not seen it yet, else null. Asked on every project and
 * workspace page an annotator opens, so it reads version numbers only, never the text.
 */
export async function unreadGuidelines(
  db: DbClient,
  userId: number,
  projectId: number,
): Promise<{ version: number } | null> {
  const [current, read] = await Promise.all([
    newestVersion(db, projectId),
    db.guidelineRead.findUnique({
      where: { projectId_userId: { projectId, userId } },
      select: { version: true },
    }),
  ]);
  return current && current.version > (read?.version ?? 0) ? current : null;
}
