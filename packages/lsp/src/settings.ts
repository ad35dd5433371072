// Server settings: `initializationOptions` at start, then `workspace/didChangeConfiguration`
// (`settings.totem`). Unknown or ill-typed values fall back to defaults instead of failing.
import type { Target } from "@totem/engine";

/** Everything a client can configure (documented in docs/lsp.md). */
export interface TotemSettings {
  /** Warn when the layout expires within this many days (`totem.expiryWarningDays`, default 30). */
  expiryWarningDays: number;
  /** Target used when the policy has no `target` clause (`totem.defaultTarget`, default in-toto-1.3). */
  defaultTarget: Target;
  /** Debounce before diagnostics are published after a change, in ms (`totem.diagnosticsDelayMs`, default 5). */
  diagnosticsDelayMs: number;
  /** A fixed clock (`totem.now`, ISO 8601) for reproducible expiry checks; the real clock when absent. */
  now: Date | undefined;
}

/** The defaults. */
export const DEFAULT_SETTINGS: TotemSettings = {
  expiryWarningDays: 30,
  defaultTarget: "in-toto-1.3",
  diagnosticsDelayMs: 5,
  now: undefined,
};

function obj(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};
}

/** Reads settings from an options object (either `{totem: {...}}` or the `totem` section itself). */
export function readSettings(raw: unknown, base: TotemSettings = DEFAULT_SETTINGS): TotemSettings {
  const o = obj(raw);
  const s = "totem" in o ? obj(o.totem) : o;
  const out = { ...base };
  const days = s.expiryWarningDays;
  if (typeof days === "number" && Number.isInteger(days) && days >= 0) out.expiryWarningDays = days;
  if (s.defaultTarget === "in-toto-1.3" || s.defaultTarget === "in-toto") out.defaultTarget = s.defaultTarget;
  const delay = s.diagnosticsDelayMs;
  if (typeof delay === "number" && delay >= 0 && delay <= 5000) out.diagnosticsDelayMs = delay;
  if (typeof s.now === "string") {
    const d = new Date(s.now);
    if (!Number.isNaN(d.getTime())) out.now = d;
  }
  return out;
}
