// Writes a Layout model as Totem source text. Everything a verifier signs is written explicitly
// enough that lowering the text gives the same payload bytes; whatever the language cannot express
// becomes an ImportIssue instead of a silent change.
import type { ArtifactRule, DssePayloadForm, Inspection, Layout, PublicKey, Step, Target } from "@totem/engine";
import { CONSTRAINT_FIELDS } from "../checks/golang-fields.js";
import { splitCommand } from "../command-split.js";
import { quoteString } from "../string-literal.js";
import type { ImportIssue } from "./issues.js";
import { isTotemName } from "./names.js";

/** How one functionary's key is written: inline (a key literal) or as a path to a key file. */
export type KeyForm = { kind: "inline"; fields: [string, string | string[]][] } | { kind: "file"; path: string };

/** One functionary declaration to emit. */
export interface FunctionaryOut {
  name: string;
  keyid: string;
  key: KeyForm;
}

/** A `root-cas` or `intermediate-cas` block to emit: inline keys by name. */
export interface CaOut {
  kind: "root-cas" | "intermediate-cas";
  entries: { name: string; fields: [string, string | string[]][] }[];
}

/** Everything the emitter needs besides the layout. */
export interface EmitInput {
  layout: Layout;
  layoutName: string;
  target: Target;
  header: string[];
  functionaries: FunctionaryOut[];
  /** keyid → functionary name. */
  names: Map<string, string>;
  /** in-toto-golang's certificate authorities (absent blocks are not written). */
  cas: CaOut[];
  /** The DSSE payload form to write (`dsse-payload`), when not the default. */
  dssePayload?: DssePayloadForm;
}

const INDENT = "  ";

/** Characters Python's shlex.quote leaves unquoted: such words split back to themselves. */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** A command as a string when it splits back to the same argv, otherwise as a list. */
export function commandText(argv: readonly string[]): string {
  if (argv.length > 0 && argv.every((a) => PLAIN_WORD.test(a))) {
    const text = argv.join(" ");
    const split = splitCommand(text);
    if (split.ok && split.value.length === argv.length && split.value.every((a, i) => a === argv[i])) return quoteString(text);
  }
  return `[${argv.map(quoteString).join(", ")}]`;
}

function valueText(value: string | string[]): string {
  return typeof value === "string" ? quoteString(value) : `[${value.map(quoteString).join(", ")}]`;
}

/** An engine rule as Totem source (`match "*" with products from build`). */
export function ruleSource(rule: ArtifactRule): string {
  if (rule.type !== "match") return `${rule.type} ${quoteString(rule.pattern)}`;
  let out = `match ${quoteString(rule.pattern)}`;
  if (rule.sourcePrefix !== undefined) out += ` in ${quoteString(rule.sourcePrefix)}`;
  out += ` with ${rule.destinationType}`;
  if (rule.destinationPrefix !== undefined) out += ` in ${quoteString(rule.destinationPrefix)}`;
  return `${out} from ${rule.destinationName}`;
}

/** Writes the source of one layout; pushes what cannot be expressed to `issues`. */
export function emitSource(input: EmitInput, issues: ImportIssue[]): string {
  const { layout } = input;
  const lines: string[] = input.header.map((h) => `# ${h}`.trimEnd());
  lines.push(`layout ${quoteString(input.layoutName)} {`);
  lines.push(`${INDENT}target ${quoteString(input.target)}`);
  if (input.dssePayload !== undefined) lines.push(`${INDENT}dsse-payload ${quoteString(input.dssePayload)}`);
  lines.push(`${INDENT}expires ${quoteString(layout.expires)}`);
  if (layout.readme !== "") lines.push(`${INDENT}readme ${quoteString(layout.readme)}`);
  for (const f of input.functionaries) {
    lines.push("");
    if (f.key.kind === "file") {
      lines.push(`${INDENT}functionary ${f.name} key ${quoteString(f.key.path)}`);
      continue;
    }
    lines.push(...keyLines(`${INDENT}functionary ${f.name}`, f.key.fields, INDENT));
  }
  for (const block of input.cas) {
    lines.push("", `${INDENT}${block.kind} {`);
    for (const e of block.entries) lines.push(...keyLines(`${INDENT}${INDENT}${e.name}`, e.fields, `${INDENT}${INDENT}`));
    lines.push(`${INDENT}}`);
  }
  layout.steps.forEach((step, i) => {
    lines.push("", ...stepLines(step, i, input, issues));
  });
  layout.inspect.forEach((inspection, i) => {
    lines.push("", ...inspectionLines(inspection, i, issues));
  });
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/** `HEAD key {`, one line per field, `}`, indented under `indent`. */
function keyLines(head: string, fields: [string, string | string[]][], indent: string): string[] {
  return [`${head} key {`, ...fields.map(([field, value]) => `${indent}${INDENT}${field} ${valueText(value)}`), `${indent}}`];
}

/** A step's `cert-constraints` block (in-toto-golang), fields in the language's order. */
function constraintLines(step: Step): string[] {
  if (step.cert_constraints === undefined) return [];
  const ind = `${INDENT}${INDENT}`;
  const out = [`${ind}cert-constraints {`];
  for (const c of step.cert_constraints) {
    out.push(`${ind}${INDENT}constraint {`);
    for (const [field, spec] of Object.entries(CONSTRAINT_FIELDS)) {
      const value = (c as Record<string, string | string[] | undefined>)[spec.json];
      if (value !== undefined) out.push(`${ind}${INDENT}${INDENT}${field} ${valueText(value)}`);
    }
    out.push(`${ind}${INDENT}}`);
  }
  out.push(`${ind}}`);
  return out;
}

function checkName(name: string, path: string, what: string, issues: ImportIssue[]): void {
  if (isTotemName(name)) return;
  issues.push({
    code: "import-name",
    severity: "error",
    message: `The ${what} name ${JSON.stringify(name)} cannot be written in Totem (names are [A-Za-z_][A-Za-z0-9_.-]*); rename it in the layout first.`,
    path,
  });
}

function stepLines(step: Step, index: number, input: EmitInput, issues: ImportIssue[]): string[] {
  const path = `$.steps[${index}]`;
  checkName(step.name, `${path}.name`, "step", issues);
  const out = [`${INDENT}step ${step.name} {`];
  const by: string[] = [];
  // Every keyid has a name: one without a key in `keys` is a keyid-only functionary (importLayout).
  for (const keyid of step.pubkeys) {
    const name = input.names.get(keyid);
    if (name !== undefined) by.push(name);
  }
  if (by.length > 0) out.push(`${INDENT}${INDENT}by ${by.join(", ")}`);
  else {
    issues.push({
      code: "import-no-functionary",
      severity: "error",
      message: `Step "${step.name}" has no functionary key, which Totem rejects (no link could ever satisfy it).`,
      path: `${path}.pubkeys`,
    });
  }
  if (step.threshold !== 1) out.push(`${INDENT}${INDENT}threshold ${step.threshold}`);
  if (by.length > 0 && (step.threshold < 1 || step.threshold > new Set(step.pubkeys).size)) {
    issues.push({
      code: "import-threshold",
      severity: "error",
      message: `Step "${step.name}" has threshold ${step.threshold} with ${new Set(step.pubkeys).size} distinct key(s); Totem requires 1 ≤ threshold ≤ functionaries.`,
      path: `${path}.threshold`,
    });
  }
  if (step.expected_command.length > 0) out.push(`${INDENT}${INDENT}expect command ${commandText(step.expected_command)}`);
  out.push(...ruleBlock("materials", step.expected_materials, `${path}.expected_materials`, issues));
  out.push(...ruleBlock("products", step.expected_products, `${path}.expected_products`, issues));
  out.push(...constraintLines(step));
  out.push(`${INDENT}}`);
  return out;
}

function inspectionLines(inspection: Inspection, index: number, issues: ImportIssue[]): string[] {
  const path = `$.inspect[${index}]`;
  checkName(inspection.name, `${path}.name`, "inspection", issues);
  const out = [`${INDENT}inspection ${inspection.name} {`];
  out.push(`${INDENT}${INDENT}run ${commandText(inspection.run)}`);
  if (inspection.run.every((arg) => arg === "")) {
    issues.push({
      code: "import-empty-run",
      severity: "error",
      message: `Inspection "${inspection.name}" runs no command, which Totem rejects (inspection-without-run); give it a command in the layout first.`,
      path: `${path}.run`,
    });
  }
  out.push(...ruleBlock("materials", inspection.expected_materials, `${path}.expected_materials`, issues));
  out.push(...ruleBlock("products", inspection.expected_products, `${path}.expected_products`, issues));
  out.push(`${INDENT}}`);
  return out;
}

function ruleBlock(side: string, rules: readonly ArtifactRule[], path: string, issues: ImportIssue[]): string[] {
  if (rules.length === 0) return [];
  const out = [`${INDENT}${INDENT}${side} {`];
  rules.forEach((rule, i) => {
    if (rule.type === "match") checkName(rule.destinationName, `${path}[${i}]`, "MATCH destination", issues);
    out.push(`${INDENT}${INDENT}${INDENT}${ruleSource(rule)}`);
  });
  out.push(`${INDENT}${INDENT}}`);
  return out;
}

/** Fields of a key literal for `key`, given the keyid it is stored under and the target's defaults. */
export function keyLiteralFields(
  keyid: string,
  key: PublicKey,
  computedKeyid: string,
  defaultHashAlgorithms: readonly string[] | undefined,
  path: string,
  issues: ImportIssue[],
): [string, string | string[]][] {
  const fields: [string, string | string[]][] = [
    ["type", key.keytype],
    ["scheme", key.scheme],
    ["public", key.keyval.public],
  ];
  // The empty private part in-toto 1.3.1's RSA loader writes, and in-toto-golang's certificate.
  if (key.keyval.private === "") fields.push(["private", ""]);
  if (key.keyval.certificate !== undefined) fields.push(["certificate", key.keyval.certificate]);
  if (keyid !== computedKeyid) fields.push(["keyid", keyid]);
  // Fields the key object lacks: its own keyid (in-toto-rs), keyid_hash_algorithms where the target writes it.
  const omit: string[] = [];
  if (key.keyidAbsent) omit.push("keyid");
  if (key.keyid !== keyid) {
    issues.push({
      code: "import-keyid-mismatch",
      severity: "error",
      message: `The key stored under ${keyid} says its keyid is ${key.keyid}; Totem writes one keyid for both, so the payload would change.`,
      path: `${path}.keyid`,
    });
  }
  const algorithms = key.keyid_hash_algorithms;
  if (!sameList(algorithms, defaultHashAlgorithms)) {
    if (algorithms !== undefined) fields.push(["hash-algorithms", [...algorithms]]);
    else omit.push("hash-algorithms");
  }
  if (omit.length > 0) fields.push(["omit", omit]);
  // Totem key literals hold exactly the fields of INLINE_KEY_FIELDS (checks/inline-key.ts); any
  // other field of a key object is signed by 1.3.1 but cannot be written, so the import is lossy.
  for (const field of Object.keys(key.keyvalExtra ?? {})) {
    issues.push({
      code: "import-key-field",
      severity: "error",
      message: `The key ${keyid} has a keyval field ${JSON.stringify(field)}, which Totem key literals cannot hold; the signed key object would change.`,
      path: `${path}.keyval.${field}`,
    });
  }
  for (const field of Object.keys(key.extra ?? {})) {
    issues.push({
      code: "import-key-field",
      severity: "error",
      message: `The key ${keyid} has an extra field ${JSON.stringify(field)}, which Totem key literals cannot hold; the signed key object would change.`,
      path: `${path}.${field}`,
    });
  }
  return fields;
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
