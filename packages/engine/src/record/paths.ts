// Artifact path normalization as in-toto 1.3.1 records paths (SPEC-NOTES §10): `os.path.normpath`
// (POSIX semantics), then `\` → `/`. Absolute paths stay absolute.

/** Python's `posixpath.normpath`: collapse `//`, `.` and `dir/..`; keep leading `..`; "" → ".". */
export function normpath(path: string): string {
  if (path === "") return ".";
  // POSIX allows exactly two leading slashes to mean something else; Python keeps them.
  const lead = path.startsWith("//") && !path.startsWith("///") ? "//" : path.startsWith("/") ? "/" : "";
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part !== ".." || (lead === "" && out.length === 0) || out[out.length - 1] === "..") out.push(part);
    else if (out.length > 0) out.pop();
  }
  const joined = lead + out.join("/");
  return joined === "" ? "." : joined;
}

/** The key an artifact is recorded under: normpath, then backslashes as slashes (runlib.py). */
export function artifactKey(path: string): string {
  return normpath(path).replace(/\\/g, "/");
}

/** `os.path.join(a, b)` for POSIX paths: b wins when absolute. */
export function joinPath(a: string, b: string): string {
  if (b.startsWith("/")) return b;
  if (a === "" || a.endsWith("/")) return a + b;
  return `${a}/${b}`;
}
