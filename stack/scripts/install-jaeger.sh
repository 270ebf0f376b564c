#!/usr/bin/env bash
# Builds Jaeger, the trace backend, from source through the Go module proxy into .run/bin (once,
# and again when stack/jaeger/go.sum changes): no prebuilt binary. The pinned version is the one
# stack/jaeger/go.mod requires; that module exists only to pin it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

jaeger="$RUN_DIR/bin/jaeger"
stamp="$RUN_DIR/bin/.jaeger-go-sum"
wanted=$(sha256sum "$STACK_DIR/jaeger/go.sum" | cut -d' ' -f1)
version=$(awk '$1 == "github.com/jaegertracing/jaeger" { print $2 }' "$STACK_DIR/jaeger/go.mod")
if [ -x "$jaeger" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
  step "Jaeger $version present"
  exit 0
fi
command -v go >/dev/null || die "Go 1.24.6 or newer is required to build Jaeger"
step "building Jaeger $version with go build (about 6 minutes on 2 cores the first time, seconds once cached)"
mkdir -p "$RUN_DIR/bin"
(cd "$STACK_DIR/jaeger" && GOFLAGS=-mod=readonly go build -trimpath -o "$jaeger.partial" github.com/jaegertracing/jaeger/cmd/jaeger)
mv "$jaeger.partial" "$jaeger"
echo "$wanted" > "$stamp"
step "Jaeger built"
