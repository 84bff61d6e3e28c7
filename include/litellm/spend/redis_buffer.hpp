// The fleet's spend buffer in Redis (general_settings.use_redis_transaction_buffer): instances
// LPUSH their journal batches to one list; the writer, elected by a lock with a TTL, moves one
// batch at a time to a "writing" list, writes it to PostgreSQL and only then removes it. A writer
// that dies leaves its batch in "writing", and the next writer writes it again (harmless: a
// record counts only when its spend log row is new).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "litellm/db/store.hpp"

namespace litellm::redis {
class Client;
}

namespace litellm::spend {

struct BufferOptions {
  std::string prefix = "litellm_cpp:";
  std::chrono::milliseconds lock_ttl{60000};  // LiteLLM's DEFAULT_CRON_JOB_LOCK_TTL_SECONDS
  std::chrono::milliseconds timeout{5000};    // per Redis command (batches are up to 4 MB)
};

// Defaults, with LITELLM_CPP_SPEND_LOCK_TTL_MS for tests that kill a writer.
BufferOptions buffer_options();

std::shared_ptr<db::SpendBuffer> make_redis_buffer(std::shared_ptr<redis::Client> client,
                                                   BufferOptions options);

}  // namespace litellm::spend
