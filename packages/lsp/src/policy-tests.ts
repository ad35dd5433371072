// The policy test file of an open policy, for the "Run policy tests" lens: `<name>.totem-test` beside
// `<name>.totem` (the default pairing of `totem test`, docs/testing.md). The only I/O: one stat.
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { DocumentSnapshot } from "./documents.js";
import { uriToPath } from "./uris.js";

/** The file: URI of the policy's test file, or undefined when there is none (or the policy is not a file). */
export function policyTestFile(doc: DocumentSnapshot): string | undefined {
  const path = uriToPath(doc.uri);
  if (path === undefined || !path.endsWith(".totem")) return undefined;
  const tests = `${path}-test`;
  return existsSync(tests) ? pathToFileURL(tests).href : undefined;
}
