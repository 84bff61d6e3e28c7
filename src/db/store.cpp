// The worker's database state: the virtual-key cache and the spend journal with its batched,
// idempotent writer (see docs/database.md for the guarantees).
#include "litellm/db/store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>
#include <random>

#include "litellm/common/crypto.hpp"
#include "litellm/common/json_scan.hpp"
#include "litellm/common/strings.hpp"
#include "litellm/logging/log.hpp"

namespace litellm::db {

using namespace std::string_view_literals;

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

constexpr size_t kRowsPerStatement = 500;
constexpr size_t kSegmentBytes = 4u << 20;
constexpr auto kUnknownKeyTtl = std::chrono::seconds(5);
constexpr size_t kMaxCachedKeys = 100000;

std::optional<double> num(const json& j, const char* k) {
  auto it = j.find(k);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}
std::optional<int64_t> integer(const json& j, const char* k) {
  auto it = j.find(k);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<int64_t>();
}
std::string str(const json& j, const char* k) {
  auto it = j.find(k);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
std::vector<std::string> strings(const json& j, const char* k) {
  std::vector<std::string> out;
  auto it = j.find(k);
  if (it != j.end() && it->is_array())
    for (const auto& v : *it)
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

KeyPtr key_from_row(const json& r) {
  auto k = std::make_shared<KeyInfo>();
  k->token = str(r, "token");
  k->key_alias = str(r, "key_alias");
  k->key_name = str(r, "key_name");
  k->user_id = str(r, "user_id");
  k->team_id = str(r, "team_id");
  k->org_id = str(r, "organization_id");
  k->blocked = r.value("blocked", json()).is_boolean() && r["blocked"].get<bool>();
  if (auto e = str(r, "expires"); !e.empty()) k->expires = parse_timestamp(e);
  if (auto e = str(r, "budget_reset_at"); !e.empty()) k->budget_reset_at = parse_timestamp(e);
  k->models = strings(r, "models");
  k->spend = num(r, "spend").value_or(0);
  k->max_budget = num(r, "max_budget");
  k->rpm_limit = integer(r, "rpm_limit");
  k->tpm_limit = integer(r, "tpm_limit");
  k->max_parallel_requests = integer(r, "max_parallel_requests");
  // A budget row linked to the key overrides the key's own limits (LiteLLM's combined view).
  if (auto b = num(r, "budget_max_budget")) k->max_budget = b;
  if (auto b = integer(r, "budget_rpm_limit")) k->rpm_limit = b;
  if (auto b = integer(r, "budget_tpm_limit")) k->tpm_limit = b;
  if (auto b = integer(r, "budget_max_parallel_requests")) k->max_parallel_requests = b;
  k->has_team = r.value("team_exists", false);
  k->team_alias = str(r, "team_alias");
  k->team_blocked = r.value("team_blocked", json()).is_boolean() && r["team_blocked"].get<bool>();
  k->team_models = strings(r, "team_models");
  k->team_spend = num(r, "team_spend").value_or(0);
  k->team_max_budget = num(r, "team_max_budget");
  k->team_rpm_limit = integer(r, "team_rpm_limit");
  k->team_tpm_limit = integer(r, "team_tpm_limit");
  k->team_max_parallel_requests = integer(r, "team_max_parallel_requests");
  k->has_user = r.value("user_exists", false);
  k->user_spend = num(r, "user_spend").value_or(0);
  k->user_max_budget = num(r, "user_max_budget");
  k->user_rpm_limit = integer(r, "user_rpm_limit");
  k->user_tpm_limit = integer(r, "user_tpm_limit");
  k->user_max_parallel_requests = integer(r, "user_max_parallel_requests");
  k->user_role = str(r, "user_role");
  k->loaded = Clock::now();
  return k;
}

const char* const kKeySql = R"(SELECT row_to_json(x)::text FROM (
SELECT v.*, t.team_id IS NOT NULL AS team_exists, t.spend AS team_spend,
  t.max_budget AS team_max_budget, t.tpm_limit AS team_tpm_limit, t.rpm_limit AS team_rpm_limit,
  t.max_parallel_requests AS team_max_parallel_requests, t.models AS team_models,
  t.blocked AS team_blocked, t.team_alias,
  u.user_id IS NOT NULL AS user_exists, u.spend AS user_spend, u.max_budget AS user_max_budget,
  u.tpm_limit AS user_tpm_limit, u.rpm_limit AS user_rpm_limit, u.user_role,
  u.max_parallel_requests AS user_max_parallel_requests,
  b.max_budget AS budget_max_budget, b.tpm_limit AS budget_tpm_limit,
  b.rpm_limit AS budget_rpm_limit, b.max_parallel_requests AS budget_max_parallel_requests
FROM "LiteLLM_VerificationToken" v
LEFT JOIN "LiteLLM_TeamTable" t ON v.team_id = t.team_id
LEFT JOIN "LiteLLM_UserTable" u ON v.user_id = u.user_id
LEFT JOIN "LiteLLM_BudgetTable" b ON v.budget_id = b.budget_id
WHERE v.token = $1) x)";

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::optional<std::string> read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

// Complete lines only: a record without its newline was torn by a crash mid-write (the journal
// writes whole lines, so only the last one can be) and is not valid JSON.
std::vector<std::string_view> split_lines(std::string_view data, const std::string& source) {
  std::vector<std::string_view> out;
  while (!data.empty()) {
    size_t nl = data.find('\n');
    if (nl == std::string_view::npos) {
      LOG_WARN("spend journal {}: dropping a torn last record ({} bytes)", source, data.size());
      break;
    }
    std::string_view line = data.substr(0, nl);
    if (!trim(line).empty()) out.emplace_back(line);
    data.remove_prefix(nl + 1);
  }
  return out;
}

// spend-<pid>-<start>-<seq>.jsonl
std::optional<pid_t> journal_pid(std::string_view name) {
  if (!name.starts_with("spend-") || !name.ends_with(".jsonl")) return std::nullopt;
  return static_cast<pid_t>(std::strtol(std::string(name.substr(6)).c_str(), nullptr, 10));
}

bool make_dirs(const std::string& path) {
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      std::string p = path.substr(0, i);
      if (::mkdir(p.c_str(), 0700) != 0 && errno != EEXIST) return false;
    }
  }
  return true;
}

}  // namespace

struct Store::Timers {
  explicit Timers(asio::io_context& ioc) : journal(ioc), flush(ioc), reset(ioc) {}
  asio::steady_timer journal;
  asio::steady_timer flush;
  asio::steady_timer reset;
};

StoreOptions store_options(const config::Config& cfg, const DatabaseSettings& db) {
  StoreOptions o;
  o.db = db;
  const auto& gs = cfg.general_settings;
  double batch = gs.proxy_batch_write_at;
  if (!gs.raw.contains("proxy_batch_write_at"))
    if (auto e = env("PROXY_BATCH_WRITE_AT")) batch = std::strtod(e->c_str(), nullptr);
  // LiteLLM: proxy_batch_write_at + random.randint(0, 5), drawn once per process.
  std::random_device rd;
  batch += static_cast<double>(std::uniform_int_distribution<int>(0, 5)(rd));
  if (auto e = env("LITELLM_CPP_SPEND_FLUSH_JITTER"); e && *e == "0")
    batch = gs.proxy_batch_write_at;
  o.flush_interval = std::chrono::milliseconds(static_cast<int64_t>(std::max(0.05, batch) * 1000));
  o.key_cache_ttl =
      std::chrono::milliseconds(static_cast<int64_t>(gs.user_api_key_cache_ttl * 1000));
  o.disable_spend_logs = gs.disable_spend_logs;
  o.disable_error_logs = gs.disable_error_logs;
  o.allow_requests_on_db_unavailable = gs.allow_requests_on_db_unavailable;
  if (auto it = gs.raw.find("disable_spend_updates"); it != gs.raw.end() && it->is_boolean())
    o.disable_spend_updates = it->get<bool>();
  if (auto ms = env("LITELLM_CPP_BUDGET_RESET_INTERVAL_MS"))
    o.budget_reset_interval = std::chrono::milliseconds(std::max(10L, std::atol(ms->c_str())));
  if (auto ms = env("LITELLM_CPP_SPEND_JOURNAL_INTERVAL_MS"))
    o.journal_interval = std::chrono::milliseconds(std::max(10L, std::atol(ms->c_str())));
  if (auto dir = env("LITELLM_CPP_SPEND_JOURNAL_DIR"); dir && !dir->empty()) {
    o.journal_dir = *dir;
  } else {
    // One directory per database, so that instances on other databases never claim our files.
    std::string tmp = env("TMPDIR").value_or("/tmp");
    o.journal_dir = tmp + "/litellm-cpp-spend/" + sha256_hex(db.conninfo).substr(0, 16);
  }
  return o;
}

Store::Store(asio::io_context& ioc, StoreOptions options)
    : ioc_(ioc),
      options_(std::move(options)),
      pool_(ioc,
            Pool::Options{
                options_.db.conninfo, options_.db.pool_limit,
                std::chrono::milliseconds(
                    int64_t(std::min(options_.db.connect_timeout_seconds, 30.0) * 1000)),
                std::chrono::milliseconds(60000),
                std::chrono::milliseconds(int64_t(options_.db.pool_timeout_seconds * 1000))}),
      timers_(std::make_unique<Timers>(ioc)) {
  if (!options_.journal_dir.empty() && !make_dirs(options_.journal_dir)) {
    LOG_ERROR("spend journal directory {} unusable ({}); unflushed spend is kept in memory only",
              options_.journal_dir, std::strerror(errno));
    options_.journal_dir.clear();
  }
}

Store::~Store() {
  stopped_ = true;
  if (segment_fd_ >= 0) ::close(segment_fd_);
}

void Store::start() {
  asio::co_spawn(
      ioc_,
      [this]() -> asio::awaitable<void> {
        if (auto st = co_await load_catalog(); !st)
          LOG_WARN("database catalog not loaded yet: {}", st.error().message);
      },
      asio::detached);
  schedule_journal();
  schedule_flush(options_.flush_interval);
  schedule_resets();
}

void Store::schedule_resets() {
  timers_->reset.expires_after(options_.budget_reset_interval);
  timers_->reset.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    asio::co_spawn(
        ioc_,
        [this]() -> asio::awaitable<void> {
          auto r = co_await reset_budgets();
          if (!r) LOG_WARN("budget reset failed: {}", r.error().message);
          if (!stopped_) schedule_resets();
        },
        asio::detached);
  });
}

asio::awaitable<Result<bool>> Store::reset_budgets() {
  if (!catalog_loaded_)
    if (auto st = co_await load_catalog(); !st) co_return st.error();
  // The next period starts where the old one ended is LiteLLM's rule for keys created with a
  // duration; here every table uses now + duration (docs/database.md).
  static const char* const kInterval =
      "CASE WHEN budget_duration ~ '^[0-9]+mo$' THEN (substring(budget_duration from '^[0-9]+') "
      "|| ' months')::interval WHEN budget_duration ~ '^[0-9]+[smhdw]?$' THEN "
      "(substring(budget_duration from '^[0-9]+') || CASE substring(budget_duration from "
      "'[smhdw]$') WHEN 'm' THEN ' minutes' WHEN 'h' THEN ' hours' WHEN 'd' THEN ' days' WHEN "
      "'w' THEN ' weeks' ELSE ' seconds' END)::interval ELSE interval '1 day' END";
  bool any = false;
  for (const char* table :
       {"LiteLLM_VerificationToken", "LiteLLM_UserTable", "LiteLLM_TeamTable"}) {
    if (!catalog_.has(table, "budget_reset_at") || !catalog_.has(table, "budget_duration"))
      continue;
    std::string sql = std::string("UPDATE ") + quote_ident(table) +
                      " SET spend = 0, budget_reset_at = (now() AT TIME ZONE 'utc') + " +
                      kInterval +
                      " WHERE budget_reset_at < (now() AT TIME ZONE 'utc') AND budget_duration "
                      "IS NOT NULL AND budget_duration NOT IN ('', 'None', 'null')";
    if (std::string_view(table) == "LiteLLM_VerificationToken")
      sql += " AND (expires IS NULL OR expires > (now() AT TIME ZONE 'utc'))"sv;
    auto r = co_await pool_.query(sql);
    if (!r) co_return r.error();
    if (r->affected() > 0) {
      any = true;
      LOG_INFO("budget period ended for {} row(s) of {}: spend reset", r->affected(), table);
    }
  }
  if (any) forget_all_keys();
  co_return any;
}

asio::awaitable<Status> Store::load_catalog() {
  auto cols = co_await pool_.query(kCatalogSql);
  if (!cols) co_return cols.error();
  auto keys = co_await pool_.query(kUpsertKeysSql);
  if (!keys) co_return keys.error();
  Catalog c;
  for (int r = 0; r < cols->rows(); ++r)
    c.columns[std::string(cols->get(r, 0))].insert(std::string(cols->get(r, 1)));
  // The upsert key is the table's first unique index (LiteLLM has one per daily table).
  std::map<std::string, std::string> index_of;
  for (int r = 0; r < keys->rows(); ++r) {
    std::string t(keys->get(r, 0)), index(keys->get(r, 2));
    if (index_of.emplace(t, index).first->second == index)
      c.upsert_keys[t].emplace_back(keys->get(r, 1));
  }
  catalog_ = std::move(c);
  catalog_loaded_ = true;
  co_return Ok{};
}

void Store::schedule_journal() {
  timers_->journal.expires_after(options_.journal_interval);
  timers_->journal.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    write_journal();
    schedule_journal();
  });
}

void Store::schedule_flush(std::chrono::milliseconds after) {
  timers_->flush.expires_after(after);
  timers_->flush.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    asio::co_spawn(
        ioc_,
        [this]() -> asio::awaitable<void> {
          auto st = co_await flush();
          // After a failure retry sooner, but never hammer the server.
          auto next = options_.flush_interval;
          if (!st) next = std::min(next, std::chrono::milliseconds(5000));
          if (!stopped_) schedule_flush(next);
        },
        asio::detached);
  });
}

asio::awaitable<Result<KeyPtr>> Store::find_key(const std::string& raw_key) {
  const auto now = Clock::now();
  if (auto hit = by_raw_.find(raw_key); hit != by_raw_.end()) {
    const KeyPtr& k = hit->second;
    if (now - k->loaded < options_.key_cache_ttl) co_return k;
  }
  const std::string token = sha256_hex(raw_key);
  auto it = keys_.find(token);
  if (it != keys_.end() && now - it->second->loaded < options_.key_cache_ttl) co_return it->second;
  if (auto u = unknown_keys_.find(token); u != unknown_keys_.end()) {
    if (now - u->second < kUnknownKeyTtl) co_return KeyPtr{};
    unknown_keys_.erase(u);
  }
  auto r = co_await pool_.query(kKeySql, params(token));
  if (!r) {
    db_reachable_ = !is_connection_error(r.error());
    // Database unreachable: a key we knew keeps working (LiteLLM serves cached keys too).
    if (it != keys_.end()) co_return it->second;
    co_return r.error();
  }
  db_reachable_ = true;
  if (r->rows() == 0) {
    if (unknown_keys_.size() > kMaxCachedKeys) unknown_keys_.clear();
    unknown_keys_[token] = now;
    keys_.erase(token);
    co_return KeyPtr{};
  }
  auto row = json::parse(r->get(0, 0), nullptr, false);
  if (row.is_discarded()) co_return Error::make(ErrorKind::kInternalServer, 500, "bad key row");
  KeyPtr k = key_from_row(row);
  // Spend recorded here but not yet in the database stays counted.
  k->spend += unflushed("k:" + k->token);
  if (!k->team_id.empty()) k->team_spend += unflushed("t:" + k->team_id);
  if (!k->user_id.empty()) k->user_spend += unflushed("u:" + k->user_id);
  if (keys_.size() > kMaxCachedKeys) {
    keys_.clear();
    by_raw_.clear();
  }
  keys_[token] = k;
  by_raw_[raw_key] = k;
  co_return k;
}

double Store::unflushed(const std::string& id) const {
  double v = 0;
  if (auto it = unflushed_.find(id); it != unflushed_.end()) v += it->second;
  if (auto it = in_flush_.find(id); it != in_flush_.end()) v += it->second;
  return v;
}

void Store::forget_all_keys() {
  keys_.clear();
  by_raw_.clear();
  unknown_keys_.clear();
}

void Store::record(SpendRecord rec, const KeyPtr& key) {
  if (options_.disable_spend_updates) return;
  if (key && rec.spend > 0) {
    key->spend += rec.spend;
    key->team_spend += rec.spend;
    key->user_spend += rec.spend;
  }
  if (rec.spend > 0) {
    static thread_local std::string id;  // reused: the map copies it only when it is new
    auto add = [&](std::string_view prefix, const std::string& owner) {
      id.assign(prefix).append(owner);
      unflushed_[id] += rec.spend;
    };
    add("k:", rec.api_key);
    if (!rec.team_id.empty()) add("t:", rec.team_id);
    if (!rec.user.empty()) add("u:", rec.user);
  }
  // One compact JSON object per line (spend_sql.cpp expands it): short keys, empty values left
  // out, times as unix milliseconds. Written directly: this runs for every request. Every member
  // is appended with its separator and key in one piece (",\"k\":"); the first separator becomes
  // the object's opening brace.
  ++queued_;
  std::string& o = pending_;
  const size_t start = o.size();
  auto str = [&](std::string_view member, std::string_view v) {
    if (v.empty()) return;
    o.append(member);
    litellm::json::append_quoted(o, v);
  };
  auto num = [&](std::string_view member, auto v) {
    char buf[64];
    std::memcpy(buf, member.data(), member.size());
    auto [end, ec] = std::to_chars(buf + member.size(), buf + sizeof buf, v);
    if (ec == std::errc()) o.append(buf, static_cast<size_t>(end - buf));
  };
  auto ms = [](double t) { return static_cast<int64_t>(t * 1000); };
  str(",\"r\":"sv, rec.request_id);
  str(",\"ct\":"sv, rec.call_type);
  str(",\"k\":"sv, rec.api_key);
  if (rec.spend != 0) num(",\"s\":"sv, rec.spend);
  num(",\"pt\":"sv, rec.prompt_tokens);
  num(",\"co\":"sv, rec.completion_tokens);
  num(",\"tt\":"sv, rec.total_tokens);
  num(",\"t0\":"sv, ms(rec.start_time));
  num(",\"t1\":"sv, ms(rec.end_time));
  if (rec.completion_start_time > 0) num(",\"tf\":"sv, ms(rec.completion_start_time));
  str(",\"m\":"sv, rec.model);
  str(",\"mi\":"sv, rec.model_id);
  str(",\"g\":"sv, rec.model_group);
  str(",\"p\":"sv, rec.custom_llm_provider);
  str(",\"b\":"sv, rec.api_base);
  str(",\"u\":"sv, rec.user);
  str(",\"ka\":"sv, rec.key_alias);
  str(",\"ti\":"sv, rec.team_id);
  str(",\"ta\":"sv, rec.team_alias);
  str(",\"o\":"sv, rec.org_id);
  str(",\"eu\":"sv, rec.end_user);
  if (!rec.tags.empty()) {
    o += ",\"tg\":["sv;
    for (size_t i = 0; i < rec.tags.size(); ++i) {
      if (i) o += ',';
      litellm::json::append_quoted(o, rec.tags[i]);
    }
    o += ']';
  }
  str(",\"ep\":"sv, rec.endpoint);
  str(",\"ck\":"sv, rec.cache_key);
  if (rec.cache_hit) o += ",\"ch\":true"sv;
  if (options_.disable_spend_logs) o += ",\"l\":false"sv;
  if (!rec.success) {
    o += ",\"ok\":false"sv;
    if (!options_.disable_error_logs) str(",\"ei\":"sv, uuid4());
    str(",\"et\":"sv, rec.exception_type);
    str(",\"es\":"sv, rec.exception_string);
    str(",\"sc\":"sv, rec.status_code);
  }
  if (o.size() == start)
    o += '{';
  else
    o[start] = '{';
  o += "}\n"sv;
}

void Store::write_journal() {
  if (pending_.empty()) return;
  if (options_.journal_dir.empty()) {
    memory_segments_.push_back({"", std::move(pending_)});
    pending_.clear();
    return;
  }
  if (segment_fd_ < 0) {
    static const auto started = std::chrono::system_clock::now().time_since_epoch().count();
    segment_path_ = options_.journal_dir + "/spend-" + std::to_string(::getpid()) + "-" +
                    std::to_string(started) + "-" + std::to_string(next_seq_++) + ".jsonl";
    segment_fd_ = ::open(segment_path_.c_str(), O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0600);
    if (segment_fd_ < 0) {
      LOG_ERROR("spend journal {}: {}; keeping records in memory", segment_path_,
                std::strerror(errno));
      memory_segments_.push_back({"", std::move(pending_)});
      pending_.clear();
      return;
    }
  }
  if (!write_all(segment_fd_, pending_)) {
    LOG_ERROR("spend journal write failed: {}; keeping records in memory", std::strerror(errno));
    memory_segments_.push_back({"", std::move(pending_)});
  } else {
    segment_bytes_ += pending_.size();
    if (segment_bytes_ >= kSegmentBytes) {  // the flush reads one segment at a time
      ::close(segment_fd_);
      segment_fd_ = -1;
      segment_bytes_ = 0;
    }
  }
  pending_.clear();
}

void Store::claim_orphans() {
  if (options_.journal_dir.empty()) return;
  DIR* d = ::opendir(options_.journal_dir.c_str());
  if (!d) return;
  const pid_t me = ::getpid();
  std::vector<std::string> names;
  while (auto* e = ::readdir(d)) names.emplace_back(e->d_name);
  ::closedir(d);
  for (const auto& name : names) {
    auto pid = journal_pid(name);
    if (!pid || *pid == me) continue;
    if (::kill(*pid, 0) == 0 || errno != ESRCH) continue;  // its worker still runs
    std::string to = options_.journal_dir + "/spend-" + std::to_string(me) + "-claimed-" +
                     std::to_string(next_seq_++) + "-" + name;
    if (::rename((options_.journal_dir + "/" + name).c_str(), to.c_str()) == 0)
      LOG_INFO("claimed spend journal {} of exited worker {}", name, *pid);
  }
}

void Store::measure_journal() {
  journal_bytes_ = 0;
  for (const auto& s : memory_segments_) journal_bytes_ += s.data.size();
  if (options_.journal_dir.empty()) return;
  DIR* d = ::opendir(options_.journal_dir.c_str());
  if (!d) return;
  const pid_t me = ::getpid();
  while (auto* e = ::readdir(d)) {
    auto pid = journal_pid(e->d_name);
    struct stat st {};
    const std::string path = options_.journal_dir + "/" + e->d_name;
    if (pid && *pid == me && path != segment_path_ && ::stat(path.c_str(), &st) == 0)
      journal_bytes_ += static_cast<size_t>(st.st_size);
  }
  ::closedir(d);
}

std::vector<Store::Segment> Store::closed_segments() {
  std::vector<Segment> out = std::move(memory_segments_);
  memory_segments_.clear();
  if (options_.journal_dir.empty()) return out;
  DIR* d = ::opendir(options_.journal_dir.c_str());
  if (!d) return out;
  const pid_t me = ::getpid();
  std::vector<std::string> names;
  while (auto* e = ::readdir(d)) {
    auto pid = journal_pid(e->d_name);
    if (pid && *pid == me) names.emplace_back(e->d_name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    std::string path = options_.journal_dir + "/" + n;
    if (path == segment_path_ && segment_fd_ >= 0) continue;
    out.push_back({path, std::string()});  // read when its turn comes (bounded memory)
  }
  return out;
}

asio::awaitable<Status> Store::flush() {
  if (flushing_) co_return Ok{};
  flushing_ = true;
  struct Reset {
    Store& s;
    ~Reset() {
      s.flushing_ = false;
      s.measure_journal();
    }
  } reset{*this};
  write_journal();
  if (segment_fd_ >= 0) {  // new records go to a new segment while this one is written
    ::close(segment_fd_);
    segment_fd_ = -1;
    segment_bytes_ = 0;
    segment_path_.clear();
  }
  claim_orphans();
  auto segments = closed_segments();
  if (segments.empty()) {
    // Nothing of our own; the fleet's writer still writes what the others buffered.
    if (!buffer_) co_return Ok{};
    if (!catalog_loaded_)
      if (auto st = co_await load_catalog(); !st) {
        db_reachable_ = false;
        co_return st.error();
      }
    co_return co_await write_buffered();
  }
  // The deltas of the records being written; back to unflushed_ unless all of them land.
  for (auto& [id, v] : unflushed_) in_flush_[id] += v;
  unflushed_.clear();
  struct Deltas {
    Store& s;
    bool done = false;
    ~Deltas() {
      if (!done)
        for (auto& [id, v] : s.in_flush_) s.unflushed_[id] += v;
      s.in_flush_.clear();
    }
  } deltas{*this};
  if (!catalog_loaded_) {
    if (auto st = co_await load_catalog(); !st) {
      db_reachable_ = false;
      if (failure_hook_) failure_hook_(false, st.error().message);
      for (auto& s : segments)
        if (s.path.empty()) memory_segments_.push_back(std::move(s));
      co_return st.error();
    }
  }
  Status result = Ok{};
  for (size_t i = 0; i < segments.size(); ++i) {
    auto& seg = segments[i];
    if (!seg.path.empty()) {
      auto data = read_file(seg.path);
      if (!data) continue;  // claimed or removed meanwhile
      seg.data = std::move(*data);
    }
    auto lines = split_lines(seg.data, seg.path.empty() ? "(memory)" : seg.path);
    // With a fleet buffer the batch goes there (one writer writes for every instance); when the
    // buffer does not take it, it is written here as usual.
    if (buffer_ && !lines.empty() && co_await buffer_->push(seg.data)) {
      queued_ -= std::min(queued_, lines.size());
      if (!seg.path.empty()) ::unlink(seg.path.c_str());
      std::string().swap(seg.data);
      continue;
    }
    std::string rejected;
    auto [done, st] = co_await write_lines(lines, rejected);
    queued_ -= std::min(queued_, done);
    if (!st) result = st.error();
    keep_rejected(rejected, seg.path);
    if (done == lines.size()) {
      if (!seg.path.empty()) {
        ::unlink(seg.path.c_str());
      }
      std::string().swap(seg.data);  // free it before the next segment is read
      continue;
    }
    // The database went away: keep what was not written (and the later segments) for the next
    // flush; the part already written is not written again.
    std::string rest;
    for (size_t k = done; k < lines.size(); ++k) {
      rest.append(lines[k]);
      rest += '\n';
    }
    if (seg.path.empty()) {
      memory_segments_.push_back({"", std::move(rest)});
    } else {
      int fd = ::open((seg.path + ".tmp").c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
      if (fd >= 0 && write_all(fd, rest)) {
        ::close(fd);
        ::rename((seg.path + ".tmp").c_str(), seg.path.c_str());
      } else if (fd >= 0) {
        ::close(fd);
      }
    }
    db_reachable_ = false;
    for (size_t k = i + 1; k < segments.size(); ++k)
      if (segments[k].path.empty()) memory_segments_.push_back(std::move(segments[k]));
    co_return result;
  }
  db_reachable_ = true;
  deltas.done = static_cast<bool>(result);
  if (buffer_ && result) result = co_await write_buffered();
  co_return result;
}

void Store::keep_rejected(const std::string& rejected, const std::string& path) {
  if (rejected.empty()) return;
  if (path.empty()) {
    LOG_ERROR("{} spend record(s) rejected and not journaled (no journal directory)",
              std::count(rejected.begin(), rejected.end(), '\n'));
    return;
  }
  int fd = ::open((path + ".rejected").c_str(), O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0600);
  if (fd >= 0) {
    (void)write_all(fd, rejected);
    ::close(fd);
  }
}

asio::awaitable<Store::Written> Store::write_lines(const std::vector<std::string_view>& lines,
                                                   std::string& rejected) {
  Written w;
  while (w.done < lines.size()) {
    size_t n = std::min(kRowsPerStatement, lines.size() - w.done);
    std::vector<std::string_view> chunk(lines.begin() + w.done, lines.begin() + w.done + n);
    auto st = co_await write_batch(chunk);
    if (!st && !is_connection_error(st.error())) {
      // A record the database refuses must not hold back the others: one by one, keeping
      // only the refused ones aside.
      Status one_by_one = Ok{};
      for (const auto& line : chunk) {
        const std::vector<std::string_view> one(1, line);
        auto single = co_await write_batch(one);
        if (single) continue;
        if (is_connection_error(single.error())) {
          one_by_one = single.error();
          break;
        }
        LOG_ERROR("spend record rejected by the database: {}", single.error().message);
        if (failure_hook_) failure_hook_(true, single.error().message);
        rejected.append(line);
        rejected += '\n';
      }
      st = one_by_one;
    }
    if (!st) {
      w.status = st.error();
      if (failure_hook_) failure_hook_(false, st.error().message);
      break;
    }
    w.done += n;
  }
  co_return w;
}

asio::awaitable<Status> Store::write_buffered() {
  if (!co_await buffer_->lead()) co_return Ok{};
  // Bounded per flush, so that one round cannot hold the worker's flush forever.
  for (int batches = 0; batches < 64; ++batches) {
    auto batch = co_await buffer_->next();
    if (!batch) break;
    auto lines = split_lines(*batch, "(buffer)");
    std::string rejected;
    auto [done, st] = co_await write_lines(lines, rejected);
    if (!st) {  // the database went away: the batch stays in the buffer for the next round
      db_reachable_ = false;
      co_return st.error();
    }
    // Kept aside like our own refused records (the batch came from another instance).
    keep_rejected(rejected, options_.journal_dir.empty()
                                ? std::string()
                                : options_.journal_dir + "/buffered-" + std::to_string(::getpid()));
    co_await buffer_->done(*batch);
  }
  co_return Ok{};
}

asio::awaitable<void> Store::drain(std::chrono::milliseconds budget) {
  stopped_ = true;
  timers_->journal.cancel();
  timers_->flush.cancel();
  timers_->reset.cancel();
  write_journal();
  // Background work (a flush, the budget reset, a model reload) must finish before the worker's
  // loop stops: a coroutine left suspended would be destroyed after this Store.
  const auto deadline = Clock::now() + budget;
  auto settle = [&]() -> asio::awaitable<void> {
    asio::steady_timer t(ioc_);
    while ((flushing_ || pool_.in_use() > 0) && Clock::now() < deadline) {
      t.expires_after(std::chrono::milliseconds(10));
      co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  };
  co_await settle();
  if (budget.count() > 0 && db_reachable_ && Clock::now() < deadline) (void)co_await flush();
  co_await settle();
  if (!memory_segments_.empty())
    LOG_WARN("{} spend segment(s) could not be written and have no journal; they are lost",
             memory_segments_.size());
}

asio::awaitable<Status> Store::write_batch(const std::vector<std::string_view>& lines) {
  size_t size = 2;
  for (auto l : lines) size += l.size() + 1;
  std::string array;
  array.reserve(size);
  array += '[';
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) array += ',';
    array.append(lines[i]);
  }
  array += ']';
  auto r = co_await pool_.query(batch_sql(), params(array));
  if (!r) co_return r.error();
  co_return Ok{};
}

}  // namespace litellm::db
