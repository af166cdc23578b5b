#!/usr/bin/env bash
# What `npm test`, `npm run demo` and `npm run bench` need before they run: Prosody 13, the npm
# packages, the build of xmgr and of the test bed's support code.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-prosody.sh
[ -d node_modules/jest ] || npm ci --no-audit --no-fund
node_modules/.bin/tsc -p tsconfig.json
node_modules/.bin/tsc -p tsconfig.support.json
