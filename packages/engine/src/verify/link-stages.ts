// Stages 1 and 2 of verification (SPEC-NOTES §7): layout signatures and expiry, and the names of
// link files and sublayout directories. Stages 3–8 are per step: step-check.ts.
import type { LoadedEnvelope } from "../load/envelope.js";
import type { Layout, PublicKey } from "../model.js";
import { gpgKeyids } from "../keys/gpg-key.js";
import { checkEnvelopeSignature } from "./envelope-signature.js";
import type { Failure } from "./types.js";

/** A key that may have signed the layout, under one keyid scheme. */
export interface KeyCandidate {
  keyid: string;
  key: PublicKey;
}

/** The link file name for a step and functionary: `<step>.<keyid[:8]>.link` (SPEC-NOTES §3). */
export function linkFileName(step: string, keyid: string): string {
  return `${step}.${keyid.slice(0, 8)}.link`;
}

/** The directory of a sublayout's links: `<step>.<keyid[:8]>/` (SPEC-NOTES §3). */
export function sublayoutDir(step: string, keyid: string): string {
  return `${step}.${keyid.slice(0, 8)}/`;
}

/** Stage 1: every trusted key must have a valid signature on the layout (found under either keyid scheme). */
export function verifyLayoutSignatures(layout: LoadedEnvelope, keys: KeyCandidate[][], now?: Date): Failure[] {
  if (keys.length === 0) {
    return [{ stage: 1, code: "no-layout-key", message: "No layout key was given; pass the layout owner's public key (--layout-key)." }];
  }
  const failures: Failure[] = [];
  const present = layout.signatures.map((s) => s.keyid.slice(0, 8)).join(", ") || "none";
  for (const candidates of keys) {
    // A GPG key's signature may be by one of its subkeys (Metablock.verify_signature).
    const signers = (c: KeyCandidate) => (c.key.gpg ? gpgKeyids(c.key) : [c.keyid]);
    const found = candidates.find((c) => layout.signatures.some((s) => signers(c).includes(s.keyid)));
    const ids = candidates.map((c) => c.keyid);
    if (!found) {
      failures.push({
        stage: 1,
        code: "layout-signature-missing",
        message: `The layout has no signature by the key ${ids.join(" (or ")}${ids.length > 1 ? ")" : ""}. Signatures present: ${present}. Pass the key that signed the layout, or have the owner sign it with this key (totem sign).`,
      });
    } else if (checkEnvelopeSignature(layout, found.keyid, found.key, now) === "expired") {
      failures.push({
        stage: 1,
        code: "layout-key-expired",
        message: `The layout was signed by GPG key ${found.keyid}, whose validity period had ended at ${now?.toISOString().replace(/\.\d{3}Z$/, "Z")} (in-toto-verify: KeyExpirationError). Have the owner extend the key's expiry (gpg --quick-set-expire) or re-sign the layout with a valid key.`,
      });
    } else if (checkEnvelopeSignature(layout, found.keyid, found.key, now) !== "valid") {
      failures.push({
        stage: 1,
        code: "layout-signature-invalid",
        message: `The layout's signature by key ${found.keyid} does not verify: the layout was changed after it was signed, or signed with another key. Get the original file or have it re-signed.`,
      });
    }
  }
  return failures;
}

/** Stage 2: the layout must not have expired (`expires < now` fails, as in 1.3.1). */
export function verifyExpiry(layout: Layout, now: Date): Failure[] {
  const expires = Date.parse(layout.expires);
  if (expires < now.getTime()) {
    return [
      {
        stage: 2,
        code: "layout-expired",
        message: `The layout expired at ${layout.expires} (checked at ${now.toISOString().replace(/\.\d{3}Z$/, "Z")}). Ask its owner for a renewed layout.`,
      },
    ];
  }
  return [];
}

