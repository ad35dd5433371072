// Helpers shared by the extension-host tests (index.cjs, editor-tests.cjs).
const assert = require("node:assert/strict");
const path = require("node:path");
const vscode = require("vscode");

const workspace = process.env.TOTEM_E2E_WORKSPACE;
const fileUri = (name) => vscode.Uri.file(path.join(workspace, name));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function eventually(what, probe, ms = 15000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await sleep(100);
  }
  throw new Error(`${what} (last: ${JSON.stringify(last)?.slice(0, 300)})`);
}

async function openPolicy(name) {
  const doc = await vscode.workspace.openTextDocument(fileUri(name));
  await vscode.window.showTextDocument(doc);
  return doc;
}

/** Position of the first `needle` in `doc`, plus `delta` characters. */
function positionOf(doc, needle, delta = 0) {
  const at = doc.getText().indexOf(needle);
  assert.ok(at >= 0, `${needle} not found`);
  return doc.positionAt(at + delta);
}

/** Replaces `length` characters at the first `from` in `doc`, runs `fn`, then restores the text and saves. */
async function withEdit(doc, from, length, replacement, fn) {
  const original = doc.getText();
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(positionOf(doc, from), positionOf(doc, from, length)), replacement);
  assert.ok(await vscode.workspace.applyEdit(edit));
  try {
    await fn();
  } finally {
    const restore = new vscode.WorkspaceEdit();
    restore.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), original);
    await vscode.workspace.applyEdit(restore);
    await doc.save();
  }
}

module.exports = { workspace, fileUri, sleep, eventually, openPolicy, positionOf, withEdit };
