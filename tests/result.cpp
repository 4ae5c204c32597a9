// tokio::Result<T, E>: the value-or-error type for non-exceptional outcomes.
#include "tokio/result.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace {

using tokio::Err;
using tokio::Result;

TEST(Result, HoldsAValue) {
  Result<int, std::string> r = 7;
  EXPECT_TRUE(r.has_value());
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(*r, 7);
  EXPECT_EQ(r.value(), 7);
  EXPECT_THROW((void)r.error(), std::logic_error);
}

TEST(Result, HoldsAnError) {
  Result<int, std::string> r = Err<std::string>("closed");
  EXPECT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), "closed");
  EXPECT_THROW((void)r.value(), tokio::BadResultAccess);
  EXPECT_EQ(std::move(r).value_or(3), 3);
}

TEST(Result, MoveOnlyValues) {
  Result<std::unique_ptr<int>, int> r = std::make_unique<int>(5);
  auto p = std::move(r).value();
  EXPECT_EQ(*p, 5);
}

TEST(Result, VoidSpecialisation) {
  Result<void, int> ok;
  EXPECT_TRUE(ok.has_value());
  EXPECT_NO_THROW(ok.value());
  Result<void, int> bad = Err<int>(4);
  EXPECT_FALSE(bad);
  EXPECT_EQ(bad.error(), 4);
  EXPECT_THROW(bad.value(), tokio::BadResultAccess);
}

}  // namespace
