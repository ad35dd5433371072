// The `<inspection>.link` files `totem verify` writes into its working directory, as in-toto-verify
// 1.3.1 does (persist_inspection_links, SPEC-NOTES §7 step 11): an unsigned Metablock in the format
// every Totem link file has. Layouts are untrusted input, so an inspection name is used as a file
// name only when it names a file in that directory and nothing else.
import { lstatSync, rmSync } from "node:fs";
import { join } from "node:path";
import { envelopeToText, isSafeFileStem, type Link, linkToJson } from "@totem/engine";
import { InputError } from "../errors.js";
import { describeFsError } from "../io.js";
import { writeFileAtomic } from "../write-files.js";

/**
 * The file 1.3.1 writes an inspection's link to (`FILENAME_FORMAT_SHORT`, `<name>.link`), or
 * undefined when the name holds a path separator or NUL: 1.3.1 would write `../x.link` outside its
 * directory, Totem writes nothing. (`.` and `..` cannot escape: `...link` is a plain file name.)
 */
export function inspectionLinkFile(name: string): string | undefined {
  return isSafeFileStem(name) ? `${name}.link` : undefined;
}

/**
 * Writes one inspection link into `dir`, atomically (temp file + rename, mode 0644). A symbolic link
 * already at that name is removed first, so the file is written in `dir` and never through the link
 * (1.3.1's `open(path, "wb")` would follow it). Returns the file name written, or why not.
 */
export function writeInspectionLink(link: Link, dir: string): { file: string } | { problem: string } {
  const file = inspectionLinkFile(link.name);
  if (file === undefined) {
    return { problem: `its name ${JSON.stringify(link.name)} holds a path separator or NUL, so it cannot be a file name in the current directory` };
  }
  const path = join(dir, file);
  try {
    if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) rmSync(path);
    writeFileAtomic(path, envelopeToText({ signed: linkToJson(link), signatures: [] }), 0o644, file);
  } catch (error) {
    // writeFileAtomic throws an InputError that already names the file; lstat/rm throw fs errors.
    return { problem: error instanceof InputError ? error.message : `cannot write '${file}': ${describeFsError(error)}` };
  }
  return { file };
}
