// Bundles the page scripts (src/client) into public/build with esbuild: one ES module per page,
// minified, with source maps. Run by postinstall, prestart, the tests' global set-up and, watching,
// by `npm run dev`:   tsx src/client/build.ts [--watch]
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { projectRoot } from "../paths.js";

export const outputFolder = path.join(projectRoot, "public", "build");

/** Page name (the file in public/build) -> its entry module. */
const entries = {
  app: "src/client/app.ts",
  claims: "src/client/claims/main.ts",
  curation: "src/client/curation/main.ts",
  import: "src/client/import.ts",
  workspace: "src/client/workspace/main.ts",
};

function options(): esbuild.BuildOptions {
  return {
    absWorkingDir: projectRoot,
    entryPoints: entries,
    outdir: outputFolder,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: true,
    tsconfig: "tsconfig.client.json",
    // Written by the plugin below, each file whole or not at all: a server answering while a
    // build runs (tests, `npm run dev`) never sends half a script.
    write: false,
    logLevel: "warning",
    plugins: [writeWhole],
  };
}

const writeWhole: esbuild.Plugin = {
  name: "write-whole-files",
  setup(build) {
    build.onEnd((result) => {
      if (result.errors.length > 0 || !result.outputFiles) return;
      fs.mkdirSync(outputFolder, { recursive: true });
      const written = new Set<string>();
      for (const file of result.outputFiles) {
        written.add(file.path);
        if (sameContents(file.path, file.contents)) continue;
        const temporary = `${file.path}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, file.contents);
        fs.renameSync(temporary, file.path);
      }
      // Bundles of pages that no longer exist would still be served: remove them.
      for (const name of fs.readdirSync(outputFolder)) {
        const file = path.join(outputFolder, name);
        if (!written.has(file) && !name.endsWith(".tmp")) fs.rmSync(file, { force: true });
      }
    });
  },
};

function sameContents(file: string, contents: Uint8Array): boolean {
  try {
    return Buffer.compare(fs.readFileSync(file), contents) === 0;
  } catch {
    return false;
  }
}

/** Builds every page script once; throws (with esbuild's messages printed) when a build fails. */
export async function buildClient(): Promise<void> {
  await esbuild.build(options());
}

/** Builds, then rebuilds on every change under src/client or the shared modules it imports. */
export async function watchClient(): Promise<esbuild.BuildContext> {
  const context = await esbuild.context({
    ...options(),
    plugins: [
      writeWhole,
      {
        name: "report",
        setup(build) {
          build.onEnd((result) => {
            if (result.errors.length === 0) process.stderr.write("page scripts built into public/build\n");
          });
        },
      },
    ],
  });
  await context.watch();
  return context;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  if (process.argv.includes("--watch")) {
    await watchClient();
  } else {
    try {
      await buildClient();
    } catch {
      process.exitCode = 1; // esbuild has printed what went wrong
    }
  }
}
