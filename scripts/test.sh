#!/usr/bin/env bash
# scripts/test.sh — the README's second command: install what is missing (including
# the test tools), build with warnings as errors under AddressSanitizer +
# UndefinedBehaviorSanitizer, and run the whole test suite with ctest.
#
#   scripts/test.sh [ctest args...]     e.g. scripts/test.sh -R cli/
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh --with-test-tools
BUILD="${TAMIS_TEST_BUILD:-build-test}"
echo "test: building with -Werror and ASan+UBSan in $BUILD/"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTAMIS_WERROR=ON \
  -DTAMIS_SANITIZE=ON >/dev/null
if ! cmake --build "$BUILD" -j"$(nproc)" >"$BUILD/build.log" 2>&1; then
  grep -E "error|warning" "$BUILD/build.log" | head -50
  tail -n 30 "$BUILD/build.log"
  echo "test: build failed (full log: $BUILD/build.log)"
  exit 1
fi
echo "test: running ctest"
ctest --test-dir "$BUILD" -j"$(nproc)" --output-on-failure "$@"
