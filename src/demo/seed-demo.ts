import fs from "node:fs";
import path from "node:path";
import { importArticle } from "../articles/articles.service.js";
import { CodePointIndex, quoteContext } from "../text/code-points.js";
import type { PrismaClient } from "../db/types.js";
import type { CurrentUser } from "../http/current-user.js";
import { projectRoot } from "../paths.js";
import { addMember, createProject } from "../projects/projects.service.js";
import { createUser } from "../users/users.service.js";
import { demoClaims, demoSpeakers, type DemoClaim } from "./demo-content.js";

/**
 * A small ready-made project to try Claimant with: one Trend article on the 2020 Nagorno-Karabakh
 * war, its speakers, and a few claims by a demo annotator. Running it again adds nothing twice.
 */

export const DEMO_PROJECT = "Demo: Nagorno-Karabakh coverage";
export const DEMO_ANNOTATOR_EMAIL = "demo-annotator@example.org";
export const DEMO_TARGETS = ["Azerbaijan", "Armenia", "ceasefire"];
export const SAMPLE_ARTICLE_PATH = path.join(projectRoot, "src", "demo", "sample-article.txt");

export interface DemoResult {
  projectId: number;
  articleId: number;
  annotatorId: number;
  created: { project: boolean; annotator: boolean; article: boolean; speakers: number; claims: number };
}

export async function seedDemo(prisma: PrismaClient, adminUserId?: number): Promise<DemoResult> {
  const body = readSampleArticle();
  const admin = adminUserId
    ? await prisma.user.findUniqueOrThrow({ where: { id: adminUserId } })
    : await prisma.user.findFirst({ where: { role: "admin", active: true }, orderBy: { id: "asc" } });
  const actorId = admin?.id ?? null;

  let project = await prisma.project.findUnique({ where: { name: DEMO_PROJECT } });
  const createdProject = !project;
  project ??= await createProject(prisma, actorId, {
    name: DEMO_PROJECT,
    description: "A sample article from Trend (3 November 2020) with a few claims, to try Claimant with.",
    targets: DEMO_TARGETS,
  });

  let annotator = await prisma.user.findUnique({ where: { email: DEMO_ANNOTATOR_EMAIL } });
  const createdAnnotator = !annotator;
  if (!annotator) {
    const input = { email: DEMO_ANNOTATOR_EMAIL, name: "Demo Annotator", role: "annotator" as const };
    const { user } = await createUser(prisma, actorId, input, { mustChangePassword: true });
    annotator = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
  }
  const membership = { projectId_userId: { projectId: project.id, userId: annotator.id } };
  if (!(await prisma.projectMember.findUnique({ where: membership }))) {
    await addMember(prisma, actorId, project.id, annotator.id, { canImport: false, isCurator: false });
  }

  const importer: CurrentUser = admin ?? annotator;
  const outcome = await importArticle(prisma, importer, project.id, {
    title: "Azerbaijani army suppresses provocations, says Hajiyev",
    body,
    outlet: "Trend",
    byline: "",
    url: undefined,
    publishedAt: new Date("2020-11-03T00:00:00Z"),
    language: "en",
  });

  let speakers = 0;
  const speakerIds = new Map<string, number>();
  for (const speaker of demoSpeakers) {
    const where = { projectId_name: { projectId: project.id, name: speaker.name } };
    const existing = await prisma.speaker.findUnique({ where });
    const row = existing ?? (await prisma.speaker.create({ data: { projectId: project.id, ...speaker } }));
    if (!existing) speakers += 1;
    speakerIds.set(speaker.name, row.id);
  }

  const claims = await addDemoClaims(prisma, project.id, outcome.articleId, annotator.id, speakerIds);
  return {
    projectId: project.id,
    articleId: outcome.articleId,
    annotatorId: annotator.id,
    created: {
      project: createdProject,
      annotator: createdAnnotator,
      article: outcome.status === "imported",
      speakers,
      claims,
    },
  };
}

export function readSampleArticle(): string {
  try {
    return fs.readFileSync(SAMPLE_ARTICLE_PATH, "utf8");
  } catch {
    throw new Error(`The demo article is missing: ${SAMPLE_ARTICLE_PATH} must be deployed with the app.`);
  }
}

async function addDemoClaims(
  prisma: PrismaClient,
  projectId: number,
  articleId: number,
  annotatorId: number,
  speakerIds: Map<string, number>,
): Promise<number> {
  const article = await prisma.article.findUniqueOrThrow({ where: { id: articleId } });
  const stances = await prisma.stanceLabel.findMany({ where: { projectId } });
  const targets = await prisma.target.findMany({ where: { projectId } });
  const index = new CodePointIndex(article.body);
  let created = 0;
  for (const claim of demoClaims) {
    const spans = locateClaim(index, claim);
    const existing = await prisma.claim.findFirst({
      where: { articleId, annotatorId, start: spans.start, end: spans.end, deletedAt: null },
    });
    if (existing) continue;
    await prisma.claim.create({
      data: {
        articleId,
        projectId,
        annotatorId,
        ...spans,
        ...quoteContext(index, spans.start, spans.end),
        type: claim.type,
        speakerId: claim.speaker ? (speakerIds.get(claim.speaker) ?? null) : null,
        stanceId: stances.find((stance) => stance.key === claim.stance)?.id ?? null,
        targetId: targets.find((target) => target.name === claim.target)?.id ?? null,
        note: claim.note,
      },
    });
    created += 1;
  }
  return created;
}

/**
 * Code-point offsets of a demo claim in the body: the claim is the paragraph (one sentence each)
 * that starts with `opens`; the mention and cue are found inside it.
 */
export function locateClaim(index: CodePointIndex, claim: DemoClaim) {
  const body = index.text;
  const from = body.indexOf(claim.opens);
  if (from < 0) throw new Error(`The demo article has no sentence starting "${claim.opens}".`);
  const paragraphEnd = body.indexOf("\n", from);
  const to = paragraphEnd < 0 ? body.length : paragraphEnd;
  const within = (text: string | undefined) => {
    if (!text) return { start: null, end: null };
    const at = body.indexOf(text, from);
    if (at < 0 || at + text.length > to)
      throw new Error(`"${text}" is not in the demo claim "${claim.opens}".`);
    return { start: index.toCodePoint(at), end: index.toCodePoint(at + text.length) };
  };
  const mention = within(claim.mention);
  const cue = within(claim.cue);
  return {
    start: index.toCodePoint(from),
    end: index.toCodePoint(to),
    mentionStart: mention.start,
    mentionEnd: mention.end,
    cueStart: cue.start,
    cueEnd: cue.end,
  };
}
