// The passes `analyze` runs, in order: semantic checks first, then in-toto lints.
import { lintCatchAllAllow } from "../lints/catch-all-allow.js";
import { lintCreateInMaterials } from "../lints/create-in-materials.js";
import { lintDeleteInProducts } from "../lints/delete-in-products.js";
import { lintEmptyCommand } from "../lints/empty-command.js";
import { lintExpired } from "../lints/expired.js";
import { lintExpirySoon } from "../lints/expiry-soon.js";
import { lintExpiryTooFar } from "../lints/expiry-too-far.js";
import { lintMatchFromLater } from "../lints/match-from-later.js";
import { lintMatchFromSelf } from "../lints/match-from-self.js";
import { lintMissingTrailingDisallow } from "../lints/missing-trailing-disallow.js";
import { lintRequireAfterConsume } from "../lints/require-after-consume.js";
import { lintSoleSigner } from "../lints/sole-signer.js";
import { lintUnreachableRule } from "../lints/unreachable-rule.js";
import { lintKeyidOnlyKey } from "../lints/keyid-only-key.js";
import { lintUnusedFunctionary } from "../lints/unused-functionary.js";
import { checkAttestations } from "./attestations.js";
import { checkCommands } from "./commands.js";
import type { CheckContext, Lint } from "./context.js";
import { checkCycles } from "./cycles.js";
import { checkDuplicates } from "./duplicates.js";
import { checkFunctionaries } from "./functionaries.js";
import { checkGolangFields } from "./golang-fields.js";
import { checkInlineKeys } from "./inline-key.js";
import { checkLayout } from "./layout.js";
import { checkPatterns } from "./patterns.js";
import { checkReferences } from "./references.js";

/** Semantic checks: errors that stop compilation. */
export const CHECKS: readonly ((ctx: CheckContext) => void)[] = [
  checkLayout,
  checkDuplicates,
  checkReferences,
  checkCycles,
  checkFunctionaries,
  checkPatterns,
  checkInlineKeys,
  checkGolangFields,
  checkCommands,
  checkAttestations,
];

/** in-toto lints: warnings and infos about layouts that compile but likely do not mean what they say. */
export const LINTS: readonly Lint[] = [
  lintMissingTrailingDisallow,
  lintUnreachableRule,
  lintRequireAfterConsume,
  lintMatchFromSelf,
  lintMatchFromLater,
  lintCreateInMaterials,
  lintDeleteInProducts,
  lintUnusedFunctionary,
  lintKeyidOnlyKey,
  lintCatchAllAllow,
  lintSoleSigner,
  lintExpired,
  lintExpirySoon,
  lintExpiryTooFar,
  lintEmptyCommand,
];
