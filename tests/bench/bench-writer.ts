import type { Database } from "../../src/db/database.js";
import { createApiToken } from "../../src/tokens/tokens.service.js";

/** The seed's first annotator, made a member of the project, with a read-write API token of its own. */
export async function benchWriter(db: Database, projectId: number, tokenName: string) {
  const annotator = await db.prisma.user.findFirstOrThrow({
    where: { role: "annotator" },
    orderBy: { id: "asc" },
  });
  await db.prisma.projectMember.upsert({
    where: { projectId_userId: { projectId, userId: annotator.id } },
    create: { projectId, userId: annotator.id },
    update: {},
  });
  const { token } = await createApiToken(db.prisma, annotator.id, tokenName, "write");
  return { annotator, token };
}
