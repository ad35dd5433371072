// Keys a policy names from keyrings (`functionary NAME key gpg "FINGERPRINT" from "path"`), read in
// the background. Lowering is synchronous and reading a keyring is not (openpgp; gpg for a GnuPG
// home), so the first lowering that needs a reference starts its read and is told "not read yet"
// (no diagnostic, no layout); when the read ends, `onRead` runs — the server drops its lowerings and
// re-publishes open documents, as it does once the CEL parser has loaded. Reading itself is node-io's
// `readKeyringKey`, the CLI's too. An entry is read again when the keyring changes on disk (its
// modification time and size, and for a GnuPG home its key files') or the client reports a change.
import { statSync } from "node:fs";
import { join } from "node:path";
import { type KeyringKey, readKeyringKey } from "@totem/node-io";

/** Reads one reference: node-io's readKeyringKey, or a stand-in in tests. */
export type KeyringReader = (path: string, fingerprint: string) => Promise<KeyringKey>;

interface Entry {
  /** The keyring path (absolute). */
  path: string;
  /** What the keyring looked like on disk when its read started. */
  stamp: string;
  /** Undefined while the read runs. */
  read?: KeyringKey;
}

/** The files of a GnuPG home whose change means its keys may have changed. */
const HOME_KEY_FILES = ["pubring.kbx", "pubring.gpg"];

function statStamp(path: string): string {
  try {
    const s = statSync(path);
    return `${s.isDirectory() ? "d" : "f"}${s.mtimeMs}:${s.size}`;
  } catch {
    return "-";
  }
}

/**
 * The keyring at `path` as it is on disk now, in a comparable string. For a GnuPG home, its key
 * files only: the directory itself changes whenever gpg runs in it (lock files, sockets), our own
 * `gpg --export` included.
 */
function stampOf(path: string): string {
  const own = statStamp(path);
  return own.startsWith("d") ? ["d", ...HOME_KEY_FILES.map((f) => statStamp(join(path, f)))].join(" ") : own;
}

/** Keyring keys by absolute keyring path and fingerprint, read on demand in the background. */
export class KeyringCache {
  private readonly entries = new Map<string, Entry>();
  private disposed = false;

  /** `onRead` runs after each read that is still current ends. */
  constructor(
    private readonly onRead: () => void,
    private readonly reader: KeyringReader = readKeyringKey,
  ) {}

  /**
   * What the keyring at `path` (absolute) holds for `fingerprint`, or undefined while it is being
   * read; a reference not read yet, or whose keyring changed on disk, starts reading now.
   */
  get(path: string, fingerprint: string): KeyringKey | undefined {
    const id = `${path}\0${fingerprint}`;
    const stamp = stampOf(path);
    const known = this.entries.get(id);
    if ((known && known.stamp === stamp) || this.disposed) return known?.read;
    const entry: Entry = { path, stamp };
    this.entries.set(id, entry);
    const settle = (read: KeyringKey) => {
      // A read overtaken by a change (a newer entry, or none after invalidate) is dropped.
      if (this.entries.get(id) !== entry || this.disposed) return;
      entry.read = read;
      this.onRead();
    };
    this.reader(path, fingerprint).then(settle, (e: unknown) => settle({ kind: "unreadable", message: e instanceof Error ? e.message : String(e) }));
    return undefined;
  }

  /**
   * Forgets what was read from `path`, or from the GnuPG home whose key file `path` is (the client
   * reported a change). Other files of a home (trustdb.gpg, which gpg may rewrite as it exports) are
   * no change of its keys.
   */
  invalidate(path: string): void {
    for (const [id, entry] of this.entries) {
      if (path === entry.path || HOME_KEY_FILES.some((f) => path === join(entry.path, f))) this.entries.delete(id);
    }
  }

  /** Stops: no read starts and no read that ends is reported any more (server shutdown). */
  dispose(): void {
    this.disposed = true;
  }
}
