#!/usr/bin/env bash
# Configures and builds into a build directory: scripts/build.sh [DIR] [extra cmake args...]
# Default DIR is build/ (RelWithDebInfo). Reuses an existing configuration.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-build}"
shift || true
cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)"
