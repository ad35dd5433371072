// `totem init --from-links DIR [--keys-dir DIR] [-o FILE]`: a strict starting policy inferred from a
// recorded chain (the dsl's inferPolicy), formatted, and proven before it is written: it must check
// clean and verify the very chain it came from (the engine's verifyChain, as `totem test` runs a
// `links` test). Never overwrites a file.
import { readdirSync } from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import { type KnownKey, type RecordedLink, compilePolicy, format, inferPolicy, isTotemName } from "@totem/dsl";
import { type Target, TARGETS, loadEnvelope, parsePublicKey } from "@totem/engine";
import { type Command, Option } from "commander";
import { FailedError, InputError, UsageError } from "../errors.js";
import { inside, readBytes, readText, resolveFrom, userPath } from "../io.js";
import { ioOf, resolveNow } from "../program.js";
import { createExclusiveAll } from "../write-files.js";
import { failurePlace } from "./test-report.js";
import { TestKeys, runTest } from "./test-chain.js";
import { plural } from "../words.js";

const EXAMPLES = `
Examples:
  $ totem init --from-links chain/ --keys-dir keys/ -o root.totem
  $ totem init --from-links . --stdout            (keys found among the links' folder's *.pub)

Every link file's signer must have a public key in --keys-dir (default: the links folder); the
functionary is named after its key file. Inspection links in the folder (NAME.link, unsigned, as
verify leaves them) become inspections; without them, add inspections by hand. Many new files under
one directory become one "dir/*" rule. The policy is written only when it checks clean and
verifies the chain it came from; it is a starting point: review it (its comments say what).

Exit codes: 0 written, 1 the inferred policy did not pass its own check (nothing written),
2 bad flag, unreadable link or key, a signer without a key, or an output file that exists.
`;

interface InitFlags {
  fromLinks?: string;
  keysDir?: string;
  output?: string;
  stdout?: boolean;
  name?: string;
  target?: Target;
}

/** Public keys in a folder by every keyid they have (both targets), named after their files. */
function keysIn(dir: string, policyDir: string): Map<string, KnownKey & { keyid13: string }> {
  const out = new Map<string, KnownKey & { keyid13: string }>();
  const taken = new Set<string>();
  for (const file of readdirSync(dir).sort()) {
    if (file.startsWith(".") || file.endsWith(".link")) continue;
    const path = join(dir, file);
    let text: string;
    try {
      text = readText(path, "key", file, "key");
    } catch {
      continue; // a folder or an unreadable file is not a key
    }
    const parsed = parsePublicKey(text);
    if (!parsed.ok) continue;
    const stem = basename(file).replace(/\.pub$|\.pem$|\.json$/, "");
    let name = isTotemName(stem) ? stem : `key_${parsed.value.keyid("in-toto-1.3").slice(0, 8)}`;
    for (let n = 2; taken.has(name); n++) name = `${stem}_${n}`;
    taken.add(name);
    const key = { name, path: relative(policyDir, path).split(sep).join("/"), keyid13: parsed.value.keyid("in-toto-1.3") };
    for (const target of TARGETS) out.set(parsed.value.keyid(target), key);
  }
  return out;
}

/** Registers `totem init`. */
export function register(program: Command): void {
  program
    .command("init")
    .description("infer a strict starting policy from a recorded chain (--from-links), proven to verify it")
    .requiredOption("--from-links <dir>", "the folder of the chain's link files")
    .option("--keys-dir <dir>", "the folder of the functionaries' public keys (default: the links folder)")
    .option("-o, --output <file>", "the policy to write (never overwritten; default: <folder name>.totem)")
    .option("--stdout", "print the policy instead of writing it")
    .option("--name <name>", "the layout's name (default: the links folder's name)")
    .addOption(new Option("--target <target>", "layout flavour (default: guessed from the signatures' keyids)").choices(TARGETS))
    .addHelpText("after", EXAMPLES)
    .action(async (opts: InitFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const linksFolder = userPath(io.cwd, opts.fromLinks ?? ".");
      const { path: linksDir, shown: linksShown } = linksFolder;
      const folderName = basename(linksDir === io.cwd ? io.cwd : linksDir).replace(/[^A-Za-z0-9_.-]/g, "-") || "policy";
      if (opts.stdout && opts.output !== undefined) throw new UsageError("give -o or --stdout, not both", "(see totem init --help)");
      const out = userPath(io.cwd, opts.output ?? `${folderName}.totem`);
      const policyDir = opts.stdout ? io.cwd : dirname(out.path);
      let files: string[];
      try {
        files = readdirSync(linksDir).filter((f) => f.endsWith(".link")).sort();
      } catch {
        throw new InputError(`cannot read the links folder '${linksShown}'`);
      }
      const keys = keysIn(resolveFrom(io.cwd, opts.keysDir ?? opts.fromLinks ?? "."), policyDir);
      const links: RecordedLink[] = [];
      const inspections: RecordedLink[] = [];
      let dsse = false;
      for (const file of files) {
        const at = inside(linksFolder, file);
        const loaded = loadEnvelope(readBytes(at.path, "link", at.shown, "link"), { expect: "link" });
        if (!loaded.ok || loaded.value.type !== "link") throw new InputError(`${at.shown} is not a link: ${loaded.ok ? "it holds a layout" : loaded.error.message}`);
        const recorded = { file, link: loaded.value.link, keyids: loaded.value.signatures.map((s) => s.keyid) };
        // An inspection link, as verification leaves it: `<inspection>.link`, unsigned.
        if (recorded.keyids.length === 0 && file === `${recorded.link.name}.link`) {
          inspections.push(recorded);
          continue;
        }
        dsse ||= loaded.value.envelope === "dsse";
        links.push(recorded);
      }
      const signers = links.flatMap((l) => l.keyids);
      const target: Target = opts.target ?? (signers.every((k) => keys.get(k)?.keyid13 === k) ? (dsse ? "in-toto-golang" : "in-toto-1.3") : "in-toto");
      const inferred = inferPolicy({ name: opts.name ?? folderName, target, links, inspections, keys, source: linksShown });
      if (!inferred.ok) {
        const hint = opts.keysDir === undefined ? " (give the public keys' folder with --keys-dir)" : "";
        throw new InputError(`cannot infer a policy from ${linksShown}:\n  ${inferred.problems.join("\n  ")}${hint}`);
      }
      const text = format(inferred.source) ?? inferred.source;
      // The proof: it checks clean, and it verifies the chain it came from.
      const now = resolveNow(undefined, io, "verdict");
      const compiled = compilePolicy(text, { readKey: (p) => readKeyQuietly(join(policyDir, p)), now });
      const problems = compiled.diagnostics.filter((d) => d.severity !== "hint" && d.severity !== "info");
      if (compiled.layout === undefined || problems.length > 0) {
        throw new FailedError(`the inferred policy does not check clean (a bug; please report it): ${problems.map((d) => `${d.code}: ${d.message}`).join("; ")}`);
      }
      const result = await runTest(
        { name: "init", links: { path: relative(linksDir, linksDir) || ".", span: { start: 0, end: 0 } }, steps: [], inspections: [], span: { start: 0, end: 0 }, nameSpan: { start: 0, end: 0 } },
        { layout: compiled.layout, file: compiled.analysis.file, target: compiled.target, keys: new TestKeys(), outsiders: [], now, dir: linksDir },
      );
      if (!result.passed) {
        throw new FailedError(`the inferred policy does not verify the chain it came from: ${result.failures.map((f) => `${failurePlace(f)}: ${f.message}`).join("; ")}`);
      }
      if (opts.stdout) io.stdout.write(text);
      else {
        createExclusiveAll([{ path: out.path, data: text, mode: 0o666, shown: out.shown }]);
        io.stderr.write(`wrote ${out.shown}: ${plural(inferred.steps.length, "step")} (${inferred.steps.join(", ")}); it checks clean and verifies ${linksShown}. Review it before signing.\n`);
      }
      if (result.warnings.length > 0) io.stderr.write(`totem: note: verifying ${linksShown} warned: ${result.warnings.map((w) => w.code).join(", ")}\n`);
      for (const r of inspections) {
        io.stderr.write(
          `totem: warning: inspection ${r.link.name} runs ${JSON.stringify(r.link.command)}, taken from the unsigned ${join(linksShown, r.file)}: every verifier runs it; check it before signing\n`,
        );
      }
    });
}

function readKeyQuietly(path: string): string | undefined {
  try {
    return readText(path, "key", path, "key");
  } catch {
    return undefined;
  }
}
