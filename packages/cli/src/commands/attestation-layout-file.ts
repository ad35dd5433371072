// Attestation layout files (ITE-10/11, in-toto/attestation-verifier's YAML): how the commands that
// take either kind of layout (`import`, `diff`) recognize one, and read it strictly.
import { type AttestationLayout, looksLikeAttestationLayout, parseAttestationLayout } from "@totem/engine";
import { InputError } from "../errors.js";

/**
 * The guess: YAML by its extension, or content that reads as one (the engine's
 * looksLikeAttestationLayout, which the editor's import uses too). Anything else is a signed layout.
 */
export function isAttestationLayout(path: string, bytes: Uint8Array): boolean {
  return /\.ya?ml$/i.test(path) || looksLikeAttestationLayout(new TextDecoder().decode(bytes));
}

/** The attestation layout in `bytes`; InputError (exit 2) naming `shown` and the place when it is not one. */
export async function readAttestationLayout(bytes: Uint8Array, shown: string): Promise<AttestationLayout> {
  const parsed = await parseAttestationLayout(new TextDecoder("utf-8", { fatal: false }).decode(bytes));
  if (!parsed.ok) throw new InputError(`${shown} is not an attestation layout: ${parsed.error.message}${parsed.error.path ? ` (at ${parsed.error.path})` : ""}`);
  return parsed.value;
}
