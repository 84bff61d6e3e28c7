// Key, user, team and spend management (LiteLLM's /key/*, /user/*, /team/*, /spend/logs,
// /global/spend), over LiteLLM's tables. Rows travel as JSON: Postgres builds and reads them
// (row_to_json, jsonb_populate_record), so every column this database has is returned, and
// only columns it has are written.
#include <array>
#include <boost/asio/awaitable.hpp>

#include <nlohmann/json.hpp>

#include "litellm/alerting/alerting.hpp"
#include "litellm/common/crypto.hpp"
#include "litellm/db/store.hpp"
#include "litellm/handlers/gateway.hpp"
#include "litellm/logging/log.hpp"

namespace litellm::handlers {

namespace asio = boost::asio;
using db::Params;
using nlohmann::json;

namespace {

// JSON objects from key/value arguments. Coroutine code builds objects through these: GCC 12
// rejects an initializer_list temporary inside a co_await or co_return expression.
inline void put(json&) {}
template <class V, class... R>
void put(json& j, const char* k, V&& v, R&&... rest) {
  j[k] = std::forward<V>(v);
  put(j, std::forward<R>(rest)...);
}
template <class... A>
json obj(A&&... a) {
  json j = json::object();
  put(j, std::forward<A>(a)...);
  return j;
}
// `value` when `r` succeeded, else r's error.
template <class T>
Result<json> then(const Result<T>& r, json value) {
  if (!r) return r.error();
  return value;
}

Error mgmt_error(int status, std::string message, std::string type = "internal_server_error",
                 std::optional<std::string> param = "None") {
  return Error::make(ErrorKind::kProxyBadRequest, status, std::move(message), std::move(type),
                     std::move(param));
}

// "2024-06-01T12:00:00.123" (row_to_json of TIMESTAMP(3)) → "2024-06-01T12:00:00.123000+00:00".
void normalize_timestamps(json& j) {
  if (j.is_object() || j.is_array()) {
    for (auto& v : j) normalize_timestamps(v);
    return;
  }
  if (!j.is_string()) return;
  const auto& s = j.get_ref<const std::string&>();
  if (s.size() >= 19 && s.size() <= 26 && s[4] == '-' && s[7] == '-' && s[10] == 'T' &&
      s[13] == ':' && s[16] == ':')
    if (auto t = db::parse_timestamp(s)) j = db::iso_utc(*t);
}

// Postgres's TIMESTAMP text for unix seconds (UTC).
std::string pg_time(double t) {
  std::string iso = db::iso_utc(t);  // 2024-06-01T12:00:00.123456+00:00
  return iso.substr(0, 10) + " " + iso.substr(11, 12);
}

std::string abbreviate(std::string_view key) {
  return "sk-..." + std::string(key.substr(key.size() >= 4 ? key.size() - 4 : 0));
}

std::string hash_if_needed(const std::string& key) {
  return key.starts_with("sk-") ? sha256_hex(key) : key;
}

// Fields of LiteLLM's request bodies that map 1:1 to columns of the same name.
const char* const kKeyColumns[] = {"key_alias",
                                   "models",
                                   "aliases",
                                   "config",
                                   "permissions",
                                   "metadata",
                                   "user_id",
                                   "team_id",
                                   "organization_id",
                                   "max_budget",
                                   "tpm_limit",
                                   "rpm_limit",
                                   "max_parallel_requests",
                                   "blocked",
                                   "allowed_cache_controls",
                                   "allowed_routes",
                                   "model_max_budget",
                                   "budget_id",
                                   "spend",
                                   "soft_budget_cooldown",
                                   "key_type",
                                   "project_id",
                                   "agent_id",
                                   "router_settings",
                                   "policies"};
const char* const kUserColumns[] = {"user_alias",
                                    "user_email",
                                    "user_role",
                                    "teams",
                                    "max_budget",
                                    "models",
                                    "metadata",
                                    "max_parallel_requests",
                                    "tpm_limit",
                                    "rpm_limit",
                                    "spend",
                                    "organization_id",
                                    "allowed_cache_controls",
                                    "model_max_budget",
                                    "sso_user_id",
                                    "team_id"};
const char* const kTeamColumns[] = {"team_alias",
                                    "organization_id",
                                    "admins",
                                    "members",
                                    "members_with_roles",
                                    "metadata",
                                    "max_budget",
                                    "models",
                                    "max_parallel_requests",
                                    "tpm_limit",
                                    "rpm_limit",
                                    "blocked",
                                    "model_max_budget",
                                    "spend",
                                    "soft_budget",
                                    "router_settings"};

template <size_t N>
json pick(const json& body, const char* const (&cols)[N]) {
  json out = json::object();
  for (const char* c : cols)
    if (auto it = body.find(c); it != body.end()) out[c] = *it;
  return out;
}

class Db {
 public:
  explicit Db(db::Store& s) : s_(s) {}

  // Rows of `sql` as a JSON array (timestamps normalized).
  asio::awaitable<Result<json>> rows(const std::string& sql, const Params& params = {}) {
    // Data-modifying CTEs must stay at the top level: "WITH a AS (...) SELECT ..." becomes
    // "WITH a AS (...), out AS (SELECT ...) SELECT json_agg(...) FROM out".
    std::string text;
    const size_t last = sql.starts_with("WITH ") ? sql.rfind(") SELECT ") : std::string::npos;
    if (last != std::string::npos)
      text = sql.substr(0, last + 1) + ", out_rows AS (" + sql.substr(last + 2) +
             ") SELECT coalesce(json_agg(row_to_json(out_rows)), '[]'::json)::text FROM out_rows";
    else
      text = "SELECT coalesce(json_agg(row_to_json(x)), '[]'::json)::text FROM (" + sql + ") x";
    auto r = co_await s_.pool().query(text, params);
    if (!r) co_return r.error();
    json j = json::parse(r->get(0, 0), nullptr, false);
    if (j.is_discarded()) co_return mgmt_error(500, "bad database answer");
    normalize_timestamps(j);
    co_return j;
  }

  // INSERT of the columns in `values` that `table` has; the new row.
  asio::awaitable<Result<json>> insert(const std::string& table, const json& values) {
    std::string cols;
    for (const auto& [k, v] : values.items())
      if (s_.catalog().has(table, k)) cols += (cols.empty() ? "" : ", ") + db::quote_ident(k);
    const std::string t = db::quote_ident(table);
    auto r = co_await rows("WITH n AS (INSERT INTO " + t + " (" + cols + ") SELECT " + cols +
                               " FROM jsonb_populate_record(NULL::" + t +
                               ", $1::jsonb) RETURNING *) SELECT * FROM n",
                           db::params(values.dump()));
    if (!r) co_return r.error();
    co_return r->empty() ? json() : (*r)[0];
  }

  // UPDATE of the columns in `values` where `key_col` = `key`; the updated row or null.
  asio::awaitable<Result<json>> update(const std::string& table, const std::string& key_col,
                                       const std::string& key, json values) {
    const std::string t = db::quote_ident(table);
    if (s_.catalog().has(table, "updated_at")) values["updated_at"] = pg_time(unix_time());
    std::string cols;
    for (const auto& [k, v] : values.items())
      if (s_.catalog().has(table, k)) cols += (cols.empty() ? "" : ", ") + db::quote_ident(k);
    if (cols.empty())
      co_return co_await first(
          "SELECT * FROM " + t + " WHERE " + db::quote_ident(key_col) + " = $1", db::params(key));
    co_return co_await first("WITH u AS (UPDATE " + t + " SET (" + cols + ") = (SELECT " + cols +
                                 " FROM jsonb_populate_record(NULL::" + t + ", $1::jsonb)) WHERE " +
                                 db::quote_ident(key_col) + " = $2 RETURNING *) SELECT * FROM u",
                             db::params(values.dump(), key));
  }

  asio::awaitable<Result<json>> first(const std::string& sql, const Params& params) {
    auto r = co_await rows(sql, params);
    if (!r) co_return r.error();
    co_return r->empty() ? json() : (*r)[0];
  }

  db::Store& store() { return s_; }

 private:
  db::Store& s_;
};

// budget_duration as sent, and the budget_reset_at it implies (now + duration).
void put_budget_period(json& values, const json& body) {
  auto it = body.find("budget_duration");
  if (it == body.end()) return;
  values["budget_duration"] = *it;
  if (it->is_string())
    if (auto secs = db::parse_duration(it->get<std::string>()))
      values["budget_reset_at"] = pg_time(unix_time() + *secs);
}

// Values for the key columns from a /key/generate or /key/update body.
Result<json> key_values(const json& body, bool generate) {
  json v = pick(body, kKeyColumns);
  if (body.contains("duration")) {
    const auto& d = body["duration"];
    if (d.is_null()) {
      v["expires"] = nullptr;
    } else if (auto secs = db::parse_duration(d.is_string() ? d.get<std::string>() : "")) {
      v["expires"] = pg_time(unix_time() + *secs);
    } else {
      return mgmt_error(400, "Invalid duration: " + d.dump(), "bad_request_error", "duration");
    }
  }
  put_budget_period(v, body);
  // LiteLLM keeps these inside metadata.
  for (const char* k :
       {"model_rpm_limit", "model_tpm_limit", "guardrails", "tags", "enforced_params"}) {
    if (body.contains(k)) {
      if (!v.contains("metadata") || !v["metadata"].is_object()) v["metadata"] = json::object();
      v["metadata"][k] = body[k];
    }
  }
  if (generate) {
    for (const char* obj : {"aliases", "config", "permissions", "metadata", "model_max_budget"})
      if (!v.contains(obj) || v[obj].is_null()) v[obj] = json::object();
    if (!v.contains("models") || v["models"].is_null()) v["models"] = json::array();
    if (!v.contains("spend") || v["spend"].is_null()) v["spend"] = 0.0;
  }
  return v;
}

json body_json(const HttpRequest& req) {
  if (req.body.empty()) return json::object();
  return json::parse(req.body, nullptr, false);
}

asio::awaitable<Result<json>> generate_key(Db& dbx, const json& body, const std::string& actor) {
  std::string raw = body.value("key", "");
  if (raw.empty()) raw = "sk-" + token_urlsafe(16);  // LiteLLM: secrets.token_urlsafe(16)
  if (!raw.starts_with("sk-"))
    co_return mgmt_error(400, "Invalid key format. LiteLLM Virtual Key must start with 'sk-'.",
                         "bad_request_error", "key");
  auto values = key_values(body, true);
  if (!values) co_return values.error();
  json& v = *values;
  const std::string token = sha256_hex(raw);
  v["token"] = token;
  if (!env_flag("DISABLE_KEY_NAME")) v["key_name"] = abbreviate(raw);
  v["created_by"] = actor;
  v["updated_by"] = actor;
  auto row = co_await dbx.insert("LiteLLM_VerificationToken", v);
  if (!row) {
    if (row.error().param && *row.error().param == "23505")
      co_return mgmt_error(400, "Unique key aliases and keys are required; this key exists.",
                           "bad_request_error", "key");
    co_return row.error();
  }
  json resp = body;
  resp.erase("key");
  for (const auto& [k, val] : row->items()) resp[k] = val;
  resp.erase("token");
  resp["key"] = raw;
  resp["token"] = raw;
  resp["token_id"] = token;
  resp["litellm_budget_table"] = nullptr;
  if (!resp.contains("duration")) resp["duration"] = nullptr;
  co_return resp;
}

asio::awaitable<Result<json>> update_key(Db& dbx, const json& body) {
  const std::string key = body.value("key", "");
  if (key.empty()) co_return mgmt_error(400, "key is required", "bad_request_error", "key");
  auto values = key_values(body, false);
  if (!values) co_return values.error();
  const std::string token = hash_if_needed(key);
  auto row = co_await dbx.update("LiteLLM_VerificationToken", "token", token, *values);
  if (!row) co_return row.error();
  if (row->is_null())
    co_return mgmt_error(404, "Key not found in database", "not_found_error", "key");
  json resp = *row;
  resp.erase("token");
  resp["key"] = key;
  co_return resp;
}

asio::awaitable<Result<json>> delete_keys(Db& dbx, const json& body) {
  json passed = json::array();
  json hashes = json::array();
  std::string where;
  if (body.contains("keys") && body["keys"].is_array()) {
    passed = body["keys"];
    for (const auto& k : passed)
      if (k.is_string()) hashes.push_back(hash_if_needed(k.get<std::string>()));
    where = "token = ANY(SELECT jsonb_array_elements_text($1::jsonb))";
  } else if (body.contains("key_aliases") && body["key_aliases"].is_array()) {
    passed = body["key_aliases"];
    hashes = passed;
    where = "key_alias = ANY(SELECT jsonb_array_elements_text($1::jsonb))";
  } else {
    co_return mgmt_error(400, "keys or key_aliases is required", "bad_request_error", "keys");
  }
  // LiteLLM keeps a copy of deleted keys where its schema has the table.
  std::string archive;
  const auto& cat = dbx.store().catalog();
  if (cat.has("LiteLLM_DeletedVerificationToken", "id")) {
    std::string cols;
    for (const auto& c : cat.columns.at("LiteLLM_VerificationToken"))
      if (cat.has("LiteLLM_DeletedVerificationToken", c))
        cols += (cols.empty() ? "" : ", ") + db::quote_ident(c);
    archive = "a AS (INSERT INTO \"LiteLLM_DeletedVerificationToken\" (id, " + cols +
              ") SELECT gen_random_uuid()::text, " + cols +
              " FROM \"LiteLLM_VerificationToken\" WHERE " + where + " RETURNING 1), ";
  }
  auto r = co_await dbx.rows("WITH " + archive +
                                 "d AS (DELETE FROM \"LiteLLM_VerificationToken\" "
                                 "WHERE " +
                                 where + " RETURNING token) SELECT token FROM d",
                             db::params(hashes.dump()));
  if (!r) co_return r.error();
  if (r->size() != passed.size())
    co_return mgmt_error(
        400,
        "{'error': 'Not all keys passed in were deleted. This probably means you don't have "
        "access to delete all the keys passed in. Keys passed in=" +
            std::to_string(passed.size()) + ", Deleted keys =" + std::to_string(r->size()) + "'}");
  co_return obj("deleted_keys", passed);
}

asio::awaitable<Result<json>> regenerate_key(Db& dbx, const std::string& key, const json& body,
                                             const std::string& actor) {
  const std::string old_token = hash_if_needed(key);
  std::string raw = body.value("new_key", "");
  if (raw.empty()) raw = "sk-" + token_urlsafe(16);
  auto values = key_values(body, false);
  if (!values) co_return values.error();
  json& v = *values;
  v.erase("key");
  v["token"] = sha256_hex(raw);
  v["key_name"] = abbreviate(raw);
  v["updated_by"] = actor;
  auto row = co_await dbx.update("LiteLLM_VerificationToken", "token", old_token, v);
  if (!row) co_return row.error();
  if (row->is_null())
    co_return mgmt_error(404, "Key not found in database", "not_found_error", "key");
  json resp = *row;
  resp["token_id"] = resp["token"];
  resp["key"] = raw;
  resp["token"] = raw;
  co_return resp;
}

asio::awaitable<Result<json>> list_keys(Db& dbx, std::string_view query) {
  int page = std::max(1, std::atoi(query_param(query, "page").c_str()));
  int size = std::atoi(query_param(query, "size").c_str());
  if (size <= 0) size = 10;
  size = std::min(size, 100);
  std::string where = "TRUE";
  Params params;
  for (const char* f : {"user_id", "team_id", "organization_id", "key_alias"}) {
    std::string v = query_param(query, f);
    if (v.empty()) continue;
    params.push_back(v);
    where += " AND " + db::quote_ident(f) + " = $" + std::to_string(params.size());
  }
  auto count = co_await dbx.first(
      "SELECT count(*) AS n FROM \"LiteLLM_VerificationToken\" WHERE " + where, params);
  if (!count) co_return count.error();
  auto rows =
      co_await dbx.rows("SELECT * FROM \"LiteLLM_VerificationToken\" WHERE " + where +
                            " ORDER BY created_at DESC NULLS LAST, token LIMIT " +
                            std::to_string(size) + " OFFSET " + std::to_string((page - 1) * size),
                        params);
  if (!rows) co_return rows.error();
  const bool full = query_param(query, "return_full_object") == "true";
  json keys = json::array();
  for (auto& r : *rows) keys.push_back(full ? r : r["token"]);
  const int64_t total = (*count)["n"].get<int64_t>();
  co_return obj("keys", keys, "total_count", total, "current_page", page, "total_pages",
                (total + size - 1) / size);
}

asio::awaitable<Result<json>> new_user(Db& dbx, const json& body, const std::string& actor) {
  json values = pick(body, kUserColumns);
  std::string user_id = body.value("user_id", "");
  if (user_id.empty()) user_id = uuid4();
  values["user_id"] = user_id;
  if (!values.contains("user_role")) values["user_role"] = "internal_user";
  if (!values.contains("metadata")) values["metadata"] = json::object();
  if (!values.contains("models")) values["models"] = json::array();
  put_budget_period(values, body);
  auto row = co_await dbx.insert("LiteLLM_UserTable", values);
  if (!row) {
    if (row.error().param && *row.error().param == "23505")
      co_return mgmt_error(400, "User with id=" + user_id + " already exists", "bad_request_error",
                           "user_id");
    co_return row.error();
  }
  json resp = *row;
  if (body.value("auto_create_key", true)) {
    json key_body = json::object();
    for (const char* k : {"models", "max_budget", "duration", "key_alias", "metadata", "tpm_limit",
                          "rpm_limit", "max_parallel_requests", "team_id"})
      if (body.contains(k) && !body[k].is_null()) key_body[k] = body[k];
    key_body["user_id"] = user_id;
    key_body.erase("max_budget");  // the user's budget is the user's, not the key's
    auto key = co_await generate_key(dbx, key_body, actor);
    if (!key) co_return key.error();
    for (const auto& [k, v] : key->items())
      if (!resp.contains(k)) resp[k] = v;
    resp["key"] = (*key)["key"];
  }
  co_return resp;
}

asio::awaitable<Result<json>> new_team(Db& dbx, const json& body, const std::string& actor) {
  json values = pick(body, kTeamColumns);
  std::string team_id = body.value("team_id", "");
  if (team_id.empty()) team_id = uuid4();
  values["team_id"] = team_id;
  if (!values.contains("models")) values["models"] = json::array();
  if (!values.contains("metadata")) values["metadata"] = json::object();
  if (!values.contains("members_with_roles")) values["members_with_roles"] = json::array();
  put_budget_period(values, body);
  (void)actor;
  auto row = co_await dbx.insert("LiteLLM_TeamTable", values);
  if (!row) {
    if (row.error().param && *row.error().param == "23505")
      co_return mgmt_error(
          400, "Team id = " + team_id + " already exists. Please use a different team id.",
          "bad_request_error", "team_id");
    co_return row.error();
  }
  // Members: a membership row each, and the team in the user's `teams`.
  for (const auto& m : values["members_with_roles"]) {
    std::string uid = m.value("user_id", "");
    if (uid.empty()) continue;
    auto r = co_await dbx.rows(
        "WITH u AS (INSERT INTO \"LiteLLM_UserTable\" (user_id, teams) VALUES ($1, ARRAY[$2]) "
        "ON CONFLICT (user_id) DO UPDATE SET teams = array_append(array_remove("
        "\"LiteLLM_UserTable\".teams, $2), $2) RETURNING 1), m AS (INSERT INTO "
        "\"LiteLLM_TeamMembership\" (user_id, team_id) VALUES ($1, $2) ON CONFLICT DO NOTHING "
        "RETURNING 1) SELECT 1",
        db::params(uid, team_id));
    if (!r) co_return r.error();
  }
  co_return *row;
}

asio::awaitable<Result<json>> spend_logs(Db& dbx, std::string_view query) {
  std::string api_key = query_param(query, "api_key");
  const std::string user_id = query_param(query, "user_id");
  const std::string request_id = query_param(query, "request_id");
  const std::string start = query_param(query, "start_date");
  const std::string end = query_param(query, "end_date");
  if (!api_key.empty()) api_key = hash_if_needed(api_key);
  if (!start.empty() && !end.empty()) {
    // Per day: total spend, per key, per user and per model (LiteLLM's grouped answer).
    auto rows = co_await dbx.rows(
        "SELECT to_char(date_trunc('day', \"startTime\"), 'YYYY-MM-DD') AS day, api_key, "
        "\"user\", model, SUM(spend) AS spend FROM \"LiteLLM_SpendLogs\" WHERE \"startTime\" >= "
        "$1::date AND \"startTime\" < $2::date + 1 AND ($3 = '' OR api_key = $3) AND ($4 = '' OR "
        "\"user\" = $4) GROUP BY 1, 2, 3, 4 ORDER BY 1",
        db::params(start, end, api_key, user_id));
    if (!rows) co_return rows.error();
    std::map<std::string, json> days;
    for (const auto& r : *rows) {
      json& d = days[r["day"].get<std::string>()];
      if (d.is_null())
        d = obj("startTime", r["day"], "spend", 0.0, "users", json::object(), "models",
                json::object());
      double s = r["spend"].get<double>();
      d["spend"] = d["spend"].get<double>() + s;
      std::string k = r.value("api_key", ""), u = r.value("user", ""), m = r.value("model", "");
      d[k] = d.value(k, 0.0) + s;
      d["users"][u] = d["users"].value(u, 0.0) + s;
      d["models"][m] = d["models"].value(m, 0.0) + s;
    }
    json out = json::array();
    for (auto& [day, d] : days) out.push_back(d);
    co_return out;
  }
  std::string where = "TRUE";
  Params params;
  if (!request_id.empty()) {
    params.push_back(request_id);
    where += " AND request_id = $1";
  } else if (!api_key.empty()) {
    params.push_back(api_key);
    where += " AND api_key = $1";
  } else if (!user_id.empty()) {
    params.push_back(user_id);
    where += " AND \"user\" = $1";
  }
  co_return co_await dbx.rows("SELECT * FROM \"LiteLLM_SpendLogs\" WHERE " + where +
                                  " ORDER BY \"startTime\" DESC LIMIT 10000",
                              params);
}

}  // namespace

bool Gateway::is_management_route(std::string_view path) {
  return path.starts_with("/key/") || path.starts_with("/user/") || path.starts_with("/team/") ||
         path == "/spend/logs" || path == "/global/spend" || path == "/v2/key/info" ||
         path == "/model/new" || path == "/model/update" || path == "/model/delete";
}

// LiteLLM's key/team/user management events (Slack alert types of the same names).
void Gateway::announce(const HttpRequest& req, const auth::Identity& who) {
  static constexpr std::array<std::array<std::string_view, 3>, 9> kEvents = {{
      {"/key/generate", "new_virtual_key_created", "Virtual Key Created"},
      {"/key/update", "virtual_key_updated", "Virtual Key Updated"},
      {"/key/delete", "virtual_key_deleted", "Virtual Key Deleted"},
      {"/team/new", "new_team_created", "New Team Created"},
      {"/team/update", "team_updated", "Team Updated"},
      {"/team/delete", "team_deleted", "Team Deleted"},
      {"/user/new", "new_internal_user_created", "New Internal User Created"},
      {"/user/update", "internal_user_updated", "Internal User Updated"},
      {"/user/delete", "internal_user_deleted", "Internal User Deleted"},
  }};
  for (const auto& [path, type, name] : kEvents) {
    if (req.path != path || !alerter_->wants(type)) continue;
    alerter_->management(type, name, who.user_id, who.user_role, {}, std::string(req.body));
  }
}

asio::awaitable<void> Gateway::handle_management(const HttpRequest& req, ResponseWriter& out,
                                                 const auth::Identity& who) {
  HeaderBlock base;
  base.add("content-type", "application/json");
  auto reply = [&](Result<json> r) -> asio::awaitable<void> {
    // Any write, even one that failed half way (a partial /key/delete), may have changed keys:
    // every worker of the host drops its cached keys (this one included).
    if (req.method == "POST") bump_key_epoch();
    if (!r) {
      co_await send_error(out, r.error(), {});
      co_return;
    }
    if (req.method == "POST") announce(req, who);
    co_await out.send(200, base.str(), r->dump());
  };
  const std::string path(req.path);
  if (!store_) {
    co_await reply(mgmt_error(500,
                              "Connect Proxy to database to generate keys - "
                              "https://docs.litellm.ai/docs/proxy/virtual_keys ",
                              "no_db_connection"));
    co_return;
  }
  const bool admin = who.role == auth::Role::kProxyAdmin || who.user_role == "proxy_admin";
  // A virtual key may read its own info; everything else is for admins.
  const bool own_info = path == "/key/info" && query_param(req.query, "key").empty();
  if (!admin && !own_info) {
    co_await reply(
        mgmt_error(401, "Admin-only endpoint. Not allowed to access this.", "auth_error"));
    co_return;
  }
  if (!store_->catalog_loaded()) {
    if (auto st = co_await store_->load_catalog(); !st) co_return co_await reply(st.error());
  }
  if (path.starts_with("/model/")) {
    co_await handle_model_admin(req, out, who);
    co_return;
  }
  json body = body_json(req);
  if (body.is_discarded() || !body.is_object()) {
    co_await reply(mgmt_error(400, "Invalid JSON body", "bad_request_error"));
    co_return;
  }
  Db dbx(*store_);
  const std::string actor = who.user_id.empty() ? "default_user_id" : who.user_id;
  const bool post = req.method == "POST";

  if (path == "/key/generate" && post) {
    co_await reply(co_await generate_key(dbx, body, actor));
  } else if ((path == "/key/info" || path == "/v2/key/info")) {
    if (path == "/v2/key/info") {
      json keys = body.value("keys", json::array());
      json hashes = json::array();
      for (const auto& k : keys)
        if (k.is_string()) hashes.push_back(hash_if_needed(k.get<std::string>()));
      auto r = co_await dbx.rows(
          "SELECT * FROM \"LiteLLM_VerificationToken\" WHERE token = ANY(SELECT "
          "jsonb_array_elements_text($1::jsonb))",
          db::params(hashes.dump()));
      if (r)
        for (auto& row : *r) row.erase("token");
      Result<json> res = r ? then(r, obj("key", keys, "info", *r)) : Result<json>(r.error());
      co_await reply(std::move(res));
      co_return;
    }
    std::string key = query_param(req.query, "key");
    if (key.empty()) key = who.key.empty() ? who.api_key_hash : who.key;
    auto row = co_await dbx.first("SELECT * FROM \"LiteLLM_VerificationToken\" WHERE token = $1",
                                  db::params(hash_if_needed(key)));
    if (row && row->is_null())
      co_return co_await reply(
          mgmt_error(404, "Key not found in database", "not_found_error", "key"));
    if (!row) co_return co_await reply(row.error());
    row->erase("token");
    (*row)["litellm_budget_table"] = nullptr;
    co_await reply(obj("key", key, "info", *row));
  } else if (path == "/key/update" && post) {
    co_await reply(co_await update_key(dbx, body));
  } else if (path == "/key/delete" && post) {
    co_await reply(co_await delete_keys(dbx, body));
  } else if ((path == "/key/block" || path == "/key/unblock") && post) {
    const std::string key = body.value("key", "");
    auto row = co_await dbx.update("LiteLLM_VerificationToken", "token", hash_if_needed(key),
                                   obj("blocked", path == "/key/block"));
    if (row && row->is_null())
      co_return co_await reply(
          mgmt_error(404, "Key not found in database", "not_found_error", "key"));
    co_await reply(row);
  } else if ((path == "/key/regenerate" ||
              (path.starts_with("/key/") && path.ends_with("/regenerate"))) &&
             post) {
    std::string key =
        path == "/key/regenerate" ? body.value("key", "") : path.substr(5, path.size() - 5 - 11);
    co_await reply(co_await regenerate_key(dbx, key, body, actor));
  } else if (path == "/key/list") {
    co_await reply(co_await list_keys(dbx, req.query));
  } else if (path == "/user/new" && post) {
    co_await reply(co_await new_user(dbx, body, actor));
  } else if (path == "/user/info") {
    std::string user = query_param(req.query, "user_id");
    if (user.empty()) user = who.user_id;
    auto u = co_await dbx.first("SELECT * FROM \"LiteLLM_UserTable\" WHERE user_id = $1",
                                db::params(user));
    if (!u) co_return co_await reply(u.error());
    auto keys = co_await dbx.rows(
        "SELECT * FROM \"LiteLLM_VerificationToken\" WHERE user_id = $1 ORDER BY created_at",
        db::params(user));
    if (!keys) co_return co_await reply(keys.error());
    for (auto& k : *keys) k.erase("token");
    auto teams = co_await dbx.rows(
        "SELECT * FROM \"LiteLLM_TeamTable\" WHERE team_id IN (SELECT unnest(teams) FROM "
        "\"LiteLLM_UserTable\" WHERE user_id = $1) ORDER BY team_id",
        db::params(user));
    if (!teams) co_return co_await reply(teams.error());
    co_await reply(obj("user_id", user, "user_info", *u, "keys", *keys, "teams", *teams));
  } else if (path == "/user/update" && post) {
    const std::string user = body.value("user_id", "");
    json values = pick(body, kUserColumns);
    put_budget_period(values, body);
    auto row = co_await dbx.update("LiteLLM_UserTable", "user_id", user, values);
    if (row && row->is_null())
      co_return co_await reply(
          mgmt_error(404, "User not found, passed user_id=" + user, "not_found_error", "user_id"));
    Result<json> res =
        row ? then(row, obj("user_id", user, "data", *row)) : Result<json>(row.error());
    co_await reply(std::move(res));
  } else if (path == "/user/delete" && post) {
    json ids = body.value("user_ids", json::array());
    auto r = co_await dbx.rows(
        "WITH k AS (DELETE FROM \"LiteLLM_VerificationToken\" WHERE user_id = ANY(SELECT "
        "jsonb_array_elements_text($1::jsonb)) RETURNING token), d AS (DELETE FROM "
        "\"LiteLLM_UserTable\" WHERE user_id = ANY(SELECT jsonb_array_elements_text($1::jsonb)) "
        "RETURNING user_id) SELECT user_id FROM d",
        db::params(ids.dump()));
    Result<json> res = then(r, obj("deleted_users", ids));
    co_await reply(std::move(res));
  } else if (path == "/team/new" && post) {
    co_await reply(co_await new_team(dbx, body, actor));
  } else if (path == "/team/info") {
    const std::string team = query_param(req.query, "team_id");
    auto t = co_await dbx.first("SELECT * FROM \"LiteLLM_TeamTable\" WHERE team_id = $1",
                                db::params(team));
    if (t && t->is_null())
      co_return co_await reply(
          mgmt_error(404, "Team not found, passed team_id=" + team, "not_found_error", "team_id"));
    if (!t) co_return co_await reply(t.error());
    auto keys = co_await dbx.rows(
        "SELECT * FROM \"LiteLLM_VerificationToken\" WHERE team_id = $1 ORDER BY created_at",
        db::params(team));
    if (!keys) co_return co_await reply(keys.error());
    for (auto& k : *keys) k.erase("token");
    auto members = co_await dbx.rows(
        "SELECT * FROM \"LiteLLM_TeamMembership\" WHERE team_id = $1 ORDER BY user_id",
        db::params(team));
    if (!members) co_return co_await reply(members.error());
    co_await reply(
        obj("team_id", team, "team_info", *t, "keys", *keys, "team_memberships", *members));
  } else if (path == "/team/update" && post) {
    const std::string team = body.value("team_id", "");
    json values = pick(body, kTeamColumns);
    put_budget_period(values, body);
    auto row = co_await dbx.update("LiteLLM_TeamTable", "team_id", team, values);
    if (row && row->is_null())
      co_return co_await reply(
          mgmt_error(404, "Team not found, passed team_id=" + team, "not_found_error", "team_id"));
    Result<json> res =
        row ? then(row, obj("team_id", team, "data", *row)) : Result<json>(row.error());
    co_await reply(std::move(res));
  } else if (path == "/team/delete" && post) {
    json ids = body.value("team_ids", json::array());
    auto r = co_await dbx.rows(
        "WITH m AS (DELETE FROM \"LiteLLM_TeamMembership\" WHERE team_id = ANY(SELECT "
        "jsonb_array_elements_text($1::jsonb)) RETURNING 1), d AS (DELETE FROM "
        "\"LiteLLM_TeamTable\" WHERE team_id = ANY(SELECT jsonb_array_elements_text($1::jsonb)) "
        "RETURNING team_id) SELECT team_id FROM d",
        db::params(ids.dump()));
    if (r && r->size() != ids.size())
      co_return co_await reply(mgmt_error(404, "Team not found, passed team_ids=" + ids.dump(),
                                          "not_found_error", "team_ids"));
    Result<json> res = then(r, obj("deleted_teams", ids));
    co_await reply(std::move(res));
  } else if (path == "/spend/logs") {
    co_await reply(co_await spend_logs(dbx, req.query));
  } else if (path == "/global/spend") {
    auto r = co_await dbx.first(
        "SELECT coalesce(SUM(spend), 0) AS spend FROM \"LiteLLM_SpendLogs\" WHERE \"startTime\" "
        ">= (CURRENT_DATE - INTERVAL '30 days')",
        {});
    if (!r) co_return co_await reply(r.error());
    const auto& ls = config_->litellm_settings.raw;
    json max_budget = ls.contains("max_budget") ? json::parse(ls["max_budget"].dump()) : json();
    co_await reply(obj("spend", (*r)["spend"], "max_budget", max_budget));
  } else {
    co_await send_error(out,
                        Error::make(ErrorKind::kProxyNotFound, 404, "Not Found: " + path,
                                    "not_found_error", "None"),
                        {});
  }
}

}  // namespace litellm::handlers
