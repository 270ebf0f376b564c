#!/usr/bin/env bash
# Builds k6 from source through the Go module proxy into .run/bin (once): no prebuilt binary.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

K6_VERSION=v1.8.1
k6="$RUN_DIR/bin/k6"
if [ -x "$k6" ] && "$k6" version 2>/dev/null | grep -q "${K6_VERSION#v}"; then
  step "k6 ${K6_VERSION} present"
  exit 0
fi
command -v go >/dev/null || die "Go 1.25+ is required to build k6"
step "building k6 ${K6_VERSION} with go install (a few minutes on 2 cores)"
GOBIN="$RUN_DIR/bin" GOFLAGS=-mod=mod go install "go.k6.io/k6@${K6_VERSION}"
step "k6 built: $("$k6" version | head -1)"
