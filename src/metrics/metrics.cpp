// Recording (a process's own column, resolved series cached per process) and the exposition
// (sums over the columns), in prometheus_client's text format so parsers and dashboards see what
// LiteLLM serves.
#include "litellm/metrics/metrics.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <map>
#include <new>
#include <unordered_map>

#include "families.hpp"
#include "litellm/common/strings.hpp"
#include "litellm/config/config.hpp"
#include "litellm/logging/log.hpp"
#include "region.hpp"

namespace litellm::metrics {
namespace {

constexpr double kDefaultBuckets[] = {
    0.005, 0.00625, 0.0125, 0.025, 0.05, 0.1,  0.5,  1.0,   1.5,   2.0,   2.5,  3.0,
    3.5,   4.0,     4.5,    5.0,   5.5,  6.0,  6.5,  7.0,   7.5,   8.0,   8.5,  9.0,
    9.5,   10.0,    15.0,   20.0,  25.0, 30.0, 60.0, 120.0, 180.0, 240.0, 300.0};

Region* map_region(int fd) {
  void* p = fd >= 0 ? mmap(nullptr, sizeof(Region), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
                    : mmap(nullptr, sizeof(Region), PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  return static_cast<Region*>(p);
}

uint64_t fnv(std::string_view s, uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// prometheus_client's floatToGoString: Python repr, with Go's exponent form from 1e6 up.
std::string go_float(double d) {
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  if (std::isnan(d)) return "NaN";
  std::string s = python_float(d);
  const size_t dot = s.find('.');
  if (d > 0 && dot != std::string::npos && dot > 6 && s.find('e') == std::string::npos) {
    std::string mantissa = s.substr(0, 1) + "." + s.substr(1, dot - 1) + s.substr(dot + 1);
    while (!mantissa.empty() && (mantissa.back() == '0' || mantissa.back() == '.'))
      mantissa.pop_back();
    return mantissa + "e+0" + std::to_string(dot - 1);
  }
  return s;
}

void append_label(std::string& out, std::string_view name, std::string_view value) {
  if (!out.empty()) out += ',';
  out += name;
  out += "=\"";
  if (value.empty()) value = "None";  // Python's str(None), as LiteLLM's labels show it
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  out += '"';
}

}  // namespace

// ---- the supervisor's side ----

std::unique_ptr<Host> Host::create() {
  int fd = memfd_create("litellm-cpp-metrics", 0);  // inherited by workers (no MFD_CLOEXEC)
  if (fd < 0) return nullptr;
  if (ftruncate(fd, sizeof(Region)) != 0) {
    close(fd);
    return nullptr;
  }
  Region* r = map_region(fd);
  if (r == nullptr) {
    close(fd);
    return nullptr;
  }
  r->magic.store(kRegionMagic);  // the rest is zero (a fresh memfd)
  return std::unique_ptr<Host>(new Host(fd, r));
}

Host::Host(int fd, void* region) : fd_(fd), region_(region) {}
Host::~Host() {
  munmap(region_, sizeof(Region));
  close(fd_);
}
int Host::fd() const { return fd_; }

int Host::acquire_column(int pid) {
  auto* r = static_cast<Region*>(region_);
  for (uint32_t c = 0; c < kColumns; ++c) {
    if (r->columns[c].pid.load() != 0) continue;
    r->columns[c].pid.store(pid == 0 ? -1 : pid);
    uint32_t used = r->columns_used.load();
    while (used < c + 1 && !r->columns_used.compare_exchange_weak(used, c + 1)) {
    }
    return static_cast<int>(c);
  }
  return -1;
}

void Host::release_column(int column) {
  if (column < 0 || column >= static_cast<int>(kColumns)) return;
  auto* r = static_cast<Region*>(region_);
  r->columns[column].alive.store(0);
  for (auto& v : r->columns[column].values) v.store(0, std::memory_order_relaxed);
  r->columns[column].pid.store(0);
}

void Host::set_workers(int up, int expected) {
  auto* r = static_cast<Region*>(region_);
  r->workers_up.store(up);
  r->workers_expected.store(expected);
}

void Host::count_restart(bool crash) {
  auto* r = static_cast<Region*>(region_);
  (crash ? r->restarts_crash : r->restarts_recycle).fetch_add(1);
}

int Host::db_connected() const { return any_connected(kDbConnected); }
int Host::redis_connected() const { return any_connected(kRedisConnected); }

int Host::any_connected(uint32_t value) const {
  auto* r = static_cast<Region*>(region_);
  int result = -1;
  for (uint32_t c = 0; c < kColumns; ++c) {
    if (!r->columns[c].alive.load()) continue;
    int64_t v = r->columns[c].values[value].load(std::memory_order_relaxed);
    if (v == 1) return 1;
    if (v == 0) result = 0;
  }
  return result;
}

// ---- a process's side ----

struct Registry::Impl {
  Region* r = nullptr;
  bool shared = false;
  uint32_t column = 0;
  std::vector<double> buckets;
  bool end_user_labels = false;
  // Resolved series: family + raw label values → first cell.
  std::unordered_map<std::string, uint32_t> cache;
  std::string key;  // reused lookup buffer
  // The families one request (or one attempt) records share their label values: one lookup of the
  // whole tuple finds the cells of all of them, each resolved on first use.
  static constexpr uint32_t kUnresolved = kNoCell - 1;
  struct Bundle {
    std::array<uint32_t, static_cast<size_t>(F::kCount)> cells;
    Bundle() { cells.fill(kUnresolved); }
  };
  std::unordered_map<std::string, Bundle> bundles;
  // The bundle each kind used last: consecutive requests usually carry the same labels, and
  // comparing them costs less than building and hashing the key.
  struct Recent {
    std::string key;
    Bundle* bundle = nullptr;
  };
  std::array<Recent, 2> recent;  // 'r' (requests), 'a' (attempts)

  static bool is_key(std::string_view key, char kind,
                     std::initializer_list<std::string_view> values) {
    if (key.empty() || key[0] != kind) return false;
    size_t at = 1;
    for (auto v : values) {
      if (key.size() < at + 1 + v.size() || key[at] != '\x1f' || key.substr(at + 1, v.size()) != v)
        return false;
      at += 1 + v.size();
    }
    return at == key.size();
  }

  Bundle& bundle(char kind, std::initializer_list<std::string_view> values) {
    Recent& last = recent[kind == 'r' ? 0 : 1];
    if (last.bundle != nullptr && is_key(last.key, kind, values)) return *last.bundle;
    key.clear();
    key += kind;
    for (auto v : values) {
      key += '\x1f';
      key += v;
    }
    auto it = bundles.find(key);
    if (it == bundles.end()) {
      if (bundles.size() >= 100000) {  // bounded: label values come from requests
        bundles.clear();
        for (auto& r : recent) r.bundle = nullptr;
      }
      it = bundles.emplace(key, Bundle{}).first;
    }
    last.key = key;
    last.bundle = &it->second;  // stable: map nodes do not move
    return it->second;
  }
  uint32_t in(Bundle& b, F f, std::initializer_list<std::string_view> values) {
    uint32_t& c = b.cells[static_cast<size_t>(f)];
    if (c == kUnresolved) c = series(f, values);
    return c;
  }

  uint32_t cells_for(F f) const {
    switch (family(f).type) {
      case Type::kHistogram:
        return static_cast<uint32_t>(buckets.size()) + 2;  // finite buckets, +Inf, sum
      default:
        return 1;
    }
  }

  // The first cell of the series (family, values), created host-wide on first use.
  uint32_t series(F f, std::initializer_list<std::string_view> values) {
    key.clear();
    key += static_cast<char>(f);
    for (auto v : values) {
      key += '\x1f';
      key += v;
    }
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    std::string text;
    const auto& fam = family(f);
    size_t i = 0;
    for (auto v : values) append_label(text, fam.labels[i++], v);
    uint32_t cell = claim(f, text);
    if (cell != kNoCell || cache.size() < 100000) cache.emplace(key, cell);
    return cell;
  }

  uint32_t claim(F f, const std::string& text) {
    const uint64_t h = fnv(text, fnv(std::string_view(reinterpret_cast<const char*>(&f), 2)));
    const uint32_t h32 = static_cast<uint32_t>(h >> 32) | 1u;
    uint32_t mine = kNoCell;  // a series this call reserved, if it did
    for (uint32_t probe = 0; probe < kIndexSlots; ++probe) {
      auto& slot = r->index[(h + probe) % kIndexSlots];
      uint64_t e = slot.load(std::memory_order_acquire);
      while (e == 0) {
        if (mine == kNoCell) mine = reserve(f, text);
        if (mine == kNoCell) return drop();
        const uint64_t entry = (static_cast<uint64_t>(h32) << 32) | (mine + 1);
        if (slot.compare_exchange_strong(e, entry, std::memory_order_acq_rel))
          return r->series[mine].cells_off;
      }
      if (static_cast<uint32_t>(e >> 32) != h32) continue;
      const SeriesMeta& m = r->series[(e & 0xffffffffu) - 1];
      if (m.family == static_cast<uint16_t>(f) && m.labels_len == text.size() &&
          std::memcmp(r->labels + m.labels_off, text.data(), text.size()) == 0)
        return m.cells_off;  // a reserved series of ours, if any, stays unreachable
    }
    return drop();
  }

  uint32_t reserve(F f, const std::string& text) {
    const uint32_t s = r->series_used.fetch_add(1);
    const uint32_t n = cells_for(f);
    const uint32_t l = r->labels_used.fetch_add(static_cast<uint32_t>(text.size()));
    const uint32_t c = r->cells_used.fetch_add(n);
    if (s >= kMaxSeries || l + text.size() > kLabelBytes || c + n > kMaxCells) return kNoCell;
    std::memcpy(r->labels + l, text.data(), text.size());
    r->series[s] =
        SeriesMeta{static_cast<uint16_t>(f), l, static_cast<uint32_t>(text.size()), c, unix_time()};
    return s;
  }

  uint32_t drop() {
    if (r->series_dropped.fetch_add(1) == 0)
      LOG_WARN("metrics: series table full; new label sets are not recorded");
    return kNoCell;
  }

  void add(uint32_t cell, double v) {
    if (cell == kNoCell) return;
    auto& c = r->cells[column][cell];
    c.store(c.load(std::memory_order_relaxed) + v, std::memory_order_relaxed);
  }
  void set(uint32_t cell, double v) {
    if (cell != kNoCell) r->cells[kColumns][cell].store(v, std::memory_order_relaxed);
  }
  void observe(uint32_t cell, double v) {
    if (cell == kNoCell) return;
    const size_t b = std::lower_bound(buckets.begin(), buckets.end(), v) - buckets.begin();
    add(cell + static_cast<uint32_t>(b), 1);
    add(cell + static_cast<uint32_t>(buckets.size()) + 1, v);
  }
  std::string_view end_user(const RequestLabels& r) const {
    return end_user_labels ? r.end_user : std::string_view{};
  }
};

Registry::Registry(const config::Config& cfg, int fd, int column) : impl_(new Impl) {
  auto& m = *impl_;
  m.shared = fd >= 0;
  m.r = map_region(fd);
  if (m.r != nullptr && m.shared && m.r->magic.load() != kRegionMagic) {
    munmap(m.r, sizeof(Region));
    m.r = nullptr;
  }
  if (m.r == nullptr) {  // no shared region: this process's own
    LOG_WARN("metrics: shared region unavailable; /metrics shows this worker only");
    m.shared = false;
    m.r = map_region(-1);
    if (m.r == nullptr) throw std::bad_alloc();
  }
  m.column = (m.shared && column >= 0 && column < static_cast<int>(kColumns))
                 ? static_cast<uint32_t>(column)
                 : 0;
  if (!m.shared) m.r->columns_used.store(1);
  m.r->columns[m.column].alive.store(1);
  const auto& ls = cfg.litellm_settings;
  for (const auto* list : {&ls.callbacks, &ls.success_callback, &ls.failure_callback})
    for (const auto& c : *list)
      if (c == "prometheus") enabled_ = true;
  if (auto b = ls.raw.find("prometheus_latency_buckets");
      b != ls.raw.end() && b->is_array() && !b->empty()) {
    for (const auto& v : *b)
      if (v.is_number() && std::isfinite(v.get<double>())) m.buckets.push_back(v.get<double>());
    std::sort(m.buckets.begin(), m.buckets.end());
  } else {
    m.buckets.assign(std::begin(kDefaultBuckets), std::end(kDefaultBuckets));
  }
  m.end_user_labels = ls.raw.value("enable_end_user_cost_tracking_prometheus_only", false);
}

Registry::~Registry() {
  if (!impl_->shared) impl_->r->columns[impl_->column].alive.store(0);
  munmap(impl_->r, sizeof(Region));
}

void Registry::request(const RequestLabels& r, const DeploymentLabels* d, const RequestDone& x) {
  if (!enabled_) return;
  auto& m = *impl_;
  const auto eu = m.end_user(r);
  const std::string_view model = d ? d->model : std::string_view{};
  char status[16];
  const auto st = std::string_view(
      status, std::to_chars(status, status + sizeof status, x.status).ptr - status);
  auto& b = m.bundle('r', {eu, r.hashed_api_key, r.api_key_alias, r.requested_model, r.team,
                           r.team_alias, r.user, model, st, x.exception_class});
  m.add(m.in(b, F::kProxyTotal,
             {eu, r.hashed_api_key, r.api_key_alias, r.requested_model, r.team, r.team_alias,
              r.user, st}),
        1);
  if (x.status >= 400) {
    m.add(m.in(b, F::kProxyFailed,
               {eu, r.hashed_api_key, r.api_key_alias, r.requested_model, r.team, r.team_alias,
                r.user, st, x.exception_class}),
          1);
    return;
  }
  m.observe(m.in(b, F::kTotalLatency,
                 {eu, r.hashed_api_key, r.api_key_alias, r.requested_model, r.team, r.team_alias,
                  r.user, model}),
            x.total_seconds);
  if (x.llm_seconds >= 0) {
    m.observe(m.in(b, F::kLlmLatency,
                   {model, r.hashed_api_key, r.api_key_alias, r.team, r.team_alias,
                    r.requested_model, eu, r.user}),
              x.llm_seconds);
    m.observe(m.in(b, F::kOverhead,
                   {eu, r.hashed_api_key, r.api_key_alias, r.requested_model, r.team, r.team_alias,
                    r.user, model}),
              std::max(0.0, x.total_seconds - x.llm_seconds));
  }
  if (x.ttft_seconds >= 0)
    m.observe(m.in(b, F::kTtft, {model, r.hashed_api_key, r.api_key_alias, r.team, r.team_alias}),
              x.ttft_seconds);
  m.add(m.in(b, F::kSpend,
             {eu, r.hashed_api_key, r.api_key_alias, model, r.team, r.team_alias, r.user}),
        x.spend);
  m.add(m.in(b, F::kRequestsLegacy,
             {eu, r.hashed_api_key, r.api_key_alias, model, r.team, r.team_alias, r.user}),
        1);
  const std::initializer_list<std::string_view> tok = {eu,     r.hashed_api_key, r.api_key_alias,
                                                       model,  r.team,           r.team_alias,
                                                       r.user, r.requested_model};
  m.add(m.in(b, F::kTotalTokens, tok), static_cast<double>(x.prompt_tokens + x.completion_tokens));
  m.add(m.in(b, F::kInputTokens, tok), static_cast<double>(x.prompt_tokens));
  m.add(m.in(b, F::kOutputTokens, tok), static_cast<double>(x.completion_tokens));
}

void Registry::attempt(const RequestLabels& r, const DeploymentLabels& d, int status,
                       std::string_view exception_class, double seconds,
                       int64_t completion_tokens) {
  if (!enabled_) return;
  auto& m = *impl_;
  const std::initializer_list<std::string_view> dep = {
      r.requested_model, d.model,         d.model_id, d.api_base,  d.api_provider,
      r.hashed_api_key,  r.api_key_alias, r.team,     r.team_alias};
  if (status < 400) {
    auto& b = m.bundle('a', dep);
    m.add(m.in(b, F::kDeploymentTotal, dep), 1);
    m.add(m.in(b, F::kDeploymentSuccess, dep), 1);
    m.set(m.in(b, F::kDeploymentState, {d.model, d.model_id, d.api_base, d.api_provider}), 0);
    if (completion_tokens > 0)
      m.observe(m.in(b, F::kDeploymentLatencyPerToken,
                     {d.model, d.model_id, d.api_base, d.api_provider, r.hashed_api_key,
                      r.api_key_alias, r.team, r.team_alias}),
                seconds / static_cast<double>(completion_tokens));
    return;
  }
  m.add(m.series(F::kDeploymentTotal, dep), 1);
  const std::string st = std::to_string(status);
  m.add(m.series(F::kDeploymentFailure,
                 {r.requested_model, d.model, d.model_id, d.api_base, d.api_provider,
                  r.hashed_api_key, r.api_key_alias, r.team, r.team_alias, st, exception_class}),
        1);
  m.set(m.series(F::kDeploymentState, {d.model, d.model_id, d.api_base, d.api_provider}), 1);
}

void Registry::cooled_down(const DeploymentLabels& d, int status) {
  if (!enabled_) return;
  auto& m = *impl_;
  m.add(m.series(F::kDeploymentCooledDown,
                 {d.model, d.model_id, d.api_base, d.api_provider, std::to_string(status)}),
        1);
  m.set(m.series(F::kDeploymentState, {d.model, d.model_id, d.api_base, d.api_provider}), 2);
}

void Registry::fallback(const RequestLabels& r, std::string_view fallback_model, bool ok,
                        int status, std::string_view exception_class) {
  if (!enabled_) return;
  auto& m = *impl_;
  m.add(m.series(ok ? F::kSuccessfulFallbacks : F::kFailedFallbacks,
                 {r.requested_model, fallback_model, r.hashed_api_key, r.api_key_alias, r.team,
                  r.team_alias, std::to_string(status), exception_class}),
        1);
}

void Registry::remaining(const RequestLabels& r, const DeploymentLabels& d,
                         std::optional<double> requests, std::optional<double> tokens) {
  if (!enabled_) return;
  auto& m = *impl_;
  const std::initializer_list<std::string_view> labels = {
      d.model_group, d.api_provider, d.api_base, d.model, r.hashed_api_key, r.api_key_alias};
  if (requests) m.set(m.series(F::kRemainingRequests, labels), *requests);
  if (tokens) m.set(m.series(F::kRemainingTokens, labels), *tokens);
}

void Registry::budget(const Budget& b) {
  if (!enabled_ || b.id.empty()) return;
  auto& m = *impl_;
  F remaining = F::kRemainingKeyBudget, max = F::kKeyMaxBudget, hours = F::kKeyBudgetHours;
  if (b.owner == Budget::Owner::kTeam)
    remaining = F::kRemainingTeamBudget, max = F::kTeamMaxBudget, hours = F::kTeamBudgetHours;
  if (b.owner == Budget::Owner::kUser)
    remaining = F::kRemainingUserBudget, max = F::kUserMaxBudget, hours = F::kUserBudgetHours;
  auto series = [&](F f) {
    return b.owner == Budget::Owner::kUser ? m.series(f, {b.id}) : m.series(f, {b.id, b.alias});
  };
  // LiteLLM: remaining = max - spend, or +Inf without a max budget.
  m.set(series(remaining),
        b.max_budget ? *b.max_budget - b.spend : std::numeric_limits<double>::infinity());
  if (b.max_budget) m.set(series(max), *b.max_budget);
  if (b.reset_at) m.set(series(hours), std::max(0.0, (*b.reset_at - unix_time()) / 3600.0));
}

void Registry::deployment_limits(const DeploymentLabels& d, std::optional<double> tpm,
                                 std::optional<double> rpm) {
  if (!enabled_) return;
  auto& m = *impl_;
  const std::initializer_list<std::string_view> labels = {d.model, d.model_id, d.api_base,
                                                          d.api_provider};
  if (tpm) m.set(m.series(F::kDeploymentTpmLimit, labels), *tpm);
  if (rpm) m.set(m.series(F::kDeploymentRpmLimit, labels), *rpm);
}

void Registry::alert(std::string_view alert_type, bool sent) {
  auto& m = *impl_;
  m.add(m.series(F::kAlerts, {alert_type, sent ? "sent" : "dropped"}), 1);
}

void Registry::redis_outage(std::string_view use) {
  auto& m = *impl_;
  m.add(m.series(F::kRedisOutages, {use}), 1);
}

void Registry::set_process(const ProcessStatus& s) {
  auto& v = impl_->r->columns[impl_->column].values;
  const int64_t vals[kProcessValues] = {s.in_flight,      s.db_pool_in_use, s.db_pool_size,
                                        s.spend_queue,    s.journal_bytes,  s.db_connected,
                                        s.redis_connected};
  for (uint32_t i = 0; i < kProcessValues; ++i) v[i].store(vals[i], std::memory_order_relaxed);
}

// ---- exposition ----

std::string Registry::render() const {
  const Region* r = impl_->r;
  const auto& buckets = impl_->buckets;
  const uint32_t columns = std::min(r->columns_used.load(), kColumns);
  std::vector<std::vector<uint32_t>> by_family(static_cast<size_t>(F::kCount));
  for (uint32_t i = 0; i < kIndexSlots; ++i) {
    const uint64_t e = r->index[i].load(std::memory_order_acquire);
    if (e == 0) continue;
    const uint32_t s = static_cast<uint32_t>(e & 0xffffffffu) - 1;
    const uint16_t f = r->series[s].family;
    if (f < by_family.size()) by_family[f].push_back(s);
  }
  auto sum = [&](uint32_t cell) {
    double v = 0;
    for (uint32_t c = 0; c < columns; ++c) v += r->cells[c][cell].load(std::memory_order_relaxed);
    return v;
  };
  std::string out;
  out.reserve(64 * 1024);
  auto header = [&](std::string_view name, std::string_view suffix, std::string_view help,
                    std::string_view type) {
    out.append("# HELP ").append(name).append(suffix).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(suffix).append(" ").append(type).append("\n");
  };
  auto sample = [&](std::string_view name, std::string_view suffix, std::string_view labels,
                    std::string_view extra, double v) {
    out.append(name).append(suffix);
    if (!labels.empty() || !extra.empty()) {
      out += '{';
      out.append(labels);
      if (!labels.empty() && !extra.empty()) out += ',';
      out.append(extra);
      out += '}';
    }
    out.append(" ").append(go_float(v)).append("\n");
  };
  for (size_t fi = 0; fi < by_family.size(); ++fi) {
    const Family& fam = families()[fi];
    if (!enabled_ && !fam.always) continue;
    auto& list = by_family[fi];
    std::sort(list.begin(), list.end());
    auto labels_of = [&](uint32_t s) {
      return std::string_view(r->labels + r->series[s].labels_off, r->series[s].labels_len);
    };
    switch (fam.type) {
      case Type::kGauge:
        header(fam.name, "", fam.help, "gauge");
        for (uint32_t s : list)
          sample(fam.name, "", labels_of(s), "",
                 r->cells[kColumns][r->series[s].cells_off].load(std::memory_order_relaxed));
        break;
      case Type::kCounter:
        header(fam.name, "_total", fam.help, "counter");
        for (uint32_t s : list)
          sample(fam.name, "_total", labels_of(s), "", sum(r->series[s].cells_off));
        if (list.empty()) break;
        header(fam.name, "_created", fam.help, "gauge");
        for (uint32_t s : list)
          sample(fam.name, "_created", labels_of(s), "", r->series[s].created);
        break;
      case Type::kHistogram: {
        header(fam.name, "", fam.help, "histogram");
        for (uint32_t s : list) {
          const uint32_t c0 = r->series[s].cells_off;
          double cumulative = 0;
          for (size_t b = 0; b <= buckets.size(); ++b) {
            cumulative += sum(c0 + static_cast<uint32_t>(b));
            const std::string le =
                "le=\"" +
                go_float(b < buckets.size() ? buckets[b]
                                            : std::numeric_limits<double>::infinity()) +
                "\"";
            sample(fam.name, "_bucket", labels_of(s), le, cumulative);
          }
          sample(fam.name, "_count", labels_of(s), "", cumulative);
          sample(fam.name, "_sum", labels_of(s), "",
                 sum(c0 + static_cast<uint32_t>(buckets.size()) + 1));
        }
        if (list.empty()) break;
        header(fam.name, "_created", fam.help, "gauge");
        for (uint32_t s : list)
          sample(fam.name, "_created", labels_of(s), "", r->series[s].created);
        break;
      }
    }
  }
  // litellm-cpp's process families: the supervisor's counts and the live processes' gauges.
  int64_t totals[kProcessValues] = {};
  int64_t db_up = -1, redis_up = -1;
  for (uint32_t c = 0; c < kColumns; ++c) {
    if (!r->columns[c].alive.load()) continue;
    for (uint32_t i = 0; i < kProcessValues; ++i) {
      const int64_t v = r->columns[c].values[i].load(std::memory_order_relaxed);
      if (i == kDbConnected) {
        if (v >= 0) db_up = std::max<int64_t>(db_up, 0) + v;
      } else if (i == kRedisConnected) {
        if (v >= 0) redis_up = std::max<int64_t>(redis_up, 0) + v;
      } else {
        totals[i] += v;
      }
    }
  }
  auto gauge = [&](std::string_view name, std::string_view help, std::string_view labels, double v,
                   bool with_header = true) {
    if (with_header) header(name, "", help, "gauge");
    sample(name, "", labels, "", v);
  };
  if (impl_->shared) {
    gauge("litellm_cpp_workers", "Worker processes: ready (state=up) and configured (expected)",
          "state=\"up\"", static_cast<double>(r->workers_up.load()));
    gauge("litellm_cpp_workers", "", "state=\"expected\"",
          static_cast<double>(r->workers_expected.load()), false);
    header("litellm_cpp_worker_restarts", "_total",
           "Workers replaced: reason=recycle (request limit, reload) or crash", "counter");
    sample("litellm_cpp_worker_restarts", "_total", "reason=\"recycle\"", "",
           static_cast<double>(r->restarts_recycle.load()));
    sample("litellm_cpp_worker_restarts", "_total", "reason=\"crash\"", "",
           static_cast<double>(r->restarts_crash.load()));
  }
  gauge("litellm_cpp_in_flight_requests", "Requests being handled by all workers", "",
        static_cast<double>(totals[kInFlight]));
  gauge("litellm_in_memory_spend_update_queue_size",
        "Spend records accepted and not yet written to the database (all workers)", "",
        static_cast<double>(totals[kSpendQueue]));
  gauge("litellm_cpp_spend_journal_bytes", "Spend journal bytes on disk (all workers)", "",
        static_cast<double>(totals[kJournalBytes]));
  gauge("litellm_cpp_db_pool_connections", "Database connections: in use and open (all workers)",
        "state=\"in_use\"", static_cast<double>(totals[kPoolInUse]));
  gauge("litellm_cpp_db_pool_connections", "", "state=\"open\"",
        static_cast<double>(totals[kPoolSize]), false);
  if (db_up >= 0)
    gauge("litellm_cpp_db_connected_workers", "Workers whose last database call succeeded", "",
          static_cast<double>(db_up));
  if (redis_up >= 0)
    gauge("litellm_cpp_redis_connected_workers", "Workers connected to Redis (shared state)", "",
          static_cast<double>(redis_up));
  header("litellm_cpp_metrics_series_dropped", "_total",
         "Label sets not recorded because the series table was full", "counter");
  sample("litellm_cpp_metrics_series_dropped", "_total", "", "",
         static_cast<double>(r->series_dropped.load()));
  return out;
}

}  // namespace litellm::metrics
