#!/usr/bin/env node
// The `totem` command. The real program is an esbuild bundle (see scripts/build.mjs) so that a
// process starts near bare-Node speed; `npm ci` builds it through the root postinstall script.
// No file-system check first: importing and explaining a failure is cheaper than stat + import.
const bundle = new URL("../dist/totem.mjs", import.meta.url).href;
import(bundle).catch((error) => {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && error.url === bundle) {
    process.stderr.write("totem: the CLI bundle is missing; run `npm run build` at the repository root.\n");
    process.exit(2);
  }
  throw error;
});
