// Policy tests (`*.totem-test`, docs/testing.md): a few readable lines per test that describe the
// evidence of a supply chain — which files each step consumed and produced, who signed, what an
// inspection returned — or point at a recorded links folder, and the verdict expected of it. This
// module reads the text into tests with every `extends` resolved. Pure; never throws: problems are
// diagnostics (codes `test-syntax`, `test-duplicate`, `test-unknown-base`, docs/testing.md).
import type { Code } from "../codes.js";
import type { Diagnostic, Span } from "../diagnostic.js";
import { splitCommand } from "../command-split.js";
import { decodeString } from "../string-literal.js";

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
  links?: { path: string; span: Span };
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
  tests: PolicyTest[];
  diagnostics: Diagnostic[];
}

interface Token {
  kind: "word" | "string" | "number" | "punct";
  text: string;
  /** Decoded value of a string. */
  value: string;
  span: Span;
}

const WORD = /[A-Za-z_][A-Za-z0-9_.-]*/y;
const NUMBER = /[0-9]+/y;
const STRING = /"(?:[^"\\\n]|\\.)*"?/y;

function tokenize(text: string, diagnostics: Diagnostic[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === "#") {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if ("{}[],=".includes(c)) {
      out.push({ kind: "punct", text: c, value: c, span: { start: i, end: i + 1 } });
      i++;
      continue;
    }
    const token = readToken(text, i, diagnostics);
    if (token !== undefined) {
      out.push(token);
      i = token.span.end;
      continue;
    }
    diagnostics.push(problem("test-syntax", { start: i, end: i + 1 }, `Unexpected character ${JSON.stringify(c)}.`));
    i++;
  }
  return out;
}

function readToken(text: string, i: number, diagnostics: Diagnostic[]): Token | undefined {
  for (const [kind, re] of [["word", WORD], ["number", NUMBER], ["string", STRING]] as const) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (m === null) continue;
    const image = m[0];
    const span = { start: i, end: i + image.length };
    if (kind !== "string") return { kind, text: image, value: image, span };
    const closed = image.length > 1 && /(^|[^\\])(\\\\)*"$/.test(image.slice(1));
    if (!closed) diagnostics.push(problem("test-syntax", span, "This string is not closed: end it with `\"` on the same line."));
    return { kind, text: image, value: decodeString(image, i, closed, diagnostics), span };
  }
  return undefined;
}

function problem(code: Code, span: Span, message: string): Diagnostic {
  return { code, severity: "error", message, span };
}

class Reader {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly diagnostics: Diagnostic[],
    private readonly end: number,
  ) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }

  next(): Token | undefined {
    return this.tokens[this.at++];
  }

  is(text: string): boolean {
    const t = this.peek();
    return t !== undefined && (t.kind === "word" || t.kind === "punct") && t.text === text;
  }

  eat(text: string): boolean {
    if (!this.is(text)) return false;
    this.at++;
    return true;
  }

  here(): Span {
    const t = this.peek();
    return t === undefined ? { start: this.end, end: this.end } : t.span;
  }

  fail(message: string, span: Span = this.here()): undefined {
    this.diagnostics.push(problem("test-syntax", span, message));
    return undefined;
  }

  /** After an unknown word: reports it once and skips to the next of `words` or the block's `}`. */
  skipUnknown(message: string, words: readonly string[]): void {
    this.fail(message);
    this.at++;
    while (this.peek() !== undefined && !this.is("}") && !words.some((w) => this.is(w))) this.at++;
  }

  expect(text: string, what: string): boolean {
    if (this.eat(text)) return true;
    this.fail(`Expected ${what}.`);
    return false;
  }

  take(kind: Token["kind"], what: string): Token | undefined {
    const t = this.peek();
    if (t?.kind === kind) {
      this.at++;
      return t;
    }
    return this.fail(`Expected ${what}.`);
  }

  /** Skips a block whose `{` was just read, its closing `}` included. */
  skipBlockAndClose(): void {
    this.skipBlock();
    this.eat("}");
  }

  /** Skips to the `}` closing the block the reader is in (nested blocks skipped whole). */
  skipBlock(): void {
    let depth = 0;
    for (let t = this.peek(); t !== undefined; t = this.peek()) {
      if (t.text === "}" && t.kind === "punct") {
        if (depth === 0) return;
        depth--;
      } else if (t.text === "{" && t.kind === "punct") depth++;
      this.at++;
    }
  }
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
    } else r.skipUnknown("Expected `by`, `consumes`, `produces` or `runs` in a step's evidence.", ["by", "consumes", "produces", "runs"]);
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
  base?: { name: string; span: Span };
  omitted: string[];
}

function testBlock(r: Reader, start: Span): RawTest | undefined {
  const name = r.take("string", 'the test\'s name as a string, e.g. test "a tampered image is rejected" {');
  if (name === undefined) return undefined;
  const test: RawTest = { name: name.value, steps: [], inspections: [], omitted: [], span: start, nameSpan: name.span };
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
      const item = r.take("word", "the step whose links to leave out");
      if (item !== undefined) test.omitted.push(item.text);
    } else if (t.kind === "word" && t.text === "links") {
      const dir = r.take("string", 'the links folder as a string, e.g. links "chain"');
      if (dir !== undefined) test.links = { path: dir.value, span: dir.span };
    } else if (t.kind === "word" && t.text === "expect") {
      const verdict = expectation(r, t.span);
      if (verdict !== undefined) test.expect = verdict;
    } else {
      r.fail("Expected `step`, `inspection`, `omit`, `links` or `expect` in a test.", t.span);
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
  const out: PolicyTestFile = { outsiders: [], params: {}, tests: [], diagnostics };
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
          if (from.links !== undefined && test.links === undefined) test.links = from.links;
        }
      } else if (omitted.length > 0) test.steps = test.steps.filter((s) => !omitted.includes(s.step));
      if (test.expect === undefined) diagnostics.push(problem("test-syntax", test.nameSpan, "This test says no verdict: add `expect pass` or `expect fail CODE at STEP`."));
      byName.set(test.name, test);
      out.tests.push(test);
    } else {
      r.fail("Expected `policy`, `param`, `outsider` or `test` at the top of a test file.", t.span);
      if (t.text === "{") r.skipBlockAndClose();
    }
  }
  return out;
}
