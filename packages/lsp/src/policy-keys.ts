// What the server adds to the pure dsl analysis by doing I/O: key files read relative to the policy
// (through the mtime cache) and keys from keyrings (through the background keyring cache), for hover
// and for the lowering diagnostics (`key-unreadable`, `key-invalid`).
import { dirname, isAbsolute, join } from "node:path";
import { constantResolver, type Diagnostic, type FunctionaryDecl, type LowerOptions, type PolicyFile, type StringExpr } from "@totem/dsl";
import { type PublicKey, parsePublicKey, TARGETS } from "@totem/engine";
import { keyringAnswer } from "@totem/node-io";
import type { DocumentSnapshot } from "./documents.js";
import type { KeyHoverInfo } from "./hover.js";
import type { ServerState } from "./server-state.js";
import { uriToPath } from "./uris.js";

/** The value of a string expression as lowering resolves it (constants referring to constants included). */
function stringValue(file: PolicyFile, e: StringExpr | undefined): string | undefined {
  return constantResolver(file)(e);
}

/** The absolute path a key path in `doc` refers to, or undefined for documents that are not files. */
export function resolveKeyPath(doc: DocumentSnapshot, keyPath: string): string | undefined {
  if (isAbsolute(keyPath)) return keyPath;
  const path = uriToPath(doc.uri);
  return path ? join(dirname(path), keyPath) : undefined;
}

/** Reads a key file for `doc` (`readKey` of the dsl's lowering): its text, or undefined when unreadable. */
export function keyReader(state: ServerState, doc: DocumentSnapshot): (keyPath: string) => string | undefined {
  return (keyPath) => {
    const abs = resolveKeyPath(doc, keyPath);
    if (!abs) return undefined;
    const read = state.keys.read(abs);
    return "text" in read ? read.text : undefined;
  };
}

/**
 * Reads keyring keys for `doc` (`readGpgKey` of the dsl's lowering): the key, why it is not there,
 * undefined when the keyring cannot be read, or null while it is being read (lowering then reports
 * nothing; the server lowers again when the read ends).
 */
export function gpgKeyReader(state: ServerState, doc: DocumentSnapshot): (keyring: string, fingerprint: string) => PublicKey | string | undefined | null {
  return (keyring, fingerprint) => {
    const abs = resolveKeyPath(doc, keyring);
    if (!abs) return undefined;
    const read = state.keyrings.get(abs, fingerprint);
    return read === undefined ? null : keyringAnswer(read);
  };
}

/** What the dsl's lowering reads for `doc`: its key files and keyring keys, and the server's clock. */
export function lowerInputs(state: ServerState, doc: DocumentSnapshot): Pick<LowerOptions, "readKey" | "readGpgKey" | "now"> {
  return { readKey: keyReader(state, doc), readGpgKey: gpgKeyReader(state, doc), now: state.settings.now ?? new Date() };
}

/**
 * Why a policy gave no layout to `doing` (sign, simulate, diff): its errors, or — with none — keyring
 * keys still being read (lowering reports nothing for them until the read ends).
 */
export function noLayoutReason(diagnostics: readonly Diagnostic[], doing: string): string {
  return diagnostics.some((d) => d.severity === "error")
    ? `The policy has errors: fix them before ${doing}.`
    : `The policy's keyring keys are still being read: try ${doing} again in a moment.`;
}

/** The same key under every target: OpenPGP keyids do not depend on the in-toto version. */
function keyringKeyInfo(state: ServerState, doc: DocumentSnapshot, file: PolicyFile, f: FunctionaryDecl): KeyHoverInfo | undefined {
  if (f.key?.kind !== "file") return undefined;
  const keyring = stringValue(file, f.key.path);
  const fingerprint = stringValue(file, f.key.fingerprint);
  if (keyring === undefined || fingerprint === undefined) return undefined;
  const abs = resolveKeyPath(doc, keyring);
  if (!abs) return { problem: "the document is not saved to a file, so relative keyring paths cannot be read" };
  const read = state.keyrings.get(abs, fingerprint);
  if (read === undefined) return { problem: `the keyring ${abs} is being read` };
  if (read.kind === "unreadable") return { problem: `cannot read ${abs}: ${read.message}` };
  if (read.kind === "invalid") return { problem: read.message };
  return { keytype: read.key.keytype, scheme: read.key.scheme, keyids: TARGETS.map((target) => ({ target, keyid: read.key.keyid })) };
}

function inlineField(f: FunctionaryDecl, file: PolicyFile, name: string): string | undefined {
  if (f.key?.kind !== "inline") return undefined;
  const field = f.key.fields.find((x) => x.name.text === name);
  return field?.value && field.value.kind !== "list" ? stringValue(file, field.value) : undefined;
}

/** Key type, scheme and keyid per target of a functionary's key, read now (hover). */
export function keyInfo(state: ServerState, doc: DocumentSnapshot, functionary: string): KeyHoverInfo | undefined {
  const file = state.analyses.of(doc).file;
  const f = file.layout?.functionaries.find((x) => x.name.text === functionary);
  if (!f?.key) return undefined;
  if (f.key.kind === "inline") {
    const keytype = inlineField(f, file, "type");
    const scheme = inlineField(f, file, "scheme");
    const keyid = inlineField(f, file, "keyid");
    return { ...(keytype ? { keytype } : {}), ...(scheme ? { scheme } : {}), ...(keyid ? { keyids: [{ target: "declared", keyid }] } : {}) };
  }
  if (f.key.gpgSpan !== undefined) return keyringKeyInfo(state, doc, file, f);
  const keyPath = stringValue(file, f.key.path);
  if (keyPath === undefined) return undefined;
  const abs = resolveKeyPath(doc, keyPath);
  if (!abs) return { problem: "the document is not saved to a file, so relative key paths cannot be read" };
  const read = state.keys.read(abs);
  if ("error" in read) return { problem: read.error };
  const parsed = parsePublicKey(read.text);
  if (!parsed.ok) return { problem: parsed.error.message };
  const key = parsed.value;
  return { keytype: key.keytype, scheme: key.scheme, keyids: TARGETS.map((target) => ({ target, keyid: key.keyid(target) })) };
}

