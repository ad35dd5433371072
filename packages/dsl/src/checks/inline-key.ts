// Inline key literals: the fields a layout key object has (SPEC-NOTES §2, §4), each once, with the
// right shape. Lowering turns a valid literal into `layout.keys[keyid]` verbatim.
import type { KeyLiteral, StringExpr } from "../ast.js";
import { diagnostic } from "../codes.js";
import type { CheckContext } from "./context.js";

/** The fields of an inline key and whether each holds a list (`hash-algorithms`) or a string. */
export const INLINE_KEY_FIELDS: Record<string, "string" | "list"> = {
  type: "string",
  scheme: "string",
  public: "string",
  keyid: "string",
  "hash-algorithms": "list",
  // `keyval.private`: only "" (what in-toto 1.3.1's RSA loader writes into layouts; SPEC-NOTES §2).
  private: "string",
  // `keyval.certificate`: in-toto-golang's X.509 keys.
  certificate: "string",
  // `omit ["keyid"]`: the key object is written without its own `keyid` (in-toto-rs's layouts).
  omit: "list",
};

/**
 * The key object fields `omit` may leave out: `keyid` (in-toto-rs's layouts) and `hash-algorithms`
 * (`keyid_hash_algorithms`, which the in-toto-1.3 and in-toto-golang targets otherwise always write).
 */
export const OMITTABLE_KEY_FIELDS: readonly string[] = ["keyid", "hash-algorithms"];

const REQUIRED = ["type", "scheme", "public"];

/**
 * A literal holding only `keyid`: a functionary known by keyid alone, listed in its steps' `pubkeys`
 * but with no entry in `layout.keys` (the lint keyid-only-key says what that means).
 */
export function isKeyidOnly(key: KeyLiteral): boolean {
  return key.fields.length === 1 && key.fields[0]?.name.text === "keyid";
}

/** Checks one inline key literal; `owner` says whose key it is in messages (`functionary "bob"`). */
export function checkKey(ctx: CheckContext, owner: string, key: KeyLiteral): void {
  const seen = new Set<string>();
  for (const field of key.fields) {
    const f = field.name.text;
    if (f === "") continue;
    const shape = INLINE_KEY_FIELDS[f];
    if (shape === undefined) {
      ctx.report(diagnostic("invalid-inline-key", field.name.span, `Unknown key field "${f}": an inline key has ${Object.keys(INLINE_KEY_FIELDS).join(", ")}.`));
      continue;
    }
    if (seen.has(f)) {
      ctx.report(diagnostic("invalid-inline-key", field.name.span, `Key field "${f}" is given twice: remove one.`));
      continue;
    }
    seen.add(f);
    const actual = field.value === undefined ? undefined : field.value.kind === "list" ? "list" : "string";
    if (actual !== undefined && actual !== shape) {
      const want = shape === "list" ? 'a list such as ["sha256", "sha512"]' : "a string";
      ctx.report(diagnostic("invalid-inline-key", field.value!.span, `Key field "${f}" takes ${want}.`));
    } else if (f === "private" && field.value !== undefined && ctx.value(field.value as StringExpr) !== "") {
      // A policy is public text: a private key written here would be published with every layout.
      ctx.report(diagnostic("invalid-inline-key", field.value.span, 'Key field "private" may only be "" (the empty private part in-toto 1.3.1 writes); never put a private key in a policy.'));
    } else if (f === "omit" && field.value?.kind === "list") {
      for (const item of field.value.items) {
        const v = ctx.value(item);
        if (v !== undefined && !OMITTABLE_KEY_FIELDS.includes(v)) {
          ctx.report(diagnostic("invalid-inline-key", item.span, `Key field "omit" names fields the key object lacks; only ${OMITTABLE_KEY_FIELDS.map((x) => `"${x}"`).join(" and ")} can be omitted.`));
        } else if (v === "hash-algorithms" && key.fields.some((g) => g.name.text === "hash-algorithms")) {
          ctx.report(diagnostic("invalid-inline-key", item.span, 'Key field "hash-algorithms" is given and omitted: remove one of them.'));
        }
      }
    }
  }
  const missing = REQUIRED.filter((f) => !seen.has(f));
  if (missing.length > 0 && !isKeyidOnly(key)) {
    ctx.report(
      diagnostic(
        "invalid-inline-key",
        { start: key.span.start, end: key.span.start + "key".length },
        `The key of ${owner} lacks ${missing.map((m) => `\`${m}\``).join(", ")}: an inline key needs type, scheme and public.`,
      ),
    );
  }
}

/** Reports unknown, repeated, missing or mis-shaped fields of inline key literals. */
export function checkInlineKeys(ctx: CheckContext): void {
  for (const f of ctx.layout?.functionaries ?? []) if (f.key?.kind === "inline") checkKey(ctx, `functionary "${f.name.text}"`, f.key);
}
