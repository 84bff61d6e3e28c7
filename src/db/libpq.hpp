// libpq, loaded with dlopen the first time a database is used: a proxy without a database does
// not map libpq and the Kerberos, LDAP and GnuTLS libraries it pulls in (~3 MB of resident pages
// per worker, docs/performance.md). Calls go through `pq().Name(...)` with libpq's own signatures.
#pragma once

#include <libpq-fe.h>

#include <string>

namespace litellm::db {

struct LibPq {
// One entry per line (clang-format would re-wrap this list differently on every run).
// clang-format off
#define LITELLM_PQ_FUNCTIONS(X) \
  X(PQclear) \
  X(PQcmdTuples) \
  X(PQconndefaults) \
  X(PQconnectPoll) \
  X(PQconnectStartParams) \
  X(PQconnectdbParams) \
  X(PQconninfoFree) \
  X(PQconsumeInput) \
  X(PQerrorMessage) \
  X(PQexec) \
  X(PQexecParams) \
  X(PQfinish) \
  X(PQflush) \
  X(PQfname) \
  X(PQgetResult) \
  X(PQgetisnull) \
  X(PQgetlength) \
  X(PQgetvalue) \
  X(PQisBusy) \
  X(PQnfields) \
  X(PQntuples) \
  X(PQresultErrorField) \
  X(PQresultErrorMessage) \
  X(PQresultStatus) \
  X(PQsendQuery) \
  X(PQsendQueryParams) \
  X(PQsetnonblocking) \
  X(PQsocket) \
  X(PQstatus)
// clang-format on
#define LITELLM_PQ_MEMBER(name) decltype(&::name) name = nullptr;
  LITELLM_PQ_FUNCTIONS(LITELLM_PQ_MEMBER)
#undef LITELLM_PQ_MEMBER
};

// Loads libpq once; nullptr (with `error` set) when it is not installed.
const LibPq* load_libpq(std::string* error = nullptr);
// The loaded library; only called where a database is configured (after load_libpq succeeded).
const LibPq& pq();

}  // namespace litellm::db
