// Policy tests (`*.totem-test`, docs/testing.md): a few readable lines per test that describe the
// evidence of a supply chain — which files each step consumed and produced, who signed, what an
// inspection returned, what a step attests (target "ite-10") — or point at a recorded links or
// attestations folder, and the verdict expected of it. This module reads the text into tests with
// every `extends` resolved. Pure; never throws: problems are diagnostics (codes `test-syntax`,
// `test-duplicate`, `test-unknown-base`, docs/testing.md; `test-unsupported`: test-target.ts).
import type { Diagnostic, Span } from "../diagnostic.js";
import { splitCommand } from "../command-split.js";
import { type AttestedClaim, attestsClause } from "./attests.js";
import { problem, Reader, type Token, tokenize } from "./test-reader.js";

/** One artifact: its path and the content it stands for (the same tag, the same hash). */
export interface TestArtifact {
  path: string;
  /** What the file holds, as a tag; by default its path, so the same path means the same file. */
  content: string;
  span: Span;
}

/** What one step's links say. Every signer signs a link with the same fields. */
export interface StepEvidence {
  step: string;
  /** Functionary (or outsider) names; empty: the step's first `threshold` functionaries. */
  by: { name: string; span: Span }[];
  /** The command the links record; undefined: the step's expected command. */
  command?: string[];
  materials: TestArtifact[];
  products: TestArtifact[];
  /** Target "ite-10": the Statement the signers make (default: a classic link, or the step's first expected predicate). */
  attests?: AttestedClaim;
  /** Target "ite-10": the SAN a keyless (sigstore) signer's test certificate names instead of the functionary's. */
  identity?: Located;
  /** Target "ite-10": the OIDC issuer the keyless signer's test certificate names instead of the functionary's. */
  issuer?: Located;
  span: Span;
}

/** A string as written, with its place. */
export interface Located {
  path: string;
  span: Span;
}

/** What an inspection's command did, as the test says. */
export interface InspectionEvidence {
  inspection: string;
  exitCode: number;
  /** Undefined: none (the inspection ran in an empty folder). */
  materials?: TestArtifact[];
  products?: TestArtifact[];
  span: Span;
}

/** The verdict a test expects. `code`, `at`, `side` and `rule` (1-based) narrow a failure. */
export type ExpectedVerdict =
  | { kind: "pass"; span: Span }
  | { kind: "fail"; code?: string; at?: string; side?: "materials" | "products"; rule?: number; span: Span };

/** One test with its base's evidence merged in. */
export interface PolicyTest {
  name: string;
  /** A recorded links folder (relative to the test file) instead of described steps. */
  links?: Located;
  /** Target "ite-10": a recorded attestations folder (relative to the test file), verified with the policy's real keys. */
  attestations?: Located;
  /** Target "ite-10": a JSON file of attestation-verifier parameters (`{name}` placeholders), as --substitute-parameters. */
  parameters?: Located;
  /** Target "ite-10": the Sigstore trusted root a recorded folder's keyless bundles are checked against. */
  trustedRoot?: Located;
  /** Target "ite-10": parameter values written in the test (`parameter NAME = "VALUE"`), over the file's and `parameters`. */
  parameterValues?: Record<string, string>;
  /** Parameters the test leaves out (`omit parameter NAME`), whoever gave them. */
  omittedParameters?: string[];
  steps: StepEvidence[];
  inspections: InspectionEvidence[];
  expect?: ExpectedVerdict;
  span: Span;
  nameSpan: Span;
}

/** A parsed test file. */
export interface PolicyTestFile {
  /** The policy under test (relative to the test file), when written. */
  policy?: { path: string; span: Span };
  /** Names that may sign although the policy has no such functionary: keys the policy does not trust. */
  outsiders: string[];
  /** Values for the policy's `param` declarations (`param NAME = "value"`), as `--param` gives them. */
  params: Record<string, string>;
  /** Target "ite-10": `parameter NAME = "VALUE"` at the top: every test's attestation-verifier parameters. */
  parameterValues: Record<string, string>;
  /** Target "ite-10": `parameters`/`trusted-root` at the top: every test's unless it names its own. */
  parameters?: Located;
  trustedRoot?: Located;
  tests: PolicyTest[];
  diagnostics: Diagnostic[];
}

function artifacts(r: Reader, what: string): TestArtifact[] {
  const out: TestArtifact[] = [];
  while (r.peek()?.kind === "string") {
    const path = r.next() as Token;
    let content = path.value;
    let end = path.span.end;
    if (r.eat("=")) {
      const tag = r.take("string", 'the content after `=` as a string, e.g. "tampered"');
      if (tag !== undefined) {
        content = tag.value;
        end = tag.span.end;
      }
    }
    out.push({ path: path.value, content, span: { start: path.span.start, end } });
  }
  if (out.length === 0) r.fail(`Expected the ${what} as strings, e.g. "src/main.c" or "app" = "tampered".`);
  return out;
}

function command(r: Reader): string[] | undefined {
  const t = r.peek();
  if (t?.kind === "string") {
    r.next();
    const split = splitCommand(t.value);
    if (split.ok) return split.value;
    return r.fail(`This command cannot be split into words (${split.error.message}): write it as a list, e.g. ["sh", "-c", "…"].`);
  }
  if (!r.eat("[")) return r.fail('Expected the command as a string or a list, e.g. "make build" or ["make", "build"].');
  const parts: string[] = [];
  while (r.peek()?.kind === "string") {
    parts.push((r.next() as Token).value);
    if (!r.eat(",")) break;
  }
  r.expect("]", "`]` closing the command list");
  return parts;
}

function names(r: Reader): { name: string; span: Span }[] {
  const out: { name: string; span: Span }[] = [];
  do {
    const t = r.take("word", "a functionary name");
    if (t === undefined) break;
    out.push({ name: t.text, span: t.span });
  } while (r.eat(","));
  return out;
}

const STEP_WORDS = ["by", "consumes", "produces", "runs", "attests", "identity", "issuer"];

function located(r: Reader, what: string): Located | undefined {
  const t = r.take("string", what);
  return t === undefined ? undefined : { path: t.value, span: t.span };
}

/** `parameter NAME = "VALUE"` after its keyword, into `into`. */
function parameter(r: Reader, into: Record<string, string>): void {
  const name = r.take("word", 'the parameter\'s name, e.g. parameter version = "1.4.0"');
  if (name === undefined || !r.expect("=", "`=` and the parameter's value")) return;
  const value = r.take("string", "the parameter's value as a string");
  // An own property whatever the name: `into.__proto__ = …` would set the prototype and drop the parameter.
  if (value !== undefined) Object.defineProperty(into, name.text, { value: value.value, enumerable: true, writable: true, configurable: true });
}

/** The folder and file statements a test and the file's top share (`parameters`, `trusted-root`). */
function fileStatement(r: Reader, word: string, into: { parameters?: Located; trustedRoot?: Located }): boolean {
  if (word === "parameters") {
    const v = located(r, 'the parameters file as a string, e.g. parameters "parameters.json"');
    if (v !== undefined) into.parameters = v;
    return true;
  }
  if (word === "trusted-root") {
    const v = located(r, 'the trusted root file as a string, e.g. trusted-root "trusted_root.json"');
    if (v !== undefined) into.trustedRoot = v;
    return true;
  }
  return false;
}

function stepBlock(r: Reader, name: Token): StepEvidence {
  const ev: StepEvidence = { step: name.text, by: [], materials: [], products: [], span: name.span };
  if (!r.expect("{", `\`{\` after \`step ${name.text}\``)) return ev;
  while (r.peek() !== undefined && !r.is("}")) {
    if (r.eat("by")) ev.by.push(...names(r));
    else if (r.eat("consumes")) ev.materials.push(...artifacts(r, "materials"));
    else if (r.eat("produces")) ev.products.push(...artifacts(r, "products"));
    else if (r.eat("runs")) {
      const cmd = command(r);
      if (cmd !== undefined) ev.command = cmd;
    } else if (r.is("attests")) {
      const claim = attestsClause(r, (r.next() as Token).span);
      if (claim !== undefined) ev.attests = claim;
    } else if (r.is("identity") || r.is("issuer")) {
      const word = (r.next() as Token).text as "identity" | "issuer";
      const value = located(r, word === "identity" ? 'the SAN the keyless signer\'s certificate names, e.g. identity "https://github.com/acme/app/.github/workflows/other.yml@refs/heads/main"' : 'the OIDC issuer, e.g. issuer "https://accounts.example.com"');
      if (value !== undefined) ev[word] = value;
    } else r.skipUnknown("Expected `by`, `consumes`, `produces`, `runs`, `attests`, `identity` or `issuer` in a step's evidence.", STEP_WORDS);
  }
  r.expect("}", `\`}\` closing \`step ${name.text}\``);
  return ev;
}

function inspectionBlock(r: Reader, name: Token): InspectionEvidence {
  const ev: InspectionEvidence = { inspection: name.text, exitCode: 0, span: name.span };
  if (!r.expect("{", `\`{\` after \`inspection ${name.text}\``)) return ev;
  while (r.peek() !== undefined && !r.is("}")) {
    if (r.eat("exits")) {
      const n = r.take("number", "the exit code, e.g. `exits 1`");
      if (n !== undefined) ev.exitCode = Number(n.text);
    } else if (r.eat("sees")) {
      const seen = artifacts(r, "files the inspection finds and leaves unchanged");
      ev.materials = [...(ev.materials ?? []), ...seen];
      ev.products = [...(ev.products ?? []), ...seen];
    } else if (r.eat("consumes")) ev.materials = [...(ev.materials ?? []), ...artifacts(r, "materials")];
    else if (r.eat("produces")) ev.products = [...(ev.products ?? []), ...artifacts(r, "products")];
    else r.skipUnknown("Expected `exits`, `sees`, `consumes` or `produces` in an inspection's evidence.", ["exits", "sees", "consumes", "produces"]);
  }
  r.expect("}", `\`}\` closing \`inspection ${name.text}\``);
  return ev;
}

function expectation(r: Reader, start: Span): ExpectedVerdict | undefined {
  if (r.eat("pass")) return { kind: "pass", span: start };
  if (!r.eat("fail")) return r.fail("Expected `pass` or `fail` after `expect`.");
  const out: ExpectedVerdict = { kind: "fail", span: start };
  const code = r.peek();
  if (code?.kind === "word" && !["at", "rule"].includes(code.text) && !r.is("}")) {
    r.next();
    out.code = code.text;
  }
  if (r.eat("at")) {
    const item = r.take("word", "the step or inspection the failure is at");
    if (item !== undefined) out.at = item.text;
    if (r.is("materials") || r.is("products")) out.side = (r.next() as Token).text as "materials" | "products";
  }
  if (r.eat("rule")) {
    const n = r.take("number", "the rule's position in its list, 1 for the first");
    if (n !== undefined) out.rule = Number(n.text);
  }
  return out;
}

interface RawTest extends PolicyTest {
  parameterValues: Record<string, string>;
  omittedParameters: string[];
  base?: { name: string; span: Span };
  omitted: string[];
}

function testBlock(r: Reader, start: Span): RawTest | undefined {
  const name = r.take("string", 'the test\'s name as a string, e.g. test "a tampered image is rejected" {');
  if (name === undefined) return undefined;
  const test: RawTest = { name: name.value, steps: [], inspections: [], omitted: [], parameterValues: {}, omittedParameters: [], span: start, nameSpan: name.span };
  if (r.eat("extends")) {
    const base = r.take("string", "the name of the test this one starts from");
    if (base !== undefined) test.base = { name: base.value, span: base.span };
  }
  if (!r.expect("{", "`{` opening the test")) return test;
  while (r.peek() !== undefined && !r.is("}")) {
    const t = r.next() as Token;
    if (t.kind === "word" && (t.text === "step" || t.text === "inspection")) {
      const item = r.take("word", `the ${t.text}'s name`);
      if (item === undefined) continue;
      if (t.text === "step") test.steps.push(stepBlock(r, item));
      else test.inspections.push(inspectionBlock(r, item));
    } else if (t.kind === "word" && t.text === "omit") {
      if (r.eat("parameter")) {
        const p = r.take("word", "the parameter to leave out, e.g. omit parameter version");
        if (p !== undefined) test.omittedParameters.push(p.text);
        continue;
      }
      const item = r.take("word", "the step whose evidence to leave out (or `parameter NAME`)");
      if (item !== undefined) test.omitted.push(item.text);
    } else if (t.kind === "word" && t.text === "links") {
      const dir = located(r, 'the links folder as a string, e.g. links "chain"');
      if (dir !== undefined) test.links = dir;
    } else if (t.kind === "word" && t.text === "attestations") {
      const dir = located(r, 'the attestations folder as a string, e.g. attestations "attestations"');
      if (dir !== undefined) test.attestations = dir;
    } else if (t.kind === "word" && t.text === "parameter") {
      parameter(r, test.parameterValues);
    } else if (t.kind === "word" && fileStatement(r, t.text, test)) {
      // read
    } else if (t.kind === "word" && t.text === "expect") {
      const verdict = expectation(r, t.span);
      if (verdict !== undefined) test.expect = verdict;
    } else {
      r.fail("Expected `step`, `inspection`, `omit`, `links`, `attestations`, `parameter`, `parameters`, `trusted-root` or `expect` in a test.", t.span);
      if (t.text === "{") r.skipBlockAndClose();
    }
  }
  r.expect("}", `\`}\` closing test "${test.name}"`);
  test.span = { start: start.start, end: r.here().start };
  return test;
}

/** Replaces the base's evidence item by item: a step the test describes replaces the base's. */
function merge<T>(base: readonly T[], own: readonly T[], key: (t: T) => string, omitted: readonly string[] = []): T[] {
  const mine = new Set(own.map(key));
  return [...base.filter((t) => !mine.has(key(t)) && !omitted.includes(key(t))), ...own];
}

/** Reads a `*.totem-test` file. Never throws; what cannot be read is a diagnostic. */
export function parseTestFile(text: string): PolicyTestFile {
  const diagnostics: Diagnostic[] = [];
  const r = new Reader(tokenize(text, diagnostics), diagnostics, text.length);
  const out: PolicyTestFile = { outsiders: [], params: {}, parameterValues: {}, tests: [], diagnostics };
  const byName = new Map<string, PolicyTest>();
  while (r.peek() !== undefined) {
    const t = r.next() as Token;
    if (t.kind === "word" && t.text === "policy") {
      const path = r.take("string", 'the policy file as a string, e.g. policy "root.totem"');
      if (path !== undefined) out.policy = { path: path.value, span: path.span };
    } else if (t.kind === "word" && t.text === "param") {
      const name = r.take("word", "the param's name, e.g. param VERSION = \"1.4.2\"");
      if (name === undefined || !r.expect("=", "`=` and the param's value")) continue;
      const value = r.take("string", "the param's value as a string");
      if (value !== undefined) out.params[name.text] = value.value;
    } else if (t.kind === "word" && t.text === "parameter") {
      parameter(r, out.parameterValues);
    } else if (t.kind === "word" && fileStatement(r, t.text, out)) {
      // read
    } else if (t.kind === "word" && t.text === "outsider") {
      out.outsiders.push(...names(r).map((n) => n.name));
    } else if (t.kind === "word" && t.text === "test") {
      const raw = testBlock(r, t.span);
      if (raw === undefined) continue;
      const { base, omitted, ...test } = raw;
      if (byName.has(test.name)) diagnostics.push(problem("test-duplicate", test.nameSpan, `A test named "${test.name}" is already written above: give this one another name.`));
      if (base !== undefined) {
        const from = byName.get(base.name);
        if (from === undefined) diagnostics.push(problem("test-unknown-base", base.span, `No test above is named "${base.name}": a test extends one written before it.`));
        else {
          test.steps = merge(from.steps, test.steps, (s) => s.step, omitted);
          test.inspections = merge(from.inspections, test.inspections, (s) => s.inspection);
          test.links ??= from.links;
          test.attestations ??= from.attestations;
          test.parameters ??= from.parameters;
          test.trustedRoot ??= from.trustedRoot;
          const given = Object.keys(test.parameterValues);
          test.parameterValues = { ...from.parameterValues, ...test.parameterValues };
          test.omittedParameters = [...(from.omittedParameters ?? []).filter((p) => !given.includes(p)), ...test.omittedParameters];
        }
      } else if (omitted.length > 0) test.steps = test.steps.filter((s) => !omitted.includes(s.step));
      if (test.expect === undefined) diagnostics.push(problem("test-syntax", test.nameSpan, "This test says no verdict: add `expect pass` or `expect fail CODE at STEP`."));
      byName.set(test.name, test);
      out.tests.push(test);
    } else {
      r.fail("Expected `policy`, `param`, `parameter`, `parameters`, `trusted-root`, `outsider` or `test` at the top of a test file.", t.span);
      if (t.text === "{") r.skipBlockAndClose();
    }
  }
  return out;
}
