// Thin wrappers around the reference in-toto 1.3.1 tools, used by the interop suites.
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error plain ESM script without types
import * as chainRunner from "../../scripts/chain.mjs";

export type KeyType = "ed25519" | "rsa" | "ecdsa";
export interface Exec {
  status: number | null;
  stdout: string;
  stderr: string;
}
export interface Chain {
  dir: string;
  policy: string;
  owner: { key: string; pub: string; type: KeyType };
  steps: { step: string; key: string; type: KeyType; materials: string[]; products: string[]; command: string[] }[];
  final: string[];
  tamper: string;
}

export const exec: (argv: string[], opts?: object) => Exec = chainRunner.exec;
export const TOTEM: string[] = chainRunner.TOTEM;
export const loadChain: (dir: string) => Chain = chainRunner.loadChain;
export const recordChain: (chain: Chain, out: string, opts?: object) => string = chainRunner.recordChain;
export const compileInto: (
  chain: Chain,
  final: string,
  opts?: { ownerKey?: string; ownerPub?: string; extraArgs?: string[] },
) => { layout: string; pub: string } = chainRunner.compileInto;
export const verifyWith: (final: string, opts: { verifier: "totem" | "in-toto"; pubs: string[]; types: KeyType[] }) => Exec =
  chainRunner.verify;

export const ROOT = new URL("../..", import.meta.url).pathname;
export const PY = "/usr/bin/python3";

/** A fresh temporary directory. */
export function tmp(prefix = "totem-interop-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Generates a key pair with the reference `in-toto-keygen`; returns the private key path. */
export function refKeygen(dir: string, name: string, type: KeyType): string {
  const path = join(dir, name);
  const r = exec(["in-toto-keygen", "-t", type, path]);
  if (r.status !== 0) throw new Error(`in-toto-keygen failed: ${r.stderr}`);
  return path;
}

/** The bytes in-toto 1.3.1 checks layout/link signatures over, as it computes them. */
export function referenceSignableBytes(metadataPath: string): Buffer {
  const script =
    "import sys\nfrom in_toto.models.metadata import Metablock\n" +
    "sys.stdout.buffer.write(Metablock.load(sys.argv[1]).signed.signable_bytes)\n";
  const r = chainRunner.exec([PY, "-c", script, metadataPath], { encoding: "buffer" }) as unknown as {
    status: number;
    stdout: Buffer;
    stderr: Buffer;
  };
  if (r.status !== 0) throw new Error(`reference could not load ${metadataPath}: ${r.stderr.toString()}`);
  return r.stdout;
}

/** The exception class in-toto-verify reported, e.g. "RuleVerificationError", or "PASS". */
export function referenceVerdict(r: Exec): string {
  if (r.status === 0) return "PASS";
  const m = /\(in-toto-verify\) (\w+):/.exec(r.stderr) ?? /(\w+(?:Error|Exception))\b/.exec(r.stderr);
  return m?.[1] ?? `exit ${r.status}`;
}

/** Examples that describe a runnable chain (examples/<name>/chain.json). */
export function examplesWithChains(): string[] {
  const dir = join(ROOT, "examples");
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(dir, d.name))
    .filter((d) => {
      try {
        return readFileSync(join(d, "chain.json")).length > 0;
      } catch {
        return false;
      }
    });
}
