#!/usr/bin/env bash
# Installs what the editor e2e tests need, idempotently, into test/e2e/.cache (gitignored):
# Debian chromium/ripgrep/libkrb5-dev/neovim when missing, and code-server 4.100.3 from npm (the newest
# release that runs on Node 20). Every workaround here is explained in docs/vscode.md, "Testing".
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="$here/.cache"
cs_dir="$cache/code-server"
cs_version="4.100.3"
mkdir -p "$cache"

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
command -v nvim >/dev/null || missing+=(neovim) # the second editor: neovim.mjs
[ -e /usr/include/krb5.h ] || [ -e /usr/include/krb5/krb5.h ] || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "e2e: apt-get install ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi

if [ -x "$cs_dir/node_modules/.bin/code-server" ] &&
  grep -q "\"version\": \"$cs_version\"" "$cs_dir/node_modules/code-server/package.json"; then
  exit 0
fi

echo "e2e: installing code-server $cs_version into $cs_dir (about a minute, once)"
# @vscode/ripgrep downloads rg from GitHub at install time; seed its cache with Debian's rg instead.
tmp="${TMPDIR:-/tmp}"
rg_cache="$tmp/vscode-ripgrep-cache-1.15.11"
rg_tar="$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -s "$rg_tar" ]; then
  mkdir -p "$rg_cache"
  tar -czf "$rg_tar" -C "$(dirname "$(command -v rg)")" rg
fi
mkdir -p "$cs_dir"
[ -f "$cs_dir/package.json" ] || echo '{ "name": "totem-e2e-code-server", "private": true }' >"$cs_dir/package.json"
# unsafe_perm: the install refuses to run as root otherwise; yes: node-pty runs `npx node-gyp`.
(
  cd "$cs_dir"
  npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund --no-save \
    --loglevel=error "code-server@$cs_version"
)
test -x "$cs_dir/node_modules/.bin/code-server"
echo "e2e: code-server installed"
