// SPDX-License-Identifier: BSL-1.0
/// @file
/// What the OpenAI-shaped `/videos` providers share (`Lumenfall`, `OpenAiVideos`): the wire
/// structs of the video object's parts, the `size` mapping of a neutral request, and the reading
/// of the `{"error": {"message", "type", "param", "code"}}` envelope (or `{"error": "text"}`).
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/http/message.hpp>
#include <reel/job/error.hpp>
#include <reel/job/status.hpp>
#include <reel/json/read.hpp>
#include <reel/json/value.hpp>
#include <reel/json/write.hpp>
#include <reel/providers/common.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <tuple>
#include <string_view>
#include <utility>

namespace reel::openai_compat {

/// `input_reference`: exactly one of an image URL (http(s) or data URL) or an uploaded file id.
struct InputReference {
  std::optional<std::string> image_url;
  std::optional<std::string> file_id;
};

/// `error` of a failed video; both members may be absent or null.
struct VideoError {
  std::optional<std::string> code;
  std::optional<std::string> message;
};

/// `output` of a completed video, where a gateway hands out a download URL.
struct Output {
  std::optional<std::string> url;
  std::optional<std::string> content_type;
  std::optional<double> size_bytes;
};

/// Width and height of a "WxH" size, if `s` is one.
inline std::optional<std::pair<long, long>> pixel_size(const std::string& s) {
  const auto x = s.find('x');
  if (x == std::string::npos || x == 0 || x + 1 >= s.size() || x > 6 || s.size() - x > 7) return std::nullopt;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i != x && (s[i] < '0' || s[i] > '9')) return std::nullopt;
  }
  const long w = std::atol(s.substr(0, x).c_str());
  const long h = std::atol(s.substr(x + 1).c_str());
  if (w <= 0 || h <= 0) return std::nullopt;
  return std::pair<long, long>{w, h};
}

/// Width and height of a "W:H" aspect ratio (each 1 to 100), if `s` is one.
inline std::optional<std::pair<long, long>> aspect_of(const std::string& s) {
  const auto colon = s.find(':');
  if (colon == std::string::npos) return std::nullopt;
  const long w = std::atol(s.substr(0, colon).c_str());
  const long h = std::atol(s.substr(colon + 1).c_str());
  if (w <= 0 || h <= 0 || w > 100 || h > 100) return std::nullopt;
  return std::pair<long, long>{w, h};
}

/// `size` for a resolution ("1280x720" as it is; "720p" with `aspect`, 16:9 when none) and an
/// aspect ratio (alone: the aspect ratio itself).
inline std::optional<std::string> size_of(const std::optional<std::string>& resolution,
                                          const std::optional<std::string>& aspect) {
  if (!resolution) return aspect;
  const std::string& res = *resolution;
  if (res.find('x') != std::string::npos || res.size() < 2 || (res.back() != 'p' && res.back() != 'P')) return res;
  long lines = 0;
  for (std::size_t i = 0; i + 1 < res.size(); ++i) {
    if (res[i] < '0' || res[i] > '9' || lines > 100000) return res;
    lines = lines * 10 + (res[i] - '0');
  }
  long w = 16, h = 9;
  if (aspect) {
    const auto ratio = aspect_of(*aspect);
    if (!ratio) return res;
    std::tie(w, h) = *ratio;
  }
  // The short side is the resolution's line count; the long side is rounded to an even number.
  const bool landscape = w >= h;
  const long short_side = lines;
  const long long_side = ((lines * (landscape ? w : h) / (landscape ? h : w)) + 1) / 2 * 2;
  return landscape ? std::to_string(long_side) + "x" + std::to_string(short_side)
                   : std::to_string(short_side) + "x" + std::to_string(long_side);
}

/// Writes `extra`'s members into the JSON object body of `request` (before its closing brace);
/// a member that cannot be written empties the body, which `VideoJob` refuses to send.
inline void with_extra(http::Request& request, const json::Object& extra) { providers::append_extra(request.body, extra); }

/// The error of a non-success answer from its status, with the envelope's `message` and `code`
/// (`{"error": {...}}`, or `{"error": "text"}`) kept in `provider`; `type` stands in for a
/// missing or null `code`. Callers refine `code` from `provider.code`.
inline job::JobError envelope_error(const http::Response& r, bool type_as_code = false) {
  job::JobError e{make_error_code(providers::errc_for_status(r.head.status)), {}};
  e.provider.status = r.head.status;
  json::Value v;
  const json::Value* err = nullptr;
  if (!json::read(r.body, v)) err = v.find("error");
  if (err != nullptr && err->is_object()) {
    e.provider.message = providers::string_at(*err, "message");
    e.provider.code = providers::string_at(*err, "code");
    if (e.provider.code.empty() && type_as_code) e.provider.code = providers::string_at(*err, "type");
  } else if (err != nullptr && err->if_string()) {
    e.provider.message = *err->if_string();
  } else {
    e.provider.message = "HTTP " + std::to_string(r.head.status);
  }
  return e;
}

/// The status of a video object (`Video` has `status`, `progress`, `expires_at`, `error` and
/// `output` as `OpenAiVideos` and `Lumenfall` read them): the status word (`queued`,
/// `in_progress`, `completed`, `failed`, synonyms in any case; other words are data, read as
/// still running), the progress, the expiry, and for a completed video `output.url` (with its
/// `size_bytes`) or else `content_url`; with an empty `content_url` a completed video without
/// `output.url` is not ready yet. `refusal(code)` says whether a failed video's `error.code` is
/// a content-policy refusal.
template <class Video, class Refusal>
job::Status status_of(const Video& video, const std::string& content_url, Refusal&& refusal) {
  job::Status s;
  if (video.progress && *video.progress == *video.progress) {  // not NaN
    s.percent = static_cast<int>(std::clamp(*video.progress, 0.0, 100.0));
  }
  if (video.expires_at && *video.expires_at > 0 && *video.expires_at < 1e11) {
    s.expires_at = static_cast<std::int64_t>(*video.expires_at);
  }
  switch (providers::classify_status(video.status)) {
    case providers::StatusWord::queued: s.phase = job::Phase::queued; break;
    case providers::StatusWord::running: s.phase = job::Phase::running; break;
    case providers::StatusWord::done:
      if (video.output && video.output->url && !video.output->url->empty()) {
        s.phase = job::Phase::ready;
        s.download_url = *video.output->url;
        if (const auto& size = video.output->size_bytes; size && *size >= 0 && *size < 1e15) {
          s.size_bytes = static_cast<std::uint64_t>(*size);
        }
      } else if (!content_url.empty()) {
        s.phase = job::Phase::ready;
        s.download_url = content_url;
      } else {
        // Done without a video to fetch: not ready; keep polling within the deadline.
        s.phase = job::Phase::running;
        s.unknown_status = video.status + " (without output.url)";
      }
      break;
    case providers::StatusWord::failed: {
      s.phase = job::Phase::failed;
      const VideoError err = video.error.value_or(VideoError{});
      s.error.provider.code = err.code.value_or("");
      s.error.code = make_error_code(refusal(std::string_view(s.error.provider.code)) ? job::Errc::content_policy
                                                                                      : job::Errc::failed_at_provider);
      s.error.provider.message = err.message.value_or("failed without an error message");
      break;
    }
    case providers::StatusWord::cancelled:
      s.phase = job::Phase::failed;
      s.error.code = make_error_code(job::Errc::cancelled_at_provider);
      s.error.provider.message = "status " + video.status;
      break;
    case providers::StatusWord::unknown:
      s.phase = job::Phase::running;
      s.unknown_status = video.status;
      break;
  }
  return s;
}

/// The answer of `DELETE /videos/{id}` as a cancel: 200 or 204, else `error_of(r)`.
template <class ErrorOf>
Result<void, job::JobError> cancel_result(const http::Response& r, ErrorOf&& error_of) {
  if (r.head.status != 200 && r.head.status != 204) return fail(error_of(r));
  return {};
}
/// The answer of `DELETE /videos/{id}` as a cleanup: as a cancel, and a 404 is already gone.
template <class ErrorOf>
Result<void, job::JobError> cleanup_result(const http::Response& r, ErrorOf&& error_of) {
  if (r.head.status == 404) return {};  // already gone: nothing left to clean
  return cancel_result(r, error_of);
}

}  // namespace reel::openai_compat
