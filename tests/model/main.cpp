// model_tests: `model_tests <scenario>` runs one scenario's exploration, `model_tests --list`
// names them all. A failure aborts with the checker's report (see model.hpp).
#include <cstdio>
#include <cstring>
#include <vector>

#include "model/scenario.hpp"

namespace tokio_model {
namespace {
struct Entry {
  const char* name;
  void (*run)();
};
std::vector<Entry>& registry() {
  static std::vector<Entry> entries;
  return entries;
}
}  // namespace

int register_scenario(const char* name, void (*run)()) noexcept {
  registry().push_back({name, run});
  return 0;
}

}  // namespace tokio_model

int main(int argc, char** argv) {
  auto& entries = tokio_model::registry();
  if (argc != 2 || std::strcmp(argv[1], "--list") == 0) {
    for (const auto& e : entries)
      std::printf("%s\n", e.name);
    return argc == 2 ? 0 : 2;
  }
  for (const auto& e : entries) {
    if (std::strcmp(e.name, argv[1]) != 0) continue;
    e.run();
    std::printf("%s: every explored interleaving kept its invariants\n", e.name);
    return 0;
  }
  std::fprintf(stderr, "model_tests: no scenario named %s (see --list)\n", argv[1]);
  return 2;
}
