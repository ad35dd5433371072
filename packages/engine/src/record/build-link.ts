// The link a recording produces, field for field as the in-toto 1.3.1 CLI writes it (SPEC-NOTES §3):
// `in-toto-run` with a command → byproducts `{"return-value": n, "stderr": "", "stdout": ""}` (streams
// filled only when recorded); no command (`record start/stop`, `run -x`) → byproducts `{}`;
// environment is always `{}`.
import type { ArtifactDict, JsonObject, Link } from "../model.js";

/** What a recording observed. */
export interface Recording {
  /** The step name (becomes `link.name` and the file name). */
  name: string;
  materials: ArtifactDict;
  products: ArtifactDict;
  /** The command run, or undefined when none was (record start/stop). */
  command?: string[];
  /** The exit code (null when killed by a signal, recorded as in-toto would not: see docs/formats.md). */
  returnValue?: number | null;
  stdout?: string;
  stderr?: string;
}

/** Builds the link model of a recording. */
export function buildLink(r: Recording): Link {
  const byproducts: JsonObject =
    r.command === undefined ? {} : { "return-value": r.returnValue ?? null, stderr: r.stderr ?? "", stdout: r.stdout ?? "" };
  return {
    _type: "link",
    name: r.name,
    command: r.command ?? [],
    materials: r.materials,
    products: r.products,
    byproducts,
    environment: {},
  };
}

/** The file `record start` writes and `record stop` completes: `.<step>.<keyid[:8]>.link-unfinished`. */
export function unfinishedLinkFileFor(step: string, keyid: string): string {
  return `.${step}.${keyid.slice(0, 8)}.link-unfinished`;
}
