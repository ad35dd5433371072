// `importLayout`: a signed layout's payload → a formatted Totem policy that lowers back to the same
// payload bytes. Pure: key files are returned as text for the caller to write.
import {
  DSSE_PAYLOAD_FORMS,
  type DssePayloadForm,
  dsseBody,
  type EnvelopeKind,
  type JsonValue,
  type Layout,
  layoutToJson,
  type Signature,
  type Target,
  usesKeyidHashAlgorithms,
} from "@totem/engine";
import { format } from "../format/index.js";
import { type CaOut, emitSource, type FunctionaryOut, keyLiteralFields } from "./emit-source.js";
import type { ImportIssue } from "./issues.js";
import { keyFileFor } from "./key-files.js";
import { payloadFidelity } from "./payload-fidelity.js";
import { roundTripIssues } from "./round-trip.js";
import { functionaryNames, orderOfUse } from "./names.js";
import { computedKeyid, guessTarget } from "./target-guess.js";

/** Options of `importLayout`. */
export interface ImportOptions {
  /** Target to write (default: guessed from the keyids). */
  target?: Target;
  /**
   * Write keys as files in this directory (a path as the policy will refer to it, `/`-separated)
   * instead of inline literals. Keys whose exact bytes a key file cannot reproduce stay inline.
   */
  keysDir?: string;
  /** The layout's name in `layout "…"` (not signed; default "imported"). */
  name?: string;
  /** The envelope's signatures, mentioned in the header so a textual diff shows re-signing. */
  signatures?: readonly Signature[];
  /** The envelope the layout came in, for the header. */
  envelope?: EnvelopeKind;
  /**
   * The payload JSON as the file holds it (Metablock `signed`, DSSE decoded payload). When given,
   * whatever the typed model cannot carry (rule keywords signed in lowercase, …) is reported too.
   */
  rawPayload?: JsonValue;
  /**
   * A DSSE layout's payload bytes as the envelope holds them. When they are one of the text forms
   * Totem writes for the same JSON (DSSE_PAYLOAD_FORMS) other than the default, the policy names it
   * (`dsse-payload`); when they are none of them, a warning says so.
   */
  payloadBytes?: Uint8Array;
}

/** A key file the caller should write next to the policy. */
export interface KeyFile {
  /** The path the policy refers to (inside `keysDir`). */
  path: string;
  text: string;
}

/** What `importLayout` produces. */
export interface ImportResult {
  /** The policy source. */
  source: string;
  /** Key files to write (empty with inline keys). */
  keyFiles: KeyFile[];
  /** The target written into the policy. */
  target: Target;
  /** Why that target (guessed or given). */
  targetReason: string;
  /** Errors: the policy would not lower to the same payload bytes. Warnings: choices made. */
  issues: ImportIssue[];
}

/** The keyid_hash_algorithms each target writes into layout keys (SPEC-NOTES §13.5, §4.3). */
export function defaultHashAlgorithms(target: Target): readonly string[] | undefined {
  return usesKeyidHashAlgorithms(target) ? ["sha256", "sha512"] : undefined;
}

/** Imports a layout payload as Totem source. Never throws for any layout the loader accepts. */
export function importLayout(layout: Layout, options: ImportOptions = {}): ImportResult {
  const issues: ImportIssue[] = options.rawPayload === undefined ? [] : payloadFidelity(options.rawPayload, layout);
  const guess = options.target === undefined ? guessTarget(layout, options.envelope) : undefined;
  const target = options.target ?? guess?.target ?? "in-toto-1.3";
  const targetReason = guess?.reason ?? "requested explicitly (--target)";
  const names = functionaryNames(layout);
  const keyFiles: KeyFile[] = [];
  const functionaries: FunctionaryOut[] = [];
  const keyids = [...new Set([...orderOfUse(layout), ...Object.keys(layout.keys).sort()])];
  for (const keyid of keyids) {
    const name = names.get(keyid) as string;
    const key = Object.hasOwn(layout.keys, keyid) ? layout.keys[keyid] : undefined;
    if (key === undefined) {
      // A step names a keyid the layout holds no key for (in-toto-rs's test layout): known by keyid only.
      functionaries.push({ name, keyid, key: { kind: "inline", fields: [["keyid", keyid]] } });
      continue;
    }
    const path = `$.keys[${JSON.stringify(keyid)}]`;
    const computed = computedKeyid(key, target);
    // A GPG key has no key literal: it is always a key file (keys/ when no --keys-dir is given).
    if (options.keysDir !== undefined || key.gpg) {
      const file = keyFileFor(keyid, key, target, computed);
      if (file !== undefined) {
        const filePath = `${(options.keysDir ?? "keys").replace(/\/+$/, "")}/${name}${key.gpg ? ".gpg.json" : ".pub"}`;
        keyFiles.push({ path: filePath, text: file });
        functionaries.push({ name, keyid, key: { kind: "file", path: filePath } });
        continue;
      }
      issues.push({
        code: "import-key-inline",
        severity: "warning",
        message: `The key ${keyid} stays inline: a key file would not reproduce its exact keyid or fields.`,
        path,
      });
    }
    const fields = keyLiteralFields(keyid, key, computed ?? "", defaultHashAlgorithms(target), path, issues);
    functionaries.push({ name, keyid, key: { kind: "inline", fields } });
  }
  const bytes = options.payloadBytes;
  const form = bytes === undefined ? undefined : DSSE_PAYLOAD_FORMS.find((f) => sameBytes(bytes, dsseBody(layoutToJson(layout), f)));
  if (bytes !== undefined && form === undefined) {
    issues.push({
      code: "import-dsse-form",
      severity: "warning",
      message:
        "The DSSE payload is in none of the text forms Totem writes (json.dumps with sorted keys, as in-toto ≥2 does, with or without one final newline: dsse-payload): the policy compiles to the same JSON in the default form, so the payload bytes differ.",
      path: "$.payload",
    });
  }
  const dssePayload: DssePayloadForm | undefined = form === "sorted-json" ? undefined : form;
  const cas = caDeclarations(layout, target, issues);
  const header = headerLines(target, targetReason, options);
  const emitted = emitSource({ layout, layoutName: options.name ?? "imported", target, header, functionaries, names, cas, ...(dssePayload ? { dssePayload } : {}) }, issues);
  // The formatter owns the canonical layout of source text; it returns undefined only on syntax
  // errors, which the emitter never produces (the round-trip check would report them).
  const source = format(emitted) ?? emitted;
  // The guarantee itself: when nothing was reported as inexpressible, prove the source lowers back
  // to the same payload; a failure here is a bug in the importer, reported rather than hidden.
  if (!issues.some((i) => i.severity === "error")) issues.push(...roundTripIssues({ source, keyFiles, target, ...(dssePayload ? { dssePayload } : {}) }, layout));
  return { source, keyFiles, target, targetReason, issues };
}

/** in-toto-golang's certificate authorities as inline keys named `root_<keyid8>` / `intermediate_<keyid8>`. */
function caDeclarations(layout: Layout, target: Target, issues: ImportIssue[]): CaOut[] {
  const out: CaOut[] = [];
  const taken = new Set<string>();
  for (const [field, kind, prefix] of [["rootcas", "root-cas", "root"], ["intermediatecas", "intermediate-cas", "intermediate"]] as const) {
    const keys = layout[field];
    if (keys === undefined) continue;
    const entries = Object.entries(keys).map(([keyid, key]) => {
      const base = `${prefix}_${keyid.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 8)}`;
      let name = base;
      for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
      taken.add(name);
      const path = `$.${field}[${JSON.stringify(keyid)}]`;
      return { name, fields: keyLiteralFields(keyid, key, computedKeyid(key, target) ?? "", defaultHashAlgorithms(target), path, issues) };
    });
    out.push({ kind, entries });
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function headerLines(target: Target, reason: string, options: ImportOptions): string[] {
  const lines = ["Imported from a signed in-toto layout by `totem import`."];
  const signatures = options.signatures ?? [];
  if (options.envelope !== undefined || signatures.length > 0) {
    const envelope = options.envelope === "dsse" ? "DSSE" : "Metablock";
    const signers = signatures.map((s) => s.keyid.slice(0, 8)).join(", ");
    lines.push(`${envelope} envelope, ${signatures.length} signature(s)${signers === "" ? "" : ` by ${signers}`}; compile and sign again after editing.`);
  }
  lines.push(`Target ${target}: ${reason}.`);
  return lines;
}
