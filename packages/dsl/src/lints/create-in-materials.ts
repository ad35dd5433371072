// CREATE consumes paths that are products but not materials (SPEC-NOTES §8). Among materials the
// queue holds materials only, so `create` there never consumes anything: the artifact then falls
// through to later rules, typically the final `disallow "*"`.
import type { CheckContext, Lint } from "../checks/context.js";
import { diagnostic } from "../codes.js";
import { reportOnSide } from "./side-rule.js";

/** Reports `create` rules among materials. */
function run(ctx: CheckContext): void {
  reportOnSide(ctx, "create", "materials", (site) =>
    diagnostic("create-in-materials", site, "`create` never applies among materials (a material cannot be new): use `allow` or `match`, or move the rule to products."),
  );
}

export const lintCreateInMaterials: Lint = { code: "create-in-materials", run };
