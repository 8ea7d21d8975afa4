import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeDatabase, describePrismaSchema } from "../helpers/schema-model.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

describe("migrations against schema.prisma", () => {
  it("build exactly the models, columns, types, nullability, defaults, indexes and foreign keys it declares", async () => {
    const expected = describePrismaSchema();
    const actual = await database.db.withSession(describeDatabase);
    const missingFromDatabase = [...expected].filter((line) => !actual.has(line)).sort();
    const notInSchema = [...actual].filter((line) => !expected.has(line)).sort();
    expect({ missingFromDatabase, notInSchema }).toEqual({ missingFromDatabase: [], notInSchema: [] });
    expect(expected.size).toBeGreaterThan(20);
  });
});

describe("the drift check itself", () => {
  it.each([
    ["a default", /active\s+Boolean\s+@default\(true\)/, "active Boolean"],
    ["nullability", /name\s+String\n/, "name String?\n"],
    ["an index", "@@index([userId])", ""],
    ["a foreign key action", "onDelete: Cascade", "onDelete: Restrict"],
    ["a new column", "lastLoginAt", "nickname String?\n  lastLoginAt"],
  ])("notices when schema.prisma changes %s without a migration", async (_what, from, to) => {
    const changed = fs.readFileSync("prisma/schema.prisma", "utf8").replace(from, to);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "schema-")), "schema.prisma");
    fs.writeFileSync(file, changed);
    const expected = describePrismaSchema(file);
    const actual = await database.db.withSession(describeDatabase);
    const differences =
      [...expected].filter((line) => !actual.has(line)).length +
      [...actual].filter((line) => !expected.has(line)).length;
    expect(differences).toBeGreaterThan(0);
  });
});
