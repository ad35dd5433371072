// The dsl's symbol table (collectSymbols) indexed for the protocol: the name under an offset, its
// declaration, and every occurrence, in O(log n) per lookup.
import type { Span, SymbolKind, SymbolTable } from "@totem/dsl";
import { namespaceOf } from "@totem/dsl";

/** One written occurrence of a name: a declaration, or a use with the kind of what it resolves to. */
export interface Occurrence {
  /** For uses of unknown names in the step namespace, "step". */
  kind: SymbolKind;
  name: string;
  span: Span;
  declaration: boolean;
  /** Whether a use resolves to a declaration. */
  resolved: boolean;
}

const KIND_OF_NAMESPACE = { item: "step", functionary: "functionary", constant: "constant", "rule-set": "rule-set" } as const;

function keyOf(kind: SymbolKind, name: string): string {
  return `${namespaceOf(kind)}\u0000${name}`;
}

/** The occurrences of one analysed version, indexed by offset and by symbol. */
export class SymbolIndex {
  /** Every occurrence, sorted by offset. */
  readonly occurrences: Occurrence[];
  private readonly byKey = new Map<string, Occurrence[]>();

  constructor(readonly table: SymbolTable) {
    const occs: Occurrence[] = table.declarations.map((d) => ({ kind: d.kind, name: d.name, span: d.span, declaration: true, resolved: true }));
    for (const r of table.references) {
      occs.push({ kind: r.declaration?.kind ?? KIND_OF_NAMESPACE[r.namespace], name: r.name, span: r.span, declaration: false, resolved: r.declaration !== undefined });
    }
    occs.sort((a, b) => a.span.start - b.span.start);
    this.occurrences = occs;
    for (const o of occs) {
      const key = keyOf(o.kind, o.name);
      let list = this.byKey.get(key);
      if (!list) this.byKey.set(key, (list = []));
      list.push(o);
    }
  }

  /** The occurrence whose name contains `offset` (its end included, so a cursor just after a name finds it). */
  at(offset: number): Occurrence | undefined {
    const occs = this.occurrences;
    let lo = 0;
    let hi = occs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const o = occs[mid] as Occurrence;
      if (o.span.end < offset) lo = mid + 1;
      else if (o.span.start > offset) hi = mid - 1;
      else return o;
    }
    return undefined;
  }

  /** The (first) declaration an occurrence refers to, if declared. */
  declarationOf(o: Occurrence): Occurrence | undefined {
    const d = this.table.byName[namespaceOf(o.kind)].get(o.name);
    return d ? { kind: d.kind, name: d.name, span: d.span, declaration: true, resolved: true } : undefined;
  }

  /** Every occurrence (declarations, duplicates included, and uses) of the same symbol, in source order. */
  occurrencesOf(o: Occurrence): Occurrence[] {
    return this.byKey.get(keyOf(o.kind, o.name)) ?? [];
  }

  /** The first declarations of the given kinds, in source order. */
  declared(...kinds: SymbolKind[]): Occurrence[] {
    const seen = new Set<string>();
    const out: Occurrence[] = [];
    for (const d of this.table.declarations) {
      const key = keyOf(d.kind, d.name);
      if (kinds.includes(d.kind) && !seen.has(key)) {
        seen.add(key);
        out.push({ kind: d.kind, name: d.name, span: d.span, declaration: true, resolved: true });
      }
    }
    return out;
  }
}
