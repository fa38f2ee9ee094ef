// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::http::ResponseParser`: an incremental HTTP/1.1 response parser that never buffers the
/// body. Feed it whatever the socket gave you, in any split; each `feed` returns how many bytes
/// it used and at most one piece of body, as a view into your buffer:
///
///     while (!parser.done() && !data.empty()) {
///       auto r = parser.feed(data);
///       if (!r) return r.error();
///       if (!r->body.empty()) write_to_file(r->body);   // before `data` is reused
///       data.remove_prefix(r->consumed);
///     }
///
/// On end of stream call `finish_eof()`: it completes a body delimited by the connection close and
/// reports `unexpected_eof` for anything cut short. Only a partial head line, chunk-size line or
/// trailer line is copied, up to `ParserLimits`.
///
/// Strictness: the status line must be `HTTP/1.0` or `HTTP/1.1`, a 3-digit status 100-599 and an
/// optional reason. Head and trailer lines may end in CRLF or a bare LF (RFC 9112 §2.2 allows
/// recipients to accept LF); a CR anywhere else is an error. Chunk framing requires CRLF. Folded
/// lines (obs-fold) and white space before a colon are rejected. Transfer-Encoding must be exactly
/// `chunked`, never with Content-Length and never in HTTP/1.0 (RFC 9112 §6.1, a smuggling defence).
/// Content-Length may repeat only with identical values. 1xx responses other than 101 are skipped;
/// their bytes count toward `max_header_bytes`.
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/http/detail/head.hpp>
#include <reel/http/error.hpp>
#include <reel/http/fields.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace reel::http {

/// Bounds on what a response may make the parser store or accept.
struct ParserLimits {
  std::size_t max_header_bytes = 64 * 1024;  ///< status line and fields, interim 1xx heads included
  std::size_t max_header_count = 100;        ///< fields per head, and per trailer section
  std::size_t max_chunk_line = 1024;         ///< one chunk-size line with extensions and CRLF
  std::size_t max_trailer_bytes = 16 * 1024; ///< the trailer section with its final empty line
  std::uint64_t max_body_size = UINT64_MAX;  ///< decoded body bytes
};

/// How the body of the current response is delimited.
enum class BodyKind {
  none,            ///< no body: 204, 304, or a response to HEAD
  content_length,  ///< exactly `content_length()` bytes
  chunked,         ///< chunked transfer coding
  until_eof,       ///< everything until the server closes the connection
};

/// HTTP version of a response.
enum class Version { http_1_0, http_1_1 };

/// What one `feed` call did.
struct FeedResult {
  std::size_t consumed = 0;  ///< bytes of the input used; the rest belongs to a later call or message
  std::string_view body;     ///< body bytes found (a view into the input), possibly empty
};

/// Incremental parser for one response at a time; `reset()` readies it for the next one.
class ResponseParser {
public:
  /// A parser with the default limits.
  ResponseParser() = default;
  /// A parser with the given limits.
  explicit ResponseParser(const ParserLimits& limits) : limits_(limits) {}

  /// Declares that the request was HEAD, so the response has no body whatever its headers say.
  void set_head_request(bool head) noexcept { head_request_ = head; }

  /// Parses as much of `data` as possible: it stops after one piece of body, at the end of the
  /// message, or at the end of `data`. Unless the message is done, all of `data` is consumed or a
  /// body piece is returned, so the loop above always progresses. Errors are sticky.
  Result<FeedResult> feed(std::string_view data);

  /// Reports the end of the stream: completes an `until_eof` body, else `unexpected_eof` unless
  /// the message is done. Returns the parser's error, if any.
  [[nodiscard]] std::error_code finish_eof() noexcept {
    if (!ec_ && state_ != State::done) {
      if (state_ == State::body_eof) {
        state_ = State::done;
      } else {
        ec_ = Errc::unexpected_eof;
      }
    }
    return ec_;
  }

  /// Forgets the current response; limits are kept, the HEAD flag is cleared.
  void reset() { *this = ResponseParser(limits_); }

  /// True once any byte was fed (to tell a connection closed before answering from a cut response).
  bool started() const noexcept { return started_; }
  /// True once the head of the final (non-1xx) response is parsed.
  bool head_done() const noexcept { return head_done_; }
  /// True once the whole message, trailers included, is parsed.
  bool done() const noexcept { return state_ == State::done; }
  /// The error that stopped the parser, if any.
  std::error_code error() const noexcept { return ec_; }

  /// The status code (valid once `head_done()`).
  int status() const noexcept { return status_; }
  /// The reason phrase.
  std::string_view reason() const noexcept { return reason_; }
  /// The HTTP version.
  Version version() const noexcept { return version_; }
  /// The header fields, in order.
  const Fields& fields() const noexcept { return fields_; }
  /// The trailer fields of a chunked body.
  const Fields& trailers() const noexcept { return trailers_; }
  /// True when the connection may carry another request after this response.
  bool keep_alive() const noexcept { return keep_alive_; }
  /// The Content-Length header's value, if present (also for HEAD, 204 and 304 responses).
  std::optional<std::uint64_t> content_length() const noexcept { return content_length_; }
  /// True when the body uses chunked transfer coding.
  bool chunked() const noexcept { return chunked_; }
  /// How the body is delimited.
  BodyKind body_kind() const noexcept { return body_kind_; }
  /// Body bytes delivered so far.
  std::uint64_t body_bytes() const noexcept { return body_bytes_; }
  /// The limits in force.
  const ParserLimits& limits() const noexcept { return limits_; }

private:
  enum class State { status_line, header_line, body_length, chunk_size, chunk_data, chunk_crlf, trailer_line, body_eof, done };

  bool take_line(std::string_view data, std::size_t& pos, std::size_t& used, std::size_t limit, Errc too_long,
                 std::string_view& line);
  std::error_code on_line(std::string_view line);
  std::error_code finish_head();

  ParserLimits limits_;
  State state_ = State::status_line;
  std::error_code ec_;
  bool head_request_ = false;
  bool started_ = false;
  bool head_done_ = false;
  bool keep_alive_ = false;
  bool chunked_ = false;
  BodyKind body_kind_ = BodyKind::none;
  Version version_ = Version::http_1_1;
  int status_ = 0;
  std::string reason_;
  Fields fields_;
  Fields trailers_;
  std::optional<std::uint64_t> content_length_;
  std::string line_;                // the partial line being assembled
  std::size_t head_bytes_ = 0;      // bytes of all heads so far
  std::size_t trailer_bytes_ = 0;   // bytes of the trailer section so far
  std::uint64_t remaining_ = 0;     // body or chunk bytes still expected
  std::uint64_t body_bytes_ = 0;
};

inline Result<FeedResult> ResponseParser::feed(std::string_view data) {
  if (ec_) return fail(ec_);
  if (!data.empty()) started_ = true;
  FeedResult result;
  std::size_t pos = 0;
  while (pos < data.size() && state_ != State::done) {
    const std::size_t available = data.size() - pos;
    if (state_ == State::body_length || state_ == State::chunk_data || state_ == State::body_eof) {
      std::uint64_t allowed = state_ == State::body_eof ? limits_.max_body_size - body_bytes_ : remaining_;
      if (allowed == 0) {
        ec_ = Errc::body_too_large;
        return fail(ec_);
      }
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(allowed, available));
      result.body = data.substr(pos, n);
      pos += n;
      body_bytes_ += n;
      if (state_ != State::body_eof) {
        remaining_ -= n;
        if (remaining_ == 0) state_ = state_ == State::chunk_data ? State::chunk_crlf : State::done;
      }
      break;
    }
    if (state_ == State::status_line) {  // reject non-HTTP data at once, not after 64 KiB
      // Only bytes within the head limit are looked at, so that the same input gives the same
      // error however it is split (past the limit, headers_too_large comes first either way).
      constexpr std::string_view prefix = "HTTP/";
      const std::size_t end = pos + std::min(available, limits_.max_header_bytes - std::min(head_bytes_, limits_.max_header_bytes));
      for (std::size_t have = line_.size(), i = pos; have < prefix.size() && i < end; ++have, ++i) {
        if (data[i] != prefix[have]) {
          ec_ = Errc::bad_status_line;
          return fail(ec_);
        }
      }
    }
    std::string_view line;
    std::size_t chunk_line_used = line_.size();
    bool complete = false;
    switch (state_) {
      case State::status_line:
      case State::header_line:
        complete = take_line(data, pos, head_bytes_, limits_.max_header_bytes, Errc::headers_too_large, line);
        break;
      case State::chunk_size:
        complete = take_line(data, pos, chunk_line_used, limits_.max_chunk_line, Errc::chunk_line_too_long, line);
        break;
      case State::chunk_crlf:
        complete = take_line(data, pos, chunk_line_used, 2, Errc::bad_chunk_terminator, line);
        break;
      default:  // trailer_line
        complete = take_line(data, pos, trailer_bytes_, limits_.max_trailer_bytes, Errc::trailers_too_large, line);
        break;
    }
    if (!ec_ && complete) {
      ec_ = on_line(line);
      line_.clear();
    }
    if (ec_) return fail(ec_);
  }
  result.consumed = pos;
  return result;
}

// Takes bytes up to and including the next LF, charging them to `used` (at most `limit`). Returns
// true with `line` (without the LF) when the line is complete; otherwise buffers them.
inline bool ResponseParser::take_line(std::string_view data, std::size_t& pos, std::size_t& used, std::size_t limit,
                                      Errc too_long, std::string_view& line) {
  const std::string_view rest = data.substr(pos);
  const std::size_t lf = rest.find('\n');
  const std::size_t n = lf == std::string_view::npos ? rest.size() : lf + 1;
  if (n > limit - used) {
    ec_ = too_long;
    return false;
  }
  used += n;
  pos += n;
  if (lf == std::string_view::npos) {
    line_.append(rest);
    return false;
  }
  if (line_.empty()) {
    line = rest.substr(0, lf);
  } else {
    line_.append(rest.substr(0, lf));
    line = line_;
  }
  return true;
}

inline std::error_code ResponseParser::on_line(std::string_view line) {
  switch (state_) {
    case State::status_line: {
      detail::StatusLine parsed;
      if (const auto ec = detail::parse_status_line(line, parsed)) return ec;
      version_ = parsed.minor_version == 0 ? Version::http_1_0 : Version::http_1_1;
      status_ = parsed.status;
      reason_.assign(parsed.reason);
      state_ = State::header_line;
      return {};
    }
    case State::header_line:
      if (detail::strip_cr(line).empty()) return finish_head();
      return detail::parse_field_line(line, fields_, limits_.max_header_count);
    case State::chunk_size: {
      std::uint64_t size = 0;
      if (const auto ec = detail::parse_chunk_size(line, size)) return ec;
      if (size == 0) {
        state_ = State::trailer_line;
      } else if (size > limits_.max_body_size - body_bytes_) {
        return Errc::body_too_large;
      } else {
        remaining_ = size;
        state_ = State::chunk_data;
      }
      return {};
    }
    case State::chunk_crlf:
      if (line != "\r") return Errc::bad_chunk_terminator;
      state_ = State::chunk_size;
      return {};
    default:  // trailer_line
      if (detail::strip_cr(line).empty()) {
        state_ = State::done;
        return {};
      }
      return detail::parse_field_line(line, trailers_, limits_.max_header_count);
  }
}

inline std::error_code ResponseParser::finish_head() {
  if (status_ < 200) {
    if (status_ == 101) return Errc::unexpected_upgrade;
    fields_.clear();  // 100 Continue, 103 Early Hints, ...: wait for the final response
    reason_.clear();
    state_ = State::status_line;
    return {};
  }
  detail::Framing framing;
  if (const auto ec = detail::read_framing(fields_, version_ == Version::http_1_0 ? 0 : 1, framing)) return ec;
  head_done_ = true;
  content_length_ = framing.content_length;
  chunked_ = framing.chunked;
  keep_alive_ = framing.keep_alive;
  if (head_request_ || status_ == 204 || status_ == 304) {
    body_kind_ = BodyKind::none;
    state_ = State::done;
  } else if (chunked_) {
    body_kind_ = BodyKind::chunked;
    state_ = State::chunk_size;
  } else if (content_length_) {
    if (*content_length_ > limits_.max_body_size) return Errc::body_too_large;
    body_kind_ = BodyKind::content_length;
    remaining_ = *content_length_;
    state_ = remaining_ == 0 ? State::done : State::body_length;
  } else {
    body_kind_ = BodyKind::until_eof;
    keep_alive_ = false;  // only the close ends the body
    state_ = State::body_eof;
  }
  return {};
}

}  // namespace reel::http
