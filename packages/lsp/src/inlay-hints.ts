// Inlay hints: what the text leaves implicit, computed from the compiled layout and the key files —
// the date `expires in 365d` resolves to (the compiled layout's `expires`), the keyid beside each
// functionary's key (for the policy's target), and beside each `match … from NAME` what that item's
// other side lists (the artifacts the rule reads).
import type { PolicyFile, RuleNode, Span } from "@totem/dsl";
import { type InlayHint, InlayHintKind, type Range } from "vscode-languageserver";
import type { DocumentSnapshot } from "./documents.js";
import { writtenRule } from "./hover.js";
import type { KeyHoverInfo } from "./hover.js";

/** What the hints read besides the tree. */
export interface HintSources {
  /** The compiled layout's `expires`, when the policy lowers. */
  expires?: string;
  /** The target keyids are shown for. */
  target: string;
  keys: (functionary: string) => KeyHoverInfo | undefined;
}

const MAX_RULES_SHOWN = 2;

function sourceRules(file: PolicyFile, from: string, side: "materials" | "products"): string | undefined {
  const item = file.layout?.items.find((i) => i.name.text === from);
  if (item === undefined) return undefined;
  const rules = (item[side]?.rules ?? []).filter((r) => r.kind !== "disallow").map(writtenRule);
  const shown = rules.slice(0, MAX_RULES_SHOWN).join(", ") + (rules.length > MAX_RULES_SHOWN ? ", …" : "");
  return `${from} ${side}${rules.length > 0 ? `: ${shown}` : " (no rules)"}`;
}

/** The hints of a policy whose position lies in `range`. */
export function inlayHints(doc: DocumentSnapshot, file: PolicyFile, range: Range, sources: HintSources): InlayHint[] {
  const first = doc.lines.offsetAt(range.start);
  const last = doc.lines.offsetAt(range.end);
  const out: InlayHint[] = [];
  const add = (offset: number, label: string, tooltip?: string) => {
    if (offset < first || offset > last) return;
    out.push({ position: doc.lines.positionAt(offset), label, kind: InlayHintKind.Type, paddingLeft: true, ...(tooltip ? { tooltip } : {}) });
  };
  const layout = file.layout;
  if (layout?.expires?.kind === "relative" && sources.expires !== undefined) {
    add(layout.expires.span.end, `= ${sources.expires}`, "The date this relative expiry resolves to now (compile fixes it in the signed layout).");
  }
  for (const f of layout?.functionaries ?? []) {
    if (f.key === undefined) continue;
    const keyids = sources.keys(f.name.text)?.keyids ?? [];
    const keyid = keyids.find((k) => k.target === sources.target || k.target === "declared")?.keyid;
    if (keyid !== undefined) add(f.key.span.end, `keyid ${keyid.slice(0, 16)}…`, `keyid (${sources.target}): ${keyid}`);
  }
  const matchRules: { rule: RuleNode; span: Span }[] = [];
  for (const set of file.ruleSets) for (const r of set.rules) matchRules.push({ rule: r, span: r.span });
  for (const item of layout?.items ?? []) {
    for (const block of [item.materials, item.products]) for (const r of block?.rules ?? []) matchRules.push({ rule: r, span: r.span });
  }
  for (const { rule, span } of matchRules) {
    if (rule.kind !== "match" || rule.from === undefined) continue;
    const what = sourceRules(file, rule.from.text, rule.destinationType ?? "products");
    if (what !== undefined) add(span.end, `← ${what}`);
  }
  return out;
}
