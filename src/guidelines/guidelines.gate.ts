import type { DbClient } from "../db/types.js";
import type { CurrentUser } from "../http/current-user.js";
import { unreadGuidelines } from "./guidelines.service.js";

/**
 * Where an annotator must go first when the project's guidelines changed since they last read
 * them: the guidelines page, which sends them on to `here` once they confirm. Null: go on.
 * Admins write the guidelines and researchers do not annotate, so only annotators are stopped.
 */
export async function guidelinesDetour(
  db: DbClient,
  user: CurrentUser,
  projectId: number,
  here: string,
): Promise<string | null> {
  if (user.role !== "annotator") return null;
  const unread = await unreadGuidelines(db, user.id, projectId);
  return unread ? `/projects/${projectId}/guidelines?next=${encodeURIComponent(here)}` : null;
}
