// SPDX-License-Identifier: BSL-1.0
/// @file
/// The benchmark's structs through RapidJSON: `Document::Parse` (kParseDefaultFlags) into its DOM,
/// then every member looked up with `FindMember` and type-checked (`IsString`, `IsInt64`, ...)
/// before it is copied into the struct; encoding streams through `Writer<StringBuffer>`.
#pragma once

#include "models.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bench::rj {

using Value = rapidjson::Value;

inline bool get(const Value& v, std::string& out) {
  if (!v.IsString()) return false;
  out.assign(v.GetString(), v.GetStringLength());
  return true;
}
inline bool get(const Value& v, double& out) {
  if (!v.IsNumber()) return false;
  out = v.GetDouble();
  return true;
}
inline bool get(const Value& v, std::int64_t& out) {
  if (!v.IsInt64()) return false;
  out = v.GetInt64();
  return true;
}
inline bool get(const Value& v, int& out) {
  if (!v.IsInt()) return false;
  out = v.GetInt();
  return true;
}
template <class E, std::size_t N>
bool get_enum(const Value& v, E& out, const char* const (&names)[N]) {
  if (!v.IsString()) return false;
  const std::string_view s(v.GetString(), v.GetStringLength());
  for (std::size_t i = 0; i < N; ++i) {
    if (s == names[i]) {
      out = static_cast<E>(i);
      return true;
    }
  }
  return false;
}

bool get(const Value& v, VideoError& out);
bool get(const Value& v, VideoOutput& out);
bool get(const Value& v, VideoMetadata& out);

template <class T>
bool required(const Value& obj, const char* key, T& out) {
  const auto it = obj.FindMember(key);
  return it != obj.MemberEnd() && get(it->value, out);
}

template <class T>
bool optional(const Value& obj, const char* key, std::optional<T>& out) {
  const auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || it->value.IsNull()) {
    out.reset();
    return true;
  }
  return get(it->value, out.emplace());
}

inline bool get(const Value& v, VideoError& out) {
  return v.IsObject() && required(v, "code", out.code) && required(v, "message", out.message);
}

inline bool get(const Value& v, VideoOutput& out) {
  return v.IsObject() && required(v, "url", out.url) && required(v, "content_type", out.content_type) &&
         required(v, "size_bytes", out.size_bytes);
}

inline bool get(const Value& v, VideoMetadata& out) {
  return v.IsObject() && optional(v, "provider_name", out.provider_name) && optional(v, "provider", out.provider) &&
         optional(v, "upstream_id", out.upstream_id) && optional(v, "model", out.model) &&
         optional(v, "executed_model", out.executed_model) && optional(v, "cost", out.cost) &&
         optional(v, "cost_estimate", out.cost_estimate) && optional(v, "cost_currency", out.cost_currency);
}

inline bool get(const Value& v, Video& out) {
  if (!v.IsObject()) return false;
  const auto status = v.FindMember("status");
  return required(v, "id", out.id) && required(v, "object", out.object) && required(v, "model", out.model) &&
         status != v.MemberEnd() && get_enum(status->value, out.status, video_status_names) &&
         optional(v, "progress", out.progress) && required(v, "created_at", out.created_at) &&
         optional(v, "completed_at", out.completed_at) && optional(v, "expires_at", out.expires_at) &&
         optional(v, "prompt", out.prompt) && required(v, "size", out.size) && required(v, "seconds", out.seconds) &&
         optional(v, "remixed_from_video_id", out.remixed_from_video_id) && optional(v, "error", out.error) &&
         optional(v, "output", out.output) && optional(v, "metadata", out.metadata);
}

inline bool get(const Value& v, VeniceRetrieveStatus& out) {
  if (!v.IsObject()) return false;
  const auto status = v.FindMember("status");
  return status != v.MemberEnd() && get_enum(status->value, out.status, venice_status_names) &&
         required(v, "average_execution_time", out.average_execution_time) &&
         required(v, "execution_duration", out.execution_duration);
}

/// Parses and fills `out`; false on a syntax error, a missing member or a wrong type.
/// `text` must be followed by a NUL (a literal or a std::string's buffer, as an HTTP body is):
/// RapidJSON 1.1's fast path is the NUL-terminated `Parse(const char*)`; its `Parse(str, length)`
/// reads through a generic MemoryStream without the SIMD string scan and costs ~20% more.
template <class T>
bool decode(std::string_view text, T& out) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseDefaultFlags>(text.data());
  if (d.HasParseError()) return false;
  return get(d, out);
}

template <class W>
void put(W& w, const char* key, const std::string& s) {
  w.Key(key);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

/// Streams `r` as compact JSON, omitting unset optionals, into a new std::string.
inline std::string encode(const VeniceQueueRequest& r) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  put(w, "model", r.model);
  put(w, "prompt", r.prompt);
  if (r.negative_prompt) put(w, "negative_prompt", *r.negative_prompt);
  put(w, "duration", r.duration);
  if (r.aspect_ratio) put(w, "aspect_ratio", *r.aspect_ratio);
  if (r.resolution) put(w, "resolution", *r.resolution);
  if (r.upscale_factor) {
    w.Key("upscale_factor");
    w.Int(*r.upscale_factor);
  }
  if (r.audio) {
    w.Key("audio");
    w.Bool(*r.audio);
  }
  if (r.image_url) put(w, "image_url", *r.image_url);
  if (r.end_image_url) put(w, "end_image_url", *r.end_image_url);
  if (r.audio_url) put(w, "audio_url", *r.audio_url);
  if (r.video_url) put(w, "video_url", *r.video_url);
  if (r.reference_image_urls) {
    w.Key("reference_image_urls");
    w.StartArray();
    for (const auto& u : *r.reference_image_urls) w.String(u.data(), static_cast<rapidjson::SizeType>(u.size()));
    w.EndArray();
  }
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

}  // namespace bench::rj
