import { recordAudit } from "../audit/audit.service.js";
import type { DbClient, PrismaClient } from "../db/types.js";
import { ConflictError, InvalidError } from "../errors.js";
import type { User } from "../generated/prisma/client.js";
import { toPublicUser, type PublicUser } from "../users/users.service.js";
import {
  assertMayAttempt,
  recordFailedAttempt,
  recordSuccessfulAttempt,
  type ThrottleLimits,
} from "./login-throttle.js";
import { hashPassword, verifyAgainstNothing, verifyPassword } from "./passwords.js";

export const messages = {
  badCredentials: "That email and password do not match an account. Check both and try again.",
  deactivated: "This account is deactivated. Ask an admin to reactivate it.",
  alreadySetUp: "The first admin already exists. Log in instead.",
};

/**
 * Checks a login attempt. Wrong email and wrong password fail alike; failures earn a back-off
 * (login-throttle.ts), and an address that is waiting gets 429 before any password is checked.
 */
export async function verifyCredentials(
  db: DbClient,
  attempt: { email: string; password: string; ip: string },
  limits: ThrottleLimits,
): Promise<User> {
  const email = attempt.email.trim().toLowerCase();
  const throttled = { email, address: attempt.ip };
  await assertMayAttempt(db, throttled, limits);
  const user = email ? await db.user.findUnique({ where: { email } }) : null;
  const matches = user
    ? await verifyPassword(user.passwordHash, attempt.password)
    : await verifyAgainstNothing(attempt.password);
  if (!user || !matches) {
    await recordFailedAttempt(db, throttled, limits);
    throw new InvalidError(messages.badCredentials);
  }
  if (!user.active) throw new InvalidError(messages.deactivated);
  await recordSuccessfulAttempt(db, throttled);
  return user;
}

export async function recordLogin(db: DbClient, userId: number): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { lastLoginAt: new Date() } });
}

export async function needsFirstAdmin(db: DbClient): Promise<boolean> {
  return (await db.user.count()) === 0;
}

/**
 * Creates the first admin while no user exists. The table lock makes two simultaneous set-ups
 * (two browser tabs, two processes with ADMIN_EMAIL) end with exactly one admin.
 */
export async function createFirstAdmin(
  prisma: PrismaClient,
  input: { email: string; name: string; password: string },
): Promise<PublicUser> {
  const passwordHash = await hashPassword(input.password);
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`;
    if ((await tx.user.count()) > 0) throw new ConflictError(messages.alreadySetUp);
    const admin = await tx.user.create({
      data: { email: input.email.trim().toLowerCase(), name: input.name, role: "admin", passwordHash },
    });
    await recordAudit(tx, {
      actorId: admin.id,
      action: "user.create_first_admin",
      subjectType: "user",
      subjectId: admin.id,
      after: toPublicUser(admin),
    });
    return toPublicUser(admin);
  });
}
