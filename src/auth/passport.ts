import passport from "passport";
import { Strategy as LocalStrategy } from "passport-local";
import type { PrismaClient } from "../db/types.js";
import { InvalidError } from "../errors.js";
import type { CurrentUser } from "../http/current-user.js";
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
  instance.deserializeUser((id: unknown, done) => {
    if (typeof id !== "number") return done(null, false);
    prisma.user
      .findUnique({ where: { id } })
      // A deactivated user's session stops working on its next request, even if its row survived.
      .then((user) => done(null, user && user.active ? toCurrentUser(user) : false))
      .catch((error: unknown) => done(error));
  });
  return instance;
}

function toCurrentUser(user: CurrentUser): CurrentUser {
  const { id, email, name, role, version, mustChangePassword } = user;
  return { id, email, name, role, version, mustChangePassword };
}
