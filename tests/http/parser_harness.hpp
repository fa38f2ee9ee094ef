// SPDX-License-Identifier: BSL-1.0
// Test helper: runs a response through reel::http::ResponseParser in given pieces and records
// everything observable, so one-shot and split parses can be compared.
#pragma once

#include <reel/http/response_parser.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace reel_http_test {

using reel::http::BodyKind;
using reel::http::Fields;
using reel::http::ParserLimits;
using reel::http::ResponseParser;
using reel::http::Version;

/// How to run the parser.
struct RunOptions {
  ParserLimits limits{};
  bool head_request = false;
  bool eof = false;  ///< call finish_eof() after the last piece
};

/// Everything the parser reported.
struct Outcome {
  std::error_code error;
  bool started = false;
  bool head_done = false;
  bool done = false;
  int status = 0;
  std::string reason;
  Version version = Version::http_1_1;
  Fields fields;
  Fields trailers;
  bool keep_alive = false;
  std::optional<std::uint64_t> content_length;
  bool chunked = false;
  BodyKind body_kind = BodyKind::none;
  std::string body;
  std::uint64_t body_bytes = 0;
  std::size_t consumed = 0;  ///< bytes consumed in total (0 when an error stopped the parse)

  friend bool operator==(const Outcome&, const Outcome&) = default;
};

inline std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  os << "{error=" << o.error.message() << " head_done=" << o.head_done << " done=" << o.done << " status=" << o.status
     << " reason=\"" << o.reason << "\" fields=" << o.fields.size() << " trailers=" << o.trailers.size()
     << " keep_alive=" << o.keep_alive << " chunked=" << o.chunked << " body=" << o.body.size() << "B consumed=" << o.consumed
     << "}";
  return os;
}

/// Feeds `message` cut at the sorted positions `cuts` (each piece copied to its own buffer, so a
/// view kept past its call would show up under AddressSanitizer).
inline Outcome run_pieces(std::string_view message, const std::vector<std::size_t>& cuts, const RunOptions& options) {
  ResponseParser parser(options.limits);
  parser.set_head_request(options.head_request);
  Outcome o;
  std::size_t start = 0;
  bool stopped = false;
  for (std::size_t i = 0; i <= cuts.size() && !stopped; ++i) {
    const std::size_t end = i < cuts.size() ? cuts[i] : message.size();
    const std::string buffer(message.substr(start, end - start));
    start = end;
    std::string_view data = buffer;
    while (!data.empty() && !parser.done()) {
      auto r = parser.feed(data);
      if (!r) {
        o.error = r.error();
        stopped = true;
        break;
      }
      EXPECT_TRUE(r->consumed > 0 || parser.done()) << "feed made no progress";
      EXPECT_LE(r->consumed, data.size());
      if (!r->body.empty()) {
        EXPECT_GE(r->body.data(), data.data());
        EXPECT_LE(r->body.data() + r->body.size(), data.data() + r->consumed) << "body view outside the input";
      }
      o.body.append(r->body);
      o.consumed += r->consumed;
      data.remove_prefix(r->consumed);
    }
    if (parser.done()) break;
  }
  if (!stopped && options.eof) o.error = parser.finish_eof();
  if (o.error) o.consumed = 0;
  EXPECT_EQ(parser.error(), o.error);
  o.started = parser.started();
  o.head_done = parser.head_done();
  o.done = parser.done();
  o.status = parser.status();
  o.reason = std::string(parser.reason());
  o.version = parser.version();
  o.fields = parser.fields();
  o.trailers = parser.trailers();
  o.keep_alive = parser.keep_alive();
  o.content_length = parser.content_length();
  o.chunked = parser.chunked();
  o.body_kind = parser.body_kind();
  o.body_bytes = parser.body_bytes();
  EXPECT_EQ(o.body_bytes, o.body.size());
  return o;
}

/// Parses `message` in one piece, then at every split point (two pieces; a sample of them for long
/// messages), one byte at a time and in random pieces, and expects the same outcome every time.
inline Outcome parse(std::string_view message, const RunOptions& options = {}) {
  const Outcome whole = run_pieces(message, {}, options);
  const std::size_t step = message.size() <= 2048 ? 1 : message.size() / 512;
  for (std::size_t cut = 0; cut <= message.size(); cut += step) {
    const Outcome split = run_pieces(message, {cut}, options);
    EXPECT_EQ(split, whole) << "split at " << cut;
    if (split != whole) break;
  }
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < message.size(); ++i) every.push_back(i);
  EXPECT_EQ(run_pieces(message, every, options), whole) << "one byte at a time";
  std::mt19937 rng(static_cast<std::uint32_t>(message.size()));
  for (int round = 0; round < 8; ++round) {
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1 + rng() % 7; i < message.size(); i += 1 + rng() % 13) cuts.push_back(i);
    EXPECT_EQ(run_pieces(message, cuts, options), whole) << "random pieces, round " << round;
  }
  return whole;
}

}  // namespace reel_http_test
