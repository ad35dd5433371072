// What the server adds to the pure dsl analysis by doing I/O: key files read relative to the policy
// (through the mtime cache) for hover and for the lowering diagnostics (`key-unreadable`, `key-invalid`).
import { dirname, isAbsolute, join } from "node:path";
import { constantResolver, type FunctionaryDecl, type PolicyFile, type StringExpr } from "@totem/dsl";
import { parsePublicKey, TARGETS } from "@totem/engine";
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

