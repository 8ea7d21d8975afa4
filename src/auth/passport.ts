import type { Request } from "express";
import passport from "passport";
import { Strategy as LocalStrategy } from "passport-local";
import type { PrismaClient } from "../db/types.js";
import { InvalidError } from "../errors.js";
import type { CurrentUser } from "../http/current-user.js";
import { userLoadedWithSession } from "../http/session-store.js";
import { verifyCredentials } from "./auth.service.js";
import type { ThrottleLimits } from "./login-throttle.js";

/** Configures a Passport instance of the app's own (no global state shared between apps in tests). */
export function createPassport(prisma: PrismaClient, limits: ThrottleLimits): passport.PassportStatic {
  const instance = new passport.Passport() as passport.PassportStatic;
  instance.use(
    new LocalStrategy(
      { usernameField: "email", passwordField: "password", passReqToCallback: true },
      (req, email, password, done) => {
        verifyCredentials(prisma, { email, password, ip: req.ip ?? "unknown" }, limits)
          .then((user) => done(null, toCurrentUser(user)))
          .catch((error: unknown) =>
            error instanceof InvalidError ? done(null, false, { message: error.message }) : done(error),
          );
      },
    ),
  );
  instance.serializeUser((user, done) => done(null, user.id));
  instance.deserializeUser(
    (req: Request, id: unknown, done: (error: unknown, user?: CurrentUser | false) => void) => {
      if (typeof id !== "number") return done(null, false);
      // A deactivated user's session stops working on its next request, even if its row survived.
      const known = (user: { active: boolean } & CurrentUser) => (user.active ? toCurrentUser(user) : false);
      const loaded = userLoadedWithSession(req);
      if (loaded?.id === id) return done(null, known(loaded));
      prisma.user
        .findUnique({ where: { id } })
        .then((user) => done(null, user ? known(user) : false))
        .catch((error: unknown) => done(error));
    },
  );
  return instance;
}

function toCurrentUser(user: CurrentUser): CurrentUser {
  const { id, email, name, role, version, mustChangePassword } = user;
  return { id, email, name, role, version, mustChangePassword };
}
