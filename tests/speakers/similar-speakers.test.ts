// A new speaker whose name resembles an existing one's is not created silently, wherever speakers
// are created: the speakers API, a claim naming a new speaker, the speakers page. The answer is a
// 409 similar_speakers with the existing candidates first and a way to insist (confirmNew).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimilarExistsError } from "../../src/errors.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { resolveSpeaker } from "../../src/speakers/speakers.service.js";
import { likeness } from "../../src/speakers/speakers.similar.js";
import { addSpeakerClaims, makeArticle, makeProject, spanOf } from "../helpers/factories.js";
import {
  loginAgent,
  makeUser,
  startTestApp,
  tokenFor,
  type Agent,
  type TestApp,
} from "../helpers/test-app.js";

describe("likeness of folded names", () => {
  it.each([
    ["zoe muller", "zoe muller", "same_letters"],
    ["j doe", "jane doe", "initials"],
    ["jane doe", "j doe", "initials"],
    ["jane a doe", "jane doe", "initials"],
    ["j a doe", "jane doe", "initials"],
    ["doe", "jane doe", "surname_only"],
    ["jane doe", "doe", "surname_only"],
    ["john doe", "jane doe", undefined],
    ["a doe", "jane doe", undefined],
    ["jane doe", "jane smith", undefined],
    ["doe", "doerr", undefined],
    ["", "doe", undefined],
  ])("%j and %j: %s", (wanted, known, expected) => {
    expect(likeness(wanted, known)).toBe(expected);
  });
});

let app: TestApp;
let admin: CurrentUser;
let member: CurrentUser;
const agents = {} as Record<"admin" | "member" | "researcher", Agent>;
const prisma = () => app.db.prisma;

beforeAll(async () => {
  app = await startTestApp();
  admin = await makeUser(app.db, "admin");
  member = await makeUser(app.db, "annotator");
  const researcher = await makeUser(app.db, "researcher");
  agents.admin = await loginAgent(app, admin.email);
  agents.member = await loginAgent(app, member.email);
  agents.researcher = await loginAgent(app, researcher.email);
});
afterAll(() => app.close());

async function newProject() {
  return (await makeProject(app.db, admin, [member])).id;
}

async function speaker(
  projectId: number,
  name: string,
  extra: { aliases?: string[]; role?: string; claims?: number } = {},
) {
  const { claims, ...data } = extra;
  const created = await prisma().speaker.create({ data: { projectId, name, ...data } });
  if (claims)
    await addSpeakerClaims(app.db, {
      projectId,
      speakerId: created.id,
      annotatorId: member.id,
      count: claims,
    });
  return created;
}

async function postJson(agent: Agent, path: string, body: object) {
  return agent
    .post(path)
    .set("X-CSRF-Token", await tokenFor(agent))
    .set("Accept", "application/json")
    .send(body);
}

const addSpeaker = (projectId: number, body: object) =>
  postJson(agents.member, `/api/v1/projects/${projectId}/speakers`, body);

const names = async (projectId: number) =>
  (await prisma().speaker.findMany({ where: { projectId }, orderBy: { id: "asc" } })).map((s) => s.name);

describe("POST /api/v1/projects/:id/speakers", () => {
  it("answers 409 with the existing speaker for the same letters without accents, and creates nothing", async () => {
    const projectId = await newProject();
    const zoe = await speaker(projectId, "Zoë Müller", {
      role: "Mayor",
      aliases: ["Frau Müller"],
      claims: 2,
    });
    const response = await addSpeaker(projectId, { name: "Zoe Muller", role: "Mayor" });
    expect(response.status).toBe(409);
    expect(response.body).toEqual({
      error: {
        code: "similar_speakers",
        message:
          '"Zoe Muller" looks like "Zoë Müller", already in this project (the same name but for accents, case or ' +
          'punctuation). Choose "Zoë Müller", or confirm that "Zoe Muller" is someone else.',
        field: "name",
        candidates: [
          {
            id: zoe.id,
            name: "Zoë Müller",
            role: "Mayor",
            affiliation: "",
            aliases: ["Frau Müller"],
            claimCount: 2,
            likeness: "same_letters",
            matched: "Zoë Müller",
          },
        ],
        confirmWith: { confirmNew: true },
      },
    });
    expect(await names(projectId)).toEqual(["Zoë Müller"]);
  });

  it("creates it when told it is someone else (confirmNew)", async () => {
    const projectId = await newProject();
    await speaker(projectId, "Zoë Müller");
    const response = await addSpeaker(projectId, { name: "Zoe Muller", confirmNew: true });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ name: "Zoe Muller" });
    expect(await names(projectId)).toEqual(["Zoë Müller", "Zoe Muller"]);
  });

  it("offers every speaker with the surname, closest then most quoted, for an initial or a surname alone", async () => {
    const projectId = await newProject();
    const jane = await speaker(projectId, "Jane Doe", { claims: 1 });
    const john = await speaker(projectId, "John Doe", { claims: 3 });
    await speaker(projectId, "Jane Smith");
    const initial = await addSpeaker(projectId, { name: "J. Doe" });
    expect(initial.status).toBe(409);
    expect(
      initial.body.error.candidates.map((c: { id: number; likeness: string }) => [c.id, c.likeness]),
    ).toEqual([
      [john.id, "initials"],
      [jane.id, "initials"],
    ]);
    const surname = await addSpeaker(projectId, { name: "DOE" });
    expect(
      surname.body.error.candidates.map((c: { id: number; likeness: string }) => [c.id, c.likeness]),
    ).toEqual([
      [john.id, "surname_only"],
      [jane.id, "surname_only"],
    ]);
    expect(surname.body.error.message).toContain('"DOE" looks like "John Doe" and 1 more');
    expect((await addSpeaker(projectId, { name: "Jim Doe" })).status).toBe(201);
    expect((await addSpeaker(projectId, { name: "Smith" })).status).toBe(409);
  });

  it("compares aliases too and says which one resembles the name", async () => {
    const projectId = await newProject();
    const hajiyev = await speaker(projectId, "Hikmet Hajiyev", { aliases: ["Presidential aide Hajıyev"] });
    const response = await addSpeaker(projectId, { name: "Presidential Aide Hajiyev" });
    expect(response.status).toBe(409);
    expect(response.body.error.candidates).toEqual([
      expect.objectContaining({
        id: hajiyev.id,
        likeness: "same_letters",
        matched: "Presidential aide Hajıyev",
      }),
    ]);
    expect(response.body.error.message).toContain(
      '"Presidential aide Hajıyev" (an alias of "Hikmet Hajiyev")',
    );
  });

  it("keeps answering 409 conflict for the exact same name or alias, ignoring case, even with confirmNew", async () => {
    const projectId = await newProject();
    await speaker(projectId, "Zoë Müller", { aliases: ["Frau Müller"] });
    for (const name of ["ZOË MÜLLER", "frau müller"]) {
      const response = await addSpeaker(projectId, { name, confirmNew: true });
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe("conflict");
    }
  });

  it("refuses a confirmNew that is not a yes or no (422)", async () => {
    const projectId = await newProject();
    const response = await addSpeaker(projectId, { name: "Anyone", confirmNew: "please" });
    expect(response.status).toBe(422);
    expect(response.body.error.field).toBe("confirmNew");
  });
});

describe("a claim that names a new speaker", () => {
  async function saveClaim(projectId: number, speakerRef: object) {
    const article = await makeArticle(app.db, admin, projectId);
    const quote = "Fans cheered.";
    return postJson(agents.member, `/api/v1/articles/${article.id}/claims`, {
      ...spanOf(article.body, quote),
      quote,
      type: "direct",
      speaker: speakerRef,
    });
  }

  it("is not saved when the name resembles a speaker's: 409 with the candidates, no `current`", async () => {
    const projectId = await newProject();
    const zoe = await speaker(projectId, "Zoë Müller");
    const response = await saveClaim(projectId, { name: "Zoe Muller", role: "Mayor" });
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({
      code: "similar_speakers",
      field: "speaker",
      candidates: [expect.objectContaining({ id: zoe.id, likeness: "same_letters" })],
      confirmWith: { speaker: { confirmNew: true } },
    });
    // The workspace takes an error with `current` for someone else's edit: this is not one.
    expect(response.body.error.current).toBeUndefined();
    expect(await prisma().claim.count({ where: { projectId } })).toBe(0);
    expect(await names(projectId)).toEqual(["Zoë Müller"]);
  });

  it("is saved with the existing speaker by id, or with a new one when confirmed", async () => {
    const projectId = await newProject();
    const zoe = await speaker(projectId, "Zoë Müller");
    const chosen = await saveClaim(projectId, { id: zoe.id });
    expect(chosen.status).toBe(201);
    expect(chosen.body.speaker.id).toBe(zoe.id);
    const insisted = await saveClaim(projectId, { name: "Zoe Muller", role: "Mayor", confirmNew: true });
    expect(insisted.status).toBe(201);
    expect(insisted.body.speaker).toMatchObject({ name: "Zoe Muller", role: "Mayor" });
    expect(insisted.body.speaker.id).not.toBe(zoe.id);
  });

  it("still finds the exact same name or alias, ignoring case, without asking", async () => {
    const projectId = await newProject();
    const zoe = await speaker(projectId, "Zoë Müller", { aliases: ["Frau Müller"] });
    for (const name of ["zoë müller", "FRAU MÜLLER"]) {
      const response = await saveClaim(projectId, { name });
      expect(response.status).toBe(201);
      expect(response.body.speaker.id).toBe(zoe.id);
    }
  });

  it("asks on an edit that names a new speaker too", async () => {
    const projectId = await newProject();
    await speaker(projectId, "Jane Doe");
    const saved = await saveClaim(projectId, null as unknown as object);
    expect(saved.status).toBe(201);
    const patch = await agents.member
      .patch(`/api/v1/claims/${saved.body.id}`)
      .set("X-CSRF-Token", await tokenFor(agents.member))
      .set("Accept", "application/json")
      .send({ version: saved.body.version, speaker: { name: "J. Doe" } });
    expect(patch.status).toBe(409);
    expect(patch.body.error.code).toBe("similar_speakers");
    expect((await prisma().claim.findUniqueOrThrow({ where: { id: saved.body.id } })).speakerId).toBeNull();
  });

  it("asks the second of two people who add similar names at once", async () => {
    const projectId = await newProject();
    let commitFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (commitFirst = resolve));
    const first = prisma().$transaction(async (tx) => {
      const created = await resolveSpeaker(tx, projectId, { name: "Jane Doe" });
      await firstMayCommit;
      return created;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = prisma()
      .$transaction((tx) => resolveSpeaker(tx, projectId, { name: "J. Doe" }))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
    commitFirst();
    await first;
    expect(await second).toBeInstanceOf(SimilarExistsError);
    expect(await names(projectId)).toEqual(["Jane Doe"]);
  });
});

describe("the speakers page's Add form", () => {
  const page = (projectId: number) => `/projects/${projectId}/speakers`;

  async function postForm(agent: Agent, projectId: number, fields: Record<string, string>) {
    return agent
      .post(page(projectId))
      .type("form")
      .send({ ...fields, _csrf: await tokenFor(agent, page(projectId)) });
  }

  it("adds a speaker with role, affiliation and aliases", async () => {
    const projectId = await newProject();
    const response = await postForm(agents.member, projectId, {
      name: " Nikol  Pashinyan",
      role: "Prime Minister",
      affiliation: "Armenia",
      aliases: "Pashinyan\nN. Pashinyan",
    });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(page(projectId));
    const saved = await prisma().speaker.findFirstOrThrow({ where: { projectId } });
    expect(saved).toMatchObject({
      name: "Nikol Pashinyan",
      role: "Prime Minister",
      aliases: ["Pashinyan", "N. Pashinyan"],
    });
    expect((await agents.member.get(page(projectId))).text).toContain("Added Nikol Pashinyan.");
  });

  it("shows the existing speakers first (409) and adds the new one only when confirmed", async () => {
    const projectId = await newProject();
    const zoe = await speaker(projectId, "Zoë Müller", { role: "Mayor", claims: 1 });
    const asked = await postForm(agents.admin, projectId, {
      name: "Zoe Muller",
      role: "Teacher",
      aliases: "",
    });
    expect(asked.status).toBe(409);
    const warning =
      /<div class="flash flash-error" role="alert" id="similar-speakers">([\s\S]*?)<\/div>/.exec(
        asked.text,
      )?.[1];
    expect(warning).toContain(`data-similar-id="${zoe.id}"`);
    expect(warning).toContain("<strong>Zoë Müller</strong>, Mayor: 1 claim.");
    expect(asked.text).toContain('name="confirmNew" value="1"');
    expect(asked.text).toContain('value="Teacher"');
    expect(asked.text).toContain("Add “Zoe Muller” as a new speaker");
    expect(await names(projectId)).toEqual(["Zoë Müller"]);
    const confirmed = await postForm(agents.admin, projectId, {
      name: "Zoe Muller",
      role: "Teacher",
      confirmNew: "1",
    });
    expect(confirmed.status).toBe(302);
    expect(await names(projectId)).toEqual(["Zoë Müller", "Zoe Muller"]);
  });

  it("re-shows the form with the problem (422) or the speaker it already is (409)", async () => {
    const projectId = await newProject();
    await speaker(projectId, "Ilham Aliyev");
    const empty = await postForm(agents.member, projectId, { name: " ", role: "Kept" });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('id="name-error"');
    expect(empty.text).toContain('value="Kept"');
    const same = await postForm(agents.member, projectId, { name: "ilham aliyev" });
    expect(same.status).toBe(409);
    expect(same.text).toContain("already has the speaker &#34;Ilham Aliyev&#34;");
  });

  it("is not offered to researchers, who get 403", async () => {
    const projectId = await newProject();
    expect((await agents.researcher.get(page(projectId))).text).not.toContain("Add a speaker");
    const attempt = await agents.researcher
      .post(page(projectId))
      .type("form")
      .send({ name: "Anyone", _csrf: await tokenFor(agents.researcher) });
    expect(attempt.status).toBe(403);
  });
});
