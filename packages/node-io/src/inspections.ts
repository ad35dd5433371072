// Running a layout's inspections (stage 10), the same way for `totem verify` and the language
// server's simulate: record `.` before and after the command in the working directory, with
// in-toto's default excludes (SPEC-NOTES §7 step 11), the streams sent to /dev/null as 1.3.1 does,
// a timeout, and the runner's process-group handling (run-process.ts).
import { DEFAULT_EXCLUDES, type InspectionContext, type InspectionOutcome } from "@totem/engine";
import { recordArtifacts } from "./artifacts.js";
import { KILL_GRACE_MS, runProcess } from "./run-process.js";

/** in-toto 1.3.1 stops a command after LINK_CMD_EXEC_TIMEOUT = 10 s; so does Totem by default. */
export const INSPECTION_TIMEOUT_SECONDS = 10;

/**
 * Which inspections may run. An inspection's command is chosen by whoever signed the layout it is in:
 * the layout owners for the root layout, a step's functionary for a sublayout.
 */
export type InspectionPolicy = "all" | "root-only" | "none";

/** How inspections run. */
export interface InspectionRunnerOptions {
  /** Where the command runs and `.` is recorded (the verifier's working directory). */
  cwd: string;
  timeoutSeconds?: number;
  policy?: InspectionPolicy;
}

/** An inspection runner for verifyChain (`VerifyInput.runInspection`). Never rejects. */
export function inspectionRunner(opts: InspectionRunnerOptions): (name: string, argv: string[], context: InspectionContext) => Promise<InspectionOutcome> {
  const timeoutSeconds = opts.timeoutSeconds ?? INSPECTION_TIMEOUT_SECONDS;
  const record = { cwd: opts.cwd, excludes: DEFAULT_EXCLUDES, hash: {} };
  return async (_name, argv, context) => {
    const refused = refusal(opts.policy ?? "all", context);
    if (refused !== undefined) return { error: refused, code: "inspection-refused" };
    const materials = recordArtifacts(["."], record);
    if (!materials.ok) return { error: materials.error.message };
    const ran = await runProcess(argv, { cwd: opts.cwd, streams: "ignore", timeoutSeconds });
    switch (ran.kind) {
      case "not-started":
        return { error: ran.message };
      case "timed-out":
        return {
          error: `it did not finish within ${timeoutSeconds} s, so its process group was stopped (SIGTERM, then SIGKILL after ${KILL_GRACE_MS / 1000} s); allow it more time with --inspection-timeout if it is trusted`,
          code: "inspection-timeout",
        };
      case "exited": {
        const products = recordArtifacts(["."], record);
        if (!products.ok) return { error: products.error.message };
        return { materials: materials.value, products: products.value, returnValue: ran.returnValue };
      }
    }
  };
}

/** Why the policy refuses an inspection, or undefined when it may run. */
function refusal(policy: InspectionPolicy, context: InspectionContext): string | undefined {
  if (policy === "none") return "running inspections is turned off (--inspections none), and this layout has one that must run";
  if (policy === "root-only" && context.sublayout.length > 0) {
    const from = context.sublayout.map((s) => `"${s}"`).join(" › ");
    return `it is declared in the sublayout of step ${from}, signed by that step's functionary, and only the root layout's inspections may run (--inspections root-only)`;
  }
  return undefined;
}
