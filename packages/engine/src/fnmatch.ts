// Python fnmatch, exactly as in-toto 1.3.1 matches artifact rules (SPEC-NOTES §9).
// A port of CPython 3.11 `fnmatch.translate`: `*` and `?` cross `/` and match dotfiles, `[...]` is a
// class with `!` negation, `\` is a literal character, nothing else is special. Matching works on
// code points (the regex uses the `u` flag), so `?` matches one astral character, as Python does.
// minimatch is never used here: its glob semantics differ in 39 of the 116 reference vectors.

/** A `*` in the token list (kept apart so consecutive stars collapse, as CPython does). */
const STAR = Symbol("star");
type Token = string | typeof STAR;

/** A compiled pattern. */
interface Matcher {
  test(name: string): boolean;
}

/** Compiled patterns; artifact rules repeat the same few patterns over thousands of paths. */
const cache = new Map<string, Matcher>();
const CACHE_LIMIT = 4096;

/** A code point as a regex escape that is valid inside and outside classes under the `u` flag. */
function lit(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

/** One member of a class: a single code point or an inclusive range. */
type ClassItem = number | [number, number];

/**
 * Parses the Python class body that CPython's translate builds (its `stuff` string) the way
 * `sre_parse` reads it: `\X` is the literal X, `a-b` is a range, a `-` at either edge is literal.
 */
function parseClassBody(stuff: string[]): ClassItem[] {
  const items: ClassItem[] = [];
  let i = 0;
  const next = (): number | undefined => {
    const c = stuff[i++];
    if (c === undefined) return undefined;
    if (c === "\\") {
      const e = stuff[i++];
      return (e ?? "\\").codePointAt(0);
    }
    return c.codePointAt(0);
  };
  while (i < stuff.length) {
    const lo = next();
    if (lo === undefined) break;
    if (stuff[i] === "-" && i + 1 < stuff.length) {
      i++;
      const hi = next();
      if (hi === undefined || hi < lo) continue; // CPython already removed empty ranges
      items.push([lo, hi]);
    } else {
      items.push(lo);
    }
  }
  return items;
}

/** Escapes what CPython escapes in a class chunk: backslashes and hyphens. */
function escapeChunk(chunk: string[]): string[] {
  const out: string[] = [];
  for (const c of chunk) {
    if (c === "\\" || c === "-") out.push("\\", c);
    else out.push(c);
  }
  return out;
}

/**
 * Translates the class `pat[i..j)` (between `[` and `]`) like CPython 3.11: split at range hyphens,
 * drop reversed ranges, then negate on a leading `!`. Returns a JS regex fragment.
 */
function translateClass(pat: string[], start: number, j: number): string {
  let i = start;
  let stuff: string[];
  if (!pat.slice(i, j).includes("-")) {
    stuff = escapeChunk(pat.slice(i, j)); // without hyphens CPython only doubles backslashes
  } else {
    const chunks: string[][] = [];
    let k = pat[i] === "!" ? i + 2 : i + 1;
    for (;;) {
      k = pat.indexOf("-", k);
      if (k < 0 || k >= j) break;
      chunks.push(pat.slice(i, k));
      i = k + 1;
      k = k + 3;
    }
    const chunk = pat.slice(i, j);
    if (chunk.length > 0) chunks.push(chunk);
    else chunks[chunks.length - 1]?.push("-");
    // Remove empty (reversed) ranges: they are invalid in a regex and match nothing.
    for (let m = chunks.length - 1; m > 0; m--) {
      const prev = chunks[m - 1] as string[];
      const cur = chunks[m] as string[];
      const a = prev[prev.length - 1];
      const b = cur[0];
      if (a !== undefined && b !== undefined && (a.codePointAt(0) as number) > (b.codePointAt(0) as number)) {
        chunks[m - 1] = [...prev.slice(0, -1), ...cur.slice(1)];
        chunks.splice(m, 1);
      }
    }
    stuff = [];
    chunks.forEach((c, m) => {
      if (m > 0) stuff.push("-");
      stuff.push(...escapeChunk(c));
    });
  }
  if (stuff.length === 0) return "(?!)"; // empty range: never matches
  if (stuff.length === 1 && stuff[0] === "!") return "."; // negated empty range: any character
  let negate = false;
  if (stuff[0] === "!") {
    negate = true;
    stuff = stuff.slice(1);
  }
  // `^` and `[` first are escaped by CPython, so they stay literal; parseClassBody reads them as such.
  const body = parseClassBody(stuff)
    .map((it) => (typeof it === "number" ? lit(it) : `${lit(it[0])}-${lit(it[1])}`))
    .join("");
  return `[${negate ? "^" : ""}${body}]`;
}

/** Splits a pattern into tokens: STAR, or a regex fragment matching one code point. */
function tokenize(pattern: string): Token[] {
  const pat = Array.from(pattern);
  const n = pat.length;
  const res: Token[] = [];
  let i = 0;
  while (i < n) {
    const c = pat[i++] as string;
    if (c === "*") {
      if (res[res.length - 1] !== STAR) res.push(STAR);
    } else if (c === "?") {
      res.push(".");
    } else if (c === "[") {
      let j = i;
      if (j < n && pat[j] === "!") j++;
      if (j < n && pat[j] === "]") j++;
      while (j < n && pat[j] !== "]") j++;
      if (j >= n) {
        res.push(lit(0x5b)); // an unterminated `[` is a literal `[`
      } else {
        res.push(translateClass(pat, i, j));
        i = j + 1;
      }
    } else {
      res.push(lit(c.codePointAt(0) as number));
    }
  }
  return res;
}

/**
 * The regex source CPython builds, with its atomic `(?=(?P<g>.*?fixed))(?P=g)` groups written as a
 * lookahead plus backreference (equivalent in JS), which keeps matching linear for many stars.
 */
export function translate(pattern: string): string {
  const inp = tokenize(pattern);
  const out: string[] = [];
  let i = 0;
  const n = inp.length;
  while (i < n && inp[i] !== STAR) out.push(inp[i++] as string);
  let group = 0;
  while (i < n) {
    i++; // the STAR
    if (i === n) {
      out.push(".*");
      break;
    }
    const fixed: string[] = [];
    while (i < n && inp[i] !== STAR) fixed.push(inp[i++] as string);
    if (i === n) {
      out.push(".*", ...fixed);
    } else {
      group++;
      out.push(`(?=(?<g${group}>.*?${fixed.join("")}))\\k<g${group}>`);
    }
  }
  return `^(?:${out.join("")})$`;
}

/** Matches everything: `*` (its regex, `.*` with the `s` flag, matches any string). */
const ANY: Matcher = { test: () => true };

/**
 * The usual patterns of artifact rules without a regex: `*`, a literal path, or a literal prefix
 * then one `*` (`src/*`), which match exactly what their regex matches (`*` crosses `/`, there is
 * no case folding, and a prefix of code units not ending in half a surrogate pair is a prefix of
 * code points); anything with `?`, `[` or another `*` takes the regex.
 */
function simpleMatcher(pattern: string): Matcher | undefined {
  const special = /[*?[]/.exec(pattern);
  if (special === null) return { test: (name) => name === pattern };
  if (pattern === "*") return ANY;
  if (special.index !== pattern.length - 1 || special[0] !== "*") return undefined;
  const prefix = pattern.slice(0, -1);
  // A prefix ending in a lone high surrogate would match the first half of a pair in code units.
  if (/[\ud800-\udbff]$/.test(prefix)) return undefined;
  return { test: (name) => name.startsWith(prefix) };
}

function compile(pattern: string): Matcher {
  let m = cache.get(pattern);
  if (m === undefined) {
    m = simpleMatcher(pattern) ?? new RegExp(translate(pattern), "su");
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, m);
  }
  return m;
}

/** Whether `name` matches the Python fnmatch `pattern` (case-sensitive, POSIX; SPEC-NOTES §9). */
export function fnmatch(name: string, pattern: string): boolean {
  return compile(pattern).test(name);
}

/** The names that match `pattern`, in their order (Python `fnmatch.filter` on POSIX). */
export function fnmatchFilter(names: Iterable<string>, pattern: string): string[] {
  const re = compile(pattern);
  const out: string[] = [];
  for (const name of names) if (re.test(name)) out.push(name);
  return out;
}
