// litellm-cpp entry point.
#include "run.hpp"

int main(int argc, char** argv) { return litellm::app::run(argc, argv); }
