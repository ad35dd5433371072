// The notice `totem verify` gives for layouts with in-toto-golang's X.509 fields (`rootcas`,
// `intermediatecas`, step `cert_constraints`): Totem, like in-toto 1.3.1, carries them but does not
// verify certificate functionaries, so a reader must not take a PASS as a check of them.
import type { Layout, Warning } from "@totem/engine";

/** One `x509-not-verified` warning when `layout` has in-toto-golang's X.509 fields, else none. */
export function x509Warnings(layout: Layout | undefined): Warning[] {
  if (layout === undefined) return [];
  const fields = [
    ...(layout.rootcas !== undefined ? ["rootcas"] : []),
    ...(layout.intermediatecas !== undefined ? ["intermediatecas"] : []),
    ...layout.steps.filter((s) => s.cert_constraints !== undefined).map((s) => `cert_constraints of step "${s.name}"`),
  ];
  if (fields.length === 0) return [];
  return [
    {
      stage: 0,
      code: "x509-not-verified",
      message:
        `The layout has in-toto-golang's X.509 fields (${fields.join(", ")}); Totem, like in-toto 1.3.1, does not verify ` +
        "X.509 functionaries: links are checked only against the keys in the layout's keys.",
    },
  ];
}
