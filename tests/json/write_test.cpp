// SPDX-License-Identifier: BSL-1.0
#include "test_types.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace {

using reel::json::Errc;
using reel::json::write_string;
using namespace reel_test;

template <class T>
std::string must_write(const T& v) {
  auto r = write_string(v);
  EXPECT_TRUE(r) << (r ? std::string() : r.error().message());
  return r ? *r : std::string();
}

TEST(Write, Scalars) {
  EXPECT_EQ(must_write(true), "true");
  EXPECT_EQ(must_write(-17), "-17");
  EXPECT_EQ(must_write(std::numeric_limits<std::int64_t>::min()), "-9223372036854775808");
  EXPECT_EQ(must_write(std::numeric_limits<std::uint64_t>::max()), "18446744073709551615");
  EXPECT_EQ(must_write(std::string("x")), R"("x")");
  EXPECT_EQ(must_write(std::optional<int>()), "null");
  EXPECT_EQ(must_write(nullptr), "null");
}

TEST(Write, ShortestRoundTripDoubles) {
  EXPECT_EQ(must_write(0.1), "0.1");
  EXPECT_EQ(must_write(1.0), "1");
  EXPECT_EQ(must_write(-0.0), "-0");
  EXPECT_EQ(must_write(1e300), "1e+300");
  EXPECT_EQ(must_write(5e-324), "5e-324");
  EXPECT_EQ(must_write(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  EXPECT_EQ(must_write(0.3f), "0.3");
  for (double d : {0.1 + 0.2, 1.0 / 3.0, 123456.789e-200, std::numeric_limits<double>::min()}) {
    const std::string s = must_write(d);
    EXPECT_EQ(*reel::json::read_as<double>(s), d) << s;
  }
}

TEST(Write, NonFiniteNumbersAreErrors) {
  Inner in{1, std::numeric_limits<double>::quiet_NaN()};
  auto r = write_string(in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(Errc::not_representable));
  EXPECT_EQ(r.error().path, "/r");
  EXPECT_FALSE(write_string(std::vector<double>{1, std::numeric_limits<double>::infinity()}));
}

TEST(Write, StringEscaping) {
  EXPECT_EQ(must_write(std::string("a\"b\\c/d\b\f\n\r\t")), R"("a\"b\\c/d\b\f\n\r\t")");
  EXPECT_EQ(must_write(std::string("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\x7f\"");
  EXPECT_EQ(must_write(std::string(1, '\0')), R"("\u0000")");
  EXPECT_EQ(must_write(std::string("caf\xC3\xA9 \xF0\x9F\x8E\xAC")), "\"caf\xC3\xA9 \xF0\x9F\x8E\xAC\"");
  for (std::size_t n = 0; n < 20; ++n) {
    const std::string s = std::string(n, 'a') + "\"" + std::string(n, 'b');
    EXPECT_EQ(must_write(s), "\"" + std::string(n, 'a') + "\\\"" + std::string(n, 'b') + "\"");
  }
}

TEST(Write, InvalidUtf8IsAnErrorAndOutputIsRestored) {
  struct S {
    std::vector<std::string> names;
  };
  S s{{"ok", "bad\xC3("}};
  std::string out = "prefix";
  const auto e = reel::json::write(s, out);
  ASSERT_TRUE(e);
  EXPECT_EQ(e.code, make_error_code(Errc::not_representable));
  EXPECT_EQ(e.path, "/names/1");
  EXPECT_EQ(out, "prefix");
}

TEST(Write, StructsOmitEmptyOptionals) {
  Everything e;
  e.items = {{1, 0.5}};
  e.counts = {{"a", 1}, {"b", 2}};
  e.either = std::string("s");
  e.phase = Phase::completed;
  EXPECT_EQ(must_write(e),
            R"({"flag":false,"i8":0,"u8":0,"i32":0,"i64":0,"u64":0,"f32":0,"f64":0,"text":"","phase":"COMPLETED",)"
            R"("items":[{"q":1,"r":0.5}],"counts":{"a":1,"b":2},"either":"s"})");
  e.maybe = "m";
  e.flags = std::vector<std::optional<bool>>{true, std::nullopt};
  const std::string s = must_write(e);
  EXPECT_NE(s.find(R"("maybe":"m")"), std::string::npos);
  EXPECT_NE(s.find(R"("flags":[true,null])"), std::string::npos);
}

TEST(Write, CustomizedTypes) {
  EXPECT_EQ(must_write(Point(3, -4)), R"({"x":3,"y":-4})");
  EXPECT_EQ(must_write(Size{1920, 1080}), R"("1920x1080")");
  EXPECT_EQ(must_write(Renamed{"video/mp4", 9, "not written"}), R"({"content-type":"video/mp4","size":9})");
  auto bad = write_string(static_cast<Strict>(7));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, make_error_code(Errc::not_representable));
}

TEST(Write, RawJsonIsCopiedWhenValid) {
  struct S {
    reel::json::RawJson raw;
  };
  EXPECT_EQ(must_write(S{{R"({"a": [1, 2]})"}}), R"({"raw":{"a": [1, 2]}})");
  EXPECT_FALSE(write_string(S{{R"({"a": )"}}));
  EXPECT_FALSE(write_string(S{{"1 2"}}));
}

TEST(Write, AppendsToExistingOutput) {
  std::string out = "[";
  EXPECT_FALSE(reel::json::write(1, out));
  out += ",";
  EXPECT_FALSE(reel::json::write(std::string("two"), out));
  out += "]";
  EXPECT_EQ(out, R"([1,"two"])");
}

}  // namespace
