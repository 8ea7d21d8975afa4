// npm run user:create -- --email E --name N --role R   (password on standard input)
import { parseInput } from "../http/validate.js";
import { createUserInput } from "../users/users.schema.js";
import { createUser } from "../users/users.service.js";
import { parseFlags, readStdin, runCommand } from "./cli-support.js";

await runCommand(async (db) => {
  const flags = parseFlags(["email", "name", "role"]);
  const password = await readStdin();
  const input = parseInput(createUserInput, { ...flags, password });
  const { user } = await createUser(db.prisma, null, input, { mustChangePassword: false });
  console.log(`Created ${user.role} ${user.email} (id ${user.id}).`);
});
