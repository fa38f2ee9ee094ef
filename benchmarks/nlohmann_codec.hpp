// SPDX-License-Identifier: BSL-1.0
/// @file
/// The benchmark's structs through nlohmann::json: `json::parse` into its DOM, then hand-written
/// `from_json` functions that check types, require the required members and treat absent or null
/// as an empty optional; encoding builds a `json` object and calls `dump()`.
#pragma once

#include "models.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bench {

namespace nl {

using json = nlohmann::json;

template <class E, std::size_t N>
E enum_from(const json& j, const char* const (&names)[N]) {
  const auto& s = j.get_ref<const std::string&>();  // throws type_error unless a string
  for (std::size_t i = 0; i < N; ++i) {
    if (s == names[i]) return static_cast<E>(i);
  }
  throw std::invalid_argument("unknown enum value \"" + s + "\"");
}

template <class T>
void required(const json& j, const char* key, T& out) {
  j.at(key).get_to(out);  // throws out_of_range when absent, type_error on a wrong kind
}

template <class T>
void optional(const json& j, const char* key, std::optional<T>& out) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    out.reset();
  } else {
    it->get_to(out.emplace());
  }
}

}  // namespace nl

// Found by ADL from nlohmann's get_to / get.
inline void from_json(const nl::json& j, VideoError& v) {
  nl::required(j, "code", v.code);
  nl::required(j, "message", v.message);
}

inline void from_json(const nl::json& j, VideoOutput& v) {
  nl::required(j, "url", v.url);
  nl::required(j, "content_type", v.content_type);
  nl::required(j, "size_bytes", v.size_bytes);
}

inline void from_json(const nl::json& j, VideoMetadata& v) {
  if (!j.is_object()) throw std::invalid_argument("metadata: expected an object");
  nl::optional(j, "provider_name", v.provider_name);
  nl::optional(j, "provider", v.provider);
  nl::optional(j, "upstream_id", v.upstream_id);
  nl::optional(j, "model", v.model);
  nl::optional(j, "executed_model", v.executed_model);
  nl::optional(j, "cost", v.cost);
  nl::optional(j, "cost_estimate", v.cost_estimate);
  nl::optional(j, "cost_currency", v.cost_currency);
}

inline void from_json(const nl::json& j, Video& v) {
  nl::required(j, "id", v.id);
  nl::required(j, "object", v.object);
  nl::required(j, "model", v.model);
  v.status = nl::enum_from<VideoStatus>(j.at("status"), video_status_names);
  nl::optional(j, "progress", v.progress);
  nl::required(j, "created_at", v.created_at);
  nl::optional(j, "completed_at", v.completed_at);
  nl::optional(j, "expires_at", v.expires_at);
  nl::optional(j, "prompt", v.prompt);
  nl::required(j, "size", v.size);
  nl::required(j, "seconds", v.seconds);
  nl::optional(j, "remixed_from_video_id", v.remixed_from_video_id);
  nl::optional(j, "error", v.error);
  nl::optional(j, "output", v.output);
  nl::optional(j, "metadata", v.metadata);
}

inline void from_json(const nl::json& j, VeniceRetrieveStatus& v) {
  v.status = nl::enum_from<VeniceStatus>(j.at("status"), venice_status_names);
  nl::required(j, "average_execution_time", v.average_execution_time);
  nl::required(j, "execution_duration", v.execution_duration);
}

inline void to_json(nl::json& j, const VeniceQueueRequest& r) {
  j = nl::json::object();
  j["model"] = r.model;
  j["prompt"] = r.prompt;
  if (r.negative_prompt) j["negative_prompt"] = *r.negative_prompt;
  j["duration"] = r.duration;
  if (r.aspect_ratio) j["aspect_ratio"] = *r.aspect_ratio;
  if (r.resolution) j["resolution"] = *r.resolution;
  if (r.upscale_factor) j["upscale_factor"] = *r.upscale_factor;
  if (r.audio) j["audio"] = *r.audio;
  if (r.image_url) j["image_url"] = *r.image_url;
  if (r.end_image_url) j["end_image_url"] = *r.end_image_url;
  if (r.audio_url) j["audio_url"] = *r.audio_url;
  if (r.video_url) j["video_url"] = *r.video_url;
  if (r.reference_image_urls) j["reference_image_urls"] = *r.reference_image_urls;
}

namespace nl {

/// Parses and fills `out`; throws nlohmann::json::exception or std::invalid_argument on failure.
template <class T>
void decode(std::string_view text, T& out) {
  const json j = json::parse(text);
  j.get_to(out);
}

inline std::string encode(const VeniceQueueRequest& r) { return json(r).dump(); }

}  // namespace nl
}  // namespace bench
