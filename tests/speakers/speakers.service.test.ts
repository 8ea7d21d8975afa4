import { randomUUID } from "node:crypto";
import { addSpeakerClaims } from "../helpers/factories.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from "../../src/errors.js";
import type { CurrentUser } from "../../src/http/current-user.js";
import { createProject } from "../../src/projects/projects.service.js";
import {
  createSpeaker,
  listSpeakersWithCounts,
  mergeSpeakers,
  resolveSpeaker,
  updateSpeaker,
} from "../../src/speakers/speakers.service.js";
import { searchSpeakers } from "../../src/speakers/speakers.search.js";
import { makeUser } from "../helpers/test-app.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

let database: TestDatabase;
let admin: CurrentUser;
let annotator: CurrentUser;
let researcher: CurrentUser;

const prisma = () => database.db.prisma;

beforeAll(async () => {
  database = await createTestDatabase();
  admin = await makeUser(database.db, "admin");
  annotator = await makeUser(database.db, "annotator");
  researcher = await makeUser(database.db, "researcher");
});
afterAll(() => database.drop());

async function newProject(members: CurrentUser[] = []) {
  const project = await createProject(prisma(), admin.id, {
    name: `Speakers ${randomUUID()}`,
    description: "",
  });
  for (const member of members) {
    await prisma().projectMember.create({ data: { projectId: project.id, userId: member.id } });
  }
  return project.id;
}

function speaker(projectId: number, name: string, extra: { aliases?: string[]; role?: string } = {}) {
  return prisma().speaker.create({ data: { projectId, name, ...extra } });
}

/** Claims by the speaker in a fresh article; `deleted` of them soft-deleted. */
function claimsFor(projectId: number, speakerId: number, count: number, deleted = 0) {
  return addSpeakerClaims(database.db, { projectId, speakerId, annotatorId: annotator.id, count, deleted });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error,
  );
}

describe("resolveSpeaker", () => {
  it("finds a speaker of the project by id", async () => {
    const projectId = await newProject();
    const hajiyev = await speaker(projectId, "Hikmet Hajiyev");
    const found = await prisma().$transaction((tx) => resolveSpeaker(tx, projectId, { id: hajiyev.id }));
    expect(found.id).toBe(hajiyev.id);
  });

  it("refuses the id of another project's speaker, naming the speaker field", async () => {
    const projectId = await newProject();
    const elsewhere = await speaker(await newProject(), "Someone Else");
    const error = await failure(
      prisma().$transaction((tx) => resolveSpeaker(tx, projectId, { id: elsewhere.id })),
    );
    expect(error).toBeInstanceOf(InvalidError);
    expect((error as InvalidError).field).toBe("speaker");
    expect((error as InvalidError).message).toMatch(/does not belong to this project/);
  });

  it("finds by name or alias ignoring case and spacing, without creating anything", async () => {
    const projectId = await newProject();
    const hajiyev = await speaker(projectId, "Hikmet Hajiyev", { aliases: ["Hajiyev", "H. Hajiyev"] });
    for (const name of ["  hikmet   HAJIYEV ", "hajiyev", "h. hajiyev"]) {
      const found = await prisma().$transaction((tx) => resolveSpeaker(tx, projectId, { name }));
      expect(found.id).toBe(hajiyev.id);
    }
    expect(await prisma().speaker.count({ where: { projectId } })).toBe(1);
  });

  it("prefers a speaker whose name matches over one that has it as an alias", async () => {
    const projectId = await newProject();
    await speaker(projectId, "Aliyev Senior", { aliases: ["Aliyev"] });
    const named = await speaker(projectId, "Aliyev");
    const found = await prisma().$transaction((tx) => resolveSpeaker(tx, projectId, { name: "ALIYEV" }));
    expect(found.id).toBe(named.id);
  });

  it("creates an unknown name with its role and affiliation, once", async () => {
    const projectId = await newProject();
    const created = await prisma().$transaction((tx) =>
      resolveSpeaker(tx, projectId, {
        name: " Hikmet  Hajiyev ",
        role: "Assistant to the President",
        affiliation: "Presidential Administration",
      }),
    );
    expect(created).toMatchObject({
      projectId,
      name: "Hikmet Hajiyev",
      role: "Assistant to the President",
      affiliation: "Presidential Administration",
    });
    const again = await prisma().$transaction((tx) =>
      resolveSpeaker(tx, projectId, { name: "hikmet hajiyev" }),
    );
    expect(again.id).toBe(created.id);
  });

  it("uses only the caller's transaction: a rolled-back claim leaves no speaker behind", async () => {
    const projectId = await newProject();
    await failure(
      prisma().$transaction(async (tx) => {
        await resolveSpeaker(tx, projectId, { name: "Rolled Back" });
        throw new Error("the claim failed");
      }),
    );
    expect(await prisma().speaker.count({ where: { projectId } })).toBe(0);
  });

  it("makes one speaker when two claims name the same new person at once", async () => {
    const projectId = await newProject();
    let commitFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (commitFirst = resolve));
    const first = prisma().$transaction(async (tx) => {
      const created = await resolveSpeaker(tx, projectId, { name: "Jane Doe" });
      await firstMayCommit;
      return created;
    });
    await pause(200);
    // Started while the first transaction holds its new, uncommitted speaker.
    const second = prisma().$transaction((tx) => resolveSpeaker(tx, projectId, { name: "jane doe" }));
    await pause(200);
    commitFirst();
    expect((await second).id).toBe((await first).id);
    expect(await prisma().speaker.count({ where: { projectId } })).toBe(1);
  });

  it("refuses an empty name", async () => {
    const projectId = await newProject();
    const error = await failure(
      prisma().$transaction((tx) => resolveSpeaker(tx, projectId, { name: "   " })),
    );
    expect((error as InvalidError).field).toBe("speaker");
  });
});

describe("searching and listing", () => {
  it("matches the start of any word of names and aliases: the whole name first, then the most quoted", async () => {
    const projectId = await newProject([annotator]);
    const rare = await speaker(projectId, "Anna Rare");
    const often = await speaker(projectId, "Zed Often", { aliases: ["The ANNAlist"] });
    await speaker(projectId, "Bob Unrelated");
    await speaker(projectId, "Hannah Inside");
    const also = await speaker(projectId, "Anna Also");
    const exact = await speaker(projectId, "Anna");
    await claimsFor(projectId, often.id, 2);
    await claimsFor(projectId, also.id, 1);
    await claimsFor(projectId, rare.id, 1, 1);
    const results = await searchSpeakers(prisma(), annotator, projectId, "anna");
    expect(results.map((result) => result.name)).toEqual(["Anna", "Anna Also", "Anna Rare", "Zed Often"]);
    expect(results[1]).toEqual({
      id: also.id,
      name: "Anna Also",
      role: "",
      affiliation: "",
      aliases: [],
      claimCount: 1,
    });
    expect(results.map((result) => result.id)).toEqual([exact.id, also.id, rare.id, often.id]);
    expect(await searchSpeakers(prisma(), annotator, projectId, "anna", 1)).toHaveLength(1);
  });

  it("treats %, _ and search syntax in the text as plain characters", async () => {
    const projectId = await newProject();
    await speaker(projectId, "Plain Name");
    for (const q of ["%", "_", "pla:*", "!plain", "plain |", "'", "\\", "(", "&"]) {
      const names = (await searchSpeakers(prisma(), admin, projectId, q)).map((result) => result.name);
      expect(names, q).toEqual(/pla/.test(q) ? ["Plain Name"] : []);
    }
  });

  it("lists every speaker with the count of claims that are not deleted", async () => {
    const projectId = await newProject();
    const quoted = await speaker(projectId, "Quoted");
    await speaker(projectId, "Silent");
    await claimsFor(projectId, quoted.id, 3, 1);
    const list = await listSpeakersWithCounts(prisma(), researcher, projectId);
    expect(list.map(({ name, claimCount }) => ({ name, claimCount }))).toEqual([
      { name: "Quoted", claimCount: 2 },
      { name: "Silent", claimCount: 0 },
    ]);
  });

  it("hides a project from an annotator who is not a member", async () => {
    const projectId = await newProject();
    await expect(searchSpeakers(prisma(), annotator, projectId, "a")).rejects.toBeInstanceOf(NotFoundError);
    await expect(listSpeakersWithCounts(prisma(), annotator, projectId)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe("createSpeaker", () => {
  it("creates a speaker and audits it; refuses a name already used as a name or alias (409)", async () => {
    const projectId = await newProject([annotator]);
    const created = await createSpeaker(prisma(), annotator, projectId, {
      name: "Ilham Aliyev",
      role: "President",
      affiliation: "",
      aliases: ["Aliyev", "aliyev", "Ilham Aliyev"],
    });
    expect(created.aliases).toEqual(["Aliyev"]);
    const error = await failure(
      createSpeaker(prisma(), annotator, projectId, {
        name: "ALIYEV",
        role: "",
        affiliation: "",
        aliases: [],
      }),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toContain('"Ilham Aliyev"');
    expect((error as ConflictError).current).toMatchObject({ id: created.id });
    expect(
      await prisma().auditEvent.count({ where: { action: "speaker.create", subjectId: String(created.id) } }),
    ).toBe(1);
  });

  it("does not let a researcher add speakers", async () => {
    const projectId = await newProject();
    await expect(
      createSpeaker(prisma(), researcher, projectId, { name: "X", role: "", affiliation: "", aliases: [] }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("updateSpeaker", () => {
  it("saves name, role, affiliation and aliases, bumps the version and audits before and after", async () => {
    const projectId = await newProject();
    const before = await speaker(projectId, "H Hajiyev");
    const after = await updateSpeaker(prisma(), admin, projectId, before.id, {
      name: "Hikmet Hajiyev",
      role: "Assistant to the President",
      affiliation: "Azerbaijan",
      aliases: ["H Hajiyev", "hikmet hajiyev"],
      version: before.version,
    });
    expect(after).toMatchObject({
      name: "Hikmet Hajiyev",
      aliases: ["H Hajiyev"],
      version: before.version + 1,
    });
    const audit = await prisma().auditEvent.findFirstOrThrow({
      where: { action: "speaker.update", subjectId: String(before.id) },
    });
    expect(audit.actorId).toBe(admin.id);
    expect(audit.before).toMatchObject({ name: "H Hajiyev" });
    expect(audit.after).toMatchObject({ name: "Hikmet Hajiyev" });
  });

  it("refuses a stale version with a 409 carrying the saved state, and changes nothing", async () => {
    const projectId = await newProject();
    const original = await speaker(projectId, "Original");
    const input = { role: "", affiliation: "", aliases: [], version: original.version };
    await updateSpeaker(prisma(), admin, projectId, original.id, { ...input, name: "First Edit" });
    const error = await failure(
      updateSpeaker(prisma(), admin, projectId, original.id, { ...input, name: "Second Edit" }),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).status).toBe(409);
    expect((error as ConflictError).current).toMatchObject({ name: "First Edit", version: 2 });
    expect((await prisma().speaker.findUniqueOrThrow({ where: { id: original.id } })).name).toBe(
      "First Edit",
    );
  });

  it("refuses a name or alias another speaker already has, ignoring case", async () => {
    const projectId = await newProject();
    await speaker(projectId, "Taken Name", { aliases: ["Taken Alias"] });
    const mine = await speaker(projectId, "Mine");
    const base = { role: "", affiliation: "", aliases: [] as string[], version: mine.version };
    const attempts: [{ name: string; aliases?: string[] }, string][] = [
      [{ name: "taken name" }, "name"],
      [{ name: "TAKEN ALIAS" }, "name"],
      [{ name: "Mine", aliases: ["taken name"] }, "aliases"],
    ];
    for (const [change, field] of attempts) {
      const error = await failure(updateSpeaker(prisma(), admin, projectId, mine.id, { ...base, ...change }));
      expect(error).toBeInstanceOf(InvalidError);
      expect((error as InvalidError).field).toBe(field);
      expect((error as InvalidError).message).toContain("merge the two speakers");
    }
  });

  it("is for admins only, and only for speakers of the project", async () => {
    const projectId = await newProject([annotator]);
    const other = await speaker(await newProject(), "Elsewhere");
    const input = { name: "X", role: "", affiliation: "", aliases: [], version: 1 };
    await expect(updateSpeaker(prisma(), annotator, projectId, other.id, input)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(updateSpeaker(prisma(), admin, projectId, other.id, input)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe("mergeSpeakers", () => {
  it("moves every claim, keeps the merged names as aliases, deletes the merged speaker and audits", async () => {
    const projectId = await newProject();
    const keep = await speaker(projectId, "Hikmet Hajiyev", { aliases: ["Hajiyev"] });
    const merge = await speaker(projectId, "H. Hajiyev", { aliases: ["hajiyev", "Presidential aide"] });
    await claimsFor(projectId, keep.id, 1);
    await claimsFor(projectId, merge.id, 3, 1);
    const { kept, claimsMoved } = await mergeSpeakers(prisma(), admin, projectId, keep.id, merge.id);
    expect(claimsMoved).toBe(3);
    expect(kept.aliases).toEqual(["Hajiyev", "H. Hajiyev", "Presidential aide"]);
    expect(kept.version).toBe(keep.version + 1);
    expect(await prisma().speaker.findUnique({ where: { id: merge.id } })).toBeNull();
    expect(await prisma().claim.count({ where: { speakerId: keep.id } })).toBe(4);
    const audit = await prisma().auditEvent.findFirstOrThrow({ where: { action: "speaker.merge" } });
    expect(audit.subjectId).toBe(String(keep.id));
    expect(audit.before).toMatchObject({
      kept: { id: keep.id },
      merged: { id: merge.id, name: "H. Hajiyev" },
    });
    expect(audit.after).toMatchObject({ kept: { aliases: kept.aliases }, claimsMoved: 3 });
    const found = await prisma().$transaction((tx) => resolveSpeaker(tx, projectId, { name: "h. hajiyev" }));
    expect(found.id).toBe(keep.id);
  });

  it("refuses merging a speaker into itself or with another project's speaker", async () => {
    const projectId = await newProject();
    const keep = await speaker(projectId, "Keep");
    const elsewhere = await speaker(await newProject(), "Elsewhere");
    const self = await failure(mergeSpeakers(prisma(), admin, projectId, keep.id, keep.id));
    expect(self).toBeInstanceOf(InvalidError);
    expect((self as InvalidError).message).toMatch(/two different speakers/);
    const foreign = await failure(mergeSpeakers(prisma(), admin, projectId, keep.id, elsewhere.id));
    expect((foreign as InvalidError).field).toBe("mergeId");
    expect(await prisma().speaker.findUnique({ where: { id: elsewhere.id } })).not.toBeNull();
  });

  it("is for admins only", async () => {
    const projectId = await newProject([annotator]);
    const a = await speaker(projectId, "A");
    const b = await speaker(projectId, "B");
    await expect(mergeSpeakers(prisma(), annotator, projectId, a.id, b.id)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});
