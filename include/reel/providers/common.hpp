// SPDX-License-Identifier: BSL-1.0
/// @file
/// Helpers the provider traits share: JSON request building, reading JSON answers into typed
/// errors, media-type checks, and the Unix time.
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/http/message.hpp>
#include <reel/job/error.hpp>
#include <reel/json/read.hpp>
#include <reel/json/value.hpp>
#include <reel/json/write.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

namespace reel::providers {

/// The environment variable `name`, or `fallback` when it is unset or empty.
inline std::string env_or(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : std::move(fallback);
}

/// A provider `P` configured by the environment: the key from `P::key_env`, the base URL from
/// `P::base_url_env` when that is set (else `P`'s default).
template <class P>
P from_env() {
  P p;
  p.api_key = env_or(P::key_env, "");
  p.base_url = env_or(P::base_url_env, p.base_url);
  return p;
}

/// A JSON request with a bearer key. If `body` cannot be written as JSON (invalid UTF-8), the
/// request has an empty body, which `VideoJob` refuses to send.
template <class Body>
http::Request json_request(std::string method, std::string url, const Body& body, std::string_view api_key) {
  http::Request r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.headers.add("Authorization", "Bearer " + std::string(api_key));
  r.headers.add("Content-Type", "application/json");
  r.headers.add("Accept", "application/json");
  (void)json::write(body, r.body);
  return r;
}

/// Writes `extra`'s members into the JSON object `body` (before its closing brace); on an
/// unwritable member the body is cleared (`VideoJob` refuses an empty create).
inline void append_extra(std::string& body, const json::Object& extra) {
  if (extra.empty() || body.size() < 2 || body.back() != '}') return;
  std::string more;
  for (const auto& [key, value] : extra) {
    std::string k, v;
    if (json::write(key, k) || json::write(value, v)) {
      body.clear();
      return;
    }
    more += "," + k + ":" + v;
  }
  body.pop_back();
  if (body == "{") more.erase(0, 1);
  body += more + "}";
}

/// A bodiless request with a bearer key.
inline http::Request plain_request(std::string method, std::string url, std::string_view api_key) {
  http::Request r;
  r.method = std::move(method);
  r.url = std::move(url);
  if (!api_key.empty()) r.headers.add("Authorization", "Bearer " + std::string(api_key));
  r.headers.add("Accept", "application/json");
  return r;
}

/// A request to a download host: no Authorization (the key never leaves for another host), any
/// media type accepted.
inline http::Request media_request(std::string method, std::string url) {
  http::Request r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.headers.add("Accept", "*/*");
  return r;
}

/// The number of characters (Unicode code points) of UTF-8 text.
inline std::size_t utf8_length(std::string_view s) noexcept {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

/// Whether the answer's media type is `type` (parameters and case ignored).
inline bool has_media_type(const http::ResponseHead& head, std::string_view type) {
  const auto value = head.headers.find("Content-Type");
  if (!value) return false;
  std::string_view v = *value;
  v = v.substr(0, v.find(';'));
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  if (v.size() != type.size()) return false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const char a = (v[i] >= 'A' && v[i] <= 'Z') ? static_cast<char>(v[i] - 'A' + 'a') : v[i];
    if (a != type[i]) return false;
  }
  return true;
}

/// Reads a JSON answer body as `T`; an `unexpected_response` naming the JSON error otherwise.
template <class T>
Result<T, job::JobError> read_body(const http::Response& response) {
  T out{};
  if (const json::Error e = json::read(response.body, out)) {
    job::JobError err{make_error_code(job::Errc::unexpected_response), {}};
    err.provider.status = response.head.status;
    err.provider.message = "HTTP " + std::to_string(response.head.status) + " answer: " + e.message();
    return fail(std::move(err));
  }
  return out;
}

/// The string at `key` of a JSON object, if it is one.
inline std::string string_at(const json::Value& v, std::string_view key) {
  const std::string* s = v.find_string(key);
  return s != nullptr ? *s : std::string();
}

/// The status-only error for an HTTP status, before provider-specific refinements.
inline job::Errc errc_for_status(int status) {
  switch (status) {
    case 400: return job::Errc::invalid_request;
    case 401:
    case 403: return job::Errc::unauthorized;
    case 402: return job::Errc::insufficient_balance;
    case 404: return job::Errc::job_not_found;
    case 410: return job::Errc::link_expired;
    case 413: return job::Errc::payload_too_large;
    case 409: return job::Errc::invalid_request;
    case 422: return job::Errc::content_policy;
    case 429: return job::Errc::rate_limited;
    case 503: return job::Errc::at_capacity;
    default: return status >= 500 ? job::Errc::provider_error : job::Errc::unexpected_response;
  }
}

/// What a provider's status word means, whatever its case: the documented words, their obvious
/// synonyms, and `unknown` for anything new (which a job reads as still running).
enum class StatusWord { queued, running, done, failed, cancelled, unknown };

/// Classifies `status` ("QUEUED", "in_progress", "Completed", "succeeded", "canceled", ...).
inline StatusWord classify_status(std::string_view status) {
  std::string s;
  s.reserve(status.size());
  for (const char c : status) {
    if (c == '-' || c == ' ') {
      s.push_back('_');
    } else {
      s.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
    }
  }
  for (std::string_view w : {"queued", "pending", "waiting", "starting", "submitted", "in_queue", "throttled"}) {
    if (s == w) return StatusWord::queued;
  }
  for (std::string_view w : {"processing", "in_progress", "running", "generating", "dreaming"}) {
    if (s == w) return StatusWord::running;
  }
  for (std::string_view w : {"completed", "complete", "succeeded", "success", "done", "finished"}) {
    if (s == w) return StatusWord::done;
  }
  for (std::string_view w : {"failed", "failure", "error", "errored"}) {
    if (s == w) return StatusWord::failed;
  }
  for (std::string_view w : {"cancelled", "canceled", "aborted"}) {
    if (s == w) return StatusWord::cancelled;
  }
  return StatusWord::unknown;
}

/// Finds `"key": "value"` in text that is not valid JSON (a body cut off mid-way), for salvaging
/// an id the provider did send. Empty when it is not there whole.
inline std::string salvage_string(std::string_view body, std::string_view key) {
  const std::string quoted = "\"" + std::string(key) + "\"";
  const std::size_t at = body.find(quoted);
  if (at == std::string_view::npos) return {};
  std::size_t i = at + quoted.size();
  while (i < body.size() && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r')) ++i;
  if (i >= body.size() || body[i] != ':') return {};
  ++i;
  while (i < body.size() && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r')) ++i;
  if (i >= body.size() || body[i] != '"') return {};
  const std::size_t begin = ++i;
  while (i < body.size() && body[i] != '"') {
    const char c = body[i];
    // ids are plain tokens: anything else means the value is not what it seems
    if (c == '\\' || static_cast<unsigned char>(c) < 0x20) return {};
    ++i;
  }
  if (i >= body.size() || i == begin) return {};
  return std::string(body.substr(begin, i - begin));
}

/// Seconds since the Unix epoch, from a calendar time.
inline std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace reel::providers
