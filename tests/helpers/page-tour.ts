// A tour of every page each role meets, over a project with real content (the demo article, two
// annotators' claims that differ, suggestions, guidelines, a token): the accessibility audit
// (tests/browser/accessibility.test.ts) and the screenshots (npm run screenshots) both walk it.
import type { Browser, Page } from "playwright-core";
import { hashPassword } from "../../src/auth/passwords.js";
import { assignArticles } from "../../src/assignments/assignments.service.js";
import { seedDemo } from "../../src/demo/seed-demo.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { markGuidelinesRead, saveGuidelines } from "../../src/guidelines/guidelines.service.js";
import { addMember } from "../../src/projects/projects.service.js";
import { createApiToken } from "../../src/tokens/tokens.service.js";
import { makeArticle } from "./factories.js";
import { makeUser, TEST_PASSWORD, type TestApp } from "./test-app.js";
import { logInThroughForm } from "./workspace-page.js";

export type TourRole = "anonymous" | "admin" | "annotator" | "researcher";

export interface TourWorld {
  users: Record<Exclude<TourRole, "anonymous">, CurrentUser>;
  projectId: number;
  articleId: number;
}

export interface TourStop {
  /** File-name-safe name, also the screenshot's name. */
  name: string;
  role: TourRole;
  path: string;
  /** Waits for what the page draws after load, and brings it to the state shown. */
  ready?: (page: Page) => Promise<void>;
}

const GUIDELINES = `# Coding claims

Tag every sentence in which a person or organisation **asserts** something.

## Types

- *Direct*: the speaker's own words in quotation marks.
- *Indirect*: reported speech ("Hajiyev stressed that ...").
- *Outlet*: the outlet's own assertion.

## Stance

Choose the stance toward the target the claim is about; leave it empty when none is taken.
`;

/** The project the tour walks: built once per test app. */
export async function buildTourWorld(app: TestApp): Promise<TourWorld> {
  const prisma = app.db.prisma;
  const admin = await makeUser(app.db, "admin", { name: "Ada Admin" });
  const demo = await seedDemo(prisma, admin.id);
  await prisma.user.update({
    where: { id: demo.annotatorId },
    data: { passwordHash: await hashPassword(TEST_PASSWORD), mustChangePassword: false },
  });
  const annotator = await prisma.user.findUniqueOrThrow({ where: { id: demo.annotatorId } });
  const second = await makeUser(app.db, "annotator", { name: "Yann Second" });
  const researcher = await makeUser(app.db, "researcher", { name: "Rita Researcher" });
  for (const user of [second, researcher]) {
    await addMember(prisma, admin.id, demo.projectId, user.id, { canImport: false, isCurator: false });
  }
  await copyClaimsWithDifferences(app, demo.articleId, demo.annotatorId, second.id);
  const other = await makeArticle(app.db, admin, demo.projectId);
  await assignArticles(prisma, admin.id, demo.projectId, {
    articles: [demo.articleId, other.id],
    annotators: [demo.annotatorId, second.id],
  });
  const { version } = await saveGuidelines(prisma, admin, demo.projectId, {
    body: GUIDELINES,
    baseVersion: 0,
  });
  // Read already: unread guidelines would be shown before any other page of the project.
  for (const user of [annotator, second, researcher]) {
    await markGuidelinesRead(prisma, user as CurrentUser, demo.projectId, version);
  }
  await createApiToken(prisma, demo.annotatorId, "R scripts", "read");
  const asCurrent = (user: { id: number; email: string; name: string; role: string }) =>
    ({ id: user.id, email: user.email, name: user.name, role: user.role }) as CurrentUser;
  return {
    users: { admin, annotator: asCurrent(annotator), researcher },
    projectId: demo.projectId,
    articleId: demo.articleId,
  };
}

/** The second annotator tags the same sentences; every other claim takes another stance. */
async function copyClaimsWithDifferences(app: TestApp, articleId: number, fromId: number, toId: number) {
  const prisma = app.db.prisma;
  const claims = await prisma.claim.findMany({
    where: { articleId, annotatorId: fromId },
    orderBy: { id: "asc" },
  });
  const stances = await prisma.stanceLabel.findMany({ where: { projectId: claims[0]!.projectId } });
  for (const [index, claim] of claims.entries()) {
    const { id: _id, createdAt: _created, updatedAt: _updated, version: _version, ...data } = claim;
    const stanceId =
      index % 2 === 0 ? data.stanceId : (stances.find((s) => s.id !== data.stanceId)?.id ?? null);
    await prisma.claim.create({ data: { ...data, annotatorId: toId, stanceId } });
  }
}

const painted = async (page: Page) => {
  await page.waitForSelector("main[data-painted]");
  await page.waitForSelector("body[data-suggestions]");
};

/** Every page of the tour, in the order a new team would meet them. */
export function tourStops(world: TourWorld): TourStop[] {
  const { projectId, articleId } = world;
  const project = `/projects/${projectId}`;
  return [
    { name: "login", role: "anonymous", path: "/login" },
    { name: "error-not-found-logged-out", role: "anonymous", path: "/no-such-page" },
    { name: "dashboard-annotator", role: "annotator", path: "/" },
    { name: "dashboard-admin", role: "admin", path: "/" },
    { name: "projects", role: "admin", path: "/projects" },
    { name: "project-new", role: "admin", path: "/projects/new" },
    { name: "project-settings", role: "admin", path: project },
    { name: "assignments", role: "admin", path: `${project}/assignments` },
    { name: "agreement", role: "admin", path: `${project}/agreement` },
    { name: "workspace", role: "annotator", path: `/articles/${articleId}`, ready: painted },
    {
      name: "workspace-form-open",
      role: "annotator",
      path: `/articles/${articleId}`,
      ready: async (page) => {
        await painted(page);
        await page.locator("#article-body").focus();
        await page.keyboard.press("j");
        await page.keyboard.press("Enter");
        await page.locator("#claim-panel").waitFor({ state: "visible" });
      },
    },
    {
      name: "workspace-researcher",
      role: "researcher",
      path: `/articles/${articleId}`,
      ready: (page) => page.waitForSelector("main[data-painted]").then(() => undefined),
    },
    {
      name: "curation",
      role: "admin",
      path: `/articles/${articleId}/curate`,
      ready: (page) => page.locator("#cur-status").filter({ hasText: /\S/ }).waitFor(),
    },
    {
      name: "claims",
      role: "researcher",
      path: `/claims?project=${projectId}`,
      ready: async (page) => {
        await page.getByText("Summary charts").click();
        await page.locator("details.charts").scrollIntoViewIfNeeded();
        await page.waitForFunction(
          "[...document.images].every((image) => image.complete && image.naturalWidth > 0)",
        );
      },
    },
    { name: "speakers", role: "admin", path: `${project}/speakers` },
    { name: "guidelines", role: "annotator", path: `${project}/guidelines` },
    { name: "guidelines-edit", role: "admin", path: `${project}/guidelines/edit` },
    { name: "import", role: "admin", path: `${project}/articles/import` },
    { name: "article-new", role: "admin", path: `${project}/articles/new` },
    { name: "article-edit", role: "admin", path: `/articles/${articleId}/edit` },
    { name: "trash", role: "admin", path: "/admin/trash" },
    { name: "users", role: "admin", path: "/admin/users" },
    { name: "user-new", role: "admin", path: "/admin/users/new" },
    { name: "user", role: "admin", path: `/admin/users/${world.users.annotator.id}` },
    { name: "profile", role: "annotator", path: "/profile" },
    { name: "tokens", role: "annotator", path: "/profile/tokens" },
    { name: "error-not-found", role: "annotator", path: "/projects/999999" },
  ];
}

/**
 * A page per role, logged in once through the login form; a stop opens on its role's page.
 * The browser context keeps the session cookie, so later stops of a role skip the login.
 */
export class Tour {
  private readonly pages = new Map<TourRole, Page>();

  constructor(
    private readonly browser: Browser,
    private readonly app: TestApp,
    private readonly world: TourWorld,
    private readonly options: {
      viewport?: { width: number; height: number };
      onPage?: (page: Page) => void;
    } = {},
  ) {}

  async visit(stop: TourStop): Promise<Page> {
    const { page, arrived } = await this.pageFor(stop.role, stop.path);
    if (!arrived) await page.goto(`${this.app.url}${stop.path}`);
    await page.waitForLoadState("load");
    await stop.ready?.(page).catch((error: unknown) => {
      throw new Error(`${stop.name}: ${page.url()} did not get ready: ${String(error)}`);
    });
    return page;
  }

  /** The role's page; `arrived` when logging in has just brought it to `path`. */
  private async pageFor(role: TourRole, path: string): Promise<{ page: Page; arrived: boolean }> {
    const known = this.pages.get(role);
    if (known) return { page: known, arrived: false };
    const context = await this.browser.newContext({
      viewport: this.options.viewport ?? { width: 1280, height: 720 },
    });
    const page = await context.newPage();
    this.options.onPage?.(page);
    this.pages.set(role, page);
    if (role === "anonymous") return { page, arrived: false };
    await logInThroughForm(page, this.app, this.world.users[role], path);
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
    return { page, arrived: true };
  }

  async close(): Promise<void> {
    for (const page of this.pages.values()) await page.context().close();
  }
}
