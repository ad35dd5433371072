// A functionary whose key literal holds only a keyid: the layout lists the keyid in its steps'
// `pubkeys` but holds no key for it, so in-toto can verify no link for it (1.3.1 skips such links as
// unauthorized). Real layouts have this shape (in-toto-rs's test data), so import writes it; a policy
// author almost always meant to give the key.
import { isKeyidOnly } from "../checks/inline-key.js";
import type { CheckContext, Lint } from "../checks/context.js";
import { diagnostic } from "../codes.js";

function run(ctx: CheckContext): void {
  for (const f of ctx.layout?.functionaries ?? []) {
    const key = f.key;
    if (key?.kind !== "inline" || !isKeyidOnly(key)) continue;
    ctx.report(
      diagnostic(
        "keyid-only-key",
        { start: key.span.start, end: key.span.start + "key".length },
        `Functionary "${f.name.text}" has a keyid but no key: the layout will not hold a key for it, so no link it signs can be verified and its steps need other signers. Give its key (a key file, or type, scheme and public).`,
      ),
    );
  }
}

export const lintKeyidOnlyKey: Lint = { code: "keyid-only-key", run };
