// DELETE consumes paths that are materials but not products (SPEC-NOTES §8). A deleted file is never
// in the products queue, so `delete` among products never consumes anything.
import type { CheckContext, Lint } from "../checks/context.js";
import { diagnostic } from "../codes.js";
import { reportOnSide } from "./side-rule.js";

/** Reports `delete` rules among products. */
function run(ctx: CheckContext): void {
  reportOnSide(ctx, "delete", "products", (site) =>
    diagnostic("delete-in-products", site, "`delete` never applies among products (a deleted file is not a product): move the rule to materials."),
  );
}

export const lintDeleteInProducts: Lint = { code: "delete-in-products", run };
