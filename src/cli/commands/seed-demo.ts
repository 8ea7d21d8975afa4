import { DEMO_ANNOTATOR_EMAIL, DEMO_PROJECT, seedDemo } from "../../demo/seed-demo.js";
import { parseFlags, say, type DatabaseCommand } from "../command.js";

/** npm run seed:demo   (adds the demo project; running it again adds nothing twice) */
export const seedDemoCommand: DatabaseCommand = {
  name: "seed:demo",
  access: "database",
  async run(db, args, io) {
    parseFlags(args, []);
    const { projectId, articleId, created } = await seedDemo(db.prisma);
    const said = (done: boolean, what: string) => say(io, `${done ? "Created" : "Kept existing"} ${what}.`);
    said(created.project, `project "${DEMO_PROJECT}" (id ${projectId})`);
    said(created.annotator, `annotator ${DEMO_ANNOTATOR_EMAIL}`);
    said(created.article, `article (id ${articleId})`);
    say(io, `Added ${created.speakers} speakers and ${created.claims} claims.`);
    if (created.annotator) {
      say(
        io,
        `To log in as ${DEMO_ANNOTATOR_EMAIL}, reset its password: npm run user:reset-password -- --email ${DEMO_ANNOTATOR_EMAIL}`,
      );
    }
  },
};
