// Startup in LiteLLM's order: environment, logging, config, then the server.
#pragma once

namespace litellm::app {
int run(int argc, const char* const* argv);
}
