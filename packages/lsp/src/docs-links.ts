// Where a diagnostic code is documented, as a link a client can open: docs/language.md's section
// `#### <code>`, as a file: URL with the heading's line (`#L<n>`, which VS Code's opener honours).
// The file is looked up once in the two places Totem ships it: beside the running server (the VS Code
// extension's dist/language.md next to dist/server.cjs) and, for `totem lsp` from a checkout or the
// npm package (packages/cli/dist/totem.mjs), in docs/ three levels up. Elsewhere: no link, plain text.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { CODES } from "@totem/dsl";

let docs: { url: string; lines: Map<string, number> } | null | undefined;

function findDocs(): { url: string; lines: Map<string, number> } | null {
  const script = process.argv[1];
  if (script === undefined) return null;
  const dir = dirname(script);
  const candidates = [join(dir, "language.md"), join(dir, "..", "..", "..", "docs", "language.md")];
  const path = candidates.find((p) => existsSync(p));
  if (path === undefined) return null;
  const lines = new Map<string, number>();
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((l, i) => {
      const m = /^#### ([a-z0-9-]+)\s*$/.exec(l);
      if (m?.[1] !== undefined) lines.set(m[1], i + 1);
    });
  return { url: pathToFileURL(path).href, lines };
}

/** The link to a code's documentation, or undefined when the docs are not installed or the code is unknown. */
export function docsUrl(code: string): string | undefined {
  if (!Object.hasOwn(CODES, code)) return undefined;
  docs ??= findDocs();
  if (docs === null) return undefined;
  const line = docs.lines.get(code);
  return line === undefined ? docs.url : `${docs.url}#L${line}`;
}

/**
 * The hover text of a diagnostic code: its one-line summary and a link to its docs. Not the
 * diagnostic's message: the editor's own diagnostic hover already says that, once.
 */
export function codeDocsLink(code: string): string | undefined {
  const info = (CODES as Record<string, { summary: string; anchor: string } | undefined>)[code];
  if (info === undefined) return undefined;
  const url = docsUrl(code);
  return `${info.summary} ${url === undefined ? `See docs/language.md#${info.anchor}.` : `[docs/language.md#${info.anchor}](${url})`}`;
}
