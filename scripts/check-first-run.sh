#!/usr/bin/env bash
# A newcomer's first screen, checked on this machine's own Node (CI runs it from .ci/run): a fresh clone's
# `npm ci` prints nothing but npm's summary (no EBADENGINE, no install-script or deprecation warnings), and
# `npm run demo` without a terminal writes no escape sequences. Uses npm's cache (--prefer-offline).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$repo" "$work/clone"
cd "$work/clone"
echo "check-first-run: npm ci in a fresh clone with $(node --version) ($(command -v node))"
npm ci --no-audit --no-fund --prefer-offline >"$work/ci.out" 2>&1 || { cat "$work/ci.out"; exit 1; }
unexpected=$(grep -v -e '^$' -e '^added [0-9]* packages in ' "$work/ci.out" || true)
if [ -n "$unexpected" ]; then
  printf 'check-first-run: npm ci printed more than its summary:\n%s\n' "$unexpected" >&2
  exit 1
fi
if ! [ -x dist/cli.js ] || ! [ -x shims/terraform ]; then
  echo "check-first-run: npm ci did not build dist/ and shims/" >&2
  exit 1
fi
npm run --silent demo </dev/null >"$work/demo.out" 2>&1 || { cat "$work/demo.out"; exit 1; }
if grep -q "$(printf '\033')" "$work/demo.out"; then
  echo "check-first-run: npm run demo wrote escape sequences into a pipe" >&2
  exit 1
fi
echo "check-first-run: clean"
