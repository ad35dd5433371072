// "Totem: Run Policy Tests" (the "Run policy tests" lens): runs `totem test FILE` as a VS Code task
// in the test file's folder, so its output shows in the terminal panel; resolves with the exit code
// (0 every test passed, 1 a test failed, 2 no tests / bad file). The CLI is `totem.cliPath`.
import * as vscode from "vscode";

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/** The `.totem-test` beside the active policy, or the file given. */
function testFileOf(given: string | vscode.Uri | undefined): vscode.Uri | undefined {
  if (given !== undefined) return typeof given === "string" ? vscode.Uri.parse(given) : given;
  const doc = vscode.window.activeTextEditor?.document;
  if (doc?.languageId !== "totem" || doc.uri.scheme !== "file") return undefined;
  return doc.uri.with({ path: `${doc.uri.path}-test` });
}

/** Runs the policy tests; the exit code, or undefined when there is nothing to run. */
export async function runPolicyTests(given?: string | vscode.Uri): Promise<number | undefined> {
  const file = testFileOf(given);
  if (file === undefined) {
    void vscode.window.showWarningMessage("Totem: open a saved .totem policy with a .totem-test file beside it to run its tests.");
    return undefined;
  }
  const dir = vscode.Uri.joinPath(file, "..");
  const name = file.path.slice(file.path.lastIndexOf("/") + 1);
  const cli = vscode.workspace.getConfiguration("totem").get<string>("cliPath", "totem") || "totem";
  const task = new vscode.Task(
    { type: "totem", test: file.fsPath },
    vscode.TaskScope.Workspace,
    `test ${name}`,
    "totem",
    new vscode.ShellExecution(`${cli} test ${shellQuote(name)}`, { cwd: dir.fsPath }),
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, clear: true };
  const execution = await vscode.tasks.executeTask(task);
  return new Promise((resolve) => {
    const done = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution !== execution) return;
      done.dispose();
      resolve(e.exitCode);
    });
  });
}
