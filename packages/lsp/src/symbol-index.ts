// Name resolution for navigation: which declaration an occurrence denotes, and every occurrence of it.
import { collectOccurrences, namespaceOf, type Occurrence } from "./occurrences.js";
import type { PolicyFile } from "@totem/dsl";

function keyOf(o: Occurrence): string {
  return `${namespaceOf(o.kind)}\u0000${o.name}`;
}

/** The occurrences of one analysed version, indexed by offset and by declared name. */
export class SymbolIndex {
  /** Every occurrence, sorted by offset. */
  readonly occurrences: Occurrence[];
  private readonly decls = new Map<string, Occurrence>();
  private readonly byKey = new Map<string, Occurrence[]>();

  constructor(file: PolicyFile) {
    this.occurrences = collectOccurrences(file);
    for (const o of this.occurrences) {
      const key = keyOf(o);
      if (o.declaration && !this.decls.has(key)) this.decls.set(key, o);
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
    return this.decls.get(keyOf(o));
  }

  /** Every occurrence (declarations and uses) of the same symbol, in source order. */
  occurrencesOf(o: Occurrence): Occurrence[] {
    return this.byKey.get(keyOf(o)) ?? [];
  }

  /** The first declaration of each declared name. */
  declarations(): Occurrence[] {
    return [...this.decls.values()];
  }

  /** Declarations of the given kinds, in source order. */
  declared(...kinds: Occurrence["kind"][]): Occurrence[] {
    return this.declarations().filter((d) => kinds.includes(d.kind));
  }

  /** Whether a name is already declared in the namespace of `kind`. */
  isDeclared(kind: Occurrence["kind"], name: string): boolean {
    return this.decls.has(`${namespaceOf(kind)}\u0000${name}`);
  }
}
