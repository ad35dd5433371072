// Attestation layout files (ITE-10/11, in-toto/attestation-verifier's YAML): how the commands that
// take either kind of layout (`import`, `diff`) recognize one, and read it strictly.
import { type AttestationLayout, parseAttestationLayout } from "@totem/engine";
import { InputError } from "../errors.js";

/**
 * The guess: YAML by its extension, or a file that does not start a JSON object and has an
 * attestation layout's top-level `expires:` or `steps:` key. Anything else is read as a signed layout.
 */
export function isAttestationLayout(path: string, bytes: Uint8Array): boolean {
  if (/\.ya?ml$/i.test(path)) return true;
  const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, "");
  return !/^\s*\{/.test(text) && /^(?:expires|steps)\s*:/m.test(text);
}

/** The attestation layout in `bytes`; InputError (exit 2) naming `shown` and the place when it is not one. */
export async function readAttestationLayout(bytes: Uint8Array, shown: string): Promise<AttestationLayout> {
  const parsed = await parseAttestationLayout(new TextDecoder("utf-8", { fatal: false }).decode(bytes));
  if (!parsed.ok) throw new InputError(`${shown} is not an attestation layout: ${parsed.error.message}${parsed.error.path ? ` (at ${parsed.error.path})` : ""}`);
  return parsed.value;
}
