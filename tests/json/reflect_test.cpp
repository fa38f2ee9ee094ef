// SPDX-License-Identifier: BSL-1.0
#include "test_types.hpp"

#include <reel/json/reflect.hpp>

#include <gtest/gtest.h>

#include <string_view>

namespace {

using reel::json::field_count;
using reel::json::field_names;

struct One {
  int only;
};
struct WithStd {
  std::optional<int> a;
  std::vector<std::string> b_;
  std::map<std::string, reel_test::Inner> c2;
  reel_test::Inner nested;
  std::string _under;
};

static_assert(field_count<One> == 1);
static_assert(field_count<WithStd> == 5);
static_assert(field_count<reel_test::Everything> == 15);
static_assert(field_names<WithStd>[0] == "a");
static_assert(field_names<WithStd>[1] == "b_");
static_assert(field_names<WithStd>[2] == "c2");
static_assert(field_names<WithStd>[3] == "nested");
static_assert(field_names<WithStd>[4] == "_under");
static_assert(reel::json::ReflectedAggregate<WithStd>);
static_assert(!reel::json::ReflectedAggregate<reel_test::Point>);  // listed explicitly
static_assert(!reel::json::ReflectedAggregate<reel_test::Size>);   // proxied
static_assert(reel::json::detail::ObjectInfo<reel_test::Renamed>::keys[0] == "content-type");
static_assert(reel::json::detail::ObjectInfo<reel_test::Renamed>::keys[1] == "size");
static_assert(reel::json::detail::ObjectInfo<reel_test::Renamed>::skipped[2]);

struct Big {
  int f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20, f21, f22, f23,
      f24, f25, f26, f27, f28, f29, f30, f31, f32, f33, f34, f35, f36, f37, f38, f39;
};
static_assert(field_count<Big> == 40);
static_assert(field_names<Big>[39] == "f39");

TEST(Reflect, FieldsTieMembersInOrder) {
  WithStd w;
  auto t = reel::json::fields(w);
  std::get<0>(t) = 3;
  std::get<3>(t).q = 9;
  EXPECT_EQ(w.a, 3);
  EXPECT_EQ(w.nested.q, 9);
  const WithStd& cw = w;
  EXPECT_EQ(std::get<3>(reel::json::fields(cw)).q, 9);
}

TEST(Reflect, NamesAreUsableAtRunTime) {
  std::string joined;
  for (std::string_view n : field_names<reel_test::Inner>) joined += std::string(n) + ",";
  EXPECT_EQ(joined, "q,r,");
}

}  // namespace
