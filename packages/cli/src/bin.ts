// Entry point of the bundled `totem` program (scripts/build.mjs bundles this file).
import { main } from "./main.js";

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
