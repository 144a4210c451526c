#!/usr/bin/env bash
# Everything CI runs: types, lint, build, unit and integration tests, then the UI in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
# the Node that setup.sh --node fetched, when there is one: tests run on the Node the app ships with
if [ -x .tools/node/bin/node ]; then export PATH="$here/.tools/node/bin:$PATH"; fi
node -e "const w=require('./package.json').engines.node.match(/>=(\\d+)\\.(\\d+)/); const [a,b]=process.versions.node.split('.').map(Number); if (a!==+w[1]||b<+w[2]) { console.error('Node '+process.version+' is running; the tests are meant for Node '+w[1]+' (>= '+w[1]+'.'+w[2]+'), the Node inside Electron: run bash scripts/setup.sh --node'); process.exit(1) }"
# Test models and media come from ../shared unless the caller points elsewhere.
export PORCHLIGHT_MODELS_DIR="${PORCHLIGHT_MODELS_DIR:-$here/../shared/models}"
export PORCHLIGHT_MEDIA_DIR="${PORCHLIGHT_MEDIA_DIR:-$here/../shared/media}"
for d in "$PORCHLIGHT_MODELS_DIR" "$PORCHLIGHT_MEDIA_DIR"; do
  [ -d "$d" ] || { echo "test data folder $d is missing: set PORCHLIGHT_MODELS_DIR and PORCHLIGHT_MEDIA_DIR" >&2; exit 1; }
done

echo "== typecheck" && npm run --silent typecheck
echo "== lint" && npm run --silent lint
echo "== build" && npm run --silent build >/dev/null
echo "== unit and integration tests" && npx vitest run
echo "== end-to-end (Chromium)" && npx playwright test
