// Test fixtures read once: the demo policy and its folder (with keys) as a file: URI.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** The fixtures folder. */
export const FIXTURES = join(import.meta.dirname, "fixtures");
/** The demo policy's path, URI and text. */
export const DEMO_PATH = join(FIXTURES, "demo", "demo.totem");
export const DEMO_URI = pathToFileURL(DEMO_PATH).href;
export const DEMO = readFileSync(DEMO_PATH, "utf8");
