// SPDX-License-Identifier: BSL-1.0
#include <reel/core/result.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

namespace {

reel::Result<int> parse_positive(int x) {
  if (x <= 0) return reel::fail(std::make_error_code(std::errc::invalid_argument));
  return x * 2;
}

TEST(Result, HoldsValue) {
  auto r = parse_positive(21);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r.has_value());
  EXPECT_EQ(*r, 42);
  EXPECT_EQ(r.value(), 42);
  EXPECT_EQ(r.value_or(7), 42);
}

TEST(Result, HoldsError) {
  auto r = parse_positive(-1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), std::errc::invalid_argument);
  EXPECT_EQ(r.value_or(7), 7);
}

TEST(Result, ValueThrowsSystemErrorWithTheCode) {
  auto r = parse_positive(0);
  try {
    (void)r.value();
    FAIL() << "value() on an error must throw";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::invalid_argument);
  }
}

TEST(Result, CustomErrorTypeThrowsBadResultAccess) {
  reel::Result<std::string, std::string> r = reel::fail(std::string("nope"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), "nope");
  try {
    (void)r.value();
    FAIL() << "value() on an error must throw";
  } catch (const reel::BadResultAccess<std::string>& e) {
    EXPECT_EQ(e.error(), "nope");
  }
}

TEST(Result, MoveOnlyValues) {
  reel::Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  ASSERT_TRUE(r);
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 5);
  reel::Result<std::string> s = std::string("abc");
  EXPECT_EQ(s->size(), 3u);
}

}  // namespace

TEST(Result, VoidHoldsSuccessOrError) {
  const reel::Result<void> ok;
  EXPECT_TRUE(ok);
  EXPECT_NO_THROW(ok.value());
  const reel::Result<void> bad = reel::fail(std::make_error_code(std::errc::timed_out));
  EXPECT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error(), std::make_error_code(std::errc::timed_out));
  EXPECT_THROW(bad.value(), reel::BadResultAccess<std::error_code>);
  reel::Result<void, std::string> text = reel::fail(std::string("why"));
  EXPECT_EQ(std::move(text).error(), "why");
}

// error() has an overload for every value category, in both Results: an lvalue's error can be
// changed or moved from, an rvalue's is moved out.
TEST(Result, ErrorForEveryValueCategory) {
  using R = reel::Result<int, std::string>;
  using V = reel::Result<void, std::string>;
  static_assert(std::is_same_v<decltype(std::declval<R&>().error()), std::string&>);
  static_assert(std::is_same_v<decltype(std::declval<const R&>().error()), const std::string&>);
  static_assert(std::is_same_v<decltype(std::declval<R&&>().error()), std::string&&>);
  static_assert(std::is_same_v<decltype(std::declval<const R&&>().error()), const std::string&&>);
  static_assert(std::is_same_v<decltype(std::declval<V&>().error()), std::string&>);
  static_assert(std::is_same_v<decltype(std::declval<const V&>().error()), const std::string&>);
  static_assert(std::is_same_v<decltype(std::declval<V&&>().error()), std::string&&>);
  static_assert(std::is_same_v<decltype(std::declval<const V&&>().error()), const std::string&&>);
  R r = reel::fail(std::string("first"));
  r.error() += " and more";
  const std::string moved = std::move(r.error());
  EXPECT_EQ(moved, "first and more");
  V v = reel::fail(std::string("why"));
  v.error() = "because";
  EXPECT_EQ(v.error(), "because");
}
