import { randomBytes } from "node:crypto";
import type { PrismaClient } from "../db/types.js";

const KEY = "session_secret";

/**
 * SESSION_SECRET when configured; otherwise one generated at first start and kept in the database,
 * so every app process on the same database signs and reads the same session cookies.
 */
export async function resolveSessionSecret(prisma: PrismaClient, configured?: string): Promise<string> {
  if (configured) return configured;
  await prisma.appSetting.createMany({
    data: [{ key: KEY, value: randomBytes(32).toString("base64url") }],
    skipDuplicates: true,
  });
  const setting = await prisma.appSetting.findUniqueOrThrow({ where: { key: KEY } });
  return setting.value;
}
