// dlopen of libpq.so.5 (see libpq.hpp).
#include "libpq.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>
#include <stdexcept>

namespace litellm::db {

namespace {

struct Loaded {
  LibPq lib;
  std::string error;
  bool ok = false;
};

const Loaded& loaded() {
  static const Loaded l = [] {
    Loaded out;
    // GnuTLS comes in with libpq's LDAP library (Debian's libldap uses it for ldaps:// service
    // lookups) and initializes itself when loaded: its configuration, p11-kit's modules, ~0.9 MB
    // of library pages per worker that nothing here uses (libpq speaks TLS with OpenSSL).
    // GNUTLS_NO_IMPLICIT_INIT defers that to the first real use (libldap calls
    // gnutls_global_init itself). Set for the load only, unless the environment already says;
    // the first load happens while the configuration is read, before any thread exists.
    const bool defer_gnutls = ::getenv("GNUTLS_NO_IMPLICIT_INIT") == nullptr &&
                              ::setenv("GNUTLS_NO_IMPLICIT_INIT", "1", 0) == 0;
    void* h = ::dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (defer_gnutls) ::unsetenv("GNUTLS_NO_IMPLICIT_INIT");
    if (h == nullptr) {
      const char* e = ::dlerror();
      out.error = std::string("cannot load libpq.so.5 (install libpq5): ") + (e ? e : "");
      return out;
    }
#define LITELLM_PQ_LOAD(name)                                                 \
  out.lib.name = reinterpret_cast<decltype(out.lib.name)>(::dlsym(h, #name)); \
  if (out.lib.name == nullptr) {                                              \
    out.error = "libpq.so.5 lacks " #name;                                    \
    return out;                                                               \
  }
    LITELLM_PQ_FUNCTIONS(LITELLM_PQ_LOAD)
#undef LITELLM_PQ_LOAD
    out.ok = true;
    return out;
  }();
  return l;
}

}  // namespace

const LibPq* load_libpq(std::string* error) {
  const Loaded& l = loaded();
  if (!l.ok && error) *error = l.error;
  return l.ok ? &l.lib : nullptr;
}

const LibPq& pq() {
  const Loaded& l = loaded();
  if (!l.ok) throw std::runtime_error(l.error);
  return l.lib;
}

}  // namespace litellm::db
