// The Totem VS Code extension. The only package that imports `vscode`.
import type * as vscode from "vscode";

export function activate(_context: vscode.ExtensionContext): void {}
export function deactivate(): void {}
