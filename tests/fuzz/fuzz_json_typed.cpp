// SPDX-License-Identifier: BSL-1.0
// libFuzzer target: arbitrary bytes into a nested, typed document.
//
// The target type mixes what the reflective reader supports: optionals, vectors, string-keyed
// std::map and std::unordered_map, named enums (one strict, one with an `unknown` fallback), a
// variant, int8/uint64/double/float/bool/string fields, a renamed key that needs escaping, a
// skipped field, a recursive child list, Value and RawJson. Reads use a small max_depth (12) and,
// for one of the two passes, strict options (unknown and duplicate keys rejected).
//
// On success the document is written, read back and compared (defaulted operator==); any
// difference, a failed write, a failed re-read or a malformed error aborts.

#include "fuzz_support.hpp"

#include <reel/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

namespace fuzz {

enum class Codec { h264, h265, av1, vp9 };
enum class State { queued, running, succeeded, failed, other };

}  // namespace fuzz

template <>
struct reel::json::Meta<fuzz::Codec> {
  static constexpr auto names = reel::json::enum_names<fuzz::Codec>(
      {{fuzz::Codec::h264, "h264"}, {fuzz::Codec::h265, "h265"}, {fuzz::Codec::av1, "av1"}, {fuzz::Codec::vp9, "vp9"}});
};

template <>
struct reel::json::Meta<fuzz::State> {
  static constexpr auto names = reel::json::enum_names<fuzz::State>({{fuzz::State::queued, "queued"},
                                                                      {fuzz::State::running, "running"},
                                                                      {fuzz::State::succeeded, "succeeded"},
                                                                      {fuzz::State::failed, "failed"},
                                                                      {fuzz::State::other, "other"}});
  static constexpr fuzz::State unknown = fuzz::State::other;
};

namespace fuzz {

struct Clip {
  std::int8_t track = 0;
  std::uint64_t bytes = 0;
  double seconds = 0;
  float fps = 0;
  bool audio = false;
  std::string url;
  std::optional<Codec> codec;
  friend bool operator==(const Clip&, const Clip&) = default;
};

struct Node {
  std::string name;
  std::vector<Node> children;
  friend bool operator==(const Node&, const Node&) = default;
};

using Payload = std::variant<std::monostate, bool, std::int64_t, std::string, std::vector<double>, Clip>;

struct Job {
  std::string id;
  State state = State::queued;
  std::optional<std::int64_t> created;
  std::optional<double> progress;
  std::vector<Clip> clips;
  std::map<std::string, std::vector<std::int8_t>> levels;
  std::unordered_map<std::string, Codec> codecs;
  Payload payload;
  std::optional<std::vector<std::optional<std::uint64_t>>> sizes;
  std::optional<Node> tree;
  std::optional<reel::json::Value> metadata;
  std::optional<reel::json::RawJson> raw;
  std::optional<std::string> odd_key;  // JSON key "a/b~\"c\"\u00e9": escaped when written
  int cache = 7;                       // skipped: never read or written
  friend bool operator==(const Job&, const Job&) = default;
};

}  // namespace fuzz

template <>
struct reel::json::Meta<fuzz::Job> {
  static constexpr auto rename = reel::json::renames({{"odd_key", "a/b~\"c\"\u00e9"}});
  static constexpr auto skip = reel::json::field_list({"cache"});
};

const char* const reel_fuzz::fuzzer_name = "fuzz_json_typed";

namespace {

using reel_fuzz::die;

void check_error(const reel::json::Error& e, std::string_view input) {
  if (e.code.category() != reel::json::json_category() || e.code.value() == 0) die("bad error code", input);
  if (e.code == reel::json::Errc::input_too_large) return;
  if (e.offset > input.size()) die("error offset past the input", input, e.message());
  if (e.line == 0 || e.column == 0) die("error without line/column", input, e.message());
  if (e.message().empty()) die("empty error message", input);
}

template <class T>
void round_trip(std::string_view input, const reel::json::ReadOptions& options) {
  T doc{};
  if (const reel::json::Error e = reel::json::read(input, doc, options)) {
    check_error(e, input);
    return;
  }
  std::string out;
  if (const reel::json::Error we = reel::json::write(doc, out)) die("write failed", input, we.message());
  T back{};
  if (const reel::json::Error re = reel::json::read(out, back, options)) {
    die("written JSON does not read back", input, re.message() + "\n  written: " + out);
  }
  if (!(back == doc)) {
    std::string again;
    (void)reel::json::write(back, again);
    die("round trip changed the value", input, "written: " + out + "\n  re-written: " + again);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::unique_ptr<char[]> copy(new char[size]);
  if (size != 0) std::memcpy(copy.get(), data, size);
  const std::string_view input(copy.get(), size);

  reel::json::ReadOptions lenient;
  lenient.max_depth = 12;
  round_trip<fuzz::Job>(input, lenient);
  round_trip<std::vector<fuzz::Job>>(input, lenient);

  reel::json::ReadOptions strict;
  strict.max_depth = 12;
  strict.reject_unknown_keys = true;
  strict.reject_duplicate_keys = true;
  round_trip<fuzz::Job>(input, strict);
  return 0;
}
