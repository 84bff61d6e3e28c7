// Deployments stored in the database (store_model_in_db / STORE_MODEL_IN_DB): /model/new,
// /model/update, /model/delete, and every worker's router rebuilt when they change. Each string
// value of litellm_params is encrypted with LITELLM_SALT_KEY (db/encryption.hpp), as LiteLLM does.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>

#include <nlohmann/json.hpp>

#include "litellm/common/crypto.hpp"
#include "litellm/config/loader.hpp"
#include "litellm/db/encryption.hpp"
#include "litellm/db/store.hpp"
#include "litellm/handlers/gateway.hpp"
#include "litellm/logging/log.hpp"

namespace litellm::handlers {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

constexpr auto kEpochCheck = std::chrono::milliseconds(500);

std::chrono::milliseconds db_poll_interval() {
  auto v = env("LITELLM_CPP_DB_MODELS_INTERVAL_MS");
  return std::chrono::milliseconds(v ? std::max(100L, std::atol(v->c_str())) : 10000L);
}

Error model_error(int status, std::string message, std::string type = "bad_request_error") {
  return Error::make(ErrorKind::kProxyBadRequest, status, std::move(message), std::move(type),
                     "None");
}

}  // namespace

struct Gateway::ModelTimer {
  explicit ModelTimer(asio::io_context& ioc) : timer(ioc) {}
  asio::steady_timer timer;
};

bool Gateway::models_in_db() const {
  return config_->general_settings.store_model_in_db || env_flag("STORE_MODEL_IN_DB");
}

// LITELLM_SALT_KEY, else the master key (LiteLLM's fallback; rotating the master key then
// breaks decryption, hence the warning).
static std::optional<std::string> salt_key(const config::Config& cfg) {
  if (auto s = env("LITELLM_SALT_KEY"); s && !s->empty()) return s;
  static bool warned = false;
  if (!warned) {
    warned = true;
    LOG_WARN(
        "LITELLM_SALT_KEY is not set: DB-stored credentials are encrypted with the master "
        "key; set a permanent salt key (changing it later makes stored values unreadable)");
  }
  if (cfg.general_settings.master_key) return cfg.general_settings.master_key;
  return env("LITELLM_MASTER_KEY");
}

void Gateway::start() {
  if (!store_ || !models_in_db()) return;
  model_timer_ = std::make_shared<ModelTimer>(ioc_);
  asio::co_spawn(
      ioc_,
      [this]() -> asio::awaitable<void> {
        if (auto st = co_await reload_models(true); !st)
          LOG_WARN("DB-stored models not loaded yet: {}", st.error().message);
      },
      asio::detached);
  schedule_model_poll();
}

void Gateway::schedule_model_poll() {
  model_timer_->timer.expires_after(kEpochCheck);
  model_timer_->timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    // A /model/* change on any worker of this host bumps the epoch: reload now. Otherwise poll
    // the table now and then for changes made by other instances.
    const int64_t epoch = router_->state().usage(state::kModelsEpoch, 0).requests;
    const bool due = epoch != models_epoch_ ||
                     std::chrono::steady_clock::now() - models_loaded_at_ >= db_poll_interval();
    if (!due) return schedule_model_poll();
    models_epoch_ = epoch;
    asio::co_spawn(
        ioc_,
        [this]() -> asio::awaitable<void> {
          if (auto st = co_await reload_models(false); !st)
            LOG_WARN("reading DB-stored models failed: {}", st.error().message);
          schedule_model_poll();
        },
        asio::detached);
  });
}

asio::awaitable<Status> Gateway::reload_models(bool force) {
  models_loaded_at_ = std::chrono::steady_clock::now();
  const bool has_blocked = store_->catalog_loaded()
                               ? store_->catalog().has("LiteLLM_ProxyModelTable", "blocked")
                               : false;
  auto r = co_await store_->pool().query(
      std::string("SELECT coalesce(json_agg(json_build_object('model_id', model_id, 'model_name', "
                  "model_name, 'litellm_params', litellm_params, 'model_info', model_info) ORDER "
                  "BY model_id), '[]'::json)::text FROM \"LiteLLM_ProxyModelTable\"") +
      (has_blocked ? " WHERE NOT blocked" : ""));
  if (!r) co_return r.error();
  std::string text(r->get(0, 0));
  std::string digest = sha256_hex(text);
  if (!force && digest == db_models_digest_) co_return Ok{};
  json rows = json::parse(text, nullptr, false);
  if (!rows.is_array()) co_return model_error(500, "bad model rows");
  const auto secret = salt_key(*config_);
  config::Json entries = config::Json::array();
  for (const auto& row : rows) {
    const std::string id = row.value("model_id", "");
    config::Json params = config::Json::parse(row["litellm_params"].dump());
    bool readable = true;
    for (auto& [k, v] : params.items()) {
      if (!v.is_string()) continue;
      auto plain = secret ? db::decrypt_value(v.get<std::string>(), *secret) : std::nullopt;
      if (!plain) {
        LOG_ERROR(
            "Error decrypting value for key: {} of model {}, Did your master_key/salt key "
            "change recently?",
            k, id);
        readable = false;
        break;
      }
      v = *plain;
    }
    if (!readable) continue;
    config::Json info = row["model_info"].is_object()
                            ? config::Json::parse(row["model_info"].dump())
                            : config::Json::object();
    info["id"] = id;
    info["db_model"] = true;
    entries.push_back({{"model_name", row.value("model_name", "")},
                       {"litellm_params", params},
                       {"model_info", info}});
  }
  std::vector<std::string> errors, warnings;
  auto deployments = config::parse_deployments(entries, errors, warnings);
  for (const auto& e : errors) LOG_ERROR("DB-stored model skipped: {}", e);
  // The router owns the merged config; the gateway's settings stay those of the file.
  auto cfg = std::make_shared<config::Config>(*config_);
  for (auto& d : deployments) cfg->model_list.push_back(std::move(d));
  std::vector<std::string> rwarn, rerr;
  auto next = router::Router::create(cfg, rwarn, &rerr);
  if (!rerr.empty()) co_return model_error(500, "DB-stored models rejected: " + rerr.front());
  next->set_state(router_->shared_state());
  router_ = std::shared_ptr<router::Router>(std::move(next));
  db_models_digest_ = digest;
  LOG_INFO("router rebuilt with {} DB-stored model(s)", deployments.size());
  co_return Ok{};
}

asio::awaitable<void> Gateway::handle_model_admin(const HttpRequest& req, ResponseWriter& out,
                                                  const auth::Identity& who) {
  HeaderBlock h;
  h.add("content-type", "application/json");
  auto fail = [&](Error e) -> asio::awaitable<void> { co_await send_error(out, e, {}); };
  if (!models_in_db()) {
    co_await fail(model_error(500,
                              "Set `'STORE_MODEL_IN_DB='True'` in your env to enable this feature.",
                              "internal_server_error"));
    co_return;
  }
  json body = json::parse(req.body.empty() ? std::string_view("{}") : req.body, nullptr, false);
  if (!body.is_object()) {
    co_await fail(model_error(400, "Invalid JSON body"));
    co_return;
  }
  const auto secret = salt_key(*config_);
  if (!secret) {
    co_await fail(model_error(500, "Set LITELLM_SALT_KEY (or a master key) to store models",
                              "internal_server_error"));
    co_return;
  }
  const auto& algo = config_->general_settings.raw.value("encryption_algorithm", config::Json());
  const auto format = algo.is_string() && to_lower(algo.get<std::string>()) == "xsalsa20-poly1305"
                          ? db::CipherFormat::kNaclLegacy
                          : db::CipherFormat::kV3Gcm;
  auto encrypt_params = [&](const json& params) {
    json enc = json::object();
    for (const auto& [k, v] : params.items())
      enc[k] = v.is_string() ? json(db::encrypt_value(v.get<std::string>(), *secret, format)) : v;
    return enc;
  };
  const std::string actor = who.user_id.empty() ? "default_user_id" : who.user_id;
  const std::string path(req.path);
  auto& pool = store_->pool();
  Result<db::PgResult> r = db::PgResult();
  json answer;
  if (path == "/model/new") {
    const json params = body.value("litellm_params", json::object());
    if (!body.contains("model_name") || !params.is_object() || !params.contains("model")) {
      co_await fail(model_error(400, "model_name and litellm_params.model are required"));
      co_return;
    }
    json info = body.value("model_info", json::object());
    std::string id = info.is_object() ? info.value("id", "") : "";
    if (id.empty()) id = uuid4();
    auto p = db::params(id, body["model_name"].get<std::string>(), encrypt_params(params).dump(),
                        info.dump(), actor);
    r = co_await pool.query(
        "INSERT INTO \"LiteLLM_ProxyModelTable\" (model_id, model_name, litellm_params, "
        "model_info, created_by, updated_by) VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $5) "
        "RETURNING model_id, model_name, created_at::text",
        p);
    if (r) answer = {{"model_id", id}, {"model_name", body["model_name"]}};
  } else if (path == "/model/update") {
    std::string id = body.value("model_id", "");
    if (id.empty() && body.contains("model_info") && body["model_info"].is_object())
      id = body["model_info"].value("id", "");
    if (id.empty()) {
      co_await fail(model_error(400, "model_id (or model_info.id) is required"));
      co_return;
    }
    const json params = body.value("litellm_params", json::object());
    auto p = db::params(id, encrypt_params(params.is_object() ? params : json::object()).dump(),
                        body.contains("model_name")
                            ? std::optional<std::string>(body["model_name"].get<std::string>())
                            : std::nullopt,
                        body.contains("model_info")
                            ? std::optional<std::string>(body["model_info"].dump())
                            : std::nullopt,
                        actor);
    // New litellm_params values merge over the stored ones (LiteLLM's update semantics).
    r = co_await pool.query(
        "UPDATE \"LiteLLM_ProxyModelTable\" SET litellm_params = litellm_params || $2::jsonb, "
        "model_name = coalesce($3, model_name), model_info = coalesce($4::jsonb, model_info), "
        "updated_by = $5, updated_at = now() AT TIME ZONE 'utc' WHERE model_id = $1 RETURNING "
        "model_id",
        p);
    if (r && r->rows() == 0) {
      co_await fail(model_error(404, "Model with id=" + id + " not found", "not_found_error"));
      co_return;
    }
    if (r) answer = {{"model_id", id}, {"message", "Model: " + id + " updated successfully"}};
  } else {  // /model/delete
    const std::string id = body.value("id", "");
    r = co_await pool.query(
        "DELETE FROM \"LiteLLM_ProxyModelTable\" WHERE model_id = $1 RETURNING 1", db::params(id));
    if (r && r->rows() == 0) {
      co_await fail(
          model_error(404, "Model with id=" + id + " not found in db", "not_found_error"));
      co_return;
    }
    if (r) answer = {{"message", "Model: " + id + " deleted successfully"}};
  }
  if (!r) {
    co_await fail(r.error());
    co_return;
  }
  router_->state().add_usage(state::kModelsEpoch, 0, 1, 0);  // every worker of the host reloads
  (void)co_await reload_models(false);                       // this one at once
  co_await out.send(200, h.str(), answer.dump());
}

}  // namespace litellm::handlers
