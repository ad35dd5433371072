// Runs an example's supply chain for real: every step's command is executed in a scratch workspace
// and recorded as a signed link by either `totem run` or the reference `in-toto-run`, the policy is
// compiled and signed by `totem compile`, and the final product folder is verified by either
// `totem verify` or the reference `in-toto-verify`. Used by `npm run demo` and by test/interop.
//
// An example describes its chain in `chain.json` beside the policy:
//   { "policy": "demo.totem", "owner": {"key": "keys/alice", "pub": "keys/alice.pub", "type": "ed25519"},
//     "steps": [ {"step": "clone", "key": "keys/bob", "type": "ed25519", "materials": [], "products": ["demo-project"],
//                 "command": ["sh", "-c", "…"]}, … ],
//     "final": ["demo-project.tar.gz"], "tamper": "demo-project.tar.gz" }
//
// Usage: node scripts/chain.mjs EXAMPLE_DIR OUT_DIR [--recorder totem|in-toto] [--verifier totem|in-toto]
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The bundled CLI, run with the same Node as this script. */
export const TOTEM = [process.execPath, join(ROOT, "packages/cli/bin/totem.js")];

/** Reads `chain.json` of an example folder. */
export function loadChain(exampleDir) {
  const chain = JSON.parse(readFileSync(join(exampleDir, "chain.json"), "utf8"));
  return { ...chain, dir: resolve(exampleDir) };
}

/** Runs a program; returns {status, stdout, stderr}. Never throws for a non-zero exit. */
export function exec(argv, opts = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", timeout: 120_000, ...opts });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function must(argv, opts) {
  const r = exec(argv, opts);
  if (r.status !== 0) {
    throw new Error(`command failed (${r.status}): ${argv.join(" ")}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

/**
 * Records every step of the chain in OUT/work and collects links and final products in OUT/final.
 * `keyOverrides` maps a key path in chain.json to another private key file (for tests that swap keys).
 */
export function recordChain(chain, out, { recorder = "totem", keyOverrides = {} } = {}) {
  const work = join(out, "work");
  const final = join(out, "final");
  mkdirSync(work, { recursive: true });
  mkdirSync(final, { recursive: true });
  for (const s of chain.steps) {
    const key = keyOverrides[s.key] ?? join(chain.dir, s.key);
    const m = s.materials.flatMap((p) => ["-m", p]);
    const p = s.products.flatMap((p) => ["-p", p]);
    const argv =
      recorder === "totem"
        ? [...TOTEM, "run", "--step", s.step, "--key", key, ...m, ...p, "--", ...s.command]
        : ["in-toto-run", "-n", s.step, "-k", key, "-t", s.type, ...(m.length ? ["-m", ...s.materials] : []), ...(p.length ? ["-p", ...s.products] : []), "--", ...s.command];
    must(argv, { cwd: work });
    for (const f of readdirSync(work)) if (f.endsWith(".link")) renameSync(join(work, f), join(final, f));
  }
  for (const f of chain.final) cpSync(join(work, f), join(final, f), { recursive: true });
  return final;
}

/** Compiles and signs the example's policy with the owner key into FINAL/root.layout. */
export function compileInto(chain, final, { ownerKey, ownerPub, extraArgs = [] } = {}) {
  const key = ownerKey ?? join(chain.dir, chain.owner.key);
  const pub = ownerPub ?? join(chain.dir, chain.owner.pub);
  must([...TOTEM, "compile", join(chain.dir, chain.policy), "--key", key, "-o", join(final, "root.layout"), ...extraArgs]);
  copyFileSync(pub, join(final, basename(pub)));
  return { layout: join(final, "root.layout"), pub: join(final, basename(pub)) };
}

/**
 * Verifies FINAL with either verifier, in a scratch copy (inspections write files into the
 * working directory). Returns {status, stdout, stderr}.
 */
export function verify(final, { verifier = "totem", pubs, types }) {
  const scratch = `${final}.verify-${process.pid}-${Date.now()}`;
  cpSync(final, scratch, { recursive: true });
  try {
    const argv =
      verifier === "totem"
        ? [...TOTEM, "verify", "--layout", "root.layout", ...pubs.flatMap((k) => ["--layout-key", k]), "--links", "."]
        : ["in-toto-verify", "--layout", "root.layout", "--layout-keys", ...pubs, "--key-types", ...types];
    return exec(argv, { cwd: scratch });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [exampleDir, out, ...rest] = process.argv.slice(2);
  if (!exampleDir || !out) {
    console.error("usage: node scripts/chain.mjs EXAMPLE_DIR OUT_DIR [--recorder totem|in-toto] [--verifier totem|in-toto]");
    process.exit(2);
  }
  const flag = (name, dflt) => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : dflt;
  };
  if (existsSync(out)) rmSync(out, { recursive: true, force: true });
  const chain = loadChain(exampleDir);
  const final = recordChain(chain, out, { recorder: flag("--recorder", "totem") });
  const { pub } = compileInto(chain, final);
  const r = verify(final, { verifier: flag("--verifier", "totem"), pubs: [basename(pub)], types: [chain.owner.type] });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exit(r.status ?? 1);
}
