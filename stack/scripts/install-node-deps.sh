#!/usr/bin/env bash
# Installs the npm workspaces (building librdkafka from its bundled sources) and builds the code.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_DIR"

stamp="node_modules/.install-stamp"
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  step "installing npm dependencies (first run builds librdkafka, ~2-4 min on 2 cores)"
  # The Kafka client's default install downloads prebuilt binaries; link against Debian's
  # libraries and build from the sources bundled in the package instead.
  export CKJS_LINKING=dynamic
  # node-gyp needs Node's headers; Debian's nodejs ships them, so nothing is downloaded.
  [ -d /usr/include/node ] && export npm_config_nodedir=/usr
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
else
  step "npm dependencies present"
fi

step "generating gRPC code and compiling TypeScript"
npm run --silent build
