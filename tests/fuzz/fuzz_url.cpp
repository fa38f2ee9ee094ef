// SPDX-License-Identifier: BSL-1.0
// libFuzzer target: arbitrary bytes into reel::http::parse_url, resolve_redirect and the
// percent-encoding helpers.
//
// The input is split at its first newline into a base URL and a redirect location (no newline:
// the whole input is both). Checks, aborting on any violation:
//  - errors are reel.http codes;
//  - a parsed or resolved Url is sane (http/https, non-zero port, non-empty host, target starting
//    with "/", only visible ASCII) and origin() + target, and scheme://host_header() + target,
//    re-parse to an equal Url;
//  - a resolved Url resolves its own target (an absolute path) to itself;
//  - write_request_head accepts it and emits exactly the request line, Host and the blank line;
//  - percent_decode(percent_encode(x)) == x, and an encoded path always parses.

#include "fuzz_support.hpp"

#include <reel/http/request_writer.hpp>
#include <reel/http/url.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

const char* const reel_fuzz::fuzzer_name = "fuzz_url";

namespace {

using reel_fuzz::die;

using reel::http::Url;

void check_error(const std::error_code& ec, std::string_view input) {
  if (ec.category() != reel::http::http_category() || ec.value() == 0 || ec.message().empty()) {
    die("foreign or empty error code", input);
  }
}

std::size_t count(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

void check_url(const Url& url, std::string_view input) {
  if (url.scheme != "http" && url.scheme != "https") die("bad scheme", input);
  if (url.port == 0 || url.host.empty()) die("empty port or host", input);
  if (url.target.empty() || url.target[0] != '/') die("target does not start with /", input);
  for (const char c : url.host + url.target) {
    if (c <= 0x20 || c >= 0x7F || c == '#') die("unsafe character in host or target", input);
  }
  const auto again = reel::http::parse_url(url.origin() + url.target);
  if (!again || !(*again == url)) die("origin() + target does not re-parse to the same Url", input);
  const auto via_host = reel::http::parse_url(url.scheme + "://" + url.host_header() + url.target);
  if (!via_host || !(*via_host == url)) die("host_header() + target does not re-parse to the same Url", input);
  if (!url.target.starts_with("//")) {
    const auto self = reel::http::resolve_redirect(url, url.target);
    if (!self || !(*self == url)) die("resolving the own target changed the Url", input);
  }
  std::string head;
  const auto written = reel::http::write_request_head(head, "GET", url, {}, std::nullopt);
  if (!written || *written != head.size()) die("write_request_head refused a parsed Url", input);
  if (count(head, "\r\n") != 3 || count(head, "\n") != 3 || !head.ends_with("\r\n\r\n")) {
    die("request head has extra lines", input);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(bytes), size);
  const std::size_t newline = input.find('\n');
  const std::string_view base_text = input.substr(0, newline);
  const std::string_view location = newline == std::string_view::npos ? input : input.substr(newline + 1);

  const auto base = reel::http::parse_url(base_text);
  if (base) {
    check_url(*base, input);
  } else {
    check_error(base.error(), input);
  }
  static const Url fixed = *reel::http::parse_url("https://api.example.com:8443/v1/jobs/7?x=1");
  for (const Url* b : {base ? &*base : nullptr, &fixed}) {
    if (b == nullptr) continue;
    const auto resolved = reel::http::resolve_redirect(*b, location);
    if (resolved) {
      check_url(*resolved, input);
    } else {
      check_error(resolved.error(), input);
    }
  }

  for (const bool keep_slash : {false, true}) {
    const std::string encoded = reel::http::percent_encode(input, keep_slash);
    const auto decoded = reel::http::percent_decode(encoded);
    if (!decoded || *decoded != input) die("percent_decode(percent_encode(x)) != x", input);
    if (!reel::http::parse_url("http://h/" + encoded)) die("an encoded path does not parse", input);
  }
  const auto decoded = reel::http::percent_decode(input);
  if (!decoded) check_error(decoded.error(), input);
  return 0;
}
