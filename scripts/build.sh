#!/usr/bin/env bash
# Configures and builds one CMake preset (dev, release or asan): scripts/build.sh release [-DVAR=...]
#
# release is built with profile-guided optimization: an instrumented build (preset pgo-gen) runs a
# short training workload (bench/pgo_train.py), then the release build uses the profile it wrote.
# The training runs again only when the instrumented binary changed. LITELLM_PGO=0 skips all that.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
shift || true
if [ "$preset" = release ] && [ "${LITELLM_PGO:-1}" != 0 ]; then
  profile="$PWD/build/pgo-profile"
  cmake --preset pgo-gen -DLITELLM_PGO_DIR="$profile" >/dev/null
  cmake --build --preset pgo-gen -j"$(nproc)"
  if [ ! -e "$profile/.trained" ] || [ build/pgo-gen/litellm-cpp -nt "$profile/.trained" ]; then
    rm -rf "$profile"
    mkdir -p "$profile"
    python3 bench/pgo_train.py --build build/pgo-gen
    touch "$profile/.trained"
    retrained=1
  fi
  cmake --preset release "$@" -DLITELLM_PGO=use -DLITELLM_PGO_DIR="$profile" >/dev/null
  # A new profile changes every object: rebuild them all.
  if [ -n "${retrained:-}" ] && [ -f build/release/build.ninja ]; then
    cmake --build --preset release --target clean >/dev/null
  fi
else
  plain=()
  if [ "$preset" = release ]; then plain=(-DLITELLM_PGO=); fi
  cmake --preset "$preset" "$@" "${plain[@]}" >/dev/null
fi
cmake --build --preset "$preset" -j"$(nproc)"
