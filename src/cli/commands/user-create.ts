import { parseInput } from "../../http/validate.js";
import { createUserInput } from "../../users/users.schema.js";
import { createUser } from "../../users/users.service.js";
import { parseFlags, say, type DatabaseCommand } from "../command.js";

/** npm run user:create -- --email E --name N --role R   (password on standard input) */
export const userCreate: DatabaseCommand = {
  name: "user:create",
  access: "database",
  readsStdin: true,
  async run(db, args, io) {
    const flags = parseFlags(args, ["email", "name", "role"]);
    const input = parseInput(createUserInput, { ...flags, password: io.stdin });
    const { user } = await createUser(db.prisma, null, input, { mustChangePassword: false });
    say(io, `Created ${user.role} ${user.email} (id ${user.id}).`);
  },
};
