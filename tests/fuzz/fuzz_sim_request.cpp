// SPDX-License-Identifier: BSL-1.0
// libFuzzer target: arbitrary bytes into the simulator's request parser and multipart reader.
//
// Byte 0 bit 0 chooses the multipart reader (the content type is the input up to the first
// newline, the body the rest); otherwise the input is a request stream for parse_request, with
// tiny limits when bit 1 is set. Checked: no crash or overread (every parse sees an exactly
// sized heap copy); a parsed request consumed at most the input, and no strict prefix of what it
// consumed parses as a request; pipelined requests parse one after another; errors carry one of
// the statuses the server answers with; multipart parts lie within the body.

#include "fuzz_support.hpp"

#include <reel_sim/multipart.hpp>
#include <reel_sim/request_parser.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

const char* const reel_fuzz::fuzzer_name = "fuzz_sim_request";

namespace {

using reel_fuzz::die;

// Parses `in` from an exactly sized heap copy, so AddressSanitizer sees any overread.
reel_sim::ParseResult parse_copy(std::string_view in, reel_sim::Request& out, const reel_sim::RequestLimits& limits) {
  std::unique_ptr<char[]> copy(new char[in.size() + (in.empty() ? 1 : 0)]);
  if (!in.empty()) std::memcpy(copy.get(), in.data(), in.size());
  return reel_sim::parse_request(std::string_view(copy.get(), in.size()), out, limits);
}

void fuzz_requests(std::string_view in, bool tiny) {
  reel_sim::RequestLimits limits;
  if (tiny) limits = reel_sim::RequestLimits{64, 64};
  std::string_view rest = in;
  for (int n = 0; n < 16 && !rest.empty(); ++n) {
    reel_sim::Request r;
    const reel_sim::ParseResult p = parse_copy(rest, r, limits);
    if (p.kind == reel_sim::ParseResult::error) {
      if (p.status != 400 && p.status != 413 && p.status != 431 && p.status != 501) die("unexpected status", in);
      if (p.message.empty()) die("error without a message", in);
      return;
    }
    if (p.kind == reel_sim::ParseResult::need_more) return;
    if (p.consumed == 0 || p.consumed > rest.size()) die("consumed out of range", in);
    if (r.method.empty() || r.target.empty() || r.target.front() != '/') die("request without method or target", in);
    if (r.body.size() > limits.max_body) die("body over the limit", in);
    for (std::size_t cut = 0; cut < p.consumed; cut += 1 + cut / 8) {
      reel_sim::Request prefix;
      if (parse_copy(rest.substr(0, cut), prefix, limits).kind == reel_sim::ParseResult::done) {
        die("a strict prefix parsed as a whole request", in);
      }
    }
    rest.remove_prefix(p.consumed);
  }
}

void fuzz_multipart(std::string_view in) {
  const auto nl = in.find('\n');
  const std::string_view type = in.substr(0, nl);
  const std::string body(nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1));
  const auto parts = reel_sim::parse_multipart(type, body);
  if (!parts) return;
  std::size_t total = 0;
  for (const auto& part : *parts) total += part.value.size();
  if (total > body.size()) die("parts larger than the body", in);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1) != 0) {
    fuzz_multipart(in);
  } else {
    fuzz_requests(in, (data[0] & 2) != 0);
  }
  return 0;
}
