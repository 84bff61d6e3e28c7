// The shared metrics region: a header (process columns, supervisor counters), an append-only
// series table found through a hash index, label texts, and one column of cells per process.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace litellm::metrics {

inline constexpr uint64_t kRegionMagic = 0x6c6c6d6d65747231ULL;  // "llmmetr1"
inline constexpr uint32_t kColumns = 64;       // processes at once (workers + replacements)
inline constexpr uint32_t kMaxSeries = 16384;  // series (label sets) over all families
inline constexpr uint32_t kIndexSlots = 32768;
inline constexpr uint32_t kLabelBytes = 4u << 20;
inline constexpr uint32_t kMaxCells = 1u << 18;  // per column: 2 MB, touched only where written
inline constexpr uint32_t kNoCell = ~0u;

enum ProcessValue : uint32_t {
  kInFlight,
  kPoolInUse,
  kPoolSize,
  kSpendQueue,
  kJournalBytes,
  kDbConnected,
  kRedisConnected,
  kProcessValues
};

struct ColumnStatus {
  std::atomic<int32_t> pid{0};    // the process that owns the column (0: free)
  std::atomic<int32_t> alive{0};  // its process gauges count
  std::atomic<int64_t> values[kProcessValues];
};

struct SeriesMeta {
  uint16_t family;
  uint32_t labels_off, labels_len;
  uint32_t cells_off;
  double created;
};

struct Region {
  std::atomic<uint64_t> magic;
  std::atomic<uint32_t> series_used, labels_used, cells_used, columns_used;
  std::atomic<uint64_t> series_dropped;
  std::atomic<int64_t> workers_up, workers_expected, restarts_recycle, restarts_crash;
  ColumnStatus columns[kColumns];
  std::atomic<uint64_t> index[kIndexSlots];  // (hash32 << 32) | (series + 1); 0 = empty
  SeriesMeta series[kMaxSeries];
  char labels[kLabelBytes];
  // cells[c] is process column c's; cells[kColumns] holds gauges (host-wide, last value wins).
  std::atomic<double> cells[kColumns + 1][kMaxCells];
};

static_assert(std::atomic<double>::is_always_lock_free, "metrics need lock-free doubles");

}  // namespace litellm::metrics
