// inferPolicy (totem init --from-links): order from artifact flow, MATCH from equal hashes, CREATE and
// MODIFY from what products add or change, ALLOW marked for review, and problems instead of throws.
import type { Link } from "@totem/engine";
import { describe, expect, it } from "vitest";
import { analyze, format, inferPolicy, type RecordedLink } from "../src/index.js";

function link(name: string, materials: Record<string, string>, products: Record<string, string>, command: string[] = []): Link {
  const dict = (d: Record<string, string>) => Object.fromEntries(Object.entries(d).map(([p, h]) => [p, { sha256: h.repeat(64).slice(0, 64) }]));
  return { _type: "link", name, command, materials: dict(materials), products: dict(products), byproducts: {}, environment: {} };
}

const KEYS = new Map([
  ["k1", { name: "alice", path: "keys/alice.pub" }],
  ["k2", { name: "bob", path: "keys/bob.pub" }],
]);

function recorded(...links: [Link, string][]): RecordedLink[] {
  return links.map(([l, k]) => ({ file: `${l.name}.${k}.link`, link: l, keyids: [k] }));
}

describe("inferPolicy", () => {
  it("orders steps by artifact flow, whatever order the files come in", () => {
    const links = recorded([link("pack", { a: "1" }, { a: "1", t: "2" }, ["tar", "cf", "t", "a"]), "k2"], [link("fetch", {}, { a: "1" }), "k1"]);
    const r = inferPolicy({ name: "x", target: "in-toto-1.3", links, keys: KEYS, source: "links" });
    expect(r.ok && r.steps).toEqual(["fetch", "pack"]);
    if (!r.ok) return;
    expect(r.source).toContain('match "a" with products from fetch');
    expect(r.source).toContain('create "t"');
    expect(r.source).toContain('expect command "tar cf t a"');
    expect(format(r.source)).toBeDefined();
    expect(analyze(r.source, {}).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("marks materials no earlier step produced, and writes MODIFY for a changed file", () => {
    const r = inferPolicy({ name: "x", target: "in-toto-1.3", links: recorded([link("edit", { "f.py": "1", cfg: "3" }, { "f.py": "2", cfg: "3" }), "k1"]), keys: KEYS, source: "l" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.source).toContain('allow "f.py"  # REVIEW: no earlier step produced it');
    expect(r.source).toContain('modify "f.py"');
    expect(r.source).toContain('allow "cfg"  # unchanged');
  });

  it("says what it cannot infer instead of guessing", () => {
    const r = inferPolicy({ name: "x", target: "in-toto-1.3", links: recorded([link("bad name", {}, {}), "k1"], [link("ok", {}, {}), "k9"]), keys: KEYS, source: "l" });
    expect(r).toEqual({
      ok: false,
      problems: [
        'bad name.k1.link: the step name "bad name" cannot be written as a Totem name (letters, digits, _ . -; not starting with a digit)',
        "ok.k9.link: no key given for its signer k9",
      ],
    });
    expect(inferPolicy({ name: "x", target: "in-toto-1.3", links: [], keys: KEYS, source: "l" })).toEqual({ ok: false, problems: ["no link files were found"] });
  });
});
