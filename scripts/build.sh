#!/usr/bin/env bash
# Configures and builds into a build directory:
#   scripts/build.sh [DIR] [extra cmake args...] [-- target...]
# Default DIR is build/ (Release). Reuses an existing configuration; with targets after `--` builds
# only those (the README's first command builds just the daemon and the sink). Compiles through
# ccache when it is installed, so the sanitizer and fuzz passes of scripts/test.sh rebuild fast.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-build}"
shift || true
cmake_args=()
targets=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then
    shift
    targets=("$@")
    break
  fi
  cmake_args+=("$1")
  shift
done
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # Hits across clones in other folders (CI clones afresh): paths relative to the checkout.
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
fi
# Release unless the caller names another type (an existing build dir keeps what it was given).
type=()
if [ ! -f "$dir/CMakeCache.txt" ]; then type=(-DCMAKE_BUILD_TYPE=Release); fi
cmake -S . -B "$dir" -G Ninja "${launcher[@]}" "${type[@]}" "${cmake_args[@]}" >/dev/null
if [ ${#targets[@]} -gt 0 ]; then
  cmake --build "$dir" -j "$(nproc)" --target "${targets[@]}"
else
  cmake --build "$dir" -j "$(nproc)"
fi
