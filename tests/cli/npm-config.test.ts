import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/paths.js";

/** The environment a person's shell would give npm: no log level inherited from an outer npm run. */
function shellEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => name.toLowerCase() !== "npm_config_loglevel"),
  );
}

describe("npm in this project", () => {
  it("is not silenced: a mistyped script name gets npm's own error", () => {
    const run = spawnSync("npm", ["run", "no-such-script"], {
      cwd: projectRoot,
      env: shellEnv(),
      encoding: "utf8",
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('Missing script: "no-such-script"');

    const level = spawnSync("npm", ["config", "get", "loglevel"], {
      cwd: projectRoot,
      env: shellEnv(),
      encoding: "utf8",
    });
    expect(level.stdout.trim()).not.toBe("silent");
    const npmrc = path.join(projectRoot, ".npmrc");
    if (fs.existsSync(npmrc))
      expect(fs.readFileSync(npmrc, "utf8")).not.toMatch(/^\s*loglevel\s*=\s*silent/m);
  });
});
