#!/usr/bin/env bash
# Runs the browser tests: Debian's Chromium (installed here when missing and
# we are root), playwright-core from package-lock.json, the real server built
# from this checkout. Usage: e2e/browser/run.sh [extra node --test flags]
set -euo pipefail
cd "$(dirname "$0")"

CHROMIUM="${PARLEY_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "run.sh: installing Debian's chromium" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "run.sh: $CHROMIUM is missing: apt-get install -y chromium" >&2
    exit 1
  fi
fi

# npm ci when node_modules is missing or holds other versions than package.json pins.
if ! node -e '
  const pkg = require("./package.json");
  for (const [name, want] of Object.entries(pkg.devDependencies)) {
    if (require("./node_modules/" + name + "/package.json").version !== want) process.exit(1);
  }' 2>/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error
fi

exec node --test --test-concurrency=1 --test-reporter=spec "$@" tests/*.test.mjs
