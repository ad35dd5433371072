// What a policy test may say depends on its policy's target (docs/testing.md): a test of a target
// "ite-10" policy describes attestations (`attests`, `attestations`, `parameters`, `trusted-root`,
// `identity`, `issuer`) and has no inspections or links folders; a test of an in-toto policy has no
// attestations. Known only once the policy is read, so checked apart from parsing. Pure.
import type { Diagnostic, Span } from "../diagnostic.js";
import type { PolicyTestFile } from "./test-file.js";
import { problem } from "./test-reader.js";

/** `test-unsupported` diagnostics for the evidence a test file describes that its policy's target has no place for. */
export function testTargetProblems(file: PolicyTestFile, ite10: boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<number>();
  const report = (span: Span | undefined, message: string) => {
    if (span === undefined || seen.has(span.start)) return;
    seen.add(span.start);
    out.push(problem("test-unsupported", span, message));
  };
  if (ite10) {
    for (const test of file.tests) {
      for (const i of test.inspections) report(i.span, `An attestation layout (target "ite-10") has no inspections: drop \`inspection ${i.inspection}\` from this test.`);
      report(test.links?.span, 'A policy of target "ite-10" is verified against an attestations folder: write `attestations "DIR"` (classic .link files in it are read as link claims).');
      if (test.attestations === undefined) {
        report(test.trustedRoot?.span, "A described test's keyless evidence is signed by a test Sigstore made for the run: `trusted-root` applies to a recorded `attestations` folder only.");
      }
    }
    return out;
  }
  const needs = (what: string) => `${what} needs a policy of target "ite-10" (attestations); this policy is an in-toto layout.`;
  report(file.parameters?.span, needs("`parameters`"));
  report(file.trustedRoot?.span, needs("`trusted-root`"));
  for (const test of file.tests) {
    report(test.attestations?.span, needs("`attestations`"));
    report(test.parameters?.span, needs("`parameters`"));
    report(test.trustedRoot?.span, needs("`trusted-root`"));
    for (const s of test.steps) {
      report(s.attests?.span, needs("`attests`"));
      report(s.identity?.span, needs("`identity`"));
      report(s.issuer?.span, needs("`issuer`"));
    }
  }
  return out;
}
