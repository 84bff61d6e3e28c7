// The benchmark tools' command lines: "--name value" pairs with integer values.
#pragma once

#include <cstdlib>
#include <initializer_list>
#include <string_view>

namespace bench {

struct IntOption {
  std::string_view name;
  int* value;
};

inline void parse_int_options(int argc, char** argv, std::initializer_list<IntOption> options) {
  for (int i = 1; i + 1 < argc; i += 2)
    for (const IntOption& o : options)
      if (argv[i] == o.name) *o.value = std::atoi(argv[i + 1]);
}

}  // namespace bench
