// Vitest global set-up: the page scripts are bundled once per run, so browser tests always load
// bundles built from the sources they test.
import { buildClient } from "../../src/client/build.js";

export default async function setup(): Promise<void> {
  await buildClient();
}
