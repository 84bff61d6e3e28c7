#!/usr/bin/env bash
# Installs everything litellm-cpp needs to build, run and test, from Debian 12 packages and PyPI.
# Idempotent: a second run only checks that everything is there.
set -euo pipefail

DEB_PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libboost1.81-dev libssl-dev libyaml-cpp-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libhiredis-dev libpq-dev libsodium-dev libmimalloc-dev libgtest-dev googletest
  python3 python3-pip python3-venv
  postgresql redis-server nginx-light wrk curl clang-format
)
# litellm-proxy-extras: LiteLLM's published migrations (schema compatibility test), pinned to the
# release src/db/schema.sql was checked against.
# pynacl, cryptography: write and read LITELLM_SALT_KEY values the way LiteLLM does (tests).
# prometheus-client: parses /metrics with the parser Prometheus users rely on (tests).
PY_PACKAGES=(openai pytest requests pyyaml "litellm-proxy-extras==0.4.110" pynacl cryptography
  prometheus-client)

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts the packaged services on install; tests start their own on free ports.
  for svc in nginx redis-server postgresql; do
    $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || $SUDO service "$svc" stop >/dev/null 2>&1 || true
  done
fi

PY=python3
if ! $PY -c 'import openai, pytest, requests, yaml, litellm_proxy_extras, nacl, cryptography, prometheus_client' >/dev/null 2>&1; then
  echo "install-deps: installing Python test packages ${PY_PACKAGES[*]}"
  $PY -m pip install -q "${PY_PACKAGES[@]}" 2>/dev/null \
    || $PY -m pip install -q --break-system-packages "${PY_PACKAGES[@]}"
fi
echo "install-deps: ok"
