// Terminal styling: colour only when writing to a TTY and NO_COLOR is not set (https://no-color.org).

/** The styles the CLI uses; each wraps text in ANSI codes, or returns it unchanged when colour is off. */
export interface Style {
  /** Whether this style emits ANSI codes at all. */
  readonly enabled: boolean;
  /** Bold text (messages). */
  bold(text: string): string;
  /** Dimmed text (gutters, line numbers). */
  dim(text: string): string;
  /** Red (errors, carets of errors). */
  red(text: string): string;
  /** Yellow (warnings). */
  yellow(text: string): string;
  /** Cyan (info, hints, notes). */
  cyan(text: string): string;
  /** Green (success summaries). */
  green(text: string): string;
}

/**
 * Characters a terminal may act on instead of showing: C0 controls (ESC starts colour and cursor
 * sequences, CR rewrites a line, BS erases), DEL, C1 controls (U+009B is a one-character CSI), and the
 * bidirectional overrides and isolates that reorder what is shown ("Trojan Source", CVE-2021-42574).
 */
const TERMINAL_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from untrusted input (names and paths from layouts, links and policies) made safe to print on
 * one terminal line: each unsafe character becomes a visible escape — `\n`, `\r`, `\t`, `\xHH` for
 * other controls below U+0100, `\u{HHHH}` for the bidirectional marks. Everything else is unchanged.
 */
export function escapeForTerminal(text: string): string {
  return text.replace(TERMINAL_UNSAFE, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    const code = c.charCodeAt(0);
    const hex = code.toString(16).padStart(2, "0");
    return code < 0x100 ? `\\x${hex}` : `\\u{${hex}}`;
  });
}

/** Decides whether to colour a stream: only a TTY, and never when NO_COLOR is set to anything non-empty. */
export function colorEnabled(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return isTTY;
}

function sgr(open: number, close: number, on: boolean): (text: string) => string {
  return on ? (text) => `\u001b[${open}m${text}\u001b[${close}m` : (text) => text;
}

/** A Style that colours only when `enabled`. */
export function makeStyle(enabled: boolean): Style {
  return {
    enabled,
    bold: sgr(1, 22, enabled),
    dim: sgr(2, 22, enabled),
    red: sgr(31, 39, enabled),
    yellow: sgr(33, 39, enabled),
    cyan: sgr(36, 39, enabled),
    green: sgr(32, 39, enabled),
  };
}

/**
 * Asks for a password on the terminal without echoing it (raw mode). Resolves undefined when stdin
 * is not a terminal (CI, pipes): passwords then come only from the environment. Ctrl-C or Ctrl-D
 * cancels (undefined).
 */
export function promptHidden(prompt: string): Promise<string | undefined> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return Promise.resolve(undefined);
  process.stderr.write(prompt);
  return new Promise((resolvePassword) => {
    let value = "";
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    const finish = (result: string | undefined) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      resolvePassword(result);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return finish(value);
        if (ch === "\u0003" || ch === "\u0004") return finish(undefined);
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on("data", onData);
  });
}
