// Problems found while importing a layout: what the Totem language cannot express byte for byte.

/**
 * A reason an imported policy would not lower to the original payload bytes (severity "error"), or
 * a note about a choice the importer made ("warning"). `path` is a JSON path into the payload,
 * like `$.steps[2].expected_materials[0]`. Codes are stable kebab-case ids (docs/cli.md, totem import).
 */
export interface ImportIssue {
  code: string;
  severity: "error" | "warning";
  message: string;
  path: string;
}
