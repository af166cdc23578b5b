#!/usr/bin/env bash
# What `npm test` and `npm run demo` need before they run: Prosody 13, the npm packages, a build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-prosody.sh
[ -d node_modules/jest ] || npm ci --no-audit --no-fund
npx tsc -p tsconfig.json
