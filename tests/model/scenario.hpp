// Scenario registry of the model-checking binary: each scenario file registers its scenarios
// with MODEL_SCENARIO, and `model_tests <name>` runs one (ctest runs each as its own test).
#pragma once

namespace tokio_model {

int register_scenario(const char* name, void (*run)()) noexcept;

}  // namespace tokio_model

#define MODEL_SCENARIO(name)                                           \
  static void model_scenario_##name();                                 \
  [[maybe_unused]] static const int model_registered_##name =          \
      ::tokio_model::register_scenario(#name, &model_scenario_##name); \
  static void model_scenario_##name()
