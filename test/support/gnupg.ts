// A throwaway GnuPG home for tests that need real OpenPGP keys made by the `gpg` binary (CI installs
// gnupg: .ci/run). The home's path is short: gpg-agent's socket path must stay under the sockaddr_un
// limit. Never the user's own keyring.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";

export class ThrowawayGnupg {
  readonly home = mkdtempSync("/tmp/tg-");

  /** Runs gpg in this home, unattended, without passphrases; its standard output. Throws on failure. */
  run(args: readonly string[], input?: string): string {
    const r = spawnSync("gpg", ["--homedir", this.home, "--batch", "--passphrase", "", "--pinentry-mode", "loopback", ...args], { encoding: "utf8", input, timeout: 120_000 });
    if (r.error) throw new Error(`These tests need the gpg program (GnuPG): install it (Debian: apt-get install gnupg). Running gpg failed: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`gpg ${args.join(" ")} failed: ${r.stderr}`);
    return r.stdout;
  }

  /** Makes a signing key for `uid` (`algo`: ed25519, rsa2048, dsa2048, …; `expires`: never, 1y, …) and returns its fingerprint. */
  newKey(uid: string, algo = "ed25519", expires = "never"): string {
    this.run(["--quick-gen-key", uid, algo, "sign", expires]);
    return this.fingerprint(uid);
  }

  /** The primary key fingerprint of `uid`. */
  fingerprint(uid: string): string {
    const line = this.run(["--with-colons", "--list-keys", uid]).split("\n").find((l) => l.startsWith("fpr:"));
    if (!line) throw new Error(`no fingerprint for ${uid}`);
    return line.split(":")[9] as string;
  }

  /** The fingerprints of `uid`'s subkeys. */
  subkeyFingerprints(uid: string): string[] {
    const lines = this.run(["--with-colons", "--list-keys", uid]).split("\n");
    return lines.flatMap((l, i) => (l.startsWith("sub:") && lines[i + 1]?.startsWith("fpr:") ? [(lines[i + 1] as string).split(":")[9] as string] : []));
  }

  /** Stops the home's agents and removes it (TOTEM_KEEP_GNUPGHOME keeps it, for debugging). */
  dispose(): void {
    if (process.env.TOTEM_KEEP_GNUPGHOME) return;
    spawnSync("gpgconf", ["--homedir", this.home, "--kill", "all"], { timeout: 30_000 });
    rmSync(this.home, { recursive: true, force: true });
  }
}
