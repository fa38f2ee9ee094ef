// SPDX-License-Identifier: BSL-1.0
// Property test: for generated values x of nested structs, read(write(x)) == x and the text is
// stable (write(read(write(x))) == write(x)).
#include "test_types.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <random>
#include <string>

namespace {

using namespace reel_test;
using reel::json::Value;

struct Leaf {
  std::string s;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  double d = 0;
  float f = 0;
  bool b = false;
  std::optional<std::int32_t> oi;
  Phase phase = Phase::queued;
  friend bool operator==(const Leaf&, const Leaf&) = default;
};

struct Node {
  std::vector<Leaf> leaves;
  std::map<std::string, Leaf> by_name;
  std::optional<Leaf> maybe;
  std::variant<std::string, std::int64_t, Leaf> either;
  std::vector<std::vector<double>> grid;
  Value any;
  std::optional<Point> point;
  Size size;
  friend bool operator==(const Node&, const Node&) = default;
};

class Gen {
public:
  explicit Gen(std::uint64_t seed) : rng_(seed) {}

  std::uint64_t below(std::uint64_t n) { return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng_); }

  std::string text() {
    std::string s;
    const auto n = below(24);
    for (std::uint64_t k = 0; k < n; ++k) {
      switch (below(6)) {
        case 0: s.push_back(static_cast<char>(below(0x20))); break;  // control characters
        case 1: s.push_back("\"\\/"[below(3)]); break;
        case 2: append_utf8(s, static_cast<std::uint32_t>(0x80 + below(0x800 - 0x80))); break;
        case 3: {
          auto cp = static_cast<std::uint32_t>(0x800 + below(0x10000 - 0x800));
          if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0x20AC;
          append_utf8(s, cp);
          break;
        }
        case 4: append_utf8(s, static_cast<std::uint32_t>(0x10000 + below(0x110000 - 0x10000))); break;
        default: s.push_back(static_cast<char>(0x20 + below(0x5F))); break;
      }
    }
    return s;
  }

  double real() {
    if (below(2) == 0) return static_cast<double>(static_cast<std::int64_t>(below(2000000))) / 1000.0 - 1000.0;
    for (;;) {
      const double d = std::bit_cast<double>(rng_());
      if (std::isfinite(d)) return d;
    }
  }
  float real32() {
    for (;;) {
      const float f = std::bit_cast<float>(static_cast<std::uint32_t>(rng_()));
      if (std::isfinite(f)) return f;
    }
  }

  Leaf leaf() {
    Leaf l;
    l.s = text();
    l.i = static_cast<std::int64_t>(rng_());
    l.u = rng_();
    l.d = real();
    l.f = real32();
    l.b = below(2) == 1;
    if (below(2) == 1) l.oi = static_cast<std::int32_t>(static_cast<std::uint32_t>(rng_()));
    l.phase = static_cast<Phase>(below(3));
    return l;
  }

  Value value(int depth) {
    switch (depth <= 0 ? below(4) : below(6)) {
      case 0: return nullptr;
      case 1: return below(2) == 1;
      case 2: return below(2) == 1 ? Value(static_cast<std::int64_t>(rng_())) : Value(real());
      case 3: return text();
      case 4: {
        reel::json::Array a;
        for (auto n = below(4); n > 0; --n) a.push_back(value(depth - 1));
        return a;
      }
      default: {
        reel::json::Object o;
        for (auto n = below(4); n > 0; --n) o.emplace_back(text(), value(depth - 1));
        return o;
      }
    }
  }

  Node node() {
    Node n;
    for (auto k = below(4); k > 0; --k) n.leaves.push_back(leaf());
    for (auto k = below(3); k > 0; --k) n.by_name[text()] = leaf();
    if (below(2) == 1) n.maybe = leaf();
    switch (below(3)) {
      case 0: n.either = text(); break;
      case 1: n.either = static_cast<std::int64_t>(rng_()); break;
      default: n.either = leaf(); break;
    }
    for (auto k = below(3); k > 0; --k) {
      std::vector<double> row;
      for (auto j = below(4); j > 0; --j) row.push_back(real());
      n.grid.push_back(std::move(row));
    }
    n.any = value(3);
    if (below(2) == 1) n.point = Point(static_cast<int>(below(1000)) - 500, static_cast<int>(below(1000)));
    n.size = Size{static_cast<int>(below(4000)), static_cast<int>(below(4000))};
    return n;
  }

private:
  static void append_utf8(std::string& s, std::uint32_t cp) {
    char buf[4];
    s.append(buf, reel::json::detail::encode_utf8(cp, buf));
  }
  std::mt19937_64 rng_;
};

}  // namespace

TEST(RoundTrip, GeneratedNestedStructs) {
  Gen gen(20261121);
  for (int iteration = 0; iteration < 2000; ++iteration) {
    const Node x = gen.node();
    auto first = reel::json::write_string(x);
    ASSERT_TRUE(first) << first.error().message();
    auto back = reel::json::read_as<Node>(*first);
    ASSERT_TRUE(back) << back.error().message() << "\n" << *first;
    ASSERT_EQ(*back, x) << *first;
    auto second = reel::json::write_string(*back);
    ASSERT_TRUE(second);
    ASSERT_EQ(*second, *first);
  }
}

TEST(RoundTrip, GeneratedGenericValues) {
  Gen gen(7);
  for (int iteration = 0; iteration < 2000; ++iteration) {
    const Value x = gen.value(5);
    auto text = reel::json::write_string(x);
    ASSERT_TRUE(text) << text.error().message();
    auto back = reel::json::read_as<Value>(*text);
    ASSERT_TRUE(back) << back.error().message();
    ASSERT_EQ(*back, x) << *text;
  }
}
