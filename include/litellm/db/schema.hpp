// Where the database is (DATABASE_URL and friends) and LiteLLM's schema in it.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "litellm/common/error.hpp"
#include "litellm/config/config.hpp"

namespace litellm::db {

struct DatabaseSettings {
  std::string url;                      // as configured (secrets included; never logged)
  std::string conninfo;                 // for libpq: Prisma-only query parameters removed
  std::string redacted;                 // for logs: password replaced by ****
  size_t pool_limit = 10;               // per worker
  double pool_timeout_seconds = 60;     // waiting for a free connection
  double connect_timeout_seconds = 60;  // LiteLLM's database_connection_timeout
};

// general_settings.database_url, else DATABASE_URL, else DATABASE_HOST/USERNAME/PASSWORD/NAME
// (and DATABASE_SCHEMA). nullopt when no database is configured; an Error for a non-Postgres
// URL (LiteLLM exits 1 there too).
Result<std::optional<DatabaseSettings>> database_settings(const config::Config& cfg);

// Tables and columns present, read from the catalog, so that every statement names only what
// this database has (LiteLLM's schema grows by version).
struct Catalog {
  std::map<std::string, std::set<std::string>> columns;  // table → columns
  // Daily*Spend table → columns of its unique (upsert) key.
  std::map<std::string, std::vector<std::string>> upsert_keys;
  bool has(const std::string& table) const { return columns.count(table) != 0; }
  bool has(const std::string& table, const std::string& column) const;
};

struct SchemaReport {
  bool created = false;              // a fresh database: we created LiteLLM's tables
  std::vector<std::string> missing;  // tables we use that are absent (DISABLE_SCHEMA_UPDATE)
  std::vector<std::string> views_created;
};

// Supervisor startup (blocking, before workers start): creates LiteLLM's tables on an empty
// database unless `allow_update` is false, never alters existing tables, and ensures LiteLLM's
// views exist. Retries the connection until `wait_seconds` have passed.
Result<SchemaReport> prepare_schema(const DatabaseSettings& db, bool allow_update,
                                    double wait_seconds);

// DISABLE_SCHEMA_UPDATE=true or general_settings.disable_prisma_schema_update: change nothing.
bool schema_update_disabled(const config::Config& cfg);

// The catalog query (run by workers asynchronously; exposed for the blocking path too).
extern const char* const kCatalogSql;
extern const char* const kUpsertKeysSql;

// LiteLLM's tables this proxy reads or writes, in creation order.
const std::vector<std::string>& managed_tables();
// The DDL of schema.sql (for tests).
const char* schema_sql();

}  // namespace litellm::db
