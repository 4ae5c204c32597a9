#include "runtime/task/unhandled.hpp"

#include <cstdio>
#include <utility>

#include "tokio/detail/header.hpp"

namespace tokio::detail {

std::string describe_unhandled_exception(std::uint64_t task_id, const std::exception_ptr& error) {
  std::string text = "task " + std::to_string(task_id) + " ended with an unhandled exception: ";
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    text += e.what();
  } catch (...) {
    text += "(not a std::exception)";
  }
  return text;
}

void print_unhandled_exception(std::uint64_t task_id, const std::exception_ptr& error) noexcept {
  try {
    const std::string line = "tokio: " + describe_unhandled_exception(task_id, error) +
                             " (its JoinHandle was dropped; await it to handle the exception, "
                             "or see Builder::unhandled_exception)\n";
    std::fputs(line.c_str(), stderr);
  } catch (...) {
    std::fputs("tokio: a task ended with an unhandled exception\n", stderr);
  }
}

bool apply_unhandled_policy(const RuntimeConfig& config, std::uint64_t task_id,
                            std::exception_ptr error) noexcept {
  if (config.unhandled_exception_hook) {
    try {
      config.unhandled_exception_hook(task::Id(task_id), std::move(error));
    } catch (...) {
      std::fputs("tokio: the unhandled_exception hook threw; its exception follows\n", stderr);
      print_unhandled_exception(task_id, std::current_exception());
    }
    return false;
  }
  switch (config.unhandled_exception) {
    case runtime::UnhandledException::Ignore:
      return false;
    case runtime::UnhandledException::Report:
      print_unhandled_exception(task_id, error);
      return false;
    case runtime::UnhandledException::ShutdownRuntime:
      print_unhandled_exception(task_id, error);
      return true;
  }
  return false;
}

void Scheduler::unhandled_exception(std::uint64_t task_id, std::exception_ptr error) noexcept {
  print_unhandled_exception(task_id, error);
}

}  // namespace tokio::detail
