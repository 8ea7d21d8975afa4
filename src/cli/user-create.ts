// npm run user:create -- --email E --name N --role R   (password on standard input)
import { runCommandLine } from "./runner.js";
import { userCreate } from "./commands/user-create.js";

await runCommandLine(userCreate);
