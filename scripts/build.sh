#!/usr/bin/env bash
# Configures and builds into a build directory: scripts/build.sh [DIR] [extra cmake args...]
# Default DIR is build/ (RelWithDebInfo). Reuses an existing configuration; compiles through
# ccache when it is installed, so the sanitizer and fuzz passes of scripts/test.sh rebuild fast.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-build}"
shift || true
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # Hits across clones in other folders (CI clones afresh): paths relative to the checkout.
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
fi
cmake -S . -B "$dir" -G Ninja "${launcher[@]}" "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)"
