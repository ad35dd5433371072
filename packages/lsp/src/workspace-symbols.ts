// Workspace symbols: names from the open documents and from every .totem file under the workspace
// folders (parsed from disk, cached by path and mtime, re-read when the client reports a change).
import { type Dirent, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "@totem/dsl";
import { readTextBounded } from "@totem/node-io";
import type { DocumentSymbol, SymbolInformation } from "vscode-languageserver";
import { LineIndex } from "./positions.js";
import { documentSymbols, workspaceSymbolsOf } from "./outline.js";
import type { ServerState } from "./server-state.js";
import { pathToUri, uriToPath } from "./uris.js";

/** Folders never searched for policies. */
const SKIP_DIRS = new Set(["node_modules", ".git", "dist", "out", ".cache"]);
/** Bounds on the walk so a huge workspace cannot stall the server. */
const MAX_FILES = 2000;
const MAX_DEPTH = 12;

interface FileEntry {
  mtimeMs: number;
  symbols: DocumentSymbol[];
}

/** The .totem files of the workspace folders and their outlines. */
export class WorkspaceIndex {
  private folders: string[] = [];
  private readonly files = new Map<string, FileEntry>();

  constructor(private readonly state: ServerState) {}

  /** Sets the workspace folders (URIs). */
  setFolders(uris: string[]): void {
    this.folders = uris.flatMap((u) => uriToPath(u) ?? []);
  }

  /** Applies a workspace/didChangeWorkspaceFolders event. */
  changeFolders(added: string[], removed: string[]): void {
    const gone = new Set(removed.flatMap((u) => uriToPath(u) ?? []));
    this.folders = [...this.folders.filter((f) => !gone.has(f)), ...added.flatMap((u) => uriToPath(u) ?? [])];
  }

  /** Forgets a file that changed on disk. */
  invalidate(path: string): void {
    this.files.delete(path);
  }

  private *policyPaths(): Generator<string> {
    let count = 0;
    const walk = function* (dir: string, depth: number): Generator<string> {
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (count >= MAX_FILES) return;
        if (e.isDirectory()) {
          if (!SKIP_DIRS.has(e.name) && !e.name.startsWith(".") && depth < MAX_DEPTH) yield* walk(join(dir, e.name), depth + 1);
        } else if (e.isFile() && e.name.endsWith(".totem")) {
          count++;
          yield join(dir, e.name);
        }
      }
    };
    for (const folder of this.folders) yield* walk(folder, 0);
  }

  private outlineOf(path: string): DocumentSymbol[] {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(path).mtimeMs;
    } catch {
      return [];
    }
    const cached = this.files.get(path);
    if (cached && cached.mtimeMs === mtimeMs) return cached.symbols;
    // Bounded: a policy-named FIFO or a huge file never blocks or swells the server.
    const text = readTextBounded(path, "policy");
    const symbols: DocumentSymbol[] = text.ok ? documentSymbols(parse(text.value).file, new LineIndex(text.value)) : [];
    this.files.set(path, { mtimeMs, symbols });
    return symbols;
  }

  /** Symbols whose names match `query`: open documents first (their live text), then files on disk. */
  symbols(query: string): SymbolInformation[] {
    const out: SymbolInformation[] = [];
    const open = new Set<string>();
    for (const doc of this.state.docs.all()) {
      open.add(doc.uri);
      workspaceSymbolsOf(doc.uri, documentSymbols(this.state.analyses.of(doc).file, doc.lines), query, out);
    }
    for (const path of this.policyPaths()) {
      const uri = pathToUri(path);
      if (!open.has(uri)) workspaceSymbolsOf(uri, this.outlineOf(path), query, out);
    }
    return out;
  }
}
