// npm run user:reset-password -- --email E   (new password on standard input)
import { runCommandLine } from "./runner.js";
import { userResetPassword } from "./commands/user-reset-password.js";

await runCommandLine(userResetPassword);
