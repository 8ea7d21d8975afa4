import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../../src/auth/passwords.js";
import { openDatabase } from "../../src/db/database.js";
import { createEmptyServerDatabase, dropServerDatabase, onPostgresServer } from "../helpers/test-database.js";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "claimant-cli-"));
let serverDatabase: string | undefined;
afterAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (serverDatabase) await dropServerDatabase(serverDatabase);
});

async function databaseEnv(): Promise<Record<string, string>> {
  if (!onPostgresServer) return { DATA_DIR: dataDir, DATABASE_URL: "" };
  serverDatabase ??= await createEmptyServerDatabase();
  return { DATABASE_URL: serverDatabase };
}

function run(script: string, args: string[], stdin: string, env: Record<string, string>) {
  return spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    input: stdin,
    encoding: "utf8",
    env: { ...process.env, LOG_LEVEL: "silent", ...env },
  });
}

async function findUser(env: Record<string, string>, email: string) {
  const db = env.DATABASE_URL
    ? await openDatabase({ url: env.DATABASE_URL })
    : await openDatabase({ dataDir: env.DATA_DIR! });
  try {
    return await db.prisma.user.findUnique({ where: { email } });
  } finally {
    await db.close();
  }
}

describe("operator commands", () => {
  it("user:create reads the password from stdin; user:reset-password replaces it", async () => {
    const env = await databaseEnv();
    const created = run(
      "src/cli/user-create.ts",
      ["--email", "Ops@Example.org", "--name", "Ops Person", "--role", "admin"],
      "first password 1\n",
      env,
    );
    expect(created.stderr).toBe("");
    expect(created.stdout).toContain("Created admin ops@example.org");
    const user = await findUser(env, "ops@example.org");
    expect(user?.role).toBe("admin");
    expect(await verifyPassword(user!.passwordHash, "first password 1")).toBe(true);

    const reset = run(
      "src/cli/user-reset-password.ts",
      ["--email", "ops@example.org"],
      "second password 2\n",
      env,
    );
    expect(reset.status).toBe(0);
    const after = await findUser(env, "ops@example.org");
    expect(await verifyPassword(after!.passwordHash, "second password 2")).toBe(true);
  });

  it("explains bad input and exits non-zero", async () => {
    const env = await databaseEnv();
    const bad = run(
      "src/cli/user-create.ts",
      ["--email", "nope", "--name", "X", "--role", "boss"],
      "short",
      env,
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("Enter a valid email address");
    expect(bad.stderr).toContain("Choose a role");
    const unknown = run(
      "src/cli/user-reset-password.ts",
      ["--email", "ghost@example.org"],
      "some password 3",
      env,
    );
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("No user has the email ghost@example.org");
  });
});
