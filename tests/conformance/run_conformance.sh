#!/bin/sh
# Builds the Go oracle (offline, caches under the build dir), renders all case files with Go's
# text/template, then runs the C++ driver against the oracle's results.
# usage: run_conformance.sh DRIVER BUILD_DIR CASEFILE...
set -eu
driver=$1; mkdir -p "$2"; build=$(cd "$2" && pwd); shift 2
if ! command -v go >/dev/null 2>&1; then
  echo "FAIL: the Go toolchain ('go', Debian package golang-go) is required for the template" >&2
  echo "conformance test: it renders every case with Go's text/template as the oracle." >&2
  exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$build/go"
export GOCACHE="$build/go/cache" GOPATH="$build/go/path" GOFLAGS=-mod=mod GOPROXY=off \
  GOTOOLCHAIN=local GO111MODULE=on GOTELEMETRY=off
(cd "$here/oracle" && go build -o "$build/nm-template-oracle" .)
"$build/nm-template-oracle" "$@" > "$build/oracle-results.jsonl"
exec "$driver" "$build/oracle-results.jsonl" "$@"
