import { NotFoundError } from "../../errors.js";
import { parseInput } from "../../http/validate.js";
import { emailField, newPasswordField } from "../../users/users.schema.js";
import { resetPassword } from "../../users/users.service.js";
import { parseFlags, say, type DatabaseCommand } from "../command.js";

/** npm run user:reset-password -- --email E   (new password on standard input) */
export const userResetPassword: DatabaseCommand = {
  name: "user:reset-password",
  access: "database",
  readsStdin: true,
  async run(db, args, io) {
    const email = parseInput(emailField, parseFlags(args, ["email"]).email);
    const password = parseInput(newPasswordField, io.stdin);
    const user = await db.prisma.user.findUnique({ where: { email } });
    if (!user) throw new NotFoundError(`No user has the email ${email}.`);
    await resetPassword(db.prisma, null, user.id, password, "any");
    // Operators reset their own access this way: no forced change afterwards.
    await db.prisma.user.update({ where: { id: user.id }, data: { mustChangePassword: false } });
    say(io, `Password of ${email} reset; their sessions were ended.`);
  },
};
