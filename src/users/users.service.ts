import { recordAudit } from "../audit/audit.service.js";
import {
  accountThrottle,
  assertMayAttempt,
  recordFailedAttempt,
  recordSuccessfulAttempt,
  unlockAccount,
  type AccountThrottle,
  type ThrottleLimits,
} from "../auth/login-throttle.js";
import { generatePassword, hashPassword, verifyPassword } from "../auth/passwords.js";
import type { DbClient, PrismaClient } from "../db/types.js";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from "../errors.js";
import type { User } from "../generated/prisma/client.js";
import type { CreateUserInput, RoleName } from "./users.schema.js";

export const messages = {
  emailTaken: "A user with this email already exists. Use another address, or edit that user.",
  lastAdmin:
    "This is the last active admin. Make another user an admin first, so someone can still manage the tool.",
  staleUser:
    "Someone changed this user while you were looking. Reload the page to see the change, then try again.",
  wrongCurrentPassword: "Your current password is not right.",
  selfDeactivate: "You cannot deactivate your own account.",
};

/** What may leave the service about a user: never the password hash. */
export type PublicUser = Omit<User, "passwordHash">;

export function toPublicUser(user: User): PublicUser {
  const { passwordHash: _omitted, ...rest } = user;
  return rest;
}

export async function countUsers(db: DbClient): Promise<number> {
  return db.user.count();
}

export async function listUsers(db: DbClient): Promise<PublicUser[]> {
  const users = await db.user.findMany({ orderBy: [{ active: "desc" }, { name: "asc" }] });
  return users.map(toPublicUser);
}

export async function getUser(db: DbClient, id: number): Promise<PublicUser> {
  const user = await db.user.findUnique({ where: { id } });
  if (!user) throw new NotFoundError("No user with that id.");
  return toPublicUser(user);
}

export interface CreatedUser {
  user: PublicUser;
  /** Set when the admin left the password empty: shown once, never stored in clear. */
  generatedPassword?: string;
}

export async function createUser(
  prisma: PrismaClient,
  actorId: number | null,
  input: CreateUserInput,
  options: { mustChangePassword: boolean } = { mustChangePassword: true },
): Promise<CreatedUser> {
  const generatedPassword = input.password ? undefined : generatePassword();
  const passwordHash = await hashPassword(input.password ?? generatedPassword!);
  const user = await prisma.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email: input.email } })) {
      throw new InvalidError(messages.emailTaken, "email");
    }
    const created = await tx.user.create({
      data: {
        email: input.email,
        name: input.name,
        role: input.role,
        passwordHash,
        mustChangePassword: options.mustChangePassword,
      },
    });
    await recordAudit(tx, {
      actorId: actorId ?? created.id,
      action: "user.create",
      subjectType: "user",
      subjectId: created.id,
      after: toPublicUser(created),
    });
    return created;
  });
  return { user: toPublicUser(user), generatedPassword };
}

/** Locks the active admins so two concurrent demotions cannot both pass the last-admin check. */
async function assertAnotherActiveAdmin(tx: DbClient, userId: number): Promise<void> {
  const admins = await tx.$queryRaw<{ id: number }[]>`
    SELECT id FROM users WHERE role = 'admin' AND active ORDER BY id FOR UPDATE`;
  if (!admins.some((admin) => admin.id !== userId)) throw new ConflictError(messages.lastAdmin);
}

async function updateVersioned(
  prisma: PrismaClient,
  actorId: number | null,
  userId: number,
  version: number,
  action: string,
  change: (tx: DbClient, before: User) => Promise<Partial<User>>,
): Promise<PublicUser> {
  return prisma.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: userId } });
    if (!before) throw new NotFoundError("No user with that id.");
    const data = await change(tx, before);
    const { count } = await tx.user.updateMany({
      where: { id: userId, version },
      data: { ...data, version: { increment: 1 } },
    });
    if (count === 0) throw new ConflictError(messages.staleUser, toPublicUser(before));
    const after = await tx.user.findUniqueOrThrow({ where: { id: userId } });
    await recordAudit(tx, {
      actorId,
      action,
      subjectType: "user",
      subjectId: userId,
      before: toPublicUser(before),
      after: toPublicUser(after),
    });
    return toPublicUser(after);
  });
}

export function changeRole(
  prisma: PrismaClient,
  actorId: number,
  userId: number,
  role: RoleName,
  version: number,
) {
  return updateVersioned(prisma, actorId, userId, version, "user.change_role", async (tx, before) => {
    if (before.role === "admin" && role !== "admin" && before.active)
      await assertAnotherActiveAdmin(tx, userId);
    return { role };
  });
}

export function deactivateUser(prisma: PrismaClient, actorId: number, userId: number, version: number) {
  if (actorId === userId) throw new ForbiddenError(messages.selfDeactivate);
  return updateVersioned(prisma, actorId, userId, version, "user.deactivate", async (tx, before) => {
    if (before.role === "admin" && before.active) await assertAnotherActiveAdmin(tx, userId);
    // Their sessions and API tokens end in the same transaction: nothing of theirs gets through afterwards.
    await endSessionsAndTokens(tx, userId);
    return { active: false };
  });
}

/**
 * A reset password or a deactivated account may mean the account was in the wrong hands: every
 * session and every API token of it stops working at once (tokens are revoked, not deleted).
 */
async function endSessionsAndTokens(tx: DbClient, userId: number): Promise<void> {
  await tx.session.deleteMany({ where: { userId } });
  await tx.apiToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
}

export function reactivateUser(prisma: PrismaClient, actorId: number, userId: number, version: number) {
  return updateVersioned(prisma, actorId, userId, version, "user.reactivate", async () => ({ active: true }));
}

export async function resetPassword(
  prisma: PrismaClient,
  actorId: number | null,
  userId: number,
  password: string | undefined,
  version: number | "any",
): Promise<{ user: PublicUser; generatedPassword?: string }> {
  const generatedPassword = password ? undefined : generatePassword();
  const passwordHash = await hashPassword(password ?? generatedPassword!);
  const current = version === "any" ? (await getUser(prisma, userId)).version : version;
  const user = await updateVersioned(prisma, actorId, userId, current, "user.reset_password", async (tx) => {
    await endSessionsAndTokens(tx, userId);
    return { passwordHash, mustChangePassword: true };
  });
  return { user, generatedPassword };
}

export function updateProfile(prisma: PrismaClient, userId: number, name: string, version: number) {
  return updateVersioned(prisma, userId, userId, version, "user.update_profile", async () => ({ name }));
}

/**
 * Changes one's own password; other sessions of the user end, the current one stays. Wrong current
 * passwords count against the account and the address exactly like failed logins (429 while waiting),
 * so a left-open session cannot be used to guess the password.
 */
export async function changeOwnPassword(
  prisma: PrismaClient,
  attempt: { userId: number; currentPassword: string; newPassword: string; ip: string },
  limits: ThrottleLimits,
  keepSessionId?: string,
): Promise<PublicUser> {
  const { userId, currentPassword, newPassword } = attempt;
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new NotFoundError("No user with that id.");
  const throttled = { email: user.email, address: attempt.ip };
  await assertMayAttempt(prisma, throttled, limits);
  if (!(await verifyPassword(user.passwordHash, currentPassword))) {
    await recordFailedAttempt(prisma, throttled, limits);
    throw new InvalidError(messages.wrongCurrentPassword, "currentPassword");
  }
  await recordSuccessfulAttempt(prisma, throttled);
  const passwordHash = await hashPassword(newPassword);
  return updateVersioned(prisma, userId, userId, user.version, "user.change_password", async (tx) => {
    await tx.session.deleteMany({
      where: { userId, ...(keepSessionId ? { sid: { not: keepSessionId } } : {}) },
    });
    return { passwordHash, mustChangePassword: false };
  });
}

/** The user's failed logins and waits, for their admin page. */
export async function loginThrottleOf(db: DbClient, user: PublicUser): Promise<AccountThrottle> {
  return accountThrottle(db, user.email);
}

/**
 * An admin clears every failed-login count and wait of the user's account (from every address),
 * audited. Waits of client addresses across accounts are not the account's: they run out alone.
 */
export async function unlockLogin(
  prisma: PrismaClient,
  actorId: number,
  userId: number,
): Promise<PublicUser> {
  return prisma.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId } });
    if (!user) throw new NotFoundError("No user with that id.");
    const before = await accountThrottle(tx, user.email);
    await unlockAccount(tx, user.email);
    await recordAudit(tx, {
      actorId,
      action: "user.unlock_login",
      subjectType: "user",
      subjectId: userId,
      before,
      after: { failures: 0, addressesWaiting: 0, lockedUntil: null },
    });
    return toPublicUser(user);
  });
}
