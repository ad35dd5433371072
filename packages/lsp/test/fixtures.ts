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

/**
 * A small target "ite-10" policy: one step whose SLSA provenance a keyless workflow identity `wf`
 * makes, with `checks` (lines inside the attestation block) — for the attestation features' tests.
 */
export function keylessPolicy(checks: readonly string[] = []): string {
  return `layout "r" {
  target "ite-10"
  expires "2030-01-01T00:00:00Z"
  functionary wf sigstore {
    issuer "https://token.actions.githubusercontent.com"
    identity "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1"
  }
  step build {
    attestation "https://slsa.dev/provenance/v1" {
      by wf
${checks.map((c) => `      ${c}\n`).join("")}    }
    products { create "app"  disallow "*" }
  }
}
`;
}
