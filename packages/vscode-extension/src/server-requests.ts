// Sends a custom request and turns the failures a user can meet into messages instead of
// exceptions: a server that does not implement the request, or one that is not running.
import * as vscode from "vscode";
import type { TotemMethod, TotemRequests } from "./protocol.js";
import { ErrorCodes, type LanguageClient, ResponseError } from "vscode-languageclient/node";

/**
 * Sends `method` to the server. Returns undefined (after telling the user why) when the server
 * cannot answer: not started, crashed, or a server build without this request.
 */
export async function sendCustomRequest<M extends TotemMethod>(
  client: LanguageClient | undefined,
  method: M,
  params: TotemRequests[M]["params"],
  what: string,
): Promise<TotemRequests[M]["result"] | undefined> {
  if (client === undefined || !client.isRunning()) {
    void vscode.window.showErrorMessage(`Totem: cannot ${what}: the Totem language server is not running.`);
    return undefined;
  }
  try {
    return await client.sendRequest<TotemRequests[M]["result"]>(method, params);
  } catch (e) {
    if (e instanceof ResponseError && e.code === ErrorCodes.MethodNotFound) {
      void vscode.window.showErrorMessage(
        `Totem: cannot ${what}: this Totem language server does not implement \`${method}\` yet.`,
      );
    } else {
      const message = e instanceof Error ? e.message : String(e);
      void vscode.window.showErrorMessage(`Totem: cannot ${what}: ${message}`);
    }
    return undefined;
  }
}

/** The active editor's document when it is a Totem policy; otherwise tells the user and returns undefined. */
export function activePolicy(what: string): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc?.languageId === "totem") return doc;
  void vscode.window.showWarningMessage(`Totem: open a .totem policy to ${what}.`);
  return undefined;
}

/** `given` when a caller (a test, another command) passed it; otherwise one file or folder the user picks. */
export async function pickUri(given: vscode.Uri | undefined, options: vscode.OpenDialogOptions): Promise<vscode.Uri | undefined> {
  if (given !== undefined) return given;
  return (await vscode.window.showOpenDialog({ ...options, canSelectMany: false }))?.[0];
}
