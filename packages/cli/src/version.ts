// The one place the CLI's version lives: program.ts re-exports it for commander and SARIF, and
// main.ts answers a bare `totem --version` from it without loading commander (start-up time).

/** The version `totem --version` prints (kept equal to packages/cli/package.json "version"). */
export const VERSION = "0.1.0";
