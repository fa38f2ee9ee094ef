// SPDX-License-Identifier: BSL-1.0
#include "test_types.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

namespace {

using reel::json::Errc;
using reel::json::Error;
using reel::json::read;
using reel::json::read_as;
using namespace reel_test;

template <class T>
T must_read(std::string_view input) {
  auto r = read_as<T>(input);
  EXPECT_TRUE(r) << "input: " << input << "\nerror: " << (r ? std::string() : r.error().message());
  return r ? *r : T{};
}

template <class T>
Error must_fail(std::string_view input, Errc code, const reel::json::ReadOptions& options = {}) {
  T value{};
  Error e = read(input, value, options);
  EXPECT_EQ(e.code, make_error_code(code)) << "input: " << input << "\ngot: " << e.message();
  return e;
}

TEST(Read, Scalars) {
  EXPECT_EQ(must_read<bool>("true"), true);
  EXPECT_EQ(must_read<bool>(" false "), false);
  EXPECT_EQ(must_read<int>("-42"), -42);
  EXPECT_EQ(must_read<std::string>(R"("hi")"), "hi");
  EXPECT_EQ(must_read<double>("2.5e-3"), 2.5e-3);
  EXPECT_EQ(must_read<std::optional<int>>("null"), std::nullopt);
  EXPECT_EQ(must_read<std::optional<int>>("7"), 7);
}

TEST(Read, IntegersAreExactTo64BitsAndOverflowIsDetected) {
  EXPECT_EQ(must_read<std::int64_t>("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(must_read<std::int64_t>("-9223372036854775808"), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(must_read<std::uint64_t>("18446744073709551615"), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(must_read<std::int8_t>("-128"), -128);
  EXPECT_EQ(must_read<std::uint8_t>("255"), 255);
  EXPECT_EQ(must_read<std::uint64_t>("-0"), 0u);
  must_fail<std::int64_t>("9223372036854775808", Errc::number_out_of_range);
  must_fail<std::int64_t>("-9223372036854775809", Errc::number_out_of_range);
  must_fail<std::uint64_t>("18446744073709551616", Errc::number_out_of_range);
  must_fail<std::uint64_t>("184467440737095516150", Errc::number_out_of_range);
  must_fail<std::uint32_t>("-1", Errc::number_out_of_range);
  must_fail<std::int8_t>("128", Errc::number_out_of_range);
  must_fail<std::uint8_t>("256", Errc::number_out_of_range);
  const Error e = must_fail<std::int16_t>("[1]", Errc::type_mismatch);
  EXPECT_NE(e.detail.find("integer"), std::string::npos);
}

TEST(Read, IntegralValuedNumbersFitIntegerTargets) {
  EXPECT_EQ(must_read<int>("5.0"), 5);
  EXPECT_EQ(must_read<int>("1e3"), 1000);
  EXPECT_EQ(must_read<std::int64_t>("-2E2"), -200);
  must_fail<int>("5.5", Errc::number_out_of_range);
  must_fail<int>("1e10", Errc::number_out_of_range);
  must_fail<std::uint64_t>("1e400", Errc::number_out_of_range);
}

TEST(Read, DoublesAreCorrectlyRounded) {
  EXPECT_EQ(must_read<double>("0.1"), 0.1);
  EXPECT_EQ(must_read<double>("1.7976931348623157e308"), std::numeric_limits<double>::max());
  EXPECT_EQ(must_read<double>("4.9406564584124654e-324"), std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(must_read<double>("2.2250738585072014E-308"), std::numeric_limits<double>::min());
  EXPECT_EQ(must_read<double>("-0.0"), 0.0);
  EXPECT_TRUE(std::signbit(must_read<double>("-0.0")));
  EXPECT_EQ(must_read<double>("123456789012345678901234567890"), 123456789012345678901234567890.0);
  EXPECT_EQ(must_read<float>("3.4028234663852886e38"), std::numeric_limits<float>::max());
  // Underflow reads as zero; overflow is an error.
  EXPECT_EQ(must_read<double>("1e-400"), 0.0);
  EXPECT_EQ(must_read<double>("0.00000000000000000000000000000000001e-300"), 0.0);
  must_fail<double>("1e400", Errc::number_out_of_range);
  must_fail<double>("-1e309", Errc::number_out_of_range);
  must_fail<float>("1e39", Errc::number_out_of_range);
}

TEST(Read, NumberSyntaxIsStrict) {
  for (const char* bad : {"01", "-", "1.", ".5", "1e", "1e+", "+1", "0x10", "1.e3", "-01", "NaN", "Infinity", "--1"}) {
    double d = 0;
    EXPECT_TRUE(read(bad, d)) << bad;
  }
  must_fail<double>("1.", Errc::unexpected_end);
  must_fail<double>("1.x", Errc::invalid_number);
  must_fail<double>("01", Errc::trailing_content);
}

TEST(Read, StringEscapesAndUnicode) {
  EXPECT_EQ(must_read<std::string>(R"("a\"b\\c\/d\be\ff\ng\rh\ti")"), "a\"b\\c/d\be\ff\ng\rh\ti");
  EXPECT_EQ(must_read<std::string>(R"("\u0041\u00e9\u20AC")"), "A\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(must_read<std::string>(R"("\ud83d\ude00")"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(must_read<std::string>(R"("\u0000")"), std::string(1, '\0'));
  EXPECT_EQ(must_read<std::string>("\"caf\xC3\xA9 \xF0\x9F\x8E\xAC\""), "caf\xC3\xA9 \xF0\x9F\x8E\xAC");
  // Long strings exercise the 8-byte scanner at every alignment.
  for (std::size_t n = 0; n < 40; ++n) {
    std::string s(n, 'x');
    s += "\\n";
    s += std::string(n, 'y');
    EXPECT_EQ(must_read<std::string>("\"" + s + "\""), std::string(n, 'x') + "\n" + std::string(n, 'y'));
  }
}

TEST(Read, BadStringsAreTypedErrors) {
  must_fail<std::string>(R"("\x")", Errc::invalid_escape);
  must_fail<std::string>(R"("\u12G4")", Errc::invalid_escape);
  must_fail<std::string>(R"("\ud83d")", Errc::invalid_unicode);
  must_fail<std::string>(R"("\ud83d\u0041")", Errc::invalid_unicode);
  must_fail<std::string>(R"("\ude00")", Errc::invalid_unicode);
  must_fail<std::string>("\"a\tb\"", Errc::invalid_unicode);
  must_fail<std::string>("\"\xC3\"", Errc::invalid_unicode);          // truncated sequence
  must_fail<std::string>("\"\xC0\xAF\"", Errc::invalid_unicode);      // overlong
  must_fail<std::string>("\"\xED\xA0\x80\"", Errc::invalid_unicode);  // encoded surrogate
  must_fail<std::string>("\"\xF4\x90\x80\x80\"", Errc::invalid_unicode);  // above U+10FFFF
  must_fail<std::string>("\"\xFF\"", Errc::invalid_unicode);
  must_fail<std::string>(R"("abc)", Errc::unexpected_end);
  must_fail<std::string>(R"("\u12)", Errc::unexpected_end);
  // Input cut inside a UTF-8 sequence or a surrogate pair is truncation, not bad Unicode.
  must_fail<std::string>("\"\xC3", Errc::unexpected_end);
  must_fail<std::string>("\"\xF0\x9F\x98", Errc::unexpected_end);
  must_fail<std::string>("\"\xE0\x80", Errc::invalid_unicode);  // overlong whatever follows
  must_fail<std::string>(R"("\ud834)", Errc::unexpected_end);
  must_fail<std::string>(R"("\ud834\uDD)", Errc::unexpected_end);
  must_fail<std::string>(R"("\ud834")", Errc::invalid_unicode);
  must_fail<std::string>(R"("\ud834\n)", Errc::invalid_unicode);
}

TEST(Read, StructsOptionalsContainersEnumsVariants) {
  const auto e = must_read<Everything>(R"({
    "flag": true, "i8": -8, "u8": 200, "i32": -70000, "i64": -5000000000, "u64": 10000000000000000000,
    "f32": 1.5, "f64": -0.25, "text": "t", "phase": "PROCESSING",
    "items": [{"q": 1, "r": 2}, {"r": 4.5, "q": 3}],
    "counts": {"a": 1, "b": -2}, "either": {"q": 7, "r": 0}, "flags": [true, null, false]
  })");
  EXPECT_TRUE(e.flag);
  EXPECT_EQ(e.i8, -8);
  EXPECT_EQ(e.u8, 200);
  EXPECT_EQ(e.i64, -5000000000);
  EXPECT_EQ(e.u64, 10000000000000000000u);
  EXPECT_EQ(e.phase, Phase::processing);
  EXPECT_EQ(e.maybe, std::nullopt);
  ASSERT_EQ(e.items.size(), 2u);
  EXPECT_EQ(e.items[1], (Inner{3, 4.5}));
  EXPECT_EQ(e.counts.at("b"), -2);
  EXPECT_EQ(std::get<Inner>(e.either).q, 7);
  ASSERT_TRUE(e.flags);
  EXPECT_EQ(*e.flags, (std::vector<std::optional<bool>>{true, std::nullopt, false}));
}

TEST(Read, VariantPicksTheAlternativeByJsonKind) {
  using V = std::variant<std::string, Inner, std::int64_t, std::vector<int>, std::nullptr_t>;
  EXPECT_EQ(must_read<V>(R"("s")").index(), 0u);
  EXPECT_EQ(must_read<V>(R"({"q":1,"r":2})").index(), 1u);
  EXPECT_EQ(must_read<V>("12").index(), 2u);
  EXPECT_EQ(must_read<V>("[1,2]").index(), 3u);
  EXPECT_EQ(must_read<V>("null").index(), 4u);
  must_fail<V>("true", Errc::type_mismatch);
  // Venice's error field: a string in some responses, an object in others.
  struct ErrorObject {
    std::string message;
    std::optional<std::string> type;
  };
  struct Response {
    std::variant<std::string, ErrorObject> error;
  };
  EXPECT_EQ(std::get<0>(must_read<Response>(R"({"error":"bad"})").error), "bad");
  EXPECT_EQ(std::get<1>(must_read<Response>(R"({"error":{"message":"m","type":"t"}})").error).type, "t");
}

TEST(Read, AbsentOptionalResetsAndNullClears) {
  struct S {
    int a = 0;
    std::optional<int> b;
  };
  S s;
  s.b = 5;
  ASSERT_FALSE(read(R"({"a":1})", s));
  EXPECT_EQ(s.b, std::nullopt);
  s.b = 5;
  ASSERT_FALSE(read(R"({"a":1,"b":null})", s));
  EXPECT_EQ(s.b, std::nullopt);
}

TEST(Read, ContainersAreReplacedNotAppended) {
  std::vector<int> v{9, 9};
  ASSERT_FALSE(read("[1]", v));
  EXPECT_EQ(v, std::vector<int>{1});
  std::map<std::string, int> m{{"old", 1}};
  ASSERT_FALSE(read(R"({"new":2})", m));
  EXPECT_EQ(m.size(), 1u);
  std::unordered_map<std::string, std::string> u;
  ASSERT_FALSE(read(R"({"k":"v","k":"w"})", u));
  EXPECT_EQ(u.at("k"), "w");
}

TEST(Read, UnknownKeysAreSkippedButValidated) {
  const auto in = must_read<Inner>(R"({"extra":{"deep":[1,{"x":"\u00e9"}]},"q":1,"r":2,"z":null})");
  EXPECT_EQ(in, (Inner{1, 2}));
  must_fail<Inner>(R"({"extra":[1,}],"q":1,"r":2})", Errc::syntax_error);
  must_fail<Inner>(R"({"extra":"\x","q":1,"r":2})", Errc::invalid_escape);
}

TEST(Read, UnknownKeysCanBeRejected) {
  reel::json::ReadOptions strict;
  strict.reject_unknown_keys = true;
  const Error e = must_fail<Inner>(R"({"q":1,"zz":2,"r":2})", Errc::unknown_field, strict);
  EXPECT_EQ(e.path, "/zz");
  must_fail<Closed>(R"({"a":1,"b":2})", Errc::unknown_field);
  EXPECT_EQ(must_read<Closed>(R"({"a":1})").a, 1);
}

TEST(Read, DuplicateKeysLastWinsUnlessRejected) {
  EXPECT_EQ(must_read<Inner>(R"({"q":1,"r":2,"q":3})").q, 3);
  reel::json::ReadOptions strict;
  strict.reject_duplicate_keys = true;
  must_fail<Inner>(R"({"q":1,"r":2,"q":3})", Errc::duplicate_key, strict);
}

TEST(Read, MissingRequiredFieldNamesTheField) {
  const Error e = must_fail<Everything>(R"({"flag":true})", Errc::missing_field);
  EXPECT_EQ(e.path, "/i8");
  EXPECT_NE(e.detail.find("i8"), std::string::npos);
  const Error nested = must_fail<std::vector<Inner>>(R"([{"q":1,"r":2},{"q":1}])", Errc::missing_field);
  EXPECT_EQ(nested.path, "/1/r");
}

struct Settings {
  int retries = 3;
  std::string name = "default";
  std::optional<int> limit = 7;
};

}  // namespace

template <>
struct reel::json::Meta<Settings> {
  static constexpr bool keep_defaults = true;
};

namespace {

TEST(Read, KeepDefaultsLeavesAbsentMembersAlone) {
  const auto s = must_read<Settings>(R"({"name":"x"})");
  EXPECT_EQ(s.retries, 3);
  EXPECT_EQ(s.name, "x");
  EXPECT_EQ(s.limit, 7);
  const auto all = must_read<Settings>(R"({"retries":1,"limit":null})");
  EXPECT_EQ(all.retries, 1);
  EXPECT_EQ(all.name, "default");
  EXPECT_FALSE(all.limit.has_value());
  must_fail<Settings>(R"({"retries":"no"})", Errc::type_mismatch);
}

TEST(Read, EnumsWithAndWithoutUnknown) {
  EXPECT_EQ(must_read<Phase>(R"("COMPLETED")"), Phase::completed);
  EXPECT_EQ(must_read<Phase>(R"("SOMETHING_NEW")"), Phase::unknown);
  EXPECT_EQ(must_read<Strict>(R"("b")"), Strict::b);
  const Error e = must_fail<Strict>(R"("c")", Errc::unknown_enum_value);
  EXPECT_NE(e.detail.find("\"c\""), std::string::npos);
  must_fail<Strict>("1", Errc::type_mismatch);
}

TEST(Read, ExplicitFieldsAndProxies) {
  EXPECT_EQ(must_read<Point>(R"({"y":2,"x":1})"), Point(1, 2));
  must_fail<Point>(R"({"x":1})", Errc::missing_field);
  EXPECT_EQ(must_read<Size>(R"("1280x720")"), (Size{1280, 720}));
  const Error e = must_fail<std::vector<Size>>(R"(["1x1","16:9"])", Errc::type_mismatch);
  EXPECT_EQ(e.path, "/1");
  EXPECT_EQ(e.offset, 7u);
}

TEST(Read, RenamedAndSkippedFields) {
  const auto r = must_read<Renamed>(R"({"content-type":"video/mp4","size":12,"cache":"ignored"})");
  EXPECT_EQ(r.content_type, "video/mp4");
  EXPECT_EQ(r.size_bytes, 12);
  EXPECT_EQ(r.cache, "");
  must_fail<Renamed>(R"({"content_type":"video/mp4","size":12})", Errc::missing_field);
}

TEST(Read, ErrorsCarryPositionPathAndExcerpt) {
  Everything e;
  const Error err = read("{\"flag\": true,\n \"items\": [{\"q\": 1, \"r\": \"x\"}]}", e);
  ASSERT_TRUE(err);
  EXPECT_EQ(err.code, make_error_code(Errc::type_mismatch));
  EXPECT_EQ(err.line, 2u);
  EXPECT_EQ(err.column, 26u);
  EXPECT_EQ(err.offset, 40u);
  EXPECT_EQ(err.path, "/items/0/r");
  EXPECT_EQ(err.excerpt, " \"items\": [{\"q\": 1, \"r\": \"x\"}]}\n                         ^");
  EXPECT_EQ(err.message(),
            "JSON value has the wrong type for the target (expected a number, got a string) at 2:26 (byte 40), "
            "path /items/0/r");
  EXPECT_STREQ(err.code.category().name(), "reel.json");
}

TEST(Read, PathSegmentsAreEscapedAsJsonPointer) {
  std::map<std::string, int> m;
  const Error e = read(R"({"a/b~c":"x"})", m);
  EXPECT_EQ(e.path, "/a~1b~0c");
}

TEST(Read, StructuralErrors) {
  must_fail<Inner>("", Errc::unexpected_end);
  must_fail<Inner>("   ", Errc::unexpected_end);
  must_fail<Inner>("{", Errc::unexpected_end);
  must_fail<Inner>(R"({"q":1,"r":2)", Errc::unexpected_end);
  must_fail<Inner>(R"({"q":1,"r":2,})", Errc::syntax_error);
  must_fail<Inner>(R"({"q" 1})", Errc::syntax_error);
  must_fail<Inner>(R"({q:1})", Errc::syntax_error);
  must_fail<Inner>(R"({"q":1,"r":2} x)", Errc::trailing_content);
  must_fail<Inner>("[]", Errc::type_mismatch);
  must_fail<std::vector<int>>("[1,]", Errc::syntax_error);
  must_fail<std::vector<int>>("[1 2]", Errc::syntax_error);
  must_fail<bool>("tru", Errc::unexpected_end);
  must_fail<bool>("trux", Errc::syntax_error);
  must_fail<std::optional<int>>("nul", Errc::unexpected_end);
  must_fail<int>(std::string_view("1\0", 2), Errc::trailing_content);
}

TEST(Read, DepthAndSizeLimits) {
  const std::string deep = std::string(200, '[') + std::string(200, ']');
  reel::json::Value v;
  Error e = read(deep, v);
  EXPECT_EQ(e.code, make_error_code(Errc::depth_exceeded));
  EXPECT_EQ(e.offset, 128u);
  // Skipped values are bounded too: no stack overflow from unknown keys.
  const std::string hostile = R"({"q":1,"r":2,"x":)" + std::string(100000, '[');
  Inner in;
  EXPECT_EQ(read(hostile, in).code, make_error_code(Errc::depth_exceeded));
  reel::json::ReadOptions small;
  small.max_input_size = 4;
  EXPECT_EQ(read("[1,2,3]", v, small).code, make_error_code(Errc::input_too_large));
  small.max_depth = 1;
  small.max_input_size = 100;
  EXPECT_FALSE(read("[1]", v, small));
  EXPECT_EQ(read("[[1]]", v, small).code, make_error_code(Errc::depth_exceeded));
}

TEST(Read, InputNeedNotBeTerminated) {
  // Parse from an exact-size heap buffer: ASan flags any read past the end.
  struct Case {
    std::string_view text;
    Errc expected;
  };
  for (const Case& c : {Case{R"({"q":12,"r":1.5})", Errc::ok}, Case{R"({"q":12,"r":1.)", Errc::unexpected_end},
                        Case{R"({"q":12,"r":1e)", Errc::unexpected_end}, Case{R"("abcdefghijklmno)", Errc::unexpected_end},
                        Case{"tru", Errc::unexpected_end}, Case{R"("\u00)", Errc::unexpected_end}}) {
    auto buf = std::make_unique<char[]>(c.text.size());
    std::memcpy(buf.get(), c.text.data(), c.text.size());
    const std::string_view exact(buf.get(), c.text.size());
    reel::json::Value v;
    const Error e = read(exact, v);
    if (c.expected == Errc::ok) {
      EXPECT_FALSE(e) << e.message();
    } else {
      EXPECT_EQ(e.code, make_error_code(c.expected)) << c.text;
    }
  }
}

TEST(Read, RawJsonKeepsExactText) {
  struct S {
    reel::json::RawJson payload;
    int after = 0;
  };
  const auto s = must_read<S>(R"({"payload": {"a": [1, 2.50, "\u00e9"]} , "after": 3})");
  EXPECT_EQ(s.payload.text, R"({"a": [1, 2.50, "\u00e9"]})");
  EXPECT_EQ(s.after, 3);
  must_fail<S>(R"({"payload": [1,,2], "after": 3})", Errc::syntax_error);
}

}  // namespace
