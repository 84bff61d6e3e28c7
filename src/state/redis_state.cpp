// Fleet state: the host's table plus a background sync with Redis (see redis_state.hpp).
//
// Keys (prefix `litellm_cpp:` unless configured):
//   deployment:{id}:cooldown          LiteLLM's CooldownCacheValue JSON, SET EX cooldown_time
//   {prefix}usage:{id}:{minute}       hash {requests, tokens}, HINCRBY, expires after 120 s
//   {prefix}inflight:{id}             in-flight requests (max_parallel_requests), INCRBY ±, 60 s
//   {prefix}epoch:{name}              key / model change counters, INCRBY, no expiry
#include "litellm/state/redis_state.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "litellm/common/strings.hpp"
#include "litellm/redis/client.hpp"

namespace litellm::state {

namespace asio = boost::asio;

std::string cooldown_json(const CooldownRecord& r) {
  nlohmann::json j = {{"exception_received", r.exception_received},
                      {"status_code", std::to_string(r.status_code)},
                      {"timestamp", r.timestamp},
                      {"cooldown_time", r.cooldown_time}};
  return j.dump();
}

std::optional<CooldownRecord> parse_cooldown_json(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  CooldownRecord r;
  auto number = [&](const char* k) -> std::optional<double> {
    auto it = j.find(k);
    if (it == j.end()) return std::nullopt;
    if (it->is_number()) return it->get<double>();
    if (it->is_string()) {
      char* end = nullptr;
      const std::string& s = it->get_ref<const std::string&>();
      double v = std::strtod(s.c_str(), &end);
      if (end != s.c_str()) return v;
    }
    return std::nullopt;
  };
  auto ts = number("timestamp");
  auto ct = number("cooldown_time");
  if (!ts || !ct) return std::nullopt;
  r.timestamp = *ts;
  r.cooldown_time = *ct;
  r.status_code = static_cast<int>(number("status_code").value_or(0));
  if (auto it = j.find("exception_received"); it != j.end() && it->is_string())
    r.exception_received = it->get<std::string>();
  return r;
}

namespace {

const std::string* const kEpochs[] = {&kKeyEpoch, &kModelsEpoch};

bool is_epoch(const std::string& id) { return id == kKeyEpoch || id == kModelsEpoch; }

struct Core : std::enable_shared_from_this<Core> {
  Core(std::shared_ptr<RouterState> l, std::shared_ptr<redis::Client> c, asio::io_context& ioc,
       FleetOptions o)
      : local(std::move(l)), client(std::move(c)), timer(ioc), options(std::move(o)) {
    deployments.insert(options.deployment_ids.begin(), options.deployment_ids.end());
  }

  enum class Kind { kEpoch, kInflight, kUsage };
  // A counter this worker touched: the increments not yet in Redis, and when it was last used.
  // Counters stay watched for a while after their last increment, so that what other instances
  // add is read back even when this one has nothing to add.
  struct Counter {
    std::string id;
    int64_t minute = 0;
    int64_t requests = 0, tokens = 0;
    double touched = 0;
  };
  struct Step {  // one counter in a sync batch
    Kind kind;
    bool increment;  // false: read only
    size_t at;       // index of its first reply
    Counter sent;    // the increments sent (restored if they fail)
  };

  std::shared_ptr<RouterState> local;
  std::shared_ptr<redis::Client> client;
  asio::steady_timer timer;
  FleetOptions options;
  std::unordered_map<std::string, std::unordered_map<int64_t, Counter>, StringHash,
                     std::equal_to<>>
      counters;                                                 // by id, then minute
  std::unordered_map<std::string, CooldownRecord> unpublished;  // set while Redis was down
  std::unordered_set<std::string> deployments;  // ids the router asked about: their cooldowns
  std::unordered_map<std::string, int64_t> fleet_epochs;  // last value seen in Redis
  bool busy = false;                                      // a sync batch is in flight
  bool stopped = false;

  std::string cooldown_key(const std::string& id) const { return "deployment:" + id + ":cooldown"; }
  std::string usage_key(const Counter& c) const {
    return options.prefix + "usage:" + c.id + ":" + std::to_string(c.minute);
  }

  void add(const std::string& id, int64_t minute, int64_t requests, int64_t tokens, double now) {
    auto by_id = counters.find(std::string_view(id));
    if (by_id == counters.end()) by_id = counters.try_emplace(id).first;
    auto [it, fresh] = by_id->second.try_emplace(minute);
    Counter& c = it->second;
    if (fresh) {
      c.id = id;
      c.minute = minute;
    }
    c.requests += requests;
    c.tokens += tokens;
    c.touched = now;
  }

  void publish(const std::string& id, const CooldownRecord& rec) {
    if (!client->connected()) {
      unpublished[id] = rec;
      return;
    }
    const auto ttl = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(rec.cooldown_time)));
    client->send({"SET", cooldown_key(id), cooldown_json(rec), "EX", std::to_string(ttl)},
                 [](redis::Reply) {});
  }

  void arm() {
    if (stopped) return;
    timer.expires_after(options.sync_interval);
    std::weak_ptr<Core> weak = shared_from_this();
    timer.async_wait([weak](const boost::system::error_code& ec) {
      if (auto self = weak.lock(); self && !ec) self->sync();
    });
  }

  // Finished minutes are forgotten; in-flight counters idle for two minutes too (their Redis
  // key has expired by then); epochs are read through the MGET below once sent.
  bool stale(const Counter& c, int64_t minute, double now) const {
    if (c.minute != 0) return c.minute < minute - 1;
    if (is_epoch(c.id)) return c.requests == 0;
    return c.requests == 0 && now - c.touched > 120;
  }

  void sync() {
    const double now = unix_time();
    const int64_t minute = static_cast<int64_t>(now / 60);
    if (busy) return arm();
    for (auto it = counters.begin(); it != counters.end();) {
      std::erase_if(it->second, [&](const auto& kv) { return stale(kv.second, minute, now); });
      it = it->second.empty() ? counters.erase(it) : std::next(it);
    }
    if (!client->connected()) return arm();
    for (auto& [id, rec] : unpublished)
      if (rec.until() > now) publish(id, rec);
    unpublished.clear();

    std::vector<redis::Command> cmds;
    std::vector<Step> steps;
    for (auto& by_id : counters)
      for (auto& by_minute : by_id.second) {
        Counter& c = by_minute.second;
        const bool increment = c.requests != 0 || c.tokens != 0;
        Step step{Kind::kUsage, increment, cmds.size(), c};
        if (c.minute == 0 && is_epoch(c.id)) {
          step.kind = Kind::kEpoch;
          cmds.push_back({"INCRBY", options.prefix + "epoch:" + c.id, std::to_string(c.requests)});
        } else if (c.minute == 0) {
          step.kind = Kind::kInflight;
          const std::string k = options.prefix + "inflight:" + c.id;
          if (increment) {
            cmds.push_back({"INCRBY", k, std::to_string(c.requests)});
            cmds.push_back({"EXPIRE", k, "60"});
          } else {
            cmds.push_back({"GET", k});
          }
        } else if (increment) {
          const std::string k = usage_key(c);
          cmds.push_back({"HINCRBY", k, "requests", std::to_string(c.requests)});
          cmds.push_back({"HINCRBY", k, "tokens", std::to_string(c.tokens)});
          cmds.push_back({"EXPIRE", k, "120"});
        } else {
          cmds.push_back({"HMGET", usage_key(c), "requests", "tokens"});
        }
        c.requests = c.tokens = 0;
        steps.push_back(std::move(step));
      }
    // Read back what other instances changed: cooldowns of the deployments in use, the epochs.
    const size_t read_at = cmds.size();
    std::vector<std::string> read_ids;
    redis::Command mget{"MGET"};
    for (const auto* e : kEpochs) {  // first in the MGET (apply() relies on it)
      mget.push_back(options.prefix + "epoch:" + *e);
      read_ids.push_back(*e);
    }
    for (const auto& id : deployments) {
      mget.push_back(cooldown_key(id));
      read_ids.push_back(id);
    }
    cmds.push_back(std::move(mget));

    busy = true;
    std::weak_ptr<Core> weak = shared_from_this();
    client->send_batch(std::move(cmds),
                       [weak, steps = std::move(steps), read_at,
                        read_ids = std::move(read_ids)](std::vector<redis::Reply> replies) {
                         auto self = weak.lock();
                         if (!self) return;
                         self->busy = false;
                         self->apply(steps, replies, read_at, read_ids);
                         self->arm();
                       });
  }

  void apply(const std::vector<Step>& steps, const std::vector<redis::Reply>& replies,
             size_t read_at, const std::vector<std::string>& read_ids) {
    using redis::Reply;
    const double now = unix_time();
    auto integer = [](const Reply& r) -> int64_t {
      if (r.type == Reply::Type::kInteger) return r.integer;
      if (r.type == Reply::Type::kString) return std::atoll(r.str.c_str());
      return 0;  // nil: nothing counted yet
    };
    for (const auto& step : steps) {
      const Counter& c = step.sent;
      const Reply& first = replies[step.at];
      if (first.error()) {  // not counted in Redis: sent again with the next sync
        if (step.increment) add(c.id, c.minute, c.requests, c.tokens, now);
        continue;
      }
      switch (step.kind) {
        case Kind::kEpoch:  // our own bump is not news to us
          fleet_epochs[c.id] = first.integer;
          break;
        case Kind::kInflight: {
          const int64_t fleet = integer(first);
          // Below zero only after Redis lost the count (a restart) while requests were in
          // flight: back to zero, or the limit would stay loose until the key expires.
          if (fleet < 0)
            client->send({"INCRBY", options.prefix + "inflight:" + c.id, std::to_string(-fleet)},
                         [](redis::Reply) {});
          local->merge_usage(c.id, 0, {std::max<int64_t>(0, fleet), 0},
                             RouterState::Merge::kAssign);
          break;
        }
        case Kind::kUsage: {
          MinuteUsage fleet;
          if (step.increment) {
            fleet = {first.integer, integer(replies[step.at + 1])};
          } else if (first.type == Reply::Type::kArray && first.elements.size() == 2) {
            fleet = {integer(first.elements[0]), integer(first.elements[1])};
          }
          local->merge_usage(c.id, c.minute, fleet, RouterState::Merge::kRaise);
        }
      }
    }
    const Reply& read = replies[read_at];
    if (read.type != Reply::Type::kArray || read.elements.size() != read_ids.size()) return;
    for (size_t i = 0; i < read_ids.size(); ++i) {
      const Reply& v = read.elements[i];
      const std::string& id = read_ids[i];
      if (i < std::size(kEpochs)) {  // any change (a bump elsewhere, Redis losing its data) reloads
        const int64_t value = v.type == Reply::Type::kString ? std::atoll(v.str.c_str()) : 0;
        auto [it, fresh] = fleet_epochs.try_emplace(id, value);
        if (!fresh && it->second != value) {
          it->second = value;
          local->add_usage(id, 0, 1, 0);
        }
        continue;
      }
      if (v.type != Reply::Type::kString) continue;
      auto rec = parse_cooldown_json(v.str);
      if (!rec || rec->until() <= now) continue;
      auto mine = local->cooldown(id, now);
      if (!mine || mine->until() + 1e-3 < rec->until()) local->set_cooldown(id, *rec);
    }
  }
};

class FleetState final : public RouterState {
 public:
  explicit FleetState(std::shared_ptr<Core> core) : core_(std::move(core)) { core_->arm(); }
  ~FleetState() override {
    core_->stopped = true;
    core_->timer.cancel();
  }

  void set_cooldown(const std::string& id, const CooldownRecord& rec) override {
    core_->local->set_cooldown(id, rec);
    core_->publish(id, rec);
  }

  std::optional<CooldownRecord> cooldown(const std::string& id, double now) override {
    if (!core_->deployments.contains(id)) core_->deployments.insert(id);
    return core_->local->cooldown(id, now);
  }

  void add_usage(const std::string& id, int64_t minute, int64_t requests, int64_t tokens) override {
    core_->local->add_usage(id, minute, requests, tokens);
    core_->add(id, minute, requests, tokens, unix_time());
  }

  MinuteUsage usage(const std::string& id, int64_t minute) override {
    return core_->local->usage(id, minute);
  }

  void merge_usage(const std::string& id, int64_t minute, MinuteUsage totals, Merge how) override {
    core_->local->merge_usage(id, minute, totals, how);
  }

 private:
  std::shared_ptr<Core> core_;
};

}  // namespace

std::unique_ptr<RouterState> make_fleet_state(std::shared_ptr<RouterState> local,
                                              std::shared_ptr<redis::Client> client,
                                              asio::io_context& ioc, FleetOptions options) {
  return std::make_unique<FleetState>(
      std::make_shared<Core>(std::move(local), std::move(client), ioc, std::move(options)));
}

}  // namespace litellm::state
