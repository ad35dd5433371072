// `totem init --from-links`: a strict starting policy inferred from a recorded chain. Steps and their
// functionaries come from the links and their signatures; a step's order and its MATCH rules from
// equal hashes between one step's products and a later step's materials; CREATE and MODIFY from what
// a step's products add or change (`dir/*` for many under one directory, patterns.ts); every list
// ends in `disallow "*"`; expected commands are the recorded ones; inspections from inspection links.
// Comments in the output say what was inferred and what a human must review. Pure: the caller reads
// the links and keys.
import { type ArtifactDict, type HashDict, type Link, artifactAt, artifactPaths } from "@totem/engine";
import { commandText } from "../import/emit-source.js";
import { isTotemName } from "../import/names.js";
import { quoteString } from "../string-literal.js";
import { groupUnderDirectories } from "./patterns.js";

/** One link file as read: its payload and the keyids that signed it. */
export interface RecordedLink {
  /** The file name, for messages. */
  file: string;
  link: Link;
  keyids: string[];
}

/** A functionary the caller found a key for: its name in the policy and its key file path. */
export interface KnownKey {
  name: string;
  /** The key file as the policy will write it (relative to the policy). */
  path: string;
}

/** What `inferPolicy` needs. */
export interface InferInput {
  /** The layout's name. */
  name: string;
  target: string;
  links: readonly RecordedLink[];
  /** keyid → the functionary it belongs to. */
  keys: ReadonlyMap<string, KnownKey>;
  /**
   * Inspection links (`<inspection>.link`, unsigned, as in-toto-verify and `totem verify` leave them):
   * each becomes an inspection with its recorded command and rules from its materials and products.
   */
  inspections?: readonly RecordedLink[];
  /** Where the links came from, for the header comment. */
  source: string;
}

/** The inferred source, or why there is none. */
export type InferResult = { ok: true; source: string; steps: string[] } | { ok: false; problems: string[] };

function sameHash(a: HashDict | undefined, b: HashDict | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** The step (before `index` in `order`) whose products hold `path` with this hash; the latest wins. */
function producer(order: readonly Step[], index: number, path: string, hash: HashDict | undefined): Step | undefined {
  for (let i = index - 1; i >= 0; i--) {
    const s = order[i] as Step;
    if (sameHash(artifactAt(s.link.products, path), hash)) return s;
  }
  return undefined;
}

interface Step {
  name: string;
  link: Link;
  signers: string[];
  files: string[];
}

/** Steps ordered so that a step comes after every step whose products it consumes (ties: by name). */
function orderSteps(steps: Step[]): Step[] {
  const feeds = (a: Step, b: Step) => [...artifactPaths(b.link.materials)].some((p) => sameHash(artifactAt(a.link.products, p), artifactAt(b.link.materials, p)));
  const left = [...steps].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: Step[] = [];
  while (left.length > 0) {
    // The first step no remaining step feeds; in a cycle, the first by name.
    const at = Math.max(0, left.findIndex((s) => !left.some((o) => o !== s && feeds(o, s) && !feeds(s, o))));
    out.push(...left.splice(at, 1));
  }
  return out;
}

function sorted(dict: ArtifactDict): string[] {
  return [...artifactPaths(dict)].sort();
}

/** Infers a policy from a recorded chain. Never throws. */
export function inferPolicy(input: InferInput): InferResult {
  const problems: string[] = [];
  const byName = new Map<string, Step>();
  for (const r of input.links) {
    const name = r.link.name;
    if (!isTotemName(name)) {
      problems.push(`${r.file}: the step name ${JSON.stringify(name)} cannot be written as a Totem name (letters, digits, _ . -; not starting with a digit)`);
      continue;
    }
    const signers = r.keyids.map((k) => input.keys.get(k)?.name).filter((n): n is string => n !== undefined);
    if (signers.length === 0) problems.push(`${r.file}: no key given for its signer${r.keyids.length === 1 ? "" : "s"} ${r.keyids.map((k) => k.slice(0, 8)).join(", ")}`);
    const step = byName.get(name);
    if (step === undefined) byName.set(name, { name, link: r.link, signers, files: [r.file] });
    else {
      for (const s of signers) if (!step.signers.includes(s)) step.signers.push(s);
      step.files.push(r.file);
    }
  }
  if (byName.size === 0 && problems.length === 0) problems.push("no link files were found");
  if (problems.length > 0) return { ok: false, problems };
  // Signers by name: the link files' order (by keyid) says nothing a reviewer should read into.
  for (const step of byName.values()) step.signers.sort();
  const order = orderSteps([...byName.values()]);
  const functionaries = new Map<string, string>();
  for (const key of input.keys.values()) if (order.some((s) => s.signers.includes(key.name))) functionaries.set(key.name, key.path);

  const inspections = input.inspections ?? [];
  for (const r of inspections) {
    if (!isTotemName(r.link.name)) problems.push(`${r.file}: the inspection name ${JSON.stringify(r.link.name)} cannot be written as a Totem name`);
    else if (r.link.command.length === 0) problems.push(`${r.file}: the inspection link records no command to run`);
    else if (byName.has(r.link.name)) problems.push(`${r.file}: "${r.link.name}" is also a step's name`);
  }
  if (problems.length > 0) return { ok: false, problems };
  const lines = [
    `# Inferred by \`totem init --from-links ${input.source}\` from ${order.length} step${order.length === 1 ? "" : "s"}${inspections.length > 0 ? ` and ${inspections.length} inspection${inspections.length === 1 ? "" : "s"}` : ""} of a recorded chain.`,
    "# A STARTING POINT: review every rule before signing. Inferred: the steps (from link names), their",
    "# order and MATCH rules (equal hashes between a step's products and a later step's materials),",
    "# CREATE/MODIFY (what a step's products add or change), the signers (the keys that signed the",
    "# links) and the expected commands (the recorded ones); `dir/*` where many paths under one",
    "# directory get the same rule. Review especially: materials no earlier step produced (ALLOW,",
    "# marked below), thresholds, exact paths that should be patterns,",
    ...(inspections.length > 0
      ? ["# and the inspections (from the inspection links: the recorded command and what it read and wrote)."]
      : ["# and inspections: the links folder holds no inspection links, so none were inferred; add them by hand."]),
    `layout ${quoteString(input.name)} {`,
    `  target ${quoteString(input.target)}`,
    "  expires in 180d",
    `  readme ${quoteString(`Inferred from ${input.source} by totem init; reviewed by: (fill in).`)}`,
    "",
  ];
  for (const [name, path] of functionaries) lines.push(`  functionary ${name} key ${quoteString(path)}`);
  order.forEach((step, index) => {
    lines.push("");
    if (step.files.length > 1) lines.push(`  # ${step.files.length} links, by ${step.signers.length} keys: a threshold of ${step.signers.length} was inferred (review).`);
    lines.push(`  step ${step.name} {`);
    lines.push(`    by ${step.signers.join(", ")}`);
    if (step.signers.length > 1) lines.push(`    threshold ${step.signers.length}`);
    if (step.link.command.length > 0) lines.push(`    expect command ${commandText(step.link.command)}`);
    lines.push(...ruleLists(step.link, (path, hash) => producer(order, index, path, hash), false), "  }");
  });
  for (const r of [...inspections].sort((a, b) => (a.link.name < b.link.name ? -1 : 1))) {
    lines.push(
      "",
      `  # UNSIGNED: this command comes from ${r.file}, which nobody signed (inspection links never are):`,
      "  # whoever could write the links folder chose it, and every verifier of the layout runs it.",
      "  # Check it word by word before signing.",
      `  inspection ${r.link.name} {`,
      `    run ${commandText(r.link.command)}`,
    );
    lines.push(...ruleLists(r.link, (path, hash) => producer(order, order.length, path, hash), true), "  }");
  }
  lines.push("}");
  return { ok: true, source: `${lines.join("\n")}\n`, steps: order.map((s) => s.name) };
}

type Producer = (path: string, hash: HashDict | undefined) => Step | undefined;

/**
 * The materials and products blocks of a step or inspection. An inspection's new products that an
 * earlier step produced with the same hash are MATCHed (it recreates them, as an unpacking does).
 */
function ruleLists(link: Link, producerOf: Producer, matchNew: boolean): string[] {
  const lines = ["    materials {"];
  const materials = sorted(link.materials);
  const fromOf = (path: string) => producerOf(path, artifactAt(link.materials, path))?.name;
  for (const g of groupUnderDirectories(materials, (p) => fromOf(p) && `match ${fromOf(p)}`)) {
    const from = fromOf(g.kind === "dir" ? (g.paths[0] as string) : g.path);
    if (g.kind === "dir") lines.push(`      match ${quoteString(g.pattern)} with products from ${from}  # ${g.paths.length} paths`);
    else if (from !== undefined) lines.push(`      match ${quoteString(g.path)} with products from ${from}`);
    else lines.push(`      allow ${quoteString(g.path)}  # REVIEW: no earlier step produced it`);
  }
  lines.push(`      disallow "*"`, "    }", "    products {");
  const ruleOf = (path: string): string | undefined => {
    const hash = artifactAt(link.products, path);
    const before = artifactAt(link.materials, path);
    const from = producerOf(path, hash)?.name;
    if (before === undefined) return matchNew && from !== undefined ? `match ${from}` : "create";
    if (!sameHash(before, hash)) return "modify";
    return from === undefined ? "allow" : `match ${from}`;
  };
  const single = (rule: string, path: string) => (rule.startsWith("match ") ? `match ${quoteString(path)} with products from ${rule.slice(6)}` : rule === "allow" ? `allow ${quoteString(path)}  # unchanged` : `${rule} ${quoteString(path)}`);
  // Only new paths (CREATE, or an inspection's MATCH) are grouped: MODIFY and ALLOW stay one per path.
  const groupable = (path: string) => {
    const rule = ruleOf(path) as string;
    return artifactAt(link.materials, path) === undefined ? rule : undefined;
  };
  for (const g of groupUnderDirectories(sorted(link.products), groupable)) {
    if (g.kind === "path") lines.push(`      ${single(ruleOf(g.path) as string, g.path)}`);
    else lines.push(`      ${single(ruleOf(g.paths[0] as string) as string, g.pattern)}  # ${g.paths.length} new paths`);
  }
  lines.push(`      disallow "*"`, "    }");
  return lines;
}
