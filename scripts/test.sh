#!/usr/bin/env bash
# The README's test command: install, build, run every test (unit + integration) on a normal
# build and again under AddressSanitizer + UndefinedBehaviorSanitizer, then build the release
# binary the way the run command does and run the benchmark smoke on it.
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
# The README's run command builds the profile-guided release binary: build it the same way and run the
# benchmark smoke on it (errors, a grossly broken ratio), so a broken release build fails here too.
if [ "${LITELLM_TEST_RELEASE:-1}" != 0 ]; then
  echo "=== build: release (profile-guided) and benchmark smoke"
  if bash scripts/build.sh release -DLITELLM_BUILD_TESTS=OFF; then
    python3 bench/run.py --smoke --build build/release --out build/release/bench-smoke.json || status=$?
  else
    status=1
  fi
fi
exit $status
