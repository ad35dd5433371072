// Extension-host tests: loaded by VS Code itself through `extensionTestsPath`, with the real
// `vscode` API and the unpacked .vsix as the development extension. Each test appends one JSON
// line to $TOTEM_E2E_RESULTS; `run` rejects when any failed (VS Code turns that into exit code 1).
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vscode = require("vscode");

const { workspace, fileUri, sleep, eventually, openPolicy, positionOf, withEdit } = require("./helpers.cjs");
const resultsFile = process.env.TOTEM_E2E_RESULTS;
const EXTENSION_ID = "totem.totem-vscode";
const COMMANDS = [
  "totem.showCompiledLayout",
  "totem.signLayout",
  "totem.verifyLinks",
  "totem.importLayout",
  "totem.diffWithHead",
  "totem.clearVerification",
  "totem.showVerificationTrace",
  "totem.showStepGraph",
  "totem.runPolicyTests",
  "totem.simulateWithInspections",
];

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test("host: the extension activates and its server answers initialize", async () => {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed`);
  const api = await ext.activate();
  await api.ready;
  assert.ok(api.client().isRunning());
});

test("host: every Totem command is registered", async () => {
  const all = await vscode.commands.getCommands(true);
  for (const c of COMMANDS) assert.ok(all.includes(c), `${c} is not registered`);
});

test("host: .totem files open in the totem language", async () => {
  const doc = await openPolicy("demo.totem");
  assert.equal(doc.languageId, "totem");
  // Scopes are checked token by token in grammar-test.mjs; colours in the UI tests.
});

test("host: diagnostics of a broken policy reach vscode.languages.getDiagnostics", async () => {
  const doc = await openPolicy("broken.totem");
  const diags = await eventually("diagnostics arrive", () => {
    const d = vscode.languages.getDiagnostics(doc.uri);
    return d.length > 0 ? d : undefined;
  });
  const dup = diags.find((d) => String(d.code?.value ?? d.code) === "duplicate-step");
  assert.ok(dup, `no duplicate-step among ${diags.map((d) => d.code?.value ?? d.code).join(", ")}`);
  assert.equal(dup.severity, vscode.DiagnosticSeverity.Error);
  assert.equal(dup.range.start.line, 8, "the duplicate is reported on the second `step build`");
});

test("host: changing totem.expiryWarningDays reaches the server", async () => {
  const doc = await openPolicy("demo.totem"); // expires in 180d: no warning at the default 30 days
  const codes = () => vscode.languages.getDiagnostics(doc.uri).map((d) => String(d.code?.value ?? d.code));
  await sleep(500);
  assert.ok(!codes().includes("expiry-soon"), `expiry-soon at the default horizon: ${codes()}`);
  const config = vscode.workspace.getConfiguration("totem");
  await config.update("expiryWarningDays", 365, vscode.ConfigurationTarget.Global);
  try {
    await eventually("expiry-soon appears with a 365-day horizon", () => codes().includes("expiry-soon"));
  } finally {
    await config.update("expiryWarningDays", undefined, vscode.ConfigurationTarget.Global);
  }
  await eventually("expiry-soon goes away at the default horizon", () => !codes().includes("expiry-soon"));
});

test("host: hover, completion and formatting come from the server", async () => {
  const doc = await openPolicy("demo.totem");
  const hovers = await vscode.commands.executeCommand("vscode.executeHoverProvider", doc.uri, positionOf(doc, "step clone", 6));
  const hoverText = hovers.flatMap((h) => h.contents.map((c) => (typeof c === "string" ? c : c.value))).join("\n");
  assert.match(hoverText, /clone/);
  const list = await vscode.commands.executeCommand(
    "vscode.executeCompletionItemProvider",
    doc.uri,
    positionOf(doc, "from clone", 5),
  );
  const labels = list.items.map((i) => (typeof i.label === "string" ? i.label : i.label.label));
  assert.ok(labels.includes("clone"), `completion after from: ${labels.join(", ")}`);
  const messy = await vscode.workspace.openTextDocument(fileUri("unformatted.totem"));
  const edits = await vscode.commands.executeCommand("vscode.executeFormatDocumentProvider", messy.uri, {
    tabSize: 2,
    insertSpaces: true,
  });
  assert.ok(edits && edits.length > 0, "no formatting edits for a messy policy");
});

test("host: Show Compiled Layout opens the JSON and refreshes it as the policy changes", async () => {
  const doc = await openPolicy("demo.totem");
  const preview = await vscode.commands.executeCommand("totem.showCompiledLayout");
  assert.ok(preview, "the command returned no document");
  // The preview is the unsigned file `totem compile` writes: a Metablock with no signatures.
  const metablock = JSON.parse(preview.getText());
  assert.deepEqual(metablock.signatures, []);
  const layout = metablock.signed;
  assert.equal(layout._type, "layout");
  assert.deepEqual(
    layout.steps.map((s) => s.name),
    ["clone", "package"],
  );
  assert.deepEqual(
    layout.inspect.map((i) => i.name),
    ["untar"],
  );
  await withEdit(doc, 'readme "The in-toto demo', 24, 'readme "Edited in the test', async () => {
    await eventually("the preview follows the edit", () => preview.getText().includes("Edited in the test"));
  });
});

test("host: Sign Layout writes demo.layout beside the policy, signed by bob", async () => {
  await openPolicy("demo.totem");
  const written = await vscode.commands.executeCommand("totem.signLayout", fileUri("keys/bob"));
  assert.ok(written, "the command wrote nothing (see the error notification in the screenshot)");
  assert.equal(written.fsPath, path.join(workspace, "demo.layout"));
  const signed = JSON.parse(fs.readFileSync(written.fsPath, "utf8"));
  assert.equal(signed.signed._type, "layout");
  assert.equal(signed.signatures.length, 1);
});

test("host: Import Layout turns a signed layout into a new Totem policy", async () => {
  const doc = await vscode.commands.executeCommand("totem.importLayout", fileUri("imported/root.layout"));
  assert.ok(doc, "the command returned no document");
  assert.equal(doc.languageId, "totem");
  assert.match(doc.getText(), /layout\s+"/);
  assert.match(doc.getText(), /step\s+build/);
});

test("host: Diff With Git HEAD renders the semantic diff of an edit as markdown", async () => {
  const doc = await openPolicy("demo.totem");
  await withEdit(doc, "demo-project.tar.gz\"\n      disallow", 19, "demo-project.zip", async () => {
    const uri = await vscode.commands.executeCommand("totem.diffWithHead");
    assert.ok(uri, "the command produced no diff");
    const md = (await vscode.workspace.openTextDocument(uri)).getText();
    assert.match(md, /package/);
    assert.match(md, /demo-project\.zip/);
  });
});

test("host: Verify Against Links Folder shows a per-rule trace", async () => {
  await openPolicy("demo.totem");
  const result = await vscode.commands.executeCommand("totem.verifyLinks", fileUri("links"));
  assert.ok(result, "the command produced no result");
  assert.ok(result.entries.length > 0, `the trace is empty; problems: ${result.problems.join(" | ")}`);
  assert.ok(result.entries.some((e) => e.range), "no trace entry points into the policy");
  assert.equal(result.passed, true, `the recorded chain fails: ${result.problems.join(" | ")}`);
  assert.ok(result.entries.every((e) => e.passed));
  assert.ok(result.notes.some((n) => n.includes("untar")), "the skipped inspection is not mentioned");
});

test("host: Verify Against Links Folder reports a missing link as a failure", async () => {
  await openPolicy("demo.totem");
  const result = await vscode.commands.executeCommand("totem.verifyLinks", fileUri("links-missing"));
  assert.ok(result, "the command produced no result");
  assert.equal(result.passed, false);
  assert.ok(result.problems.some((p) => /package/.test(p)), `no problem names step package: ${result.problems.join(" | ")}`);
});

require("./editor-tests.cjs")(test);

async function run() {
  let failed = 0;
  for (const t of tests) {
    const started = Date.now();
    let error;
    try {
      await Promise.race([t.fn(), sleep(30000).then(() => Promise.reject(new Error("timed out after 30 s")))]);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      failed++;
    }
    const line = { name: t.name, ok: error === undefined, ms: Date.now() - started, ...(error ? { error } : {}) };
    fs.appendFileSync(resultsFile, `${JSON.stringify(line)}\n`);
  }
  if (failed > 0) throw new Error(`${failed} extension-host test(s) failed`);
}

// biome-ignore lint/suspicious/noExportsInTest: VS Code loads this module (extensionTestsPath) and calls run().
module.exports = { run };
