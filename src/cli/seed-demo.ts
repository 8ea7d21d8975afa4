// npm run seed:demo   (adds the demo project; running it again adds nothing twice)
import { DEMO_ANNOTATOR_EMAIL, DEMO_PROJECT, seedDemo } from "../demo/seed-demo.js";
import { runCommand } from "./cli-support.js";

await runCommand(async (db) => {
  const { projectId, articleId, created } = await seedDemo(db.prisma);
  const said = (done: boolean, what: string) => console.log(`${done ? "Created" : "Kept existing"} ${what}.`);
  said(created.project, `project "${DEMO_PROJECT}" (id ${projectId})`);
  said(created.annotator, `annotator ${DEMO_ANNOTATOR_EMAIL}`);
  said(created.article, `article (id ${articleId})`);
  console.log(`Added ${created.speakers} speakers and ${created.claims} claims.`);
  if (created.annotator) {
    console.log(
      `To log in as ${DEMO_ANNOTATOR_EMAIL}, reset its password: npm run user:reset-password -- --email ${DEMO_ANNOTATOR_EMAIL}`,
    );
  }
});
