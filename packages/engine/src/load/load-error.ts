// The error every loader returns, and JSON paths (`$.signed.steps[2].threshold`) that point the user
// at the offending value.

/** Why a file could not be loaded: a stable kebab-case code, a sentence, and where in the JSON. */
export interface LoadError {
  /** Stable code, e.g. `json-float`, `schema`, `unknown-type`. */
  code: string;
  /** What is wrong and what to do about it. */
  message: string;
  /** JSONPath of the offending value, `$` for the whole document. */
  path: string;
}

/** The error as one sentence for a report: its message, and where (unless the message says it already). */
export function describeLoadError(error: LoadError): string {
  const message = error.message.replace(/\.$/, "");
  return message.includes(error.path) ? message : `${message} (at ${error.path})`;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Appends one key or index to a JSON path. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return IDENT.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Converts a JSON Pointer (ajv's `instancePath`, `/signed/steps/2`) to a JSON path
 * (`$.signed.steps[2]`), walking `root` so that only array members become `[n]`.
 */
export function pointerToPath(pointer: string, root: unknown): string {
  let path = "$";
  if (pointer === "") return path;
  let node: unknown = root;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      path = childPath(path, Number(key));
      node = node[Number(key)];
    } else {
      path = childPath(path, key);
      node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}

type Frame = { kind: "object"; key: string | null } | { kind: "array"; index: number };

/** The JSON path of the value at character `offset` of `text` (slow; only used to report errors). */
export function pathAt(text: string, offset: number): string {
  const stack: Frame[] = [];
  let pendingKey: string | null = null;
  let i = 0;
  while (i < offset && i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      let literal: string;
      try {
        literal = JSON.parse(text.slice(i, j + 1)) as string;
      } catch {
        literal = text.slice(i + 1, j);
      }
      pendingKey = literal;
      i = j + 1;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === ":" && top?.kind === "object") top.key = pendingKey;
    else if (c === "," && top?.kind === "array") top.index++;
    else if (c === "," && top?.kind === "object") top.key = null;
    else if (c === "{") stack.push({ kind: "object", key: null });
    else if (c === "[") stack.push({ kind: "array", index: 0 });
    else if (c === "}" || c === "]") stack.pop();
    i++;
  }
  const top = stack[stack.length - 1];
  if (top?.kind === "object" && top.key === null && text[offset] === '"') {
    // The offset is at a key (a duplicate key is reported there): name it.
    const end = text.indexOf('"', offset + 1);
    try {
      top.key = JSON.parse(text.slice(offset, end + 1)) as string;
    } catch {
      top.key = null;
    }
  }
  let path = "$";
  for (const f of stack) {
    if (f.kind === "array") path = childPath(path, f.index);
    else if (f.key !== null) path = childPath(path, f.key);
  }
  return path;
}
