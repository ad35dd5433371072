// `--param NAME=VALUE`: values for a policy's `param` declarations (docs/language.md, "Parameters"),
// given to check, compile and test. A name the policy does not declare as a param is a usage error
// (exit 2) with the closest declared one, so a typo never passes silently.
import { type PolicyFile, didYouMean } from "@totem/dsl";
import { UsageError } from "./errors.js";

/** Collects repeated `--param NAME=VALUE` flags (commander's argParser). */
export function collectParam(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf("=");
  const name = eq < 0 ? value : value.slice(0, eq);
  if (eq < 0 || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) {
    throw new UsageError(`--param '${value}' is not NAME=VALUE (e.g. --param VERSION=1.4.2)`);
  }
  if (Object.hasOwn(previous, name)) throw new UsageError(`--param ${name} is given twice`);
  return { ...previous, [name]: value.slice(eq + 1) };
}

/** Refuses values for names the policy does not declare with `param`. Throws UsageError. */
export function checkParamNames(params: Readonly<Record<string, string>>, file: PolicyFile, shown: string): void {
  const declared = file.consts.filter((c) => c.param === true).map((c) => c.name.text);
  for (const name of Object.keys(params)) {
    if (declared.includes(name)) continue;
    const isConst = file.consts.some((c) => c.name.text === name);
    const best = didYouMean(name, declared)[0];
    const why = isConst ? `"${name}" is a constant in ${shown}, not a param: declare it \`param ${name}\` to set it from the command line` : `${shown} declares no param "${name}"`;
    throw new UsageError(`--param ${name}: ${why}${best === undefined ? "" : `; did you mean ${best}?`}`);
  }
}
