// Unhandled exceptions: escaped a task whose output no one will take (see
// runtime::UnhandledException). Reported where the output is dropped.
#pragma once

#include <cstdint>
#include <exception>
#include <string>

#include "tokio/runtime/builder.hpp"

namespace tokio::detail {

/// Prints `tokio: task N ended with an unhandled exception: what()` on stderr (one write).
void print_unhandled_exception(std::uint64_t task_id, const std::exception_ptr& error) noexcept;

/// Applies `config`'s policy (or hook) to an unhandled exception; true when the policy asks
/// for the runtime to shut down.
bool apply_unhandled_policy(const RuntimeConfig& config, std::uint64_t task_id,
                            std::exception_ptr error) noexcept;

/// "task N ended with an unhandled exception: what()".
std::string describe_unhandled_exception(std::uint64_t task_id, const std::exception_ptr& error);

}  // namespace tokio::detail
