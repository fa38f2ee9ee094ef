// SPDX-License-Identifier: BSL-1.0
/// @file
/// What the OpenAI-shaped `/videos` providers share (`Lumenfall`, `OpenAiVideos`): the wire
/// structs of the video object's parts, the `size` mapping of a neutral request, and the reading
/// of the `{"error": {"message", "type", "param", "code"}}` envelope (or `{"error": "text"}`).
#pragma once

#include <reel/config.hpp>
#include <reel/http/message.hpp>
#include <reel/job/error.hpp>
#include <reel/json/read.hpp>
#include <reel/json/value.hpp>
#include <reel/json/write.hpp>
#include <reel/providers/common.hpp>

#include <cstdlib>
#include <optional>
#include <string>
#include <tuple>
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

}  // namespace reel::openai_compat
