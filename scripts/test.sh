#!/usr/bin/env bash
# The README's test command: install, build, run every test (unit + integration) on a normal
# build and again under AddressSanitizer + UndefinedBehaviorSanitizer. Ends with ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
presets=("dev" "asan")
if [ -n "${LITELLM_TEST_PRESETS:-}" ]; then read -r -a presets <<<"$LITELLM_TEST_PRESETS"; fi
for preset in "${presets[@]}"; do
  echo "=== build: $preset"
  bash scripts/build.sh "$preset" -DLITELLM_BUILD_TESTS=ON
done
status=0
for preset in "${presets[@]}"; do
  echo "=== tests: $preset"
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    ctest --preset "$preset" --timeout 900 -j2 || status=$?
done
exit $status
