// The entry point of Totem's GitHub Action (action.yml; docs/github-action.md). Reads its inputs as
// the runner passes them (INPUT_<NAME> variables), runs the `totem` CLI of this checkout for each
// step asked for — check (SARIF + annotations), test, compile and sign, verify — and writes outputs to
// $GITHUB_OUTPUT. No dependencies: plain Node, so the runner can start it from the checkout. If the
// CLI bundle is missing (a fresh checkout of the action), it is installed and built once with npm ci.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ACTION_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const TOTEM = join(ACTION_ROOT, "packages/cli/bin/totem.js");

/** An input as the runner passes it: `INPUT_` + the name upper-cased, spaces as `_` (hyphens kept). */
export function input(name, env = process.env) {
  return (env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}

function flag(name, env) {
  const value = input(name, env).toLowerCase();
  if (value === "" || value === "false") return false;
  if (value === "true") return true;
  throw new ActionError(`input ${name} must be "true" or "false", not ${JSON.stringify(value)}`);
}

class ActionError extends Error {}

/** Workflow command escaping (the runner's toolkit rules): data and property values. */
function escapeData(text) {
  return String(text).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(text) {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function setOutput(name, value, env) {
  const file = env.GITHUB_OUTPUT;
  if (!file) return;
  const delimiter = `totem_${randomBytes(8).toString("hex")}`;
  appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}

function ensureCli(log) {
  if (existsSync(join(ACTION_ROOT, "packages/cli/dist/totem.mjs"))) return;
  log("Installing and building Totem (npm ci) in the action's checkout…\n");
  const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: ACTION_ROOT, stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) throw new ActionError("npm ci failed in the action's checkout");
}

/** One SARIF result as an `::error`/`::warning`/`::notice` annotation on the policy line. */
function annotations(sarif) {
  const out = [];
  for (const run of sarif.runs ?? []) {
    for (const r of run.results ?? []) {
      const where = r.locations?.[0]?.physicalLocation;
      const region = where?.region ?? {};
      const kind = r.level === "error" ? "error" : r.level === "warning" ? "warning" : "notice";
      const props = [
        `file=${escapeProperty(decodeURIComponent(where?.artifactLocation?.uri ?? ""))}`,
        `line=${region.startLine ?? 1}`,
        `col=${region.startColumn ?? 1}`,
        `endLine=${region.endLine ?? region.startLine ?? 1}`,
        `endColumn=${region.endColumn ?? region.startColumn ?? 1}`,
        `title=${escapeProperty(`totem ${r.ruleId}`)}`,
      ];
      out.push(`::${kind} ${props.join(",")}::${escapeData(r.message?.text ?? "")}`);
    }
  }
  return out;
}

/** Runs the action; returns the exit code. `io` is the process's by default (tests pass their own). */
export function run(env = process.env, io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }) {
  const cwd = resolve(env.GITHUB_WORKSPACE ?? process.cwd(), input("working-directory", env) || ".");
  const totem = (args, extraEnv = {}, capture = false) => {
    const r = spawnSync(process.execPath, [TOTEM, ...args], { cwd, env: { ...env, ...extraEnv }, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    if (!capture) {
      io.out(r.stdout ?? "");
      io.err(r.stderr ?? "");
    } else io.err(r.stderr ?? "");
    return r;
  };
  const fail = (message) => {
    io.out(`::error::${escapeData(message)}\n`);
    return 1;
  };
  try {
    const policy = input("policy", env);
    const doCheck = input("check", env) === "" || flag("check", env);
    if (policy === "" && (doCheck || flag("compile", env))) throw new ActionError("input policy is required to check or compile (set check: false for verify alone)");
    ensureCli(io.err);
    const now = input("now", env);
    const nowArgs = now === "" ? [] : ["--now", now];
    // One NAME=VALUE per line, for the policy's `param` declarations (check, test and compile).
    const paramArgs = input("params", env)
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "")
      .flatMap((l) => ["--param", l]);

    if (doCheck) {
      const sarifFile = input("sarif-file", env) || "totem.sarif";
      const args = ["check", policy, "--format", "sarif", ...nowArgs, ...paramArgs];
      if (input("max-warnings", env) !== "") args.push("--max-warnings", input("max-warnings", env));
      if (input("docs-url", env) !== "") args.push("--docs-url", input("docs-url", env));
      const r = totem(args, {}, true);
      if (r.status === 2 || r.stdout === "") return fail(`totem check could not run (exit ${r.status})`);
      writeFileSync(resolve(cwd, sarifFile), r.stdout);
      const sarif = JSON.parse(r.stdout);
      for (const line of annotations(sarif)) io.out(`${line}\n`);
      const results = sarif.runs.flatMap((x) => x.results);
      setOutput("sarif-file", sarifFile, env);
      setOutput("errors", String(results.filter((x) => x.level === "error").length), env);
      setOutput("warnings", String(results.filter((x) => x.level === "warning").length), env);
      if (r.status !== 0) return fail(`totem check: ${policy} has errors or too many warnings (SARIF in ${sarifFile})`);
    }

    const tests = input("tests", env);
    if (tests !== "") {
      const r = totem(["test", ...tests.split(/\s+/), ...nowArgs, ...paramArgs]);
      if (r.status !== 0) return fail(`totem test: policy tests failed (exit ${r.status})`);
    }

    const layout = input("layout", env) || "root.layout";
    if (flag("compile", env)) {
      const key = input("signing-key", env);
      const keyDir = mkdtempSync(join(env.RUNNER_TEMP || tmpdir(), "totem-key-"));
      try {
        const args = ["compile", policy, "-o", layout, ...nowArgs, ...paramArgs];
        if (key !== "") {
          writeFileSync(join(keyDir, "owner.key"), `${key}\n`, { mode: 0o600 });
          args.push("--key", join(keyDir, "owner.key"));
        }
        const password = input("signing-key-password", env);
        const r = totem(args, password === "" ? {} : { TOTEM_KEY_PASSWORD: password });
        if (r.status !== 0) return fail(`totem compile failed (exit ${r.status})`);
      } finally {
        rmSync(keyDir, { recursive: true, force: true });
      }
      setOutput("layout", layout, env);
    }

    const attestations = input("attestations", env);
    if (flag("verify", env) && attestations !== "") {
      // An attestation layout (target "ite-10"): unsigned, so no layout keys; evidence from the folder.
      const args = ["verify", "--layout", layout, "--attestations", attestations, ...nowArgs];
      if (input("trusted-root", env) !== "") args.push("--trusted-root", input("trusted-root", env));
      if (input("substitute-parameters", env) !== "") args.push("--substitute-parameters", input("substitute-parameters", env));
      const r = totem(args);
      setOutput("verified", String(r.status === 0), env);
      if (r.status !== 0) return fail(`totem verify: the attestations in ${attestations} did not verify against ${layout} (exit ${r.status})`);
    } else if (flag("verify", env)) {
      const keys = input("layout-keys", env).split(/\s+/).filter((k) => k !== "");
      if (keys.length === 0) throw new ActionError("verify needs the layout owner's public keys in input layout-keys");
      const args = ["verify", "--layout", layout, "--links", input("links", env) || ".", ...keys.flatMap((k) => ["--layout-key", k]), ...nowArgs];
      const r = totem(args);
      setOutput("verified", String(r.status === 0), env);
      if (r.status !== 0) return fail(`totem verify: the chain in ${input("links", env) || "."} did not verify against ${layout} (exit ${r.status})`);
    }
    return 0;
  } catch (error) {
    if (error instanceof ActionError) return fail(error.message);
    throw error;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = run();
