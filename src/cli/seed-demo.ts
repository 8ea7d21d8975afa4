// npm run seed:demo   (adds the demo project; running it again adds nothing twice)
import { runCommandLine } from "./runner.js";
import { seedDemoCommand } from "./commands/seed-demo.js";

await runCommandLine(seedDemoCommand);
