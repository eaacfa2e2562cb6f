#!/usr/bin/env bash
# The README's second command: install dependencies, build, and run every test — unit and
# integration tests, again under AddressSanitizer + UndefinedBehaviorSanitizer, and a short
# libFuzzer run of every fuzz target. `--quick` runs only the first pass.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1

scripts/install-deps.sh
jobs="$(nproc)"

echo "== format check (clang-format, .clang-format)"
find src tests bench \( -name '*.cpp' -o -name '*.h' \) -print0 |
  xargs -0 clang-format --dry-run --Werror

echo "== build and test (Release: the build the README's first command and the image use)"
scripts/build.sh build -DCMAKE_BUILD_TYPE=Release -DNM_TESTS=ON -DNM_BENCH=ON
ctest --test-dir build --output-on-failure -j "$jobs"

if [ "$quick" = 1 ]; then exit 0; fi

echo "== build and test under AddressSanitizer + UndefinedBehaviorSanitizer"
scripts/build.sh build-asan -DNM_SANITIZE=ON -DNM_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs"

echo "== fuzz smoke (libFuzzer, clang): ${NM_FUZZ_SECONDS:-15}s per target"
CXX=clang++ scripts/build.sh build-fuzz -DNM_FUZZ=ON -DNM_TESTS=OFF -DNM_BENCH=OFF -DNM_WERROR=OFF
for f in build-fuzz/tests/fuzz/*_fuzz; do
  [ -x "$f" ] || continue
  corpus="tests/fuzz/corpus/$(basename "$f")"
  mkdir -p "build-fuzz/corpus-$(basename "$f")"
  seeds=(); [ -d "$corpus" ] && seeds=("$corpus")
  "$f" -max_total_time="${NM_FUZZ_SECONDS:-15}" -print_final_stats=0 \
    "build-fuzz/corpus-$(basename "$f")" "${seeds[@]}" 2>&1 | tail -n 3
done
echo "fuzz: passed"
