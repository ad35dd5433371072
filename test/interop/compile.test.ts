// Issue 4's proof: every example, compiled and signed by Totem with ed25519, RSA and ECDSA owner keys,
// verifies with in-toto-verify 1.3.1 over links recorded by the reference in-toto-run; tampering with
// one artifact makes it fail; and the payload bytes Totem signs are the bytes the reference computes.
import { appendFileSync, cpSync, readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { canonicalize } from "@totem/engine";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Chain,
  type KeyType,
  compileInto,
  examplesWithChains,
  loadChain,
  recordChain,
  referenceSignableBytes,
  referenceVerdict,
  refKeygen,
  tmp,
  verifyWith,
} from "./reference.js";

const OWNER_TYPES: KeyType[] = ["ed25519", "rsa", "ecdsa"];

describe.each(examplesWithChains().map((d) => [basename(d), d]))("example %s", (_name, dir) => {
  let chain: Chain;
  let recorded: string;
  const keysDir = tmp("totem-owner-keys-");

  beforeAll(() => {
    chain = loadChain(dir);
    recorded = recordChain(chain, tmp(), { recorder: "in-toto" });
  });

  it.each(OWNER_TYPES)("compiled with a %s owner key, verifies with in-toto-verify over reference links", (type) => {
    const final = tmp();
    cpSync(recorded, final, { recursive: true });
    const ownerKey = refKeygen(keysDir, `owner-${type}`, type);
    const { layout, pub } = compileInto(chain, final, { ownerKey, ownerPub: `${ownerKey}.pub` });

    const ok = verifyWith(final, { verifier: "in-toto", pubs: [basename(pub)], types: [type] });
    expect(ok.stderr, "in-toto-verify rejected a layout Totem compiled").not.toMatch(/Error/);
    expect(referenceVerdict(ok)).toBe("PASS");

    // The bytes Totem signed are exactly the bytes the reference re-serializes from its own model.
    const signed = JSON.parse(readFileSync(layout, "utf8")).signed;
    expect(Buffer.from(canonicalize(signed)).equals(referenceSignableBytes(layout))).toBe(true);

    // Tampering with one artifact of the final product makes the reference reject the chain.
    appendFileSync(join(final, chain.tamper), "tampered\n");
    const bad = verifyWith(final, { verifier: "in-toto", pubs: [basename(pub)], types: [type] });
    expect(referenceVerdict(bad)).not.toBe("PASS");
    expect(bad.status).toBe(1);
  });

  it("records links with totem run that in-toto-verify accepts", () => {
    const final = recordChain(chain, tmp(), { recorder: "totem" });
    const { pub } = compileInto(chain, final);
    const r = verifyWith(final, { verifier: "in-toto", pubs: [basename(pub)], types: [chain.owner.type] });
    expect(r.stderr, "in-toto-verify rejected links recorded by totem run").not.toMatch(/Error/);
    expect(referenceVerdict(r)).toBe("PASS");
    const link = readdirSync(final).find((f) => f.endsWith(".link"))!;
    const signed = JSON.parse(readFileSync(join(final, link), "utf8")).signed;
    expect(Buffer.from(canonicalize(signed)).equals(referenceSignableBytes(join(final, link)))).toBe(true);
  });
});
