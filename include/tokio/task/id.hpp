// tokio::task::Id: an opaque, unique identifier of a spawned task.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>

namespace tokio::task {

/// Identifies a spawned task for the lifetime of the process. Ids are never reused; the order of
/// ids carries no meaning. Printable and hashable.
class Id {
 public:
  constexpr explicit Id(std::uint64_t value) noexcept : value_(value) {}
  constexpr std::uint64_t value() const noexcept { return value_; }
  friend constexpr bool operator==(Id, Id) noexcept = default;
  friend constexpr auto operator<=>(Id, Id) noexcept = default;
  friend std::ostream& operator<<(std::ostream& out, Id id) { return out << id.value_; }

 private:
  std::uint64_t value_;
};

/// The id of the task that is running on this thread.
/// Errors: throws std::logic_error outside a spawned task (inside block_on's body included).
Id id();

/// The id of the running task, or std::nullopt outside a spawned task.
std::optional<Id> try_id() noexcept;

}  // namespace tokio::task

template <>
struct std::hash<tokio::task::Id> {
  std::size_t operator()(tokio::task::Id id) const noexcept {
    return std::hash<std::uint64_t>{}(id.value());
  }
};
