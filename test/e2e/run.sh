#!/usr/bin/env bash
# `npm run test:e2e`: the Totem extension in a real VS Code (code-server 4.100.3) driven by
# Debian's chromium through playwright-core. Installs what it needs (cached in test/e2e/.cache),
# packages the .vsix, then runs the UI tests and the extension-host tests (runner.mjs).
# Screenshots and logs go to test/e2e/artifacts/. See docs/vscode.md, "Testing".
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
start=$(date +%s)

bash "$here/install.sh"

echo "e2e: building the CLI (the Run policy tests lens runs it) and packaging the extension"
(cd "$root" && node scripts/build.mjs cli >"$here/.cache/build-cli.log" 2>&1) || {
  cat "$here/.cache/build-cli.log"
  echo "e2e: building the CLI failed"
  echo "0 passed, 1 failed"
  exit 1
}
(cd "$root" && npm run --silent package >"$here/.cache/package.log" 2>&1) || {
  cat "$here/.cache/package.log"
  echo "e2e: packaging failed"
  echo "0 passed, 1 failed"
  exit 1
}

status=0
node "$here/runner.mjs" "$root/packages/vscode-extension/dist/totem.vsix" || status=$?
echo "e2e: finished in $(($(date +%s) - start)) s"
exit $status
