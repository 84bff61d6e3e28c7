// DATABASE_URL handling and LiteLLM's schema: created on a fresh database, used as found on an
// existing one (never altered), LiteLLM's views ensured.
#include "litellm/db/schema.hpp"

#include <unistd.h>
#include "libpq.hpp"

#include <chrono>
#include <thread>

#include "litellm/common/strings.hpp"
#include "litellm/db/pg.hpp"
#include "litellm/logging/log.hpp"

namespace litellm::db {

extern const char* const kSchemaSql;  // generated from schema.sql

namespace {

std::string url_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::strtol(std::string(s.substr(i + 1, 2)).c_str(), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

bool libpq_keyword(const std::string& k) {
  static const std::set<std::string> keywords = [] {
    std::set<std::string> s;
    PQconninfoOption* opts = pq().PQconndefaults();
    for (auto* o = opts; o && o->keyword; ++o) s.insert(o->keyword);
    pq().PQconninfoFree(opts);
    return s;
  }();
  return keywords.count(k) != 0;
}

const std::vector<std::pair<std::string, std::string>> kViews = {
    {"LiteLLM_VerificationTokenView",
     R"(SELECT v.*, t.spend AS team_spend, t.max_budget AS team_max_budget,
  t.tpm_limit AS team_tpm_limit, t.rpm_limit AS team_rpm_limit
FROM "LiteLLM_VerificationToken" v LEFT JOIN "LiteLLM_TeamTable" t ON v.team_id = t.team_id)"},
    {"MonthlyGlobalSpend",
     R"(SELECT DATE("startTime") AS date, SUM(spend) AS spend FROM "LiteLLM_SpendLogs"
WHERE "startTime" >= (CURRENT_DATE - INTERVAL '30 days') GROUP BY DATE("startTime"))"},
    {"Last30dKeysBySpend",
     R"(SELECT L.api_key, V.key_alias, V.key_name, SUM(L.spend) AS total_spend
FROM "LiteLLM_SpendLogs" L LEFT JOIN "LiteLLM_VerificationToken" V ON L.api_key = V.token
WHERE L."startTime" >= (CURRENT_DATE - INTERVAL '30 days')
GROUP BY L.api_key, V.key_alias, V.key_name ORDER BY total_spend DESC)"},
    {"Last30dModelsBySpend",
     R"(SELECT model, SUM(spend) AS total_spend FROM "LiteLLM_SpendLogs"
WHERE "startTime" >= (CURRENT_DATE - INTERVAL '30 days') AND model != ''
GROUP BY model ORDER BY total_spend DESC)"},
    {"MonthlyGlobalSpendPerKey",
     R"(SELECT DATE("startTime") AS date, SUM(spend) AS spend, api_key FROM "LiteLLM_SpendLogs"
WHERE "startTime" >= (CURRENT_DATE - INTERVAL '30 days') GROUP BY DATE("startTime"), api_key)"},
    {"MonthlyGlobalSpendPerUserPerKey",
     R"(SELECT DATE("startTime") AS date, SUM(spend) AS spend, api_key, "user"
FROM "LiteLLM_SpendLogs" WHERE "startTime" >= (CURRENT_DATE - INTERVAL '30 days')
GROUP BY DATE("startTime"), "user", api_key)"},
    {"DailyTagSpend",
     R"(SELECT jsonb_array_elements_text(request_tags) AS individual_request_tag,
  DATE("startTime") AS spend_date, COUNT(*) AS log_count, SUM(spend) AS total_spend
FROM "LiteLLM_SpendLogs" GROUP BY individual_request_tag, DATE("startTime"))"},
    {"Last30dTopEndUsersSpend",
     R"(SELECT end_user, COUNT(*) AS total_events, SUM(spend) AS total_spend
FROM "LiteLLM_SpendLogs" WHERE end_user <> '' AND end_user <> "user"
  AND "startTime" >= CURRENT_DATE - INTERVAL '30 days'
GROUP BY end_user ORDER BY total_spend DESC LIMIT 100)"},
};

// The statements of schema.sql that belong to `table` (its CREATE TABLE, indexes, constraints).
std::vector<std::string> statements_for(const std::string& table) {
  std::vector<std::string> out;
  std::string_view sql = kSchemaSql;
  const std::string quoted = "\"" + table + "\"";
  while (!sql.empty()) {
    size_t end = sql.find(";\n");
    std::string_view stmt = sql.substr(0, end == std::string_view::npos ? sql.size() : end + 1);
    sql.remove_prefix(std::min(sql.size(), stmt.size() + 1));
    // Skip comment lines.
    while (stmt.starts_with("--")) stmt.remove_prefix(std::min(stmt.size(), stmt.find('\n') + 1));
    stmt = trim(stmt);
    if (stmt.empty()) continue;
    const bool mine = stmt.starts_with("CREATE TABLE " + quoted) ||
                      stmt.starts_with("ALTER TABLE " + quoted) ||
                      (stmt.find("INDEX") < 20 && stmt.find(" ON " + quoted) != std::string::npos);
    if (mine) out.emplace_back(stmt);
  }
  return out;
}

}  // namespace

const char* schema_sql() { return kSchemaSql; }

const std::vector<std::string>& managed_tables() {
  static const std::vector<std::string> tables = [] {
    std::vector<std::string> t;
    std::string_view sql = kSchemaSql;
    size_t at = 0;
    while ((at = sql.find("CREATE TABLE \"", at)) != std::string_view::npos) {
      at += 14;
      t.emplace_back(sql.substr(at, sql.find('"', at) - at));
    }
    return t;
  }();
  return tables;
}

bool Catalog::has(const std::string& table, const std::string& column) const {
  auto it = columns.find(table);
  return it != columns.end() && it->second.count(column) != 0;
}

const char* const kCatalogSql =
    "SELECT table_name, column_name FROM information_schema.columns "
    "WHERE table_schema = current_schema() AND table_name LIKE 'LiteLLM\\_%'";
const char* const kUpsertKeysSql =
    "SELECT c.relname, a.attname, ic.relname FROM pg_index i "
    "JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid "
    "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema() "
    "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
    "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum "
    "WHERE i.indisunique AND NOT i.indisprimary AND c.relname LIKE 'LiteLLM\\_Daily%Spend' "
    "ORDER BY c.relname, ic.relname, k.ord";

bool schema_update_disabled(const config::Config& cfg) {
  if (env_flag("DISABLE_SCHEMA_UPDATE")) return true;
  const auto& raw = cfg.general_settings.raw;
  auto it = raw.find("disable_prisma_schema_update");
  return it != raw.end() && it->is_boolean() && it->get<bool>();
}

Result<std::optional<DatabaseSettings>> database_settings(const config::Config& cfg) {
  std::string url;
  if (cfg.general_settings.database_url && !cfg.general_settings.database_url->empty())
    url = *cfg.general_settings.database_url;
  else if (auto e = env("DATABASE_URL"); e && !e->empty())
    url = *e;
  else if (auto host = env("DATABASE_HOST"); host && !host->empty()) {
    // LiteLLM: postgresql://{user}:{password}@{host}/{name}
    url = "postgresql://" + url_encode(env("DATABASE_USERNAME").value_or("")) + ":" +
          url_encode(env("DATABASE_PASSWORD").value_or("")) + "@" + *host + "/" +
          env("DATABASE_NAME").value_or("");
    if (auto schema = env("DATABASE_SCHEMA"); schema && !schema->empty())
      url += "?schema=" + url_encode(*schema);
  }
  if (url.empty()) return std::optional<DatabaseSettings>{};
  if (std::string why; !load_libpq(&why))
    return Error::make(ErrorKind::kInternalServer, 500, "a database is configured but " + why);
  if (!url.starts_with("postgresql://") && !url.starts_with("postgres://")) {
    return Error::make(ErrorKind::kBadRequest, 400,
                       "DATABASE_URL must be a PostgreSQL URL (postgresql://...); got scheme '" +
                           url.substr(0, url.find(':')) + "'");
  }
  DatabaseSettings s;
  s.url = url;
  const auto& gs = cfg.general_settings;
  const bool limit_set = gs.raw.contains("database_connection_pool_limit");
  s.pool_limit = static_cast<size_t>(std::max(1, gs.database_connection_pool_limit));
  s.connect_timeout_seconds = gs.database_connection_timeout;
  if (!gs.raw.contains("database_connection_timeout"))
    if (auto it = gs.raw.find("database_connection_pool_timeout");
        it != gs.raw.end() && it->is_number())
      s.connect_timeout_seconds = it->get<double>();
  s.pool_timeout_seconds = s.connect_timeout_seconds;

  const size_t q = url.find('?');
  std::string base = url.substr(0, q);
  std::string kept;
  if (q != std::string::npos) {
    std::string_view query = std::string_view(url).substr(q + 1);
    while (!query.empty()) {
      size_t amp = query.find('&');
      std::string_view kv = query.substr(0, amp);
      query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
      size_t eq = kv.find('=');
      std::string key = url_decode(kv.substr(0, eq));
      std::string value = eq == std::string_view::npos ? "" : url_decode(kv.substr(eq + 1));
      if (key == "connection_limit") {
        if (!limit_set && std::atoi(value.c_str()) > 0)
          s.pool_limit = static_cast<size_t>(std::atoi(value.c_str()));
      } else if (key == "pool_timeout") {
        s.pool_timeout_seconds = std::strtod(value.c_str(), nullptr);
      } else if (key == "schema") {  // Prisma's schema parameter: the search path
        kept += std::string(kept.empty() ? "" : "&") +
                "options=" + url_encode("-csearch_path=" + value);
      } else if (libpq_keyword(key)) {
        kept += std::string(kept.empty() ? "" : "&") + std::string(kv);
      }  // other Prisma parameters (pgbouncer, socket_timeout, ...) mean nothing to libpq
    }
  }
  s.conninfo = kept.empty() ? base : base + "?" + kept;
  // Redacted form: scheme://user:****@host...
  s.redacted = base;
  size_t at = base.find('@'), colon = base.find(':', base.find("://") + 3);
  if (at != std::string::npos && colon != std::string::npos && colon < at)
    s.redacted = base.substr(0, colon + 1) + "****" + base.substr(at);
  return std::optional<DatabaseSettings>{s};
}

Result<SchemaReport> prepare_schema(const DatabaseSettings& db, bool allow_update,
                                    double wait_seconds) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(int64_t(wait_seconds * 1000));
  std::optional<BlockingConn> conn;
  for (int attempt = 1;; ++attempt) {
    auto c = BlockingConn::connect(db.conninfo, 10);
    if (c) {
      conn.emplace(std::move(*c));
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) return c.error();
    LOG_WARN("database {} not reachable (attempt {}): {}; retrying", db.redacted, attempt,
             c.error().message);
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  // One instance at a time (several hosts may start together); released with the connection.
  if (auto lock = conn->exec("SELECT pg_advisory_lock(7283917501)"); !lock) return lock.error();
  auto present = conn->exec(kCatalogSql);
  if (!present) return present.error();
  std::set<std::string> tables;
  for (int r = 0; r < present->rows(); ++r) tables.emplace(present->get(r, 0));

  SchemaReport report;
  for (const auto& t : managed_tables())
    if (!tables.count(t)) report.missing.push_back(t);
  const bool fresh = report.missing.size() == managed_tables().size();
  if (fresh && allow_update) {
    std::string ddl = "BEGIN;\n";
    for (const auto& t : managed_tables())
      for (const auto& stmt : statements_for(t))
        if (stmt.starts_with("CREATE")) ddl += stmt + "\n";
    for (const auto& t : managed_tables())
      for (const auto& stmt : statements_for(t))
        if (stmt.starts_with("ALTER")) ddl += stmt + "\n";
    ddl += "COMMIT;";
    if (auto r = conn->exec(ddl); !r) {
      (void)conn->exec("ROLLBACK");
      return Error::make(ErrorKind::kInternalServer, 500,
                         "creating LiteLLM's tables failed: " + r.error().message);
    }
    report.created = true;
    report.missing.clear();
    for (const auto& t : managed_tables()) tables.insert(t);
  }
  if (allow_update) {
    for (const auto& [view, body] : kViews) {
      auto exists = conn->exec("SELECT to_regclass($1) IS NOT NULL", {quote_ident(view)});
      if (!exists || exists->get(0, 0) == "t") continue;
      if (auto r = conn->exec("CREATE VIEW " + quote_ident(view) + " AS " + body); r)
        report.views_created.push_back(view);
      else
        LOG_WARN("could not create view {}: {}", view, r.error().message);
    }
  }
  return report;
}

}  // namespace litellm::db
