#!/usr/bin/env bash
# Builds ghz, the light gRPC load generator of the ceiling run, from source through the Go module
# proxy into .run/bin (once): no prebuilt binary.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

GHZ_VERSION=v0.121.0
ghz="$RUN_DIR/bin/ghz"
stamp="$RUN_DIR/bin/.ghz-version"
if [ -x "$ghz" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$GHZ_VERSION" ]; then
  step "ghz ${GHZ_VERSION} present"
  exit 0
fi
command -v go >/dev/null || die "Go is required to build ghz (apt-get install golang-go, or Go 1.22+)"
step "building ghz ${GHZ_VERSION} with go install (about a minute on 2 cores)"
GOBIN="$RUN_DIR/bin" GOFLAGS=-mod=mod go install "github.com/bojand/ghz/cmd/ghz@${GHZ_VERSION}"
echo "$GHZ_VERSION" > "$stamp"
step "ghz built"
