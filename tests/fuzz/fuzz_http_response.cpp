// SPDX-License-Identifier: BSL-1.0
// libFuzzer target: arbitrary bytes into reel::http::ResponseParser.
//
// The first two bytes choose the run: bit 0 of byte 0 declares a HEAD request, bit 1 tiny limits
// (so limit errors are reachable with short inputs), bit 2 a finish_eof() at the end; byte 1 seeds
// the piece sizes. The rest is the response. It is parsed in one piece and again in pieces of
// 1 to N bytes (each copied to its own exactly sized heap block, so AddressSanitizer sees any
// read outside it or any view kept past its call), and the two runs must agree on everything:
// error, status, reason, version, fields, trailers, framing, body bytes and bytes consumed.
// Also checked: every feed progresses, body views lie inside the consumed input, a finished
// Content-Length body has exactly that length, and errors are reel.http codes.

#include "fuzz_support.hpp"

#include <reel/http/response_parser.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

const char* const reel_fuzz::fuzzer_name = "fuzz_http_response";

namespace {

using reel_fuzz::die;

using reel::http::ResponseParser;

struct Outcome {
  std::error_code error;
  bool head_done = false;
  bool done = false;
  int status = 0;
  std::string reason;
  reel::http::Version version = reel::http::Version::http_1_1;
  reel::http::Fields fields;
  reel::http::Fields trailers;
  bool keep_alive = false;
  std::optional<std::uint64_t> content_length;
  bool chunked = false;
  reel::http::BodyKind body_kind = reel::http::BodyKind::none;
  std::string body;
  std::uint64_t body_bytes = 0;
  std::size_t consumed = 0;

  friend bool operator==(const Outcome&, const Outcome&) = default;
};

struct Run {
  reel::http::ParserLimits limits;
  bool head = false;
  bool eof = false;
};

// Feeds `message` in pieces whose sizes come from `next_size` (0 means "all that is left").
template <class NextSize>
Outcome parse(std::string_view message, const Run& run, NextSize&& next_size, std::string_view input) {
  ResponseParser parser(run.limits);
  parser.set_head_request(run.head);
  Outcome o;
  bool stopped = false;
  while (!message.empty() && !stopped && !parser.done()) {
    std::size_t n = next_size();
    if (n == 0 || n > message.size()) n = message.size();
    const auto block = std::make_unique<char[]>(n);
    std::copy_n(message.data(), n, block.get());
    message.remove_prefix(n);
    std::string_view data(block.get(), n);
    while (!data.empty() && !parser.done()) {
      auto r = parser.feed(data);
      if (!r) {
        o.error = r.error();
        stopped = true;
        break;
      }
      if (r->consumed == 0 && !parser.done()) die("feed made no progress", input);
      if (r->consumed > data.size()) die("consumed more than given", input);
      if (!r->body.empty() && (r->body.data() < data.data() || r->body.data() + r->body.size() > data.data() + r->consumed)) {
        die("body view outside the consumed input", input);
      }
      o.body.append(r->body);
      o.consumed += r->consumed;
      data.remove_prefix(r->consumed);
    }
  }
  if (!stopped && run.eof) o.error = parser.finish_eof();
  if (o.error) {
    o.consumed = 0;
    if (o.error.category() != reel::http::http_category() || o.error.message().empty()) die("foreign error code", input);
  }
  if (parser.error() != o.error) die("error() disagrees with what feed returned", input);
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
  if (o.body_bytes != o.body.size()) die("body_bytes() differs from the bytes delivered", input);
  if (o.body.size() > run.limits.max_body_size) die("body over the limit", input);
  if (o.done && !o.error && o.body_kind == reel::http::BodyKind::content_length && o.body.size() != *o.content_length) {
    die("finished Content-Length body of the wrong size", input);
  }
  if (o.head_done && (o.status < 200 || o.status > 599)) die("final status out of range", input);
  if (o.fields.size() > run.limits.max_header_count || o.trailers.size() > run.limits.max_header_count) {
    die("more fields than the limit", input);
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(bytes), size);
  if (size < 2) return 0;
  Run run;
  run.head = (bytes[0] & 1) != 0;
  if ((bytes[0] & 2) != 0) {
    run.limits.max_header_bytes = 200;
    run.limits.max_header_count = 6;
    run.limits.max_chunk_line = 12;
    run.limits.max_trailer_bytes = 40;
    run.limits.max_body_size = 50;
  }
  run.eof = (bytes[0] & 4) != 0;
  const std::string_view message = input.substr(2);

  const Outcome whole = parse(message, run, [] { return std::size_t{0}; }, input);

  std::uint32_t state = 0x9E3779B9u ^ bytes[1];
  const std::size_t max_piece = 1 + (bytes[1] & 0x0F);  // 1..16 bytes, 1 means byte by byte
  const Outcome split = parse(message, run, [&] {
    state = state * 1664525u + 1013904223u;
    return 1 + static_cast<std::size_t>(state >> 16) % max_piece;
  }, input);
  if (!(split == whole)) die("split parse differs from one-shot parse", input);
  return 0;
}
