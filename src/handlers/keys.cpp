// Virtual keys on the request path: lookup (cached), LiteLLM's checks in its order and with its
// error texts, and the rpm/tpm/max_parallel_requests limits of the key, its user and its team,
// counted in the host-wide shared state (every worker sees the same counts).
#include <ctime>

#include "caller.hpp"
#include "litellm/common/crypto.hpp"
#include "litellm/common/strings.hpp"
#include "litellm/db/pg.hpp"
#include "litellm/logging/log.hpp"
#include "litellm/state/router_state.hpp"

namespace litellm::handlers {

namespace asio = boost::asio;

namespace {

Error auth_failure(int status, std::string message, std::string type,
                   std::optional<std::string> param = "None") {
  return Error::make(ErrorKind::kProxyAuth, status, std::move(message), std::move(type),
                     std::move(param));
}

std::string last4(std::string_view key) {
  return std::string(key.substr(key.size() >= 4 ? key.size() - 4 : 0));
}

// Python's str() of a tz-aware UTC datetime: "2024-06-01 12:00:00.123456+00:00".
std::string py_datetime(double t) {
  std::string iso = db::iso_utc(t);
  std::string out = iso.substr(0, 10) + " " + iso.substr(11);
  if (out.substr(19, 7) == ".000000") out.erase(19, 7);
  return out;
}

// Python's repr of a list of strings: ['a', 'b'].
std::string py_list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", '" : "'") + v[i] + "'";
  return out + "]";
}

bool model_allowed(const std::vector<std::string>& allowed, const std::string& model) {
  if (allowed.empty()) return true;
  for (const auto& a : allowed) {
    if (a == model || a == "*" || a == "all-proxy-models") return true;
    if (a.size() > 1 && a.ends_with("*") && model.starts_with(a.substr(0, a.size() - 1)))
      return true;
  }
  return false;
}

Error budget_exceeded(std::string message) {
  // LiteLLM's BudgetExceededError: 429 in current releases, param null.
  return Error::make(ErrorKind::kProxyAuth, 429, std::move(message), "budget_exceeded",
                     std::nullopt);
}

}  // namespace

asio::awaitable<Status> Gateway::resolve_key(Caller& caller, bool llm_route) {
  const std::string& raw = caller.who.key;
  if (!store_)
    co_return Error::make(ErrorKind::kProxyBadRequest, 400, "No connected db.", "no_db_connection",
                          std::nullopt);
  if (!raw.starts_with("sk-")) {
    std::string masked = raw.size() <= 8 ? "****" : raw.substr(0, 4) + "****" + last4(raw);
    co_return auth_failure(
        401, "LiteLLM Virtual Key expected. Received=" + masked + ", expected to start with 'sk-'.",
        "auth_error");
  }
  // Any worker's key, user or team change bumps a host-wide epoch: drop this worker's cache.
  if (const int64_t epoch = router_->state().usage(state::kKeyEpoch, 0).requests;
      epoch != key_epoch_) {
    store_->forget_all_keys();
    key_epoch_ = epoch;
  }
  auto found = co_await store_->find_key(raw);
  if (!found) {
    if (store_->options().allow_requests_on_db_unavailable &&
        db::is_connection_error(found.error())) {
      // LiteLLM's allow_requests_on_db_unavailable identity.
      LOG_WARN("database unavailable ({}); request allowed without key checks",
               found.error().message);
      caller.who.api_key_hash = "failed-to-connect-to-db";
      caller.who.user_id = "default_user_id";
      co_return Ok{};
    }
    co_return auth_failure(503,
                           "Authentication Error - database unavailable: " + found.error().message,
                           "no_db_connection");
  }
  const db::KeyPtr& k = *found;
  if (!k) {
    co_return auth_failure(401,
                           "Authentication Error, Invalid proxy server token passed. Received API "
                           "Key = sk-..." +
                               last4(raw) + ", Key Hash (Token) =" + sha256_hex(raw) +
                               ". Unable to find token in cache or "
                               "`LiteLLM_VerificationTokenTable`",
                           "token_not_found_in_db", "key");
  }
  caller.key = k;
  caller.who.api_key_hash = k->token;
  caller.who.user_id = k->user_id;
  caller.who.user_role = k->user_role;
  if (k->blocked)
    co_return auth_failure(
        401, "Authentication Error, Key is blocked. Update via `/key/unblock` if you're an admin.",
        "auth_error");
  const double now = unix_time();
  if (k->expires && *k->expires < now)
    co_return auth_failure(401,
                           "Authentication Error - Expired Key. Key Expiry time " +
                               py_datetime(*k->expires) + " and current time " + py_datetime(now),
                           "expired_key", "sk-..." + last4(raw));
  if (k->has_team && k->team_blocked)
    co_return auth_failure(401,
                           "Authentication Error, Team=" + k->team_id +
                               " is blocked. Update via `/team/unblock` if you're an admin.",
                           "auth_error");
  if (!llm_route) co_return Ok{};
  // A budget period that ended (the reset job may not have run yet) no longer binds.
  const bool period_over = k->budget_reset_at && *k->budget_reset_at <= now;
  if (k->max_budget && k->spend >= *k->max_budget && !period_over) {
    std::string who =
        k->key_alias.empty() ? "sk-..." + last4(raw) : k->key_alias + " (sk-..." + last4(raw) + ")";
    co_return budget_exceeded("Budget has been exceeded! Key=" + who +
                              " Current cost: " + python_float(k->spend) +
                              ", Max budget: " + python_float(*k->max_budget));
  }
  if (k->has_team && k->team_max_budget && k->team_spend > *k->team_max_budget)
    co_return budget_exceeded("Budget has been exceeded! Team=" + k->team_id +
                              " Current cost: " + python_float(k->team_spend) +
                              ", Max budget: " + python_float(*k->team_max_budget));
  // A personal key (no team) is also bound by its user's budget.
  if (!k->has_team && k->has_user && k->user_max_budget && k->user_spend >= *k->user_max_budget)
    co_return budget_exceeded("Budget has been exceeded! User=" + k->user_id +
                              " Current cost: " + python_float(k->user_spend) +
                              ", Max budget: " + python_float(*k->user_max_budget));
  co_return Ok{};
}

Status Gateway::admit(Caller& caller, const std::string& model) {
  const db::KeyPtr& k = caller.key;
  if (!k) return Ok{};
  if (!model_allowed(k->models, model))
    return auth_failure(401,
                        "key not allowed to access model. This key can only access models=" +
                            py_list(k->models) + ". Tried to access " + model,
                        "key_model_access_denied", "model");
  if (k->has_team && !model_allowed(k->team_models, model))
    return auth_failure(401,
                        "Team not allowed to access model. Team=" + k->team_id + ", Model=" +
                            model + ". Allowed team models = " + py_list(k->team_models),
                        "team_model_access_denied", "model");

  // Fixed one-minute windows (calendar minutes) in the host-wide shared state.
  auto& state = router_->state();
  const double now = unix_time();
  const int64_t minute = static_cast<int64_t>(now / 60);
  caller.minute = minute;
  struct Limit {
    const char* descriptor;
    const std::string& value;
    std::optional<int64_t> rpm, tpm, parallel;
  };
  const Limit limits[] = {
      {"api_key", k->token, k->rpm_limit, k->tpm_limit, k->max_parallel_requests},
      {"user", k->user_id, k->has_user ? k->user_rpm_limit : std::nullopt,
       k->has_user ? k->user_tpm_limit : std::nullopt,
       k->has_user ? k->user_max_parallel_requests : std::nullopt},
      {"team", k->team_id, k->has_team ? k->team_rpm_limit : std::nullopt,
       k->has_team ? k->team_tpm_limit : std::nullopt,
       k->has_team ? k->team_max_parallel_requests : std::nullopt},
  };
  auto refuse = [&](const Limit& l, const char* type, int64_t limit, double reset) {
    time_t r = static_cast<time_t>(reset);
    tm t{};
    localtime_r(&r, &t);  // LiteLLM formats the local clock with a literal " UTC"
    char at[40];
    std::strftime(at, sizeof at, "%Y-%m-%d %H:%M:%S UTC", &t);
    Error e =
        Error::make(ErrorKind::kRateLimit, 429,
                    std::string("Rate limit exceeded for ") + l.descriptor + ": " + l.value +
                        ". Limit type: " + type + ". Current limit: " + std::to_string(limit) +
                        ", Remaining: 0. Limit resets at: " + at,
                    "None", "None");
    e.headers.emplace_back("retry-after", std::to_string(static_cast<int64_t>(reset - now) + 1));
    e.headers.emplace_back("rate_limit_type", type);
    e.headers.emplace_back("reset_at", at);
    return e;
  };
  const double window_end = static_cast<double>(minute + 1) * 60;
  for (const auto& l : limits) {
    if (l.value.empty() || !(l.rpm || l.tpm || l.parallel)) continue;
    const std::string id = std::string("rl:") + l.descriptor + ":" + l.value;
    if (l.rpm || l.tpm) {
      auto u = state.usage(id, minute);
      if (l.rpm && u.requests + 1 > *l.rpm) return refuse(l, "requests", *l.rpm, window_end);
      if (l.tpm && u.tokens >= *l.tpm) return refuse(l, "tokens", *l.tpm, window_end);
    }
    if (l.parallel) {
      auto p = state.usage("par:" + id, 0);
      if (p.requests + 1 > *l.parallel)
        return refuse(l, "max_parallel_requests", *l.parallel, now + 1);
    }
  }
  for (const auto& l : limits) {
    if (l.value.empty() || !(l.rpm || l.tpm || l.parallel)) continue;
    const std::string id = std::string("rl:") + l.descriptor + ":" + l.value;
    if (l.rpm || l.tpm) {
      state.add_usage(id, minute, 1, 0);
      caller.token_ids.push_back(id);
    }
    if (l.parallel) {
      state.add_usage("par:" + id, 0, 1, 0);
      caller.parallel_ids.push_back("par:" + id);
    }
  }
  return Ok{};
}

void Gateway::bump_key_epoch() { router_->state().add_usage(state::kKeyEpoch, 0, 1, 0); }

void Gateway::release(Caller& caller) {
  for (const auto& id : caller.parallel_ids) router_->state().add_usage(id, 0, -1, 0);
  caller.parallel_ids.clear();
}

}  // namespace litellm::handlers
