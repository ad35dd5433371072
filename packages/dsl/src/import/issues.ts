// Problems found while importing a layout: what the Totem language cannot express byte for byte.
import type { ImportCode } from "../codes.js";

/**
 * A reason an imported policy would not lower to the original payload bytes (severity "error"), or
 * a note about a choice the importer made ("warning"). `path` is a JSON path into the payload,
 * like `$.steps[2].expected_materials[0]`. Codes are registered in codes.ts (phase "import") and documented in docs/language.md.
 */
export interface ImportIssue {
  code: ImportCode;
  severity: "error" | "warning";
  message: string;
  path: string;
}
