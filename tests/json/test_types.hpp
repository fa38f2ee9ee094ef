// SPDX-License-Identifier: BSL-1.0
// Types shared by the JSON tests.
#pragma once

#include <reel/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

namespace reel_test {

enum class Phase { queued, processing, completed, unknown };
enum class Strict { a, b };

struct Inner {
  int q = 0;
  double r = 0;
  friend bool operator==(const Inner&, const Inner&) = default;
};

struct Everything {
  bool flag = false;
  std::int8_t i8 = 0;
  std::uint8_t u8 = 0;
  std::int32_t i32 = 0;
  std::int64_t i64 = 0;
  std::uint64_t u64 = 0;
  float f32 = 0;
  double f64 = 0;
  std::string text;
  Phase phase = Phase::queued;
  std::optional<std::string> maybe;
  std::vector<Inner> items;
  std::map<std::string, std::int64_t> counts;
  std::variant<std::string, Inner> either;
  std::optional<std::vector<std::optional<bool>>> flags;
  friend bool operator==(const Everything&, const Everything&) = default;
};

// A class with a constructor: listed explicitly through Meta<T>::fields.
class Point {
public:
  Point() = default;
  Point(int x, int y) : x_(x), y_(y) {}
  int x() const { return x_; }
  int y() const { return y_; }
  friend bool operator==(const Point&, const Point&) = default;

private:
  friend struct reel::json::Meta<Point>;
  int x_ = 0;
  int y_ = 0;
};

// Maps through a proxy string: "WxH".
struct Size {
  int w = 0;
  int h = 0;
  friend bool operator==(const Size&, const Size&) = default;
};

struct Renamed {
  std::string content_type;
  std::int64_t size_bytes = 0;
  std::string cache;  // skipped
  friend bool operator==(const Renamed&, const Renamed&) = default;
};

struct Closed {
  int a = 0;
};

}  // namespace reel_test

template <>
struct reel::json::Meta<reel_test::Phase> {
  static constexpr auto names = enum_names<reel_test::Phase>({{reel_test::Phase::queued, "queued"},
                                                              {reel_test::Phase::processing, "PROCESSING"},
                                                              {reel_test::Phase::completed, "COMPLETED"}});
  static constexpr reel_test::Phase unknown = reel_test::Phase::unknown;
};

template <>
struct reel::json::Meta<reel_test::Strict> {
  static constexpr auto names = enum_names<reel_test::Strict>({{reel_test::Strict::a, "a"}, {reel_test::Strict::b, "b"}});
};

template <>
struct reel::json::Meta<reel_test::Point> {
  static constexpr auto fields =
      std::tuple{field<&reel_test::Point::x_>("x"), field<&reel_test::Point::y_>("y")};
};

template <>
struct reel::json::Meta<reel_test::Size> {
  using proxy = std::string;
  static std::string to_json(const reel_test::Size& s) { return std::to_string(s.w) + "x" + std::to_string(s.h); }
  static std::error_code from_json(std::string&& text, reel_test::Size& s) {
    const auto x = text.find('x');
    if (x == std::string::npos || x == 0 || x + 1 == text.size()) return make_error_code(Errc::type_mismatch);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (i != x && (text[i] < '0' || text[i] > '9')) return make_error_code(Errc::type_mismatch);
    }
    s.w = std::stoi(text.substr(0, x));
    s.h = std::stoi(text.substr(x + 1));
    return {};
  }
};

template <>
struct reel::json::Meta<reel_test::Renamed> {
  static constexpr auto rename = renames({{"content_type", "content-type"}, {"size_bytes", "size"}});
  static constexpr auto skip = field_list({"cache"});
};

template <>
struct reel::json::Meta<reel_test::Closed> {
  static constexpr bool reject_unknown_keys = true;
};
