// SPDX-License-Identifier: BSL-1.0
// Parses one HTTP/1.1 request from the front of a buffer: request line, header fields, and a body
// framed by Content-Length or chunked transfer coding. Pure function, so it is unit-tested and
// fuzzed on its own.
#pragma once

#include <reel_sim/http.hpp>

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace reel_sim {

/// Bounds on what a request may be.
struct RequestLimits {
  std::size_t max_head = 64 * 1024;         ///< request line and header fields
  std::size_t max_body = 32 * 1024 * 1024;  ///< decoded body
};

/// Outcome of `parse_request`.
struct ParseResult {
  enum Kind { need_more, done, error } kind = need_more;
  int status = 0;               ///< for `error`: the status to answer with
  std::string message;          ///< for `error`: what was wrong
  std::size_t consumed = 0;     ///< for `done`: bytes of the buffer the request used
  bool expect_continue = false; ///< head complete, body pending, client waits for "100 Continue"
};

namespace detail {

inline constexpr std::array<bool, 256> token_chars = [] {
  std::array<bool, 256> t{};
  for (int u = 33; u < 127; ++u) {
    t[static_cast<std::size_t>(u)] = std::string_view("()<>@,;:\\\"/[]?={}").find(static_cast<char>(u)) == std::string_view::npos;
  }
  return t;
}();

inline bool is_token_char(char c) { return token_chars[static_cast<unsigned char>(c)]; }

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

inline ParseResult fail(int status, std::string message) {
  ParseResult r;
  r.kind = ParseResult::error;
  r.status = status;
  r.message = std::move(message);
  return r;
}

/// Decodes a chunked body starting at `in[0]`; `need_more` when incomplete.
inline ParseResult parse_chunked(std::string_view in, std::string& body, std::size_t max_body) {
  std::size_t pos = 0;
  body.clear();
  for (;;) {
    const auto eol = in.find("\r\n", pos);
    if (eol == std::string_view::npos) {
      if (in.size() - pos > 1024) return fail(400, "chunk size line too long");
      return {};
    }
    std::string_view line = in.substr(pos, eol - pos);
    line = line.substr(0, line.find(';'));
    line = trim(line);
    std::uint64_t size = 0;
    const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), size, 16);
    if (line.empty() || ec != std::errc() || end != line.data() + line.size()) return fail(400, "bad chunk size");
    if (size > max_body || body.size() + size > max_body) return fail(413, "request body too large");
    pos = eol + 2;
    if (size == 0) {
      // Trailer fields, then an empty line.
      for (;;) {
        const auto t = in.find("\r\n", pos);
        if (t == std::string_view::npos) return {};
        if (t == pos) {
          ParseResult r;
          r.kind = ParseResult::done;
          r.consumed = t + 2;
          return r;
        }
        pos = t + 2;
      }
    }
    if (in.size() < pos + size + 2) return {};
    body.append(in.data() + pos, size);
    if (in.substr(pos + size, 2) != "\r\n") return fail(400, "chunk not followed by CRLF");
    pos += size + 2;
  }
}

}  // namespace detail

/// Parses the request at the front of `in` into `out`.
inline ParseResult parse_request(std::string_view in, Request& out, const RequestLimits& limits = {}) {
  using detail::fail;
  // Tolerate empty lines before a request (RFC 9112 2.2).
  std::size_t start = 0;
  while (in.substr(start, 2) == "\r\n") start += 2;
  const auto head_end = in.find("\r\n\r\n", start);
  if (head_end == std::string_view::npos) {
    if (in.size() - start > limits.max_head) return fail(431, "request head too large");
    return {};
  }
  if (head_end - start > limits.max_head) return fail(431, "request head too large");
  const std::string_view head = in.substr(start, head_end - start);

  // Request line.
  const auto line_end = head.find("\r\n");
  const std::string_view line = head.substr(0, line_end);
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return fail(400, "malformed request line");
  }
  out = Request{};
  out.method = std::string(line.substr(0, sp1));
  out.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  const std::string_view version = line.substr(sp2 + 1);
  for (char c : out.method) {
    if (!detail::is_token_char(c)) return fail(400, "malformed method");
  }
  if (out.method.empty() || out.target.empty() || out.target.front() != '/') return fail(400, "malformed target");
  for (char c : out.target) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 32 || u >= 127) return fail(400, "malformed target");
  }
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return fail(400, "unsupported HTTP version");
  const auto qmark = out.target.find('?');
  out.path = url_decode(std::string_view(out.target).substr(0, qmark), false);
  if (qmark != std::string::npos) out.query = out.target.substr(qmark + 1);

  // Header fields.
  std::string_view rest = line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 2);
  while (!rest.empty()) {
    const auto eol = rest.find("\r\n");
    const std::string_view field = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 2);
    const auto colon = field.find(':');
    if (colon == 0 || colon == std::string_view::npos) return fail(400, "malformed header field");
    const std::string_view name = field.substr(0, colon);
    for (char c : name) {
      if (!detail::is_token_char(c)) return fail(400, "malformed header field name");
    }
    const std::string_view value = detail::trim(field.substr(colon + 1));
    for (char c : value) {
      const auto u = static_cast<unsigned char>(c);
      if ((u < 32 && c != '\t') || u == 127) return fail(400, "control character in header field");
    }
    out.headers.add(name, value);
  }

  const std::string connection = lower(out.headers.find("Connection").value_or(""));
  out.keep_alive = version == "HTTP/1.1" ? connection.find("close") == std::string::npos
                                         : connection.find("keep-alive") != std::string::npos;

  // Body framing.
  const std::size_t body_start = head_end + 4;
  const auto te = out.headers.find("Transfer-Encoding");
  const std::size_t cl_count = out.headers.count("Content-Length");
  if (te) {
    if (cl_count != 0) return fail(400, "both Transfer-Encoding and Content-Length");
    // Repeated fields form one list ("chunked, gzip"): only a lone "chunked" is understood.
    if (out.headers.count("Transfer-Encoding") != 1 || lower(detail::trim(*te)) != "chunked") {
      return fail(501, "unsupported transfer coding");
    }
    ParseResult r = detail::parse_chunked(in.substr(body_start), out.body, limits.max_body);
    if (r.kind == ParseResult::done) r.consumed += body_start;
    if (r.kind == ParseResult::need_more) {
      r.expect_continue = lower(out.headers.find("Expect").value_or("")) == "100-continue";
    }
    return r;
  }
  std::uint64_t length = 0;
  if (cl_count > 1) return fail(400, "repeated Content-Length");
  if (cl_count == 1) {
    const std::string_view text = *out.headers.find("Content-Length");
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return fail(400, "bad Content-Length");
  }
  if (length > limits.max_body) return fail(413, "request body too large");
  if (in.size() - body_start < length) {
    ParseResult r;
    r.expect_continue = lower(out.headers.find("Expect").value_or("")) == "100-continue";
    return r;
  }
  out.body = std::string(in.substr(body_start, length));
  ParseResult r;
  r.kind = ParseResult::done;
  r.consumed = body_start + length;
  return r;
}

}  // namespace reel_sim
