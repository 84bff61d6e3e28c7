// The batch statement: one INSERT ... SELECT over jsonb_to_recordset($1) writes the spend logs,
// and every increment (key, user, team, team member, organization, end user, daily tables) is
// computed only from the rows that statement actually inserted. A batch written twice (a retry
// after a lost COMMIT acknowledgement, a journal replayed after a crash) therefore counts once:
// LiteLLM_SpendLogs' primary key is the idempotency key. Columns are those this database has.
#include <fmt/format.h>

#include "litellm/db/store.hpp"

namespace litellm::db {

namespace {

// The LiteLLM_SpendLogs columns the batch writes (those this database has), named as in the
// expanded record `r` of batch_sql().
constexpr const char* kSpendLogColumns[] = {"request_id",
                                            "call_type",
                                            "api_key",
                                            "spend",
                                            "total_tokens",
                                            "prompt_tokens",
                                            "completion_tokens",
                                            "startTime",
                                            "endTime",
                                            "completionStartTime",
                                            "model",
                                            "model_id",
                                            "model_group",
                                            "custom_llm_provider",
                                            "api_base",
                                            "user",
                                            "metadata",
                                            "cache_hit",
                                            "cache_key",
                                            "request_tags",
                                            "team_id",
                                            "organization_id",
                                            "end_user",
                                            "session_id",
                                            "status",
                                            "request_duration_ms",
                                            "litellm_call_id"};

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
  // The journal's compact records (store.cpp: short keys, empty values left out, times in unix
  // milliseconds) expanded to LiteLLM's columns; LiteLLM's SpendLogsMetadata is built here.
  std::string sql =
      "WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(r text, ct text, k text, s "
      "double precision, pt integer, co integer, tt integer, t0 bigint, t1 bigint, tf bigint, m "
      "text, mi text, g text, p text, b text, u text, ka text, ti text, ta text, o text, eu text, "
      "tg jsonb, ep text, l boolean, ok boolean, ei text, et text, es text, sc text, ch boolean, "
      "ck "
      "text)),\n"
      "r AS (SELECT r AS request_id, coalesce(ct, '') AS call_type, coalesce(k, '') AS api_key, "
      "coalesce(s, 0) AS spend, coalesce(tt, 0) AS total_tokens, coalesce(pt, 0) AS "
      "prompt_tokens, coalesce(co, 0) AS completion_tokens, "
      "(to_timestamp(t0 / 1000.0) AT TIME ZONE 'utc')::timestamp(3) AS \"startTime\", "
      "(to_timestamp(t1 / 1000.0) AT TIME ZONE 'utc')::timestamp(3) AS \"endTime\", "
      "(to_timestamp(coalesce(tf, t1) / 1000.0) AT TIME ZONE 'utc')::timestamp(3) AS "
      "\"completionStartTime\", coalesce(m, '') AS model, coalesce(mi, '') AS model_id, "
      "coalesce(g, '') AS model_group, coalesce(p, '') AS custom_llm_provider, coalesce(b, '') "
      "AS api_base, coalesce(u, '') AS \"user\", jsonb_strip_nulls(jsonb_build_object("
      "'user_api_key', k, 'user_api_key_alias', ka, 'user_api_key_team_id', ti, "
      "'user_api_key_org_id', o, 'user_api_key_user_id', u, 'user_api_key_team_alias', ta)) || "
      "jsonb_build_object('spend_logs_metadata', NULL, 'requester_ip_address', NULL, 'status', "
      "CASE WHEN coalesce(ok, true) THEN 'success' ELSE 'failure' END, 'usage_object', "
      "jsonb_build_object('prompt_tokens', coalesce(pt, 0), 'completion_tokens', coalesce(co, 0), "
      "'total_tokens', coalesce(tt, 0)), 'additional_usage_values', '{}'::jsonb) || CASE WHEN "
      "coalesce(ok, true) THEN '{}'::jsonb ELSE jsonb_build_object('error_information', "
      "jsonb_build_object('error_code', sc, 'error_class', et, 'llm_provider', p, "
      "'error_message', es)) END AS metadata, CASE WHEN coalesce(ch, false) THEN 'True' ELSE "
      "'False' END AS cache_hit, "
      "coalesce(ck, 'Cache OFF') AS cache_key, "
      "coalesce(tg, '[]'::jsonb) AS request_tags, coalesce(ti, '') AS team_id, coalesce(o, '') "
      "AS organization_id, coalesce(eu, '') AS end_user, r AS session_id, CASE WHEN coalesce(ok, "
      "true) THEN 'success' ELSE 'failure' END AS status, (t1 - t0)::integer AS "
      "request_duration_ms, r AS litellm_call_id, to_char(to_timestamp(t0 / 1000.0) AT TIME ZONE "
      "'utc', 'YYYY-MM-DD') AS date, coalesce(ep, '') AS endpoint, coalesce(l, true) AS log, "
      "coalesce(ok, true) AS success, ei IS NOT NULL AS error_row, ei AS error_id, coalesce(et, "
      "'') AS exception_type, coalesce(es, '') AS exception_string, coalesce(sc, '') AS "
      "status_code FROM x)";
  const bool logs = c.has("LiteLLM_SpendLogs");
  if (logs) {
    std::string cols;
    for (const char* name : kSpendLogColumns) {
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
