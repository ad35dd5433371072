// Certificate identity patterns for keyless functionaries (docs/attestations.md): an exact SAN, or a
// pattern where `*` stands for any run of characters other than `/` — e.g. every tag of one workflow,
// `https://github.com/acme/app/.github/workflows/release.yml@refs/tags/*`. Matching is anchored and
// linear (no regular expression from the user). The part that names who issues the identity — a URI's
// scheme and host, an email's domain — must be literal: a pattern may not widen it.
/** Why a pattern is refused, or undefined when it may be used. */
export function identityPatternProblem(pattern: string): string | undefined {
  if (!pattern.includes("*")) return undefined;
  const uri = /^([a-z][a-z0-9+.-]*:\/\/[^/]*)/i.exec(pattern);
  if (uri) return uri[1]?.includes("*") ? "a pattern may not have * in a URI's scheme or host" : undefined;
  const at = pattern.lastIndexOf("@");
  if (at >= 0 && pattern.slice(at).includes("*")) return "a pattern may not have * in an email's domain";
  if (at < 0) return "a pattern must be a URI (scheme://host/…) or an email address";
  return undefined;
}

/** Whether `san` matches `pattern` (`*`: any run of characters except `/`), anchored at both ends. */
export function identityMatches(pattern: string, san: string): boolean {
  const parts = pattern.split("*");
  const first = parts[0] as string;
  if (!san.startsWith(first)) return false;
  if (parts.length === 1) return san === pattern;
  let at = first.length;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] as string;
    const last = i === parts.length - 1;
    // The star before `part` consumes characters other than "/" up to the earliest fitting place
    // (the last part must end the SAN).
    let found = -1;
    if (last) {
      const start = san.length - part.length;
      if (start >= at && san.endsWith(part)) found = start;
    } else {
      found = san.indexOf(part, at);
    }
    if (found < 0 || san.slice(at, found).includes("/")) return false;
    at = found + part.length;
  }
  return at === san.length;
}
