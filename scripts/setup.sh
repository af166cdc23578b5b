#!/usr/bin/env bash
# What `npm test`, `npm run demo` and `npm run bench` need before they run: Prosody 13, the npm
# packages, the build of xmgr (dist/ and the bundle bin/xmgr runs) and of the test bed's support code.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-prosody.sh
# zsh and fish: xmgr's completion scripts for them are tested too (the bash one always is).
if ! { command -v zsh && command -v fish; } >/dev/null 2>&1; then
  { [ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zsh fish >/dev/null 2>&1; } ||
    echo "zsh/fish not installed (apt-get install zsh fish): their completion scripts go untested; bash's still is." >&2
fi
[ -d node_modules/jest ] || npm ci --no-audit --no-fund
npm run --silent build
node_modules/.bin/tsc -p tsconfig.support.json
