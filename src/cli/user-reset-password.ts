// npm run user:reset-password -- --email E   (new password on standard input)
import { parseInput } from "../http/validate.js";
import { emailField, newPasswordField } from "../users/users.schema.js";
import { resetPassword } from "../users/users.service.js";
import { NotFoundError } from "../errors.js";
import { parseFlags, readStdin, runCommand } from "./cli-support.js";

await runCommand(async (db) => {
  const email = parseInput(emailField, parseFlags(["email"]).email);
  const password = parseInput(newPasswordField, await readStdin());
  const user = await db.prisma.user.findUnique({ where: { email } });
  if (!user) throw new NotFoundError(`No user has the email ${email}.`);
  await resetPassword(db.prisma, null, user.id, password, "any");
  // Operators reset their own access this way: no forced change afterwards.
  await db.prisma.user.update({ where: { id: user.id }, data: { mustChangePassword: false } });
  console.log(`Password of ${email} reset; their sessions were ended.`);
});
