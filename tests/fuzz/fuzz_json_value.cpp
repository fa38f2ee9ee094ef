// SPDX-License-Identifier: BSL-1.0
// libFuzzer target: arbitrary bytes into reel::json::Value.
//
// Checks, aborting on any violation:
//  - a rejected input yields a reel.json error whose position lies inside the input;
//  - RawJson (Parser::skip_value, the path unknown keys take) accepts exactly what Value accepts;
//  - an accepted Value writes successfully, the output reads back to an equal Value, and writing
//    that Value again gives the same text; the RawJson text is the input minus outer white space.
// Inputs are copied into an exactly sized heap block so AddressSanitizer sees any over-read.
//
// Each input is checked twice: with the default ReadOptions and with max_depth 8, so depth errors
// are raised (and unwound) from many places.

#include "fuzz_support.hpp"

#include <reel/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

const char* const reel_fuzz::fuzzer_name = "fuzz_json_value";

namespace {

using reel_fuzz::die;

void check_error(const reel::json::Error& e, std::string_view input) {
  if (!e) return;
  if (e.code.category() != reel::json::json_category() || e.code.value() == 0) die("bad error code", input);
  if (e.code == reel::json::Errc::input_too_large) return;
  if (e.offset > input.size()) die("error offset past the input", input, e.message());
  if (e.line == 0 || e.column == 0) die("error without line/column", input, e.message());
  if (e.message().empty()) die("empty error message", input);
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view ws = " \t\r\n";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

void run(std::string_view input, const reel::json::ReadOptions& options) {
  reel::json::Value value;
  const reel::json::Error e = reel::json::read(input, value, options);
  check_error(e, input);

  reel::json::RawJson raw;
  const reel::json::Error er = reel::json::read(input, raw, options);
  check_error(er, input);
  if (static_cast<bool>(e) != static_cast<bool>(er)) {
    die("Value and RawJson disagree", input, "Value: " + e.message() + " / RawJson: " + er.message());
  }
  if (e) return;
  if (raw.text != trim(input)) die("RawJson text differs from the input", input);

  std::string out;
  if (const reel::json::Error we = reel::json::write(value, out)) die("write failed", input, we.message());
  reel::json::Value back;
  if (const reel::json::Error re = reel::json::read(out, back, options)) {
    die("written JSON does not read back", input, re.message() + "\n  written: " + out);
  }
  if (!(back == value)) die("round trip changed the value", input, "written: " + out);
  std::string again;
  if (const reel::json::Error we = reel::json::write(back, again)) die("second write failed", input, we.message());
  if (again != out) die("second write differs", input, out + " vs " + again);

  // The RawJson writes back verbatim (its writer re-validates it).
  std::string raw_out;
  if (const reel::json::Error we = reel::json::write(raw, raw_out)) die("RawJson write failed", input, we.message());
  if (raw_out != raw.text) die("RawJson write changed the text", input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // An exactly sized copy: libFuzzer's own buffer is exactly sized too, but be explicit.
  std::unique_ptr<char[]> copy(new char[size]);
  if (size != 0) std::memcpy(copy.get(), data, size);
  const std::string_view input(copy.get(), size);

  run(input, reel::json::ReadOptions{});
  reel::json::ReadOptions shallow;
  shallow.max_depth = 8;
  run(input, shallow);
  return 0;
}
