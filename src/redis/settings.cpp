#include "litellm/redis/settings.hpp"

#include "litellm/common/strings.hpp"
#include "litellm/config/config.hpp"

namespace litellm::redis {

namespace {

using config::Json;

Error setting_error(const std::string& where, const std::string& what) {
  return Error::make(ErrorKind::kInternalServer, 500, where + ": " + what, "None", "None");
}

std::optional<std::string> text(const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  if (it->is_number()) return std::to_string(it->get<double>());
  if (it->is_boolean()) return it->get<bool>() ? "true" : "false";
  return std::nullopt;
}

bool flag(const std::optional<std::string>& v) { return v && truthy(*v); }

std::optional<double> number(const std::optional<std::string>& v) {
  if (!v) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(v->c_str(), &end);
  if (end == v->c_str()) return std::nullopt;
  return d;
}

// The tunables every connection shares (REDIS_SOCKET_TIMEOUT is LiteLLM's, in seconds).
void apply_environment(Options& o) {
  if (auto t = number(env("REDIS_SOCKET_TIMEOUT")); t && *t > 0)
    o.command_timeout = std::chrono::milliseconds(static_cast<int64_t>(*t * 1000));
  if (auto t = number(env("REDIS_CONNECT_TIMEOUT")); t && *t > 0)
    o.connect_timeout = std::chrono::milliseconds(static_cast<int64_t>(*t * 1000));
}

Result<Options> from_url(const std::string& url, const std::string& where) {
  auto o = parse_url(url);
  if (!o) return setting_error(where, o.error().message);
  apply_environment(*o);
  return *o;
}

Options from_parts(std::string host, std::optional<std::string> port,
                   std::optional<std::string> password, std::optional<std::string> username,
                   bool tls) {
  Options o;
  o.host = std::move(host);
  if (port && !port->empty()) o.port = *port;
  if (password) o.password = *password;
  if (username) o.username = *username;
  o.tls = tls;
  apply_environment(o);
  return o;
}

}  // namespace

bool CacheSettings::allows(std::string_view call_type) const {
  for (const auto& t : call_types) {
    if (t == call_type) return true;
    // "completion" covers "acompletion" (LiteLLM lists both forms).
    if (call_type.size() == t.size() + 1 && call_type.front() == 'a' && call_type.substr(1) == t)
      return true;
  }
  return false;
}

Result<Settings> settings_from(const config::Config& cfg) {
  Settings out;
  const auto& rs = cfg.router_settings;
  if (rs.redis_url && !rs.redis_url->empty()) {
    auto o = from_url(*rs.redis_url, "router_settings.redis_url");
    if (!o) return o.error();
    out.router = *o;
  } else if (rs.redis_host && rs.redis_port) {
    out.router = from_parts(*rs.redis_host, std::to_string(*rs.redis_port), rs.redis_password,
                            std::nullopt, flag(text(rs.raw, "redis_ssl")));
  }
  if (out.router)
    if (auto db = text(rs.raw, "redis_db")) out.router->db = std::atoi(db->c_str());

  const auto& ls = cfg.litellm_settings;
  if (ls.cache) {
    const Json& p = ls.cache_params;
    // LiteLLM: an empty cache_params means Redis from REDIS_*; cache_params without a type means
    // its in-memory default.
    const std::string type = p.empty() ? "redis" : text(p, "type").value_or("local");
    if (type != "redis") {
      out.warnings.push_back("litellm_settings.cache_params.type '" + type +
                             "' is not supported by litellm-cpp (only redis): the response cache "
                             "is off");
    } else {
      Options o;
      if (auto url = text(p, "url") ? text(p, "url") : text(p, "redis_url")) {
        auto r = from_url(*url, "litellm_settings.cache_params.url");
        if (!r) return r.error();
        o = *r;
      } else if (auto host = text(p, "host")) {
        o = from_parts(*host, text(p, "port"), text(p, "password"), text(p, "username"),
                       flag(text(p, "ssl")));
      } else if (auto url = env("REDIS_URL"); url && !url->empty()) {
        auto r = from_url(*url, "REDIS_URL");
        if (!r) return r.error();
        o = *r;
      } else if (auto host = env("REDIS_HOST"); host && !host->empty()) {
        o = from_parts(*host, env("REDIS_PORT"), env("REDIS_PASSWORD"), env("REDIS_USERNAME"),
                       env_flag("REDIS_SSL"));
      } else {
        return setting_error("litellm_settings.cache",
                             "type redis needs cache_params.host (or REDIS_HOST / REDIS_URL)");
      }
      if (auto db = text(p, "db")) o.db = std::atoi(db->c_str());
      CacheSettings c;
      c.redis = std::move(o);
      c.ns = text(p, "namespace").value_or("");
      auto ttl = number(text(p, "default_in_redis_ttl"));
      if (!ttl) ttl = number(text(p, "ttl"));
      if (ttl && *ttl > 0) c.ttl = static_cast<int64_t>(*ttl);
      c.default_off = text(p, "mode").value_or("") == "default_off";
      if (auto it = p.find("supported_call_types"); it != p.end() && it->is_array()) {
        for (const auto& t : *it)
          if (t.is_string()) c.call_types.push_back(t.get<std::string>());
      } else {
        c.call_types = {"completion", "acompletion",     "embedding",
                        "aembedding", "text_completion", "atext_completion"};
      }
      out.cache = std::move(c);
    }
  }
  // LiteLLM attaches the cache's Redis to a router that has none of its own.
  if (!out.router && out.cache) {
    out.router = out.cache->redis;
    out.router_from_cache = true;
  }
  return out;
}

}  // namespace litellm::redis
