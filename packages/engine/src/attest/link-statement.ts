// `totem run --attest`: a step's evidence as an in-toto Statement with the link predicate v0.3
// (in-toto/attestation spec/predicates/link.md): the products are the subjects, and the predicate
// carries the step name, command, materials (as ResourceDescriptors), byproducts and environment —
// the fields of a classic link. attestation-verifier reads exactly this: materials from the
// predicate, products from the subjects (verify-layout.ts, claimArtifacts).
import { dsseBody, signDsse } from "../dsse.js";
import type { PrivateKeyMaterial } from "../keys/types.js";
import { INTOTO_PAYLOAD_TYPE, type JsonObject, type Link, type Target } from "../model.js";
import { ok, type Result } from "../result.js";
import { artifactRecord } from "../verify/artifact-dict.js";
import { type AttestError, fail } from "./attest-error.js";
import { type ResourceDescriptor, STATEMENT_V1, type Statement } from "./statement.js";

/** The predicate type of in-toto link attestations. */
export const LINK_PREDICATE_V03 = "https://in-toto.io/attestation/link/v0.3";

function descriptors(dict: Link["materials"]): (ResourceDescriptor & JsonObject)[] {
  return Object.entries(artifactRecord(dict)).map(([name, digest]) => ({ name, digest: { ...digest } }));
}

/** The subjects and predicate of a link's claim, in the one mapping of link fields to the link predicate. */
function claimParts(link: Link): { subject: (ResourceDescriptor & JsonObject)[]; predicate: JsonObject } {
  return {
    subject: descriptors(link.products),
    predicate: { name: link.name, command: [...link.command], materials: descriptors(link.materials), byproducts: link.byproducts, environment: link.environment },
  };
}

/**
 * A link read as the claim it makes, for classic link files in an attestation layout's folder
 * (link-evidence.ts): the same subjects and predicate as `run --attest` writes. A classic link may
 * have no products, so the subject list may be empty here.
 */
export function linkClaim(link: Link): Statement {
  return { type: STATEMENT_V1, predicateType: LINK_PREDICATE_V03, ...claimParts(link) };
}

/**
 * The Statement of a link. A Statement needs a subject, so a link without products (a step that
 * only consumes, or a sign-off) cannot become one: `link-statement-no-products`.
 */
export function linkStatement(link: Link): Result<JsonObject, AttestError> {
  const { subject, predicate } = claimParts(link);
  if (subject.length === 0) {
    return fail("link-statement-no-products", `Step "${link.name}" recorded no products, and an in-toto Statement needs at least one subject; record products (-p) or write a classic link.`);
  }
  return ok({ _type: STATEMENT_V1, subject, predicateType: LINK_PREDICATE_V03, predicate });
}

/** The DSSE envelope text (JSON, one line and a newline) of a link's Statement signed by `signers`. */
export function signLinkStatement(link: Link, signers: readonly PrivateKeyMaterial[], target: Target): Result<string, AttestError> {
  const statement = linkStatement(link);
  if (!statement.ok) return statement;
  // The same body form as Totem's DSSE links (json.dumps with sorted keys: strict JSON, bigints exact).
  const body = dsseBody(statement.value);
  return ok(`${JSON.stringify(signDsse(body, signers, target, INTOTO_PAYLOAD_TYPE))}\n`);
}
