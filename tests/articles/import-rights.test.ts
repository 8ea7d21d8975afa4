// Who may add articles is one rule (assertCanImport): admins, and members whose membership allows
// importing, whatever their role. The page forms and the API answer every role × "may import"
// combination alike.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../src/http/current-user.js";
import { roles, type RoleName } from "../../src/users/users.schema.js";
import { makeProject } from "../helpers/factories.js";
import {
  loginAgent,
  makeUser,
  startTestApp,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

type Membership = "may import" | "member" | "not a member";
type Answer = "imported" | "forbidden" | "not found";

let app: TestApp;
let projectId: number;
let counter = 0;
const prisma = () => app.db.prisma;

const cases = roles.flatMap((role) =>
  (["may import", "member", "not a member"] as const).map((membership) => ({ role, membership })),
);

/** What the rule says: admins always; others when their membership allows it; outsiders who may not see the project are told it is not there. */
function expected(role: RoleName, membership: Membership): Answer {
  if (role === "admin" || membership === "may import") return "imported";
  if (role === "annotator" && membership === "not a member") return "not found";
  return "forbidden";
}

function article() {
  counter += 1;
  return {
    title: `Rights ${counter}`,
    body: `Article number ${counter} of the import rights test. It has two sentences.`,
    outlet: "Trend",
  };
}

function answerOf(status: number, created: number): Answer {
  if (status === 403) return "forbidden";
  if (status === 404) return "not found";
  if ((status === 302 || status === 201) && created === 1) return "imported";
  throw new Error(`unexpected answer ${status} (${created} articles created)`);
}

const users = new Map<string, { user: CurrentUser; agent: Agent; csrf: string }>();

/** The logged-in user of one combination, made on first use (each test pays for its own login). */
async function userOf(role: RoleName, membership: Membership) {
  const key = `${role}/${membership}`;
  if (!users.has(key)) {
    const user = await makeUser(app.db, role);
    if (membership !== "not a member") {
      await prisma().projectMember.create({
        data: { projectId, userId: user.id, canImport: membership === "may import" },
      });
    }
    const agent = await loginAgent(app, user.email);
    users.set(key, { user, agent, csrf: await tokenFor(agent) });
  }
  return users.get(key)!;
}

beforeAll(async () => {
  app = await startTestApp();
  const admin = await makeUser(app.db, "admin");
  projectId = (await makeProject(app.db, admin)).id;
});
afterAll(() => app?.close());

async function created(user: CurrentUser, during: () => Promise<number>) {
  const before = await prisma().article.count({ where: { projectId, createdById: user.id } });
  const status = await during();
  return answerOf(
    status,
    (await prisma().article.count({ where: { projectId, createdById: user.id } })) - before,
  );
}

describe("import rights", () => {
  it.each(cases.map(({ role, membership }) => [`${role}, ${membership}`, role, membership] as const))(
    "%s: the page form and the API give the same answer",
    async (_name, role, membership) => {
      const { user, agent, csrf } = await userOf(role, membership);
      const viaPage = await created(user, async () => {
        const response = await agent
          .post(`/projects/${projectId}/articles`)
          .type("form")
          .send({ ...article(), _csrf: csrf });
        return response.status;
      });
      const viaApi = await created(user, async () => {
        const response = await agent
          .post(`/api/v1/projects/${projectId}/articles`)
          .set("X-CSRF-Token", csrf)
          .send(article());
        return response.status;
      });
      // The page that offers the forms answers alike too.
      const form = await agent.get(`/projects/${projectId}/articles/new`);
      const formAnswer = form.status === 200 ? "imported" : answerOf(form.status, 0);
      expect({ viaPage, viaApi, formAnswer }).toEqual({
        viaPage: expected(role, membership),
        viaApi: expected(role, membership),
        formAnswer: expected(role, membership),
      });
    },
  );

  it("offers Add articles on the project page exactly to those who may import", async () => {
    for (const { role, membership } of cases) {
      if (expected(role, membership) === "not found") continue;
      const { agent } = await userOf(role, membership);
      const page = await agent.get(`/projects/${projectId}`).expect(200);
      expect(page.text.includes(`/projects/${projectId}/articles/new`), `${role}, ${membership}`).toBe(
        expected(role, membership) === "imported",
      );
    }
  });

  it("refuses with a message that says who may import", async () => {
    const { agent, csrf } = await userOf("researcher", "member");
    const refused = await agent
      .post(`/api/v1/projects/${projectId}/articles`)
      .set("X-CSRF-Token", csrf)
      .send(article())
      .expect(403);
    expect(refused.body.error.message).toBe(
      "Only admins and project members allowed to import can add articles.",
    );
  });
});
