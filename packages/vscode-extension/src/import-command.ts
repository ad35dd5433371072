// "Totem: Import Layout": a layout file (signed or not, JSON; or an ITE-10 attestation layout, YAML) → a new untitled Totem policy,
// converted by the server (`totem/import`). A bare layout object (`{"_type": "layout", …}`, the
// shape of the examples' `*.layout.json`) is sent as the unsigned Metablock it is the payload of.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import type { ImportParams } from "./protocol.js";
import { pickUri, sendCustomRequest } from "./server-requests.js";

/** The text the server imports: a bare layout object becomes `{"signatures": [], "signed": <it>}`. */
export function asEnvelopeText(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text; // the server explains what is wrong with it
  }
  const bare = typeof value === "object" && value !== null && (value as { _type?: unknown })._type === "layout";
  return bare ? `{"signatures": [], "signed": ${text.trim()}}` : text;
}

/** Runs the command; returns the new policy document, or undefined when cancelled or failed. */
export async function importLayout(
  client: LanguageClient | undefined,
  layoutFile?: vscode.Uri,
): Promise<vscode.TextDocument | undefined> {
  const file = await pickUri(layoutFile, {
    title: "Totem: choose a layout to import",
    openLabel: "Import",
    filters: { "in-toto layouts": ["layout", "json"], "attestation layouts (ITE-10)": ["yml", "yaml"], "All files": ["*"] },
  });
  if (file === undefined) return undefined;
  let layoutText: string;
  try {
    layoutText = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
  } catch (e) {
    void vscode.window.showErrorMessage(`Totem: cannot read ${file.fsPath}: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  const name = file.path.slice(file.path.lastIndexOf("/") + 1).replace(/(\.layout)?\.[^.]*$/, "");
  const params: ImportParams = { layoutText: asEnvelopeText(layoutText), name };
  const result = await sendCustomRequest(client, "totem/import", params, "import the layout");
  if (result === undefined) return undefined;
  if (result.error !== undefined) {
    void vscode.window.showErrorMessage(`Totem: cannot import ${file.fsPath}: ${result.error}`);
    return undefined;
  }
  const doc = await vscode.workspace.openTextDocument({ language: "totem", content: result.source });
  await vscode.window.showTextDocument(doc);
  const issues = result.issues.map((i) => i.message);
  if (issues.length > 0) {
    void vscode.window.showWarningMessage(`Totem: imported with ${issues.length} note(s): ${issues.join(" ")}`);
  }
  return doc;
}
