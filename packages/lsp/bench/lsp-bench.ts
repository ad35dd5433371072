// Language-server benchmark: a real server and client over in-memory streams, on a generated
// 5k-line policy. Measures didChange → publishDiagnostics (debounce included), completion and hover
// latency (p95, ms) and the heap before and after 1000 edits (MiB, after GC when --expose-gc).
// `runLspBench()` is called by the root `npm run bench`; `node packages/lsp/bench/run.mjs` runs it alone.
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { analyze } from "@totem/dsl";
import type { CompletionItem, Hover } from "vscode-languageserver";
import { generatePolicy } from "../../dsl/test/gen-policy.js";
import { positionOf, startClient } from "../test/lsp-client.js";

/** A fresh ed25519 public key in securesystemslib JSON, the format in-toto-keygen writes. */
function sslibPublicKey(): string {
  const jwk = generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" });
  const hex = Buffer.from(jwk.x ?? "", "base64url").toString("hex");
  return JSON.stringify({ keytype: "ed25519", scheme: "ed25519", keyid_hash_algorithms: ["sha256", "sha512"], keyval: { public: hex } });
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] ?? Number.NaN;
}

function policyOfLines(lines: number): string {
  let steps = Math.round(lines / 9);
  let text = generatePolicy(steps);
  while (text.split("\n").length < lines) text = generatePolicy(++steps);
  return text;
}

function heapMiB(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  return process.memoryUsage().heapUsed / 2 ** 20;
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Runs the benchmark; resolves to named measurements (ms and MiB). */
export async function runLspBench(): Promise<Record<string, number>> {
  // The policy names keys/alice.pub, keys/bob.pub, keys/carl.pub: give it real ones.
  const dir = mkdtempSync(join(tmpdir(), "totem-lsp-bench-"));
  mkdirSync(join(dir, "keys"));
  for (const name of ["alice", "bob", "carl"]) writeFileSync(join(dir, "keys", `${name}.pub`), sslibPublicKey());
  const text = policyOfLines(5000);
  const uri = pathToFileURL(join(dir, "policy.totem")).href;
  const client = await startClient();
  try {
    let version = 1;
    await client.open(uri, text, version);
    await client.diagnostics(uri, version);

    // Typing at the end of step 300's comment: insert a character, then delete it, so the text stays 5k lines.
    const line = positionOf(text, 'create "build/300/out.o"  # the object file').line;
    const at = { line, character: 'create "build/300/out.o"  # the object file'.length + 6 };
    const edit = (i: number) =>
      i % 2 === 0
        ? [{ range: { start: at, end: at }, text: "x" }]
        : [{ range: { start: at, end: { line, character: at.character + 1 } }, text: "" }];

    // Warm-up: the first analyses run cold (JIT, the parser's first runs) and take several times
    // longer; an editor's server is warm after its first seconds, so they are reported apart.
    const warmTimes: number[] = [];
    for (let i = 0; i < 60; i++) {
      version++;
      const t = performance.now();
      await client.change(uri, version, edit(i));
      await client.diagnostics(uri, version);
      warmTimes.push(performance.now() - t);
    }

    const changeTimes: number[] = [];
    for (let i = 0; i < 200; i++) {
      version++;
      const t = performance.now();
      await client.change(uri, version, edit(i));
      await client.diagnostics(uri, version);
      changeTimes.push(performance.now() - t);
    }

    // After `by ` in three different steps: completion offers functionaries.
    const byPositions = [400, 401, 402].map((n) => ({ line: positionOf(text, `step s${n} {`).line + 1, character: "    by ".length }));
    const completionTimes: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      const items = await client.request<CompletionItem[]>("textDocument/completion", {
        textDocument: { uri },
        position: byPositions[i % 3],
      });
      completionTimes.push(performance.now() - t);
      if (i === 0 && items.length === 0) throw new Error("completion returned nothing: the benchmark position is wrong");
    }

    const hoverTimes: number[] = [];
    for (let i = 0; i < 200; i++) {
      const step = 100 + ((i * 37) % 400);
      const pos = positionOf(text, `from s${step} `, 6);
      const t = performance.now();
      const h = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: pos });
      hoverTimes.push(performance.now() - t);
      if (i === 0 && !h) throw new Error("hover returned nothing: the benchmark position is wrong");
    }

    // The dsl's own cost for the same text, so the report separates it from the server's overhead.
    const analyzeTimes: number[] = [];
    for (let i = 0; i < 11; i++) {
      const t = performance.now();
      analyze(text, { now: new Date() });
      analyzeTimes.push(performance.now() - t);
    }
    analyzeTimes.sort((a, b) => a - b);

    const heapBefore = heapMiB();
    for (let i = 0; i < 1000; i++) {
      version++;
      await client.change(uri, version, edit(i));
      // Let the debounce fire now and then, as a typist's pauses do.
      if (i % 10 === 9) await client.diagnostics(uri, version);
    }
    await client.diagnostics(uri, version);
    const heapAfter = heapMiB();

    return {
      "policy lines": text.split("\n").length,
      "first didChange → publishDiagnostics, cold (ms)": round(warmTimes[0] ?? Number.NaN),
      "didChange → publishDiagnostics p95 (ms, target ≤ 50)": round(p95(changeTimes)),
      "didChange → publishDiagnostics median (ms)": round([...changeTimes].sort((a, b) => a - b)[changeTimes.length >> 1] ?? Number.NaN),
      "dsl analyze() alone, median (ms)": round(analyzeTimes[5] ?? Number.NaN),
      "completion p95 (ms, target ≤ 20)": round(p95(completionTimes)),
      "hover p95 (ms, target ≤ 10)": round(p95(hoverTimes)),
      "heap before 1000 edits (MiB)": round(heapBefore),
      "heap after 1000 edits (MiB)": round(heapAfter),
    };
  } finally {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env.TOTEM_LSP_BENCH_MAIN === "1") {
  runLspBench().then(
    (r) => console.log(JSON.stringify(r)),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
