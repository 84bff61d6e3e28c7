// dlopen of libpq.so.5 (see libpq.hpp).
#include "libpq.hpp"

#include <dlfcn.h>

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
    void* h = ::dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
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
