#!/usr/bin/env bash
# The README's run command: install, build, start the proxy on the offline example config.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release -DLITELLM_BUILD_TESTS=OFF
export LITELLM_MASTER_KEY="${LITELLM_MASTER_KEY:-sk-1234}"
echo "litellm-cpp: master key is \$LITELLM_MASTER_KEY (default sk-1234)"
exec ./build/release/litellm-cpp --config "${CONFIG:-config/example.yaml}" --port "${PORT:-4000}" "$@"
