// The batch statement: one INSERT ... SELECT over jsonb_to_recordset($1) writes the spend logs,
// and every increment (key, user, team, team member, organization, end user, daily tables) is
// computed only from the rows that statement actually inserted. A batch written twice (a retry
// after a lost COMMIT acknowledgement, a journal replayed after a crash) therefore counts once:
// LiteLLM_SpendLogs' primary key is the idempotency key. Columns are those this database has.
#include <fmt/format.h>

#include "litellm/db/store.hpp"

namespace litellm::db {

namespace {

struct Col {
  const char* name;  // column (and JSON key)
  const char* type;  // in the recordset
};

// The record's fields (store.cpp writes them).
constexpr Col kRecord[] = {
    {"request_id", "text"},
    {"call_type", "text"},
    {"api_key", "text"},
    {"spend", "double precision"},
    {"total_tokens", "integer"},
    {"prompt_tokens", "integer"},
    {"completion_tokens", "integer"},
    {"startTime", "timestamp(3)"},
    {"endTime", "timestamp(3)"},
    {"completionStartTime", "timestamp(3)"},
    {"model", "text"},
    {"model_id", "text"},
    {"model_group", "text"},
    {"custom_llm_provider", "text"},
    {"api_base", "text"},
    {"user", "text"},
    {"metadata", "jsonb"},
    {"cache_hit", "text"},
    {"cache_key", "text"},
    {"request_tags", "jsonb"},
    {"team_id", "text"},
    {"organization_id", "text"},
    {"end_user", "text"},
    {"session_id", "text"},
    {"status", "text"},
    {"request_duration_ms", "integer"},
    {"litellm_call_id", "text"},
    // Not SpendLogs columns:
    {"date", "text"},
    {"endpoint", "text"},
    {"log", "boolean"},
    {"success", "boolean"},
    {"error_row", "boolean"},
    {"error_id", "text"},
    {"exception_type", "text"},
    {"exception_string", "text"},
    {"status_code", "text"},
};
constexpr int kSpendLogColumns = 27;  // the first 27 fields are LiteLLM_SpendLogs columns

std::string q(std::string_view id) { return quote_ident(id); }

// An increment of `spend` on `table` keyed by `key_col` = the record's `field`.
std::string entity_update(const Catalog& c, const char* alias, const char* table,
                          const char* key_col, const char* field) {
  if (!c.has(table, "spend")) return "";
  return fmt::format(
      ",\n{0} AS (UPDATE {1} t SET spend = t.spend + d.s FROM (SELECT {3} AS id, SUM(spend) AS s "
      "FROM counted WHERE {3} <> '' AND spend > 0 GROUP BY {3}) d WHERE t.{2} = d.id RETURNING 1)",
      alias, q(table), q(key_col), q(field));
}

// The daily aggregate upsert for one entity (user, team, ...).
std::string daily_upsert(const Catalog& c, const char* alias, const char* table,
                         const char* entity_col, const char* field,
                         const char* source = "counted") {
  auto keys = c.upsert_keys.find(table);
  if (!c.has(table) || keys == c.upsert_keys.end()) return "";
  // Values for the unique-key columns; LiteLLM writes "" rather than NULL for absent ones.
  auto value_of = [&](const std::string& col) -> std::string {
    if (col == entity_col) return q(field);
    if (col == "date" || col == "api_key" || col == "model" || col == "custom_llm_provider" ||
        col == "endpoint")
      return q(col);
    return "''";
  };
  std::string cols, group, sel;
  for (const auto& k : keys->second) {
    cols += (cols.empty() ? "" : ", ") + q(k);
    sel += (sel.empty() ? "" : ", ") + value_of(k);
    if (value_of(k) != "''") group += (group.empty() ? "" : ", ") + value_of(k);
  }
  std::string extra_cols, extra_sel, updates;
  auto add = [&](const char* col, const std::string& expr, bool increment) {
    if (!c.has(table, col)) return;
    extra_cols += std::string(", ") + q(col);
    extra_sel += ", " + expr;
    if (increment) updates += fmt::format(", {0} = {1}.{0} + EXCLUDED.{0}", q(col), q(table));
  };
  add("model_group", "MAX(model_group)", false);
  add("prompt_tokens", "SUM(prompt_tokens)", true);
  add("completion_tokens", "SUM(completion_tokens)", true);
  add("spend", "SUM(spend)", true);
  add("api_requests", "COUNT(*)", true);
  add("successful_requests", "COUNT(*) FILTER (WHERE success)", true);
  add("failed_requests", "COUNT(*) FILTER (WHERE NOT success)", true);
  return fmt::format(
      ",\n{0} AS (INSERT INTO {1} (id, {2}{3}, updated_at) SELECT gen_random_uuid()::text, "
      "{4}{5}, now() AT TIME ZONE 'utc' FROM {9} WHERE {6} <> '' AND api_key <> '' "
      "GROUP BY {7} ON CONFLICT ({2}) DO UPDATE SET updated_at = EXCLUDED.updated_at{8} "
      "RETURNING 1)",
      alias, q(table), cols, extra_cols, sel, extra_sel, q(field), group, updates, source);
}

}  // namespace

std::string Store::batch_sql() const {
  const Catalog& c = catalog_;
  std::string defs;
  for (const auto& col : kRecord)
    defs += std::string(defs.empty() ? "" : ", ") + q(col.name) + " " + col.type;
  std::string sql = "WITH r AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(" + defs + "))";
  const bool logs = c.has("LiteLLM_SpendLogs");
  if (logs) {
    std::string cols;
    for (int i = 0; i < kSpendLogColumns; ++i) {
      const char* name = kRecord[i].name;
      if (!c.has("LiteLLM_SpendLogs", name)) continue;
      cols += (cols.empty() ? "" : ", ") + q(name);
    }
    // Failures are logged only where the table can tell them apart (the `status` column).
    std::string where = c.has("LiteLLM_SpendLogs", "status") ? "log" : "log AND success";
    sql += fmt::format(
        ",\nlogged AS (INSERT INTO \"LiteLLM_SpendLogs\" ({0}) SELECT {0} FROM r WHERE {1} "
        "ON CONFLICT (request_id) DO NOTHING RETURNING request_id)",
        cols, where);
    // Rows that were not meant to be logged (disable_spend_logs) count without deduplication.
    sql +=
        ",\ncounted AS (SELECT * FROM r WHERE request_id IN (SELECT request_id FROM logged) "
        "OR NOT (" +
        where + "))";
  } else {
    sql += ",\ncounted AS (SELECT * FROM r)";
  }
  sql += entity_update(c, "k", "LiteLLM_VerificationToken", "token", "api_key");
  sql += entity_update(c, "u", "LiteLLM_UserTable", "user_id", "user");
  sql += entity_update(c, "t", "LiteLLM_TeamTable", "team_id", "team_id");
  sql += entity_update(c, "o", "LiteLLM_OrganizationTable", "organization_id", "organization_id");
  if (c.has("LiteLLM_TeamMembership", "spend"))
    sql +=
        ",\ntm AS (UPDATE \"LiteLLM_TeamMembership\" m SET spend = m.spend + d.s FROM (SELECT "
        "team_id, \"user\", SUM(spend) AS s FROM counted WHERE team_id <> '' AND \"user\" <> '' "
        "AND spend > 0 GROUP BY team_id, \"user\") d WHERE m.team_id = d.team_id AND "
        "m.user_id = d.\"user\" RETURNING 1)";
  if (c.has("LiteLLM_EndUserTable", "spend"))
    sql +=
        ",\neu AS (INSERT INTO \"LiteLLM_EndUserTable\" (user_id, spend) SELECT end_user, "
        "SUM(spend) FROM counted WHERE end_user <> '' GROUP BY end_user ON CONFLICT (user_id) "
        "DO UPDATE SET spend = \"LiteLLM_EndUserTable\".spend + EXCLUDED.spend RETURNING 1)";
  sql += daily_upsert(c, "du", "LiteLLM_DailyUserSpend", "user_id", "user");
  sql += daily_upsert(c, "dt", "LiteLLM_DailyTeamSpend", "team_id", "team_id");
  sql += daily_upsert(c, "dorg", "LiteLLM_DailyOrganizationSpend", "organization_id",
                      "organization_id");
  sql += daily_upsert(c, "deu", "LiteLLM_DailyEndUserSpend", "end_user_id", "end_user");
  // One row per request tag (metadata.tags, x-litellm-tags).
  sql += daily_upsert(c, "dtag", "LiteLLM_DailyTagSpend", "tag", "tag",
                      "(SELECT counted.*, t.tag FROM counted CROSS JOIN LATERAL "
                      "jsonb_array_elements_text(counted.request_tags) AS t(tag)) tagged");
  if (c.has("LiteLLM_ErrorLogs"))
    sql +=
        ",\nerr AS (INSERT INTO \"LiteLLM_ErrorLogs\" (request_id, \"startTime\", \"endTime\", "
        "api_base, model_group, litellm_model_name, model_id, request_kwargs, exception_type, "
        "exception_string, status_code) SELECT error_id, \"startTime\", \"endTime\", api_base, "
        "model_group, model, model_id, '{}'::jsonb, exception_type, exception_string, "
        "status_code FROM counted WHERE error_row ON CONFLICT (request_id) DO NOTHING "
        "RETURNING 1)";
  sql += "\nSELECT (SELECT count(*) FROM counted)";
  return sql;
}

}  // namespace litellm::db
