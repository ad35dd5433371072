// Splitting a command written as one string into its arguments, the way Python's
// `shlex.split(text, posix=True)` does (in-toto's own tools split `--` commands with shlex too):
// - space, tab, carriage return and newline separate words; runs of them count once;
// - 'single quotes' keep everything inside literally, backslashes included;
// - "double quotes" group, and inside them a backslash escapes only `"` and `\` (kept otherwise);
// - outside quotes a backslash makes the next character literal (a space, a quote, a newline);
// - quoted and unquoted pieces that touch form one word (`a"b c"` → `ab c`); `""` is an empty word;
// - nothing else is special: no variables, no globbing, no `#` comments, no `;` or `|`.
import { err, ok, type Result } from "@totem/engine";

/** Why a command string could not be split, and where (a UTF-16 offset into the command text). */
export interface SplitError {
  message: string;
  offset: number;
}

const WHITESPACE = new Set([" ", "\t", "\r", "\n"]);

/** Splits `text` into arguments by the rules above; unbalanced quotes and a final lone backslash fail. */
export function splitCommand(text: string): Result<string[], SplitError> {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (WHITESPACE.has(ch)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      i++;
    } else if (ch === "\\") {
      if (i + 1 >= text.length) {
        return err({ message: "The command ends with a lone backslash: remove it, or write \\\\ for a backslash.", offset: i });
      }
      word += text[i + 1];
      inWord = true;
      i += 2;
    } else if (ch === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return err({ message: "This single quote is never closed: add a closing '.", offset: i });
      word += text.slice(i + 1, close);
      inWord = true;
      i = close + 1;
    } else if (ch === '"') {
      const quoted = readDoubleQuoted(text, i);
      if (!quoted.ok) return quoted;
      word += quoted.value.text;
      inWord = true;
      i = quoted.value.end;
    } else {
      word += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return ok(words);
}

/** Reads a double-quoted piece starting at the quote at `start`; `end` is just past its closing quote. */
function readDoubleQuoted(text: string, start: number): Result<{ text: string; end: number }, SplitError> {
  let out = "";
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') return ok({ text: out, end: i + 1 });
    const next = text[i + 1];
    if (ch === "\\" && (next === '"' || next === "\\")) {
      out += next;
      i += 2;
    } else {
      out += ch;
      i++;
    }
  }
  return err({ message: 'This double quote is never closed: add a closing ".', offset: start });
}
