#!/usr/bin/env bash
# Parity of `totem verify-bundle` and `totem verify --attestations` with the reference data of
# sigstore-conformance and in-toto/attestation-verifier, which the project does not ship (their
# files are public test data: read them from a checkout of your own). Not part of `npm test`.
#
#   test/attest/parity.sh CONFORMANCE_DIR TRUSTED_ROOT [AV_DIR]
#
# CONFORMANCE_DIR holds sigstore-conformance's test/assets/bundle-verify case folders (each with
# bundle.sigstore.json and optional artifact, key.pub, identity, issuer, trusted_root.json; a.txt
# beside them); TRUSTED_ROOT is the public-good production trusted_root.json for cases without their
# own; AV_DIR is an attestation-verifier checkout (layouts/, test-data*/, parameters/). Each case runs
# with the artifact file and with sha256:HEX, as the suite does. Prints one line per mismatch and the
# totals; exits 1 on any mismatch. Needs `npm run build` first.
set -u
TOTEM=(node "$(dirname "$0")/../../packages/cli/bin/totem.js")
CONF=$1 ROOT=$2 AV=${3:-}
ID=https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main
ISS=https://token.actions.githubusercontent.com
good=0 total=0
check() { # expected-verdict description command...
  local want=$1 what=$2; shift 2
  total=$((total + 1))
  if "$@" >/dev/null 2>&1; then got=pass; else got=fail; fi
  if [ "$got" = "$want" ]; then good=$((good + 1)); else echo "MISMATCH $what: expected $want, got $got"; fi
}
for c in "$CONF"/*/; do
  [ -f "$c/bundle.sigstore.json" ] || continue
  name=$(basename "$c")
  case "$name" in *fail) want=fail ;; *) want=pass ;; esac
  art="$c/artifact"; [ -f "$art" ] || art="$CONF/a.txt"
  root="$c/trusted_root.json"; [ -f "$root" ] || root=$ROOT
  if [ -f "$c/key.pub" ]; then who=(--key "$c/key.pub"); else
    id=$ID iss=$ISS
    [ -f "$c/identity" ] && id=$(cat "$c/identity")
    [ -f "$c/issuer" ] && iss=$(cat "$c/issuer")
    who=(--certificate-identity "$id" --certificate-oidc-issuer "$iss")
  fi
  for target in "$art" "sha256:$(sha256sum "$art" | cut -d' ' -f1)"; do
    check "$want" "$name ($target)" "${TOTEM[@]}" verify-bundle --bundle "$c/bundle.sigstore.json" --trusted-root "$root" "${who[@]}" "$target"
  done
done
echo "bundle-verify: $good of $total runs give the suite's verdict"
if [ -n "$AV" ]; then
  g0=$good t0=$total
  v() { "${TOTEM[@]}" verify --layout "$AV/$1" --attestations "$AV/$2" "${@:3}"; }
  P=(--substitute-parameters "$AV/parameters/npm-sigstore.json")
  check pass "layout.yml over test-data" v layouts/layout.yml test-data
  check pass "layout-npm.yml over test-data-npm" v layouts/layout-npm.yml test-data-npm "${P[@]}"
  check fail "expired layout.yml" v history/layout.yml test-data
  check fail "expired layout-npm.yml" v history/layout-npm.yml test-data-npm "${P[@]}"
  check fail "layout-npm.yml without parameters" v layouts/layout-npm.yml test-data-npm
  check fail "layout.yml over test-data-npm" v layouts/layout.yml test-data-npm
  check fail "layout-npm.yml over test-data" v layouts/layout-npm.yml test-data "${P[@]}"
  check fail "layout.yml over test-data-raw" v layouts/layout.yml test-data-raw
  echo "attestation-verifier: $((good - g0)) of $((total - t0)) verdicts as its CI states and its notes derive"
fi
[ "$good" = "$total" ]
