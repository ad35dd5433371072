#!/usr/bin/env node
// The `totem` command. The real program is one esbuild bundle (see scripts/build.mjs) so that a
// process starts near bare-Node speed; `npm ci` builds it through the root postinstall script.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const bundle = new URL("../dist/totem.mjs", import.meta.url);
if (!existsSync(fileURLToPath(bundle))) {
  process.stderr.write("totem: the CLI bundle is missing; run `npm run build` at the repository root.\n");
  process.exit(2);
}
await import(bundle.href);
