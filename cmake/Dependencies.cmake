# Every dependency comes from a Debian 12 package (scripts/install-deps.sh installs them).
find_package(Boost 1.81 REQUIRED CONFIG)
find_package(OpenSSL REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(Threads REQUIRED)
# libpq (PostgreSQL client, async API driven by Asio) and libsodium (NaCl SecretBox, the
# XSalsa20-Poly1305 format LiteLLM used for LITELLM_SALT_KEY encryption; OpenSSL lacks XSalsa20).
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
# mimalloc replaces glibc's malloc in the proxy binary (not under the sanitizers, which bring their
# own): a request makes dozens of small short-lived allocations (coroutine frames, strings), and
# mimalloc serves them in a fraction of glibc's instructions (docs/performance.md).
if(NOT LITELLM_ASAN)
  find_package(mimalloc 2.0 REQUIRED)
endif()
