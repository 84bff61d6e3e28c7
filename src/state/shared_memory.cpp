// The shared table: one slot per deployment id (64-bit hash, open addressing). Cooldowns are
// written under a seqlock; usage counters are two per-minute buckets of atomics.
#include "litellm/state/shared_memory.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace litellm::state {
namespace {

constexpr uint64_t kMagic = 0x6c6974656c6c6d31ULL;  // "litellm1"
constexpr size_t kSlots = 4096;

struct Bucket {
  std::atomic<int64_t> minute{-1};
  std::atomic<int64_t> requests{0};
  std::atomic<int64_t> tokens{0};
};

struct Slot {
  std::atomic<uint64_t> key{0};  // 0: free
  std::atomic<uint32_t> seq{0};  // odd while a cooldown is being written
  std::atomic<int32_t> status{0};
  std::atomic<double> timestamp{0};
  std::atomic<double> cooldown_time{0};
  Bucket usage[2];
};

struct Region {
  std::atomic<uint64_t> magic;
  Slot slots[kSlots];
};

static_assert(std::atomic<double>::is_always_lock_free &&
                  std::atomic<uint64_t>::is_always_lock_free,
              "shared-memory state needs lock-free atomics");

// Eight bytes per step (ids are usually 64 hex digits; every request hashes a few of them).
uint64_t hash_id(const std::string& id) {
  uint64_t h = 1469598103934665603ULL ^ id.size();
  size_t i = 0;
  for (; i + 8 <= id.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, id.data() + i, 8);
    h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 29;
  }
  for (; i < id.size(); ++i) h = (h ^ static_cast<unsigned char>(id[i])) * 1099511628211ULL;
  h ^= h >> 32;
  return h == 0 ? 1 : h;
}

class SharedState final : public RouterState {
 public:
  explicit SharedState(Region* r) : r_(r) {}
  ~SharedState() override { munmap(r_, sizeof(Region)); }

  void set_cooldown(const std::string& id, const CooldownRecord& rec) override {
    Slot* s = slot(id, true);
    if (s == nullptr) return;
    uint32_t v = s->seq.load(std::memory_order_relaxed);
    do {  // take the writer side of the seqlock
      while (v & 1u) v = s->seq.load(std::memory_order_relaxed);
    } while (!s->seq.compare_exchange_weak(v, v + 1, std::memory_order_acquire));
    s->status.store(rec.status_code, std::memory_order_relaxed);
    s->timestamp.store(rec.timestamp, std::memory_order_relaxed);
    s->cooldown_time.store(rec.cooldown_time, std::memory_order_relaxed);
    s->seq.store(v + 2, std::memory_order_release);
  }

  std::optional<CooldownRecord> cooldown(const std::string& id, double now) override {
    Slot* s = slot(id, false);
    if (s == nullptr) return std::nullopt;
    CooldownRecord rec;
    for (;;) {
      uint32_t before = s->seq.load(std::memory_order_acquire);
      if (before & 1u) continue;
      rec.status_code = s->status.load(std::memory_order_relaxed);
      rec.timestamp = s->timestamp.load(std::memory_order_relaxed);
      rec.cooldown_time = s->cooldown_time.load(std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_acquire);
      if (s->seq.load(std::memory_order_relaxed) == before) break;
    }
    if (rec.cooldown_time <= 0 || rec.until() <= now) return std::nullopt;
    return rec;
  }

  void add_usage(const std::string& id, int64_t minute, int64_t requests, int64_t tokens) override {
    Bucket* b = bucket(id, minute);
    if (b == nullptr) return;
    b->requests.fetch_add(requests, std::memory_order_relaxed);
    b->tokens.fetch_add(tokens, std::memory_order_relaxed);
  }

  void merge_usage(const std::string& id, int64_t minute, MinuteUsage totals, Merge how) override {
    Bucket* b = bucket(id, minute);
    if (b == nullptr) return;
    if (how == Merge::kAssign) {
      b->requests.store(totals.requests, std::memory_order_relaxed);
      b->tokens.store(totals.tokens, std::memory_order_relaxed);
      return;
    }
    auto raise = [](std::atomic<int64_t>& a, int64_t v) {
      int64_t cur = a.load(std::memory_order_relaxed);
      while (cur < v && !a.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
      }
    };
    raise(b->requests, totals.requests);
    raise(b->tokens, totals.tokens);
  }

  MinuteUsage usage(const std::string& id, int64_t minute) override {
    Slot* s = slot(id, false);
    if (s == nullptr) return {};
    const Bucket& b = s->usage[minute & 1];
    if (b.minute.load(std::memory_order_acquire) != minute) return {};
    return {b.requests.load(std::memory_order_relaxed), b.tokens.load(std::memory_order_relaxed)};
  }

 private:
  // The bucket of `minute`, claimed (and zeroed) when it still holds an older minute.
  Bucket* bucket(const std::string& id, int64_t minute) {
    Slot* s = slot(id, true);
    if (s == nullptr) return nullptr;
    Bucket& b = s->usage[minute & 1];
    int64_t m = b.minute.load(std::memory_order_acquire);
    if (m != minute && m < minute && b.minute.compare_exchange_strong(m, minute)) {
      b.requests.store(0, std::memory_order_relaxed);
      b.tokens.store(0, std::memory_order_relaxed);
    }
    return &b;
  }

  Slot* slot(const std::string& id, bool claim) {
    const uint64_t key = hash_id(id);
    for (size_t i = 0; i < kSlots; ++i) {
      Slot& s = r_->slots[(key + i) % kSlots];
      uint64_t k = s.key.load(std::memory_order_acquire);
      if (k == key) return &s;
      if (k == 0) {
        if (!claim) return nullptr;
        if (s.key.compare_exchange_strong(k, key) || k == key) return &s;
      }
    }
    return nullptr;
  }

  Region* r_;
};

}  // namespace

int create_shared_region() {
  int fd = memfd_create("litellm-cpp-state", 0);  // inherited by workers (no MFD_CLOEXEC)
  if (fd < 0) return -1;
  if (ftruncate(fd, sizeof(Region)) != 0) {
    close(fd);
    return -1;
  }
  void* p = mmap(nullptr, sizeof(Region), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    close(fd);
    return -1;
  }
  auto* r = new (p) Region();  // zero-initialised slots
  r->magic.store(kMagic);
  munmap(p, sizeof(Region));
  return fd;
}

std::unique_ptr<RouterState> attach_shared_region(int fd) {
  void* p = mmap(nullptr, sizeof(Region), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return nullptr;
  auto* r = static_cast<Region*>(p);
  if (r->magic.load() != kMagic) {
    munmap(p, sizeof(Region));
    return nullptr;
  }
  return std::make_unique<SharedState>(r);
}

}  // namespace litellm::state
