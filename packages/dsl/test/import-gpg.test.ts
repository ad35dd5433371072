// Importing a GPG layout (made by in-toto 1.3.1's layout API with GPG functionaries; the engine's
// fixtures/gpg): each GPG key becomes a `.gpg.json` key file, the policy compiles back to the same
// payload bytes, and no issue is reported.
import { readFileSync } from "node:fs";
import { canonicalString, layoutToJson, loadEnvelope } from "@totem/engine";
import { describe, expect, it } from "vitest";
import { importLayout, lower, parse } from "../src/index.js";

const LAYOUT = new URL("../../engine/test/fixtures/gpg/root.layout", import.meta.url).pathname;

function loadLayout() {
  const loaded = loadEnvelope(new Uint8Array(readFileSync(LAYOUT)));
  if (!loaded.ok || loaded.value.type !== "layout") throw new Error("not a layout");
  return loaded.value;
}

describe("importing GPG layouts", () => {
  it("writes each GPG key as a key file and compiles back to the same payload", () => {
    const envelope = loadLayout();
    const result = importLayout(envelope.layout, { name: "root", signatures: envelope.signatures, envelope: envelope.envelope });
    expect(result.issues).toEqual([]);
    expect(result.target).toBe("in-toto-1.3");
    expect(result.keyFiles).toHaveLength(2);
    for (const file of result.keyFiles) expect(file.path).toMatch(/^keys\/[a-z0-9_]+\.gpg\.json$/);
    expect(result.source).toMatchSnapshot();
    const files = new Map(result.keyFiles.map((k) => [k.path, k.text]));
    const lowered = lower(parse(result.source).file, { readKey: (p) => files.get(p), now: new Date(0), target: result.target });
    if (!lowered.layout) throw new Error(lowered.diagnostics.map((d) => d.message).join("; "));
    expect(canonicalString(layoutToJson(lowered.layout))).toBe(canonicalString(layoutToJson(envelope.layout)));
  });

  it("keeps GPG keys as key files under --keys-dir", () => {
    const result = importLayout(loadLayout().layout, { keysDir: "policy-keys" });
    expect(result.issues).toEqual([]);
    expect(result.keyFiles).toHaveLength(2);
    for (const file of result.keyFiles) expect(file.path).toMatch(/^policy-keys\/.+\.gpg\.json$/);
  });
});
