-- LiteLLM's tables as its Prisma migrations leave them (litellm-proxy-extras, latest schema.prisma):
-- created on a fresh database only, in one transaction. Column order, types, defaults,
-- constraint and index names match, so LiteLLM can later run on a database we created.
-- tests/integration/test_db_schema.py checks this file against LiteLLM's own migrations.
CREATE TABLE "LiteLLM_BudgetTable" (
  budget_id TEXT NOT NULL,
  max_budget DOUBLE PRECISION,
  soft_budget DOUBLE PRECISION,
  max_parallel_requests INTEGER,
  tpm_limit BIGINT,
  rpm_limit BIGINT,
  model_max_budget JSONB,
  budget_duration TEXT,
  budget_reset_at TIMESTAMP(3),
  created_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
  created_by TEXT NOT NULL,
  updated_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
  updated_by TEXT NOT NULL,
  allowed_models TEXT[] DEFAULT ARRAY[]::TEXT[],
  tpd_limit BIGINT,
  temp_budget_increase DOUBLE PRECISION,
  temp_budget_expiry TIMESTAMP(3),
  CONSTRAINT "LiteLLM_BudgetTable_pkey" PRIMARY KEY (budget_id)
);
CREATE TABLE "LiteLLM_ObjectPermissionTable" (
  object_permission_id TEXT NOT NULL,
  mcp_servers TEXT[] DEFAULT ARRAY[]::TEXT[],
  vector_stores TEXT[] DEFAULT ARRAY[]::TEXT[],
  mcp_access_groups TEXT[] DEFAULT ARRAY[]::TEXT[],
  mcp_tool_permissions JSONB,
  agents TEXT[] DEFAULT ARRAY[]::TEXT[],
  agent_access_groups TEXT[] DEFAULT ARRAY[]::TEXT[],
  blocked_tools TEXT[] DEFAULT ARRAY[]::TEXT[],
  models TEXT[] DEFAULT ARRAY[]::TEXT[],
  mcp_toolsets TEXT[] DEFAULT ARRAY[]::TEXT[],
  search_tools TEXT[] DEFAULT ARRAY[]::TEXT[],
  mcp_tool_search_enabled BOOLEAN,
  skills TEXT[] DEFAULT ARRAY[]::TEXT[],
  CONSTRAINT "LiteLLM_ObjectPermissionTable_pkey" PRIMARY KEY (object_permission_id)
);
CREATE TABLE "LiteLLM_OrganizationTable" (
  organization_id TEXT NOT NULL,
  organization_alias TEXT NOT NULL,
  budget_id TEXT NOT NULL,
  metadata JSONB DEFAULT '{}'::jsonb NOT NULL,
  models TEXT[],
  spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  model_spend JSONB DEFAULT '{}'::jsonb NOT NULL,
  created_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
  created_by TEXT NOT NULL,
  updated_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
  updated_by TEXT NOT NULL,
  object_permission_id TEXT,
  CONSTRAINT "LiteLLM_OrganizationTable_pkey" PRIMARY KEY (organization_id)
);
CREATE TABLE "LiteLLM_ModelTable" (
  id SERIAL,
  aliases JSONB,
  created_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
  created_by TEXT NOT NULL,
  updated_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
  updated_by TEXT NOT NULL,
  CONSTRAINT "LiteLLM_ModelTable_pkey" PRIMARY KEY (id)
);
CREATE TABLE "LiteLLM_TeamTable" (
  team_id TEXT NOT NULL,
  team_alias TEXT,
  organization_id TEXT,
  admins TEXT[],
  members TEXT[],
  members_with_roles JSONB DEFAULT '{}'::jsonb NOT NULL,
  metadata JSONB DEFAULT '{}'::jsonb NOT NULL,
  max_budget DOUBLE PRECISION,
  spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  models TEXT[],
  max_parallel_requests INTEGER,
  tpm_limit BIGINT,
  rpm_limit BIGINT,
  budget_duration TEXT,
  budget_reset_at TIMESTAMP(3),
  blocked BOOLEAN DEFAULT false NOT NULL,
  created_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
  updated_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
  model_spend JSONB DEFAULT '{}'::jsonb NOT NULL,
  model_max_budget JSONB DEFAULT '{}'::jsonb NOT NULL,
  model_id INTEGER,
  team_member_permissions TEXT[] DEFAULT ARRAY[]::TEXT[],
  object_permission_id TEXT,
  router_settings JSONB DEFAULT '{}'::jsonb,
  policies TEXT[] DEFAULT ARRAY[]::TEXT[],
  allow_team_guardrail_config BOOLEAN DEFAULT false NOT NULL,
  soft_budget DOUBLE PRECISION,
  access_group_ids TEXT[] DEFAULT ARRAY[]::TEXT[],
  budget_limits JSONB,
  default_team_member_models TEXT[] DEFAULT ARRAY[]::TEXT[],
  tpd_limit BIGINT,
  CONSTRAINT "LiteLLM_TeamTable_pkey" PRIMARY KEY (team_id)
);
CREATE TABLE "LiteLLM_ProjectTable" (
  project_id TEXT NOT NULL,
  project_alias TEXT,
  team_id TEXT,
  budget_id TEXT,
  metadata JSONB DEFAULT '{}'::jsonb NOT NULL,
  models TEXT[],
  spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  model_spend JSONB DEFAULT '{}'::jsonb NOT NULL,
  blocked BOOLEAN DEFAULT false NOT NULL,
  object_permission_id TEXT,
  created_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
  created_by TEXT NOT NULL,
  updated_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
  updated_by TEXT NOT NULL,
  description TEXT,
  model_rpm_limit JSONB DEFAULT '{}'::jsonb NOT NULL,
  model_tpm_limit JSONB DEFAULT '{}'::jsonb NOT NULL,
  CONSTRAINT "LiteLLM_ProjectTable_pkey" PRIMARY KEY (project_id)
);
CREATE TABLE "LiteLLM_UserTable" (
  user_id TEXT NOT NULL,
  user_alias TEXT,
  team_id TEXT,
  sso_user_id TEXT,
  organization_id TEXT,
  password TEXT,
  teams TEXT[] DEFAULT ARRAY[]::TEXT[],
  user_role TEXT,
  max_budget DOUBLE PRECISION,
  spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  user_email TEXT,
  models TEXT[],
  metadata JSONB DEFAULT '{}'::jsonb NOT NULL,
  max_parallel_requests INTEGER,
  tpm_limit BIGINT,
  rpm_limit BIGINT,
  budget_duration TEXT,
  budget_reset_at TIMESTAMP(3),
  allowed_cache_controls TEXT[] DEFAULT ARRAY[]::TEXT[],
  model_spend JSONB DEFAULT '{}'::jsonb NOT NULL,
  model_max_budget JSONB DEFAULT '{}'::jsonb NOT NULL,
  created_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP,
  object_permission_id TEXT,
  policies TEXT[] DEFAULT ARRAY[]::TEXT[],
  password_reset_required BOOLEAN,
  last_breach_check_at TIMESTAMP(3),
  CONSTRAINT "LiteLLM_UserTable_pkey" PRIMARY KEY (user_id)
);
CREATE TABLE "LiteLLM_VerificationToken" (
  token TEXT NOT NULL,
  key_name TEXT,
  key_alias TEXT,
  soft_budget_cooldown BOOLEAN DEFAULT false NOT NULL,
  spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  expires TIMESTAMP(3),
  models TEXT[],
  aliases JSONB DEFAULT '{}'::jsonb NOT NULL,
  config JSONB DEFAULT '{}'::jsonb NOT NULL,
  user_id TEXT,
  team_id TEXT,
  permissions JSONB DEFAULT '{}'::jsonb NOT NULL,
  max_parallel_requests INTEGER,
  metadata JSONB DEFAULT '{}'::jsonb NOT NULL,
  blocked BOOLEAN,
  tpm_limit BIGINT,
  rpm_limit BIGINT,
  max_budget DOUBLE PRECISION,
  budget_duration TEXT,
  budget_reset_at TIMESTAMP(3),
  allowed_cache_controls TEXT[] DEFAULT ARRAY[]::TEXT[],
  model_spend JSONB DEFAULT '{}'::jsonb NOT NULL,
  model_max_budget JSONB DEFAULT '{}'::jsonb NOT NULL,
  budget_id TEXT,
  organization_id TEXT,
  created_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP,
  created_by TEXT,
  updated_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP,
  updated_by TEXT,
  allowed_routes TEXT[] DEFAULT ARRAY[]::TEXT[],
  object_permission_id TEXT,
  auto_rotate BOOLEAN DEFAULT false,
  key_rotation_at TIMESTAMP(3),
  last_rotation_at TIMESTAMP(3),
  rotation_count INTEGER DEFAULT 0,
  rotation_interval TEXT,
  project_id TEXT,
  router_settings JSONB DEFAULT '{}'::jsonb,
  policies TEXT[] DEFAULT ARRAY[]::TEXT[],
  access_group_ids TEXT[] DEFAULT ARRAY[]::TEXT[],
  last_active TIMESTAMP(3),
  agent_id TEXT,
  budget_limits JSONB,
  budget_fallbacks JSONB DEFAULT '{}'::jsonb NOT NULL,
  key_type TEXT,
  settings_updated_at TIMESTAMP(3),
  tpd_limit BIGINT,
  total_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  CONSTRAINT "LiteLLM_VerificationToken_pkey" PRIMARY KEY (token)
);
CREATE TABLE "LiteLLM_DeletedVerificationToken" (
  id TEXT NOT NULL,
  token TEXT NOT NULL,
  key_name TEXT,
  key_alias TEXT,
  soft_budget_cooldown BOOLEAN DEFAULT false NOT NULL,
  spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  expires TIMESTAMP(3),
  models TEXT[],
  aliases JSONB DEFAULT '{}'::jsonb NOT NULL,
  config JSONB DEFAULT '{}'::jsonb NOT NULL,
  user_id TEXT,
  team_id TEXT,
  permissions JSONB DEFAULT '{}'::jsonb NOT NULL,
  max_parallel_requests INTEGER,
  metadata JSONB DEFAULT '{}'::jsonb NOT NULL,
  blocked BOOLEAN,
  tpm_limit BIGINT,
  rpm_limit BIGINT,
  max_budget DOUBLE PRECISION,
  budget_duration TEXT,
  budget_reset_at TIMESTAMP(3),
  allowed_cache_controls TEXT[] DEFAULT ARRAY[]::TEXT[],
  allowed_routes TEXT[] DEFAULT ARRAY[]::TEXT[],
  model_spend JSONB DEFAULT '{}'::jsonb NOT NULL,
  model_max_budget JSONB DEFAULT '{}'::jsonb NOT NULL,
  budget_id TEXT,
  organization_id TEXT,
  object_permission_id TEXT,
  created_at TIMESTAMP(3),
  created_by TEXT,
  updated_at TIMESTAMP(3),
  updated_by TEXT,
  rotation_count INTEGER DEFAULT 0,
  auto_rotate BOOLEAN DEFAULT false,
  rotation_interval TEXT,
  last_rotation_at TIMESTAMP(3),
  key_rotation_at TIMESTAMP(3),
  deleted_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
  deleted_by TEXT,
  deleted_by_api_key TEXT,
  litellm_changed_by TEXT,
  router_settings JSONB DEFAULT '{}'::jsonb,
  policies TEXT[] DEFAULT ARRAY[]::TEXT[],
  access_group_ids TEXT[] DEFAULT ARRAY[]::TEXT[],
  last_active TIMESTAMP(3),
  project_id TEXT,
  agent_id TEXT,
  budget_fallbacks JSONB DEFAULT '{}'::jsonb NOT NULL,
  key_type TEXT,
  settings_updated_at TIMESTAMP(3),
  tpd_limit BIGINT,
  total_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  CONSTRAINT "LiteLLM_DeletedVerificationToken_pkey" PRIMARY KEY (id)
);
CREATE TABLE "LiteLLM_TeamMembership" (
  user_id TEXT NOT NULL,
  team_id TEXT NOT NULL,
  spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  budget_id TEXT,
  total_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  CONSTRAINT "LiteLLM_TeamMembership_pkey" PRIMARY KEY (user_id, team_id)
);
CREATE TABLE "LiteLLM_EndUserTable" (
  user_id TEXT NOT NULL,
  alias TEXT,
  spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  allowed_model_region TEXT,
  default_model TEXT,
  budget_id TEXT,
  blocked BOOLEAN DEFAULT false NOT NULL,
  object_permission_id TEXT,
  models TEXT[] DEFAULT ARRAY[]::TEXT[],
  CONSTRAINT "LiteLLM_EndUserTable_pkey" PRIMARY KEY (user_id)
);
CREATE TABLE "LiteLLM_ProxyModelTable" (
  model_id TEXT NOT NULL,
  model_name TEXT NOT NULL,
  litellm_params JSONB NOT NULL,
  model_info JSONB,
  created_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
  created_by TEXT NOT NULL,
  updated_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
  updated_by TEXT NOT NULL,
  blocked BOOLEAN DEFAULT false NOT NULL,
  CONSTRAINT "LiteLLM_ProxyModelTable_pkey" PRIMARY KEY (model_id)
);
CREATE TABLE "LiteLLM_Config" (
  param_name TEXT NOT NULL,
  param_value JSONB,
  last_run_at TIMESTAMP(3),
  reload_revision BIGINT DEFAULT 0 NOT NULL,
  CONSTRAINT "LiteLLM_Config_pkey" PRIMARY KEY (param_name)
);
CREATE TABLE "LiteLLM_SpendLogs" (
  request_id TEXT NOT NULL,
  call_type TEXT NOT NULL,
  api_key TEXT DEFAULT '' NOT NULL,
  spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  total_tokens INTEGER DEFAULT 0 NOT NULL,
  prompt_tokens INTEGER DEFAULT 0 NOT NULL,
  completion_tokens INTEGER DEFAULT 0 NOT NULL,
  "startTime" TIMESTAMP(3) NOT NULL,
  "endTime" TIMESTAMP(3) NOT NULL,
  "completionStartTime" TIMESTAMP(3),
  model TEXT DEFAULT '' NOT NULL,
  model_id TEXT DEFAULT '',
  model_group TEXT DEFAULT '',
  custom_llm_provider TEXT DEFAULT '',
  api_base TEXT DEFAULT '',
  "user" TEXT DEFAULT '',
  metadata JSONB DEFAULT '{}'::jsonb,
  cache_hit TEXT DEFAULT '',
  cache_key TEXT DEFAULT '',
  request_tags JSONB DEFAULT '[]'::jsonb,
  team_id TEXT,
  end_user TEXT,
  requester_ip_address TEXT,
  messages JSONB DEFAULT '{}'::jsonb,
  response JSONB DEFAULT '{}'::jsonb,
  proxy_server_request JSONB DEFAULT '{}'::jsonb,
  session_id TEXT,
  status TEXT,
  mcp_namespaced_tool_name TEXT,
  organization_id TEXT,
  agent_id TEXT,
  request_duration_ms INTEGER,
  created_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
  updated_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
  litellm_call_id TEXT,
  billing_agent_id TEXT,
  CONSTRAINT "LiteLLM_SpendLogs_pkey" PRIMARY KEY (request_id)
);
CREATE TABLE "LiteLLM_ErrorLogs" (
  request_id TEXT NOT NULL,
  "startTime" TIMESTAMP(3) NOT NULL,
  "endTime" TIMESTAMP(3) NOT NULL,
  api_base TEXT DEFAULT '' NOT NULL,
  model_group TEXT DEFAULT '' NOT NULL,
  litellm_model_name TEXT DEFAULT '' NOT NULL,
  model_id TEXT DEFAULT '' NOT NULL,
  request_kwargs JSONB DEFAULT '{}'::jsonb NOT NULL,
  exception_type TEXT DEFAULT '' NOT NULL,
  exception_string TEXT DEFAULT '' NOT NULL,
  status_code TEXT DEFAULT '' NOT NULL,
  CONSTRAINT "LiteLLM_ErrorLogs_pkey" PRIMARY KEY (request_id)
);
CREATE TABLE "LiteLLM_DailyUserSpend" (
  id TEXT NOT NULL,
  user_id TEXT,
  date TEXT NOT NULL,
  api_key TEXT NOT NULL,
  model TEXT,
  model_group TEXT,
  custom_llm_provider TEXT,
  prompt_tokens BIGINT DEFAULT 0 NOT NULL,
  completion_tokens BIGINT DEFAULT 0 NOT NULL,
  spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  created_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
  updated_at TIMESTAMP(3) NOT NULL,
  api_requests BIGINT DEFAULT 0 NOT NULL,
  failed_requests BIGINT DEFAULT 0 NOT NULL,
  successful_requests BIGINT DEFAULT 0 NOT NULL,
  cache_creation_input_tokens BIGINT DEFAULT 0 NOT NULL,
  cache_read_input_tokens BIGINT DEFAULT 0 NOT NULL,
  mcp_namespaced_tool_name TEXT,
  endpoint TEXT,
  compression_saved_tokens BIGINT DEFAULT 0 NOT NULL,
  compression_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  prompt_caching_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  autorouter_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  gateway_injected_caching_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  total_response_time_ms BIGINT DEFAULT 0 NOT NULL,
  timed_requests BIGINT DEFAULT 0 NOT NULL,
  CONSTRAINT "LiteLLM_DailyUserSpend_pkey" PRIMARY KEY (id)
);
CREATE TABLE "LiteLLM_DailyTeamSpend" (
  id TEXT NOT NULL,
  team_id TEXT,
  date TEXT NOT NULL,
  api_key TEXT NOT NULL,
  model TEXT,
  model_group TEXT,
  custom_llm_provider TEXT,
  prompt_tokens BIGINT DEFAULT 0 NOT NULL,
  completion_tokens BIGINT DEFAULT 0 NOT NULL,
  spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  api_requests BIGINT DEFAULT 0 NOT NULL,
  successful_requests BIGINT DEFAULT 0 NOT NULL,
  failed_requests BIGINT DEFAULT 0 NOT NULL,
  created_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
  updated_at TIMESTAMP(3) NOT NULL,
  cache_creation_input_tokens BIGINT DEFAULT 0 NOT NULL,
  cache_read_input_tokens BIGINT DEFAULT 0 NOT NULL,
  mcp_namespaced_tool_name TEXT,
  endpoint TEXT,
  ptu_flat_cost DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  compression_saved_tokens BIGINT DEFAULT 0 NOT NULL,
  compression_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  prompt_caching_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  autorouter_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  gateway_injected_caching_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  total_response_time_ms BIGINT DEFAULT 0 NOT NULL,
  timed_requests BIGINT DEFAULT 0 NOT NULL,
  CONSTRAINT "LiteLLM_DailyTeamSpend_pkey" PRIMARY KEY (id)
);
CREATE TABLE "LiteLLM_DailyOrganizationSpend" (
  id TEXT NOT NULL,
  organization_id TEXT,
  date TEXT NOT NULL,
  api_key TEXT NOT NULL,
  model TEXT,
  model_group TEXT,
  custom_llm_provider TEXT,
  mcp_namespaced_tool_name TEXT,
  prompt_tokens BIGINT DEFAULT 0 NOT NULL,
  completion_tokens BIGINT DEFAULT 0 NOT NULL,
  cache_read_input_tokens BIGINT DEFAULT 0 NOT NULL,
  cache_creation_input_tokens BIGINT DEFAULT 0 NOT NULL,
  spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  api_requests BIGINT DEFAULT 0 NOT NULL,
  successful_requests BIGINT DEFAULT 0 NOT NULL,
  failed_requests BIGINT DEFAULT 0 NOT NULL,
  created_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
  updated_at TIMESTAMP(3) NOT NULL,
  endpoint TEXT,
  compression_saved_tokens BIGINT DEFAULT 0 NOT NULL,
  compression_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  prompt_caching_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  autorouter_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  gateway_injected_caching_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  total_response_time_ms BIGINT DEFAULT 0 NOT NULL,
  timed_requests BIGINT DEFAULT 0 NOT NULL,
  CONSTRAINT "LiteLLM_DailyOrganizationSpend_pkey" PRIMARY KEY (id)
);
CREATE TABLE "LiteLLM_DailyEndUserSpend" (
  id TEXT NOT NULL,
  end_user_id TEXT,
  date TEXT NOT NULL,
  api_key TEXT NOT NULL,
  model TEXT,
  model_group TEXT,
  custom_llm_provider TEXT,
  mcp_namespaced_tool_name TEXT,
  prompt_tokens BIGINT DEFAULT 0 NOT NULL,
  completion_tokens BIGINT DEFAULT 0 NOT NULL,
  cache_read_input_tokens BIGINT DEFAULT 0 NOT NULL,
  cache_creation_input_tokens BIGINT DEFAULT 0 NOT NULL,
  spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  api_requests BIGINT DEFAULT 0 NOT NULL,
  successful_requests BIGINT DEFAULT 0 NOT NULL,
  failed_requests BIGINT DEFAULT 0 NOT NULL,
  created_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
  updated_at TIMESTAMP(3) NOT NULL,
  endpoint TEXT,
  compression_saved_tokens BIGINT DEFAULT 0 NOT NULL,
  compression_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  prompt_caching_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  autorouter_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  gateway_injected_caching_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  total_response_time_ms BIGINT DEFAULT 0 NOT NULL,
  timed_requests BIGINT DEFAULT 0 NOT NULL,
  CONSTRAINT "LiteLLM_DailyEndUserSpend_pkey" PRIMARY KEY (id)
);
CREATE TABLE "LiteLLM_DailyAgentSpend" (
  id TEXT NOT NULL,
  agent_id TEXT,
  date TEXT NOT NULL,
  api_key TEXT NOT NULL,
  model TEXT,
  model_group TEXT,
  custom_llm_provider TEXT,
  mcp_namespaced_tool_name TEXT,
  prompt_tokens BIGINT DEFAULT 0 NOT NULL,
  completion_tokens BIGINT DEFAULT 0 NOT NULL,
  cache_read_input_tokens BIGINT DEFAULT 0 NOT NULL,
  cache_creation_input_tokens BIGINT DEFAULT 0 NOT NULL,
  spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  api_requests BIGINT DEFAULT 0 NOT NULL,
  successful_requests BIGINT DEFAULT 0 NOT NULL,
  failed_requests BIGINT DEFAULT 0 NOT NULL,
  created_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
  updated_at TIMESTAMP(3) NOT NULL,
  endpoint TEXT,
  compression_saved_tokens BIGINT DEFAULT 0 NOT NULL,
  compression_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  prompt_caching_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  autorouter_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  gateway_injected_caching_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  total_response_time_ms BIGINT DEFAULT 0 NOT NULL,
  timed_requests BIGINT DEFAULT 0 NOT NULL,
  CONSTRAINT "LiteLLM_DailyAgentSpend_pkey" PRIMARY KEY (id)
);
CREATE TABLE "LiteLLM_DailyTagSpend" (
  id TEXT NOT NULL,
  tag TEXT,
  date TEXT NOT NULL,
  api_key TEXT NOT NULL,
  model TEXT,
  model_group TEXT,
  custom_llm_provider TEXT,
  prompt_tokens BIGINT DEFAULT 0 NOT NULL,
  completion_tokens BIGINT DEFAULT 0 NOT NULL,
  cache_read_input_tokens BIGINT DEFAULT 0 NOT NULL,
  cache_creation_input_tokens BIGINT DEFAULT 0 NOT NULL,
  spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  api_requests BIGINT DEFAULT 0 NOT NULL,
  successful_requests BIGINT DEFAULT 0 NOT NULL,
  failed_requests BIGINT DEFAULT 0 NOT NULL,
  created_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
  updated_at TIMESTAMP(3) NOT NULL,
  mcp_namespaced_tool_name TEXT,
  request_id TEXT,
  endpoint TEXT,
  compression_saved_tokens BIGINT DEFAULT 0 NOT NULL,
  compression_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  prompt_caching_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  autorouter_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  gateway_injected_caching_savings_spend DOUBLE PRECISION DEFAULT 0.0 NOT NULL,
  total_response_time_ms BIGINT DEFAULT 0 NOT NULL,
  timed_requests BIGINT DEFAULT 0 NOT NULL,
  CONSTRAINT "LiteLLM_DailyTagSpend_pkey" PRIMARY KEY (id)
);
CREATE INDEX "LiteLLM_TeamTable_created_at_idx" ON "LiteLLM_TeamTable"(created_at);
CREATE UNIQUE INDEX "LiteLLM_TeamTable_model_id_key" ON "LiteLLM_TeamTable"(model_id);
CREATE INDEX "LiteLLM_TeamTable_organization_id_idx" ON "LiteLLM_TeamTable"(organization_id);
CREATE INDEX "LiteLLM_TeamTable_team_alias_idx" ON "LiteLLM_TeamTable"(team_alias);
CREATE UNIQUE INDEX "LiteLLM_UserTable_sso_user_id_key" ON "LiteLLM_UserTable"(sso_user_id);
CREATE INDEX "LiteLLM_UserTable_user_email_lower_idx" ON "LiteLLM_UserTable"(lower(user_email));
CREATE INDEX "LiteLLM_VerificationToken_budget_reset_at_expires_idx" ON "LiteLLM_VerificationToken"(budget_reset_at, expires);
CREATE INDEX "LiteLLM_VerificationToken_team_id_idx" ON "LiteLLM_VerificationToken"(team_id);
CREATE INDEX "LiteLLM_VerificationToken_user_id_team_id_idx" ON "LiteLLM_VerificationToken"(user_id, team_id);
CREATE INDEX "LiteLLM_DeletedVerificationToken_created_at_idx" ON "LiteLLM_DeletedVerificationToken"(created_at);
CREATE INDEX "LiteLLM_DeletedVerificationToken_deleted_at_idx" ON "LiteLLM_DeletedVerificationToken"(deleted_at);
CREATE INDEX "LiteLLM_DeletedVerificationToken_key_alias_idx" ON "LiteLLM_DeletedVerificationToken"(key_alias);
CREATE INDEX "LiteLLM_DeletedVerificationToken_organization_id_idx" ON "LiteLLM_DeletedVerificationToken"(organization_id);
CREATE INDEX "LiteLLM_DeletedVerificationToken_team_id_idx" ON "LiteLLM_DeletedVerificationToken"(team_id);
CREATE INDEX "LiteLLM_DeletedVerificationToken_token_idx" ON "LiteLLM_DeletedVerificationToken"(token);
CREATE INDEX "LiteLLM_DeletedVerificationToken_user_id_idx" ON "LiteLLM_DeletedVerificationToken"(user_id);
CREATE INDEX "LiteLLM_SpendLogs_end_user_idx" ON "LiteLLM_SpendLogs"(end_user);
CREATE INDEX "LiteLLM_SpendLogs_session_id_idx" ON "LiteLLM_SpendLogs"(session_id);
CREATE INDEX "LiteLLM_SpendLogs_startTime_idx" ON "LiteLLM_SpendLogs"("startTime");
CREATE INDEX "LiteLLM_SpendLogs_startTime_request_id_idx" ON "LiteLLM_SpendLogs"("startTime", request_id);
CREATE INDEX "LiteLLM_DailyUserSpend_api_key_idx" ON "LiteLLM_DailyUserSpend"(api_key);
CREATE INDEX "LiteLLM_DailyUserSpend_date_idx" ON "LiteLLM_DailyUserSpend"(date);
CREATE INDEX "LiteLLM_DailyUserSpend_endpoint_idx" ON "LiteLLM_DailyUserSpend"(endpoint);
CREATE INDEX "LiteLLM_DailyUserSpend_mcp_namespaced_tool_name_idx" ON "LiteLLM_DailyUserSpend"(mcp_namespaced_tool_name);
CREATE INDEX "LiteLLM_DailyUserSpend_model_idx" ON "LiteLLM_DailyUserSpend"(model);
CREATE UNIQUE INDEX "LiteLLM_DailyUserSpend_user_id_date_api_key_model_custom_ll_key" ON "LiteLLM_DailyUserSpend"(user_id, date, api_key, model, custom_llm_provider, mcp_namespaced_tool_name, endpoint);
CREATE INDEX "LiteLLM_DailyUserSpend_user_id_date_idx" ON "LiteLLM_DailyUserSpend"(user_id, date);
CREATE INDEX "LiteLLM_DailyTeamSpend_api_key_idx" ON "LiteLLM_DailyTeamSpend"(api_key);
CREATE INDEX "LiteLLM_DailyTeamSpend_date_idx" ON "LiteLLM_DailyTeamSpend"(date);
CREATE INDEX "LiteLLM_DailyTeamSpend_endpoint_idx" ON "LiteLLM_DailyTeamSpend"(endpoint);
CREATE INDEX "LiteLLM_DailyTeamSpend_mcp_namespaced_tool_name_idx" ON "LiteLLM_DailyTeamSpend"(mcp_namespaced_tool_name);
CREATE INDEX "LiteLLM_DailyTeamSpend_model_idx" ON "LiteLLM_DailyTeamSpend"(model);
CREATE UNIQUE INDEX "LiteLLM_DailyTeamSpend_team_id_date_api_key_model_custom_ll_key" ON "LiteLLM_DailyTeamSpend"(team_id, date, api_key, model, custom_llm_provider, mcp_namespaced_tool_name, endpoint);
CREATE INDEX "LiteLLM_DailyTeamSpend_team_id_date_idx" ON "LiteLLM_DailyTeamSpend"(team_id, date);
CREATE INDEX "LiteLLM_DailyOrganizationSpend_api_key_idx" ON "LiteLLM_DailyOrganizationSpend"(api_key);
CREATE INDEX "LiteLLM_DailyOrganizationSpend_date_idx" ON "LiteLLM_DailyOrganizationSpend"(date);
CREATE INDEX "LiteLLM_DailyOrganizationSpend_endpoint_idx" ON "LiteLLM_DailyOrganizationSpend"(endpoint);
CREATE INDEX "LiteLLM_DailyOrganizationSpend_mcp_namespaced_tool_name_idx" ON "LiteLLM_DailyOrganizationSpend"(mcp_namespaced_tool_name);
CREATE INDEX "LiteLLM_DailyOrganizationSpend_model_idx" ON "LiteLLM_DailyOrganizationSpend"(model);
CREATE UNIQUE INDEX "LiteLLM_DailyOrganizationSpend_organization_id_date_api_key_key" ON "LiteLLM_DailyOrganizationSpend"(organization_id, date, api_key, model, custom_llm_provider, mcp_namespaced_tool_name, endpoint);
CREATE INDEX "LiteLLM_DailyOrganizationSpend_organization_id_date_idx" ON "LiteLLM_DailyOrganizationSpend"(organization_id, date);
CREATE INDEX "LiteLLM_DailyEndUserSpend_api_key_idx" ON "LiteLLM_DailyEndUserSpend"(api_key);
CREATE INDEX "LiteLLM_DailyEndUserSpend_date_idx" ON "LiteLLM_DailyEndUserSpend"(date);
CREATE UNIQUE INDEX "LiteLLM_DailyEndUserSpend_end_user_id_date_api_key_model_cu_key" ON "LiteLLM_DailyEndUserSpend"(end_user_id, date, api_key, model, custom_llm_provider, mcp_namespaced_tool_name, endpoint);
CREATE INDEX "LiteLLM_DailyEndUserSpend_end_user_id_date_idx" ON "LiteLLM_DailyEndUserSpend"(end_user_id, date);
CREATE INDEX "LiteLLM_DailyEndUserSpend_endpoint_idx" ON "LiteLLM_DailyEndUserSpend"(endpoint);
CREATE INDEX "LiteLLM_DailyEndUserSpend_mcp_namespaced_tool_name_idx" ON "LiteLLM_DailyEndUserSpend"(mcp_namespaced_tool_name);
CREATE INDEX "LiteLLM_DailyEndUserSpend_model_idx" ON "LiteLLM_DailyEndUserSpend"(model);
CREATE UNIQUE INDEX "LiteLLM_DailyAgentSpend_agent_id_date_api_key_model_custom__key" ON "LiteLLM_DailyAgentSpend"(agent_id, date, api_key, model, custom_llm_provider, mcp_namespaced_tool_name, endpoint);
CREATE INDEX "LiteLLM_DailyAgentSpend_agent_id_date_idx" ON "LiteLLM_DailyAgentSpend"(agent_id, date);
CREATE INDEX "LiteLLM_DailyAgentSpend_api_key_idx" ON "LiteLLM_DailyAgentSpend"(api_key);
CREATE INDEX "LiteLLM_DailyAgentSpend_date_idx" ON "LiteLLM_DailyAgentSpend"(date);
CREATE INDEX "LiteLLM_DailyAgentSpend_endpoint_idx" ON "LiteLLM_DailyAgentSpend"(endpoint);
CREATE INDEX "LiteLLM_DailyAgentSpend_mcp_namespaced_tool_name_idx" ON "LiteLLM_DailyAgentSpend"(mcp_namespaced_tool_name);
CREATE INDEX "LiteLLM_DailyAgentSpend_model_idx" ON "LiteLLM_DailyAgentSpend"(model);
CREATE INDEX "LiteLLM_DailyTagSpend_api_key_idx" ON "LiteLLM_DailyTagSpend"(api_key);
CREATE INDEX "LiteLLM_DailyTagSpend_date_idx" ON "LiteLLM_DailyTagSpend"(date);
CREATE INDEX "LiteLLM_DailyTagSpend_endpoint_idx" ON "LiteLLM_DailyTagSpend"(endpoint);
CREATE INDEX "LiteLLM_DailyTagSpend_mcp_namespaced_tool_name_idx" ON "LiteLLM_DailyTagSpend"(mcp_namespaced_tool_name);
CREATE INDEX "LiteLLM_DailyTagSpend_model_idx" ON "LiteLLM_DailyTagSpend"(model);
CREATE UNIQUE INDEX "LiteLLM_DailyTagSpend_tag_date_api_key_model_custom_llm_pro_key" ON "LiteLLM_DailyTagSpend"(tag, date, api_key, model, custom_llm_provider, mcp_namespaced_tool_name, endpoint);
CREATE INDEX "LiteLLM_DailyTagSpend_tag_date_idx" ON "LiteLLM_DailyTagSpend"(tag, date);
ALTER TABLE "LiteLLM_OrganizationTable" ADD CONSTRAINT "LiteLLM_OrganizationTable_budget_id_fkey" FOREIGN KEY (budget_id) REFERENCES "LiteLLM_BudgetTable"(budget_id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE "LiteLLM_OrganizationTable" ADD CONSTRAINT "LiteLLM_OrganizationTable_object_permission_id_fkey" FOREIGN KEY (object_permission_id) REFERENCES "LiteLLM_ObjectPermissionTable"(object_permission_id) ON UPDATE CASCADE ON DELETE SET NULL;
ALTER TABLE "LiteLLM_TeamTable" ADD CONSTRAINT "LiteLLM_TeamTable_model_id_fkey" FOREIGN KEY (model_id) REFERENCES "LiteLLM_ModelTable"(id) ON UPDATE CASCADE ON DELETE SET NULL;
ALTER TABLE "LiteLLM_TeamTable" ADD CONSTRAINT "LiteLLM_TeamTable_object_permission_id_fkey" FOREIGN KEY (object_permission_id) REFERENCES "LiteLLM_ObjectPermissionTable"(object_permission_id) ON UPDATE CASCADE ON DELETE SET NULL;
ALTER TABLE "LiteLLM_TeamTable" ADD CONSTRAINT "LiteLLM_TeamTable_organization_id_fkey" FOREIGN KEY (organization_id) REFERENCES "LiteLLM_OrganizationTable"(organization_id) ON UPDATE CASCADE ON DELETE SET NULL;
ALTER TABLE "LiteLLM_ProjectTable" ADD CONSTRAINT "LiteLLM_ProjectTable_budget_id_fkey" FOREIGN KEY (budget_id) REFERENCES "LiteLLM_BudgetTable"(budget_id) ON UPDATE CASCADE ON DELETE SET NULL;
ALTER TABLE "LiteLLM_ProjectTable" ADD CONSTRAINT "LiteLLM_ProjectTable_object_permission_id_fkey" FOREIGN KEY (object_permission_id) REFERENCES "LiteLLM_ObjectPermissionTable"(object_permission_id) ON UPDATE CASCADE ON DELETE SET NULL;
ALTER TABLE "LiteLLM_ProjectTable" ADD CONSTRAINT "LiteLLM_ProjectTable_team_id_fkey" FOREIGN KEY (team_id) REFERENCES "LiteLLM_TeamTable"(team_id) ON UPDATE CASCADE ON DELETE SET NULL;
ALTER TABLE "LiteLLM_UserTable" ADD CONSTRAINT "LiteLLM_UserTable_object_permission_id_fkey" FOREIGN KEY (object_permission_id) REFERENCES "LiteLLM_ObjectPermissionTable"(object_permission_id) ON UPDATE CASCADE ON DELETE SET NULL;
ALTER TABLE "LiteLLM_UserTable" ADD CONSTRAINT "LiteLLM_UserTable_organization_id_fkey" FOREIGN KEY (organization_id) REFERENCES "LiteLLM_OrganizationTable"(organization_id) ON UPDATE CASCADE ON DELETE SET NULL;
ALTER TABLE "LiteLLM_VerificationToken" ADD CONSTRAINT "LiteLLM_VerificationToken_budget_id_fkey" FOREIGN KEY (budget_id) REFERENCES "LiteLLM_BudgetTable"(budget_id) ON UPDATE CASCADE ON DELETE SET NULL;
ALTER TABLE "LiteLLM_VerificationToken" ADD CONSTRAINT "LiteLLM_VerificationToken_object_permission_id_fkey" FOREIGN KEY (object_permission_id) REFERENCES "LiteLLM_ObjectPermissionTable"(object_permission_id) ON UPDATE CASCADE ON DELETE SET NULL;
ALTER TABLE "LiteLLM_VerificationToken" ADD CONSTRAINT "LiteLLM_VerificationToken_organization_id_fkey" FOREIGN KEY (organization_id) REFERENCES "LiteLLM_OrganizationTable"(organization_id) ON UPDATE CASCADE ON DELETE SET NULL;
ALTER TABLE "LiteLLM_VerificationToken" ADD CONSTRAINT "LiteLLM_VerificationToken_project_id_fkey" FOREIGN KEY (project_id) REFERENCES "LiteLLM_ProjectTable"(project_id) ON UPDATE CASCADE ON DELETE SET NULL;
ALTER TABLE "LiteLLM_TeamMembership" ADD CONSTRAINT "LiteLLM_TeamMembership_budget_id_fkey" FOREIGN KEY (budget_id) REFERENCES "LiteLLM_BudgetTable"(budget_id) ON UPDATE CASCADE ON DELETE SET NULL;
ALTER TABLE "LiteLLM_EndUserTable" ADD CONSTRAINT "LiteLLM_EndUserTable_budget_id_fkey" FOREIGN KEY (budget_id) REFERENCES "LiteLLM_BudgetTable"(budget_id) ON UPDATE CASCADE ON DELETE SET NULL;
ALTER TABLE "LiteLLM_EndUserTable" ADD CONSTRAINT "LiteLLM_EndUserTable_object_permission_id_fkey" FOREIGN KEY (object_permission_id) REFERENCES "LiteLLM_ObjectPermissionTable"(object_permission_id) ON UPDATE CASCADE ON DELETE SET NULL;
