// "Totem: Sign Layout": pick a private key file, let the server compile and sign the policy
// (`totem/sign`), and write `<policy>.layout` beside the policy.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import type { SignParams } from "./protocol.js";
import { activePolicy, pickUri, sendCustomRequest } from "./server-requests.js";

/** Where the signed layout of a policy goes: `demo.totem` → `demo.layout` in the same folder. */
export function layoutUriFor(policy: vscode.Uri): vscode.Uri {
  const name = policy.path.slice(policy.path.lastIndexOf("/") + 1).replace(/\.totem$/, "");
  return vscode.Uri.joinPath(policy, "..", `${name}.layout`);
}

/** Runs the command; returns the written file, or undefined when cancelled or failed (already reported). */
export async function signLayout(client: LanguageClient | undefined, keyFile?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const policy = activePolicy("sign it");
  if (policy === undefined) return undefined;
  if (policy.uri.scheme !== "file") {
    void vscode.window.showWarningMessage("Totem: save the policy to a file before signing it.");
    return undefined;
  }
  const key = await pickUri(keyFile, {
    title: "Totem: choose the private key that signs the layout",
    openLabel: "Sign",
    defaultUri: vscode.Uri.joinPath(policy.uri, ".."),
  });
  if (key === undefined) return undefined;
  await policy.save();
  const params: SignParams = { uri: policy.uri.toString(), keyPath: key.fsPath };
  let result = await sendCustomRequest(client, "totem/sign", params, "sign the layout");
  if (result?.needsPassword) {
    const password = await vscode.window.showInputBox({ prompt: `Password of ${key.fsPath}`, password: true });
    if (password === undefined) return undefined;
    result = await sendCustomRequest(client, "totem/sign", { ...params, password }, "sign the layout");
  }
  if (result === undefined) return undefined;
  if (result.json === null) {
    void vscode.window.showErrorMessage(`Totem: the layout was not signed: ${result.error ?? "the policy has errors."}`);
    return undefined;
  }
  const target = layoutUriFor(policy.uri);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(result.json));
  void vscode.window.showInformationMessage(`Totem: signed layout written to ${vscode.workspace.asRelativePath(target)}.`);
  return target;
}
