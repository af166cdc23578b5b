#!/usr/bin/env bash
# What `npm test`, `npm run demo` and `npm run bench` need before they run: Prosody 13, ejabberd 24 (scripts/install-ejabberd.sh), the npm
# packages, the build of xmgr (dist/ and the bundle bin/xmgr runs) and of the test bed's support code.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-prosody.sh
bash scripts/install-ejabberd.sh
[ -d node_modules/jest ] || npm ci --no-audit --no-fund
npm run --silent build
node_modules/.bin/tsc -p tsconfig.support.json
