// SPDX-License-Identifier: BSL-1.0
/// @file
/// The typed targets of the JSON benchmark: the structs every library decodes into or encodes
/// from, and their reel mapping. Field types follow the providers' specs (see README.md).
#pragma once

#include <reel/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bench {

// --- Venice: 200 application/json body of POST /video/retrieve (venice-swagger.yaml) ---------

enum class VeniceStatus { processing, completed };

struct VeniceRetrieveStatus {
  VeniceStatus status{};
  double average_execution_time = 0;  // milliseconds ("type: number")
  double execution_duration = 0;      // milliseconds ("type: number")
  friend bool operator==(const VeniceRetrieveStatus&, const VeniceRetrieveStatus&) = default;
};

// --- Lumenfall: GET /openai/v1/videos/{id} (OpenAI VideoResource + Lumenfall output/metadata) ---

enum class VideoStatus { queued, in_progress, completed, failed };

struct VideoError {  // OpenAI "Error-2": both required
  std::string code;
  std::string message;
  friend bool operator==(const VideoError&, const VideoError&) = default;
};

struct VideoOutput {  // Lumenfall: present when completed
  std::string url;
  std::string content_type;
  std::int64_t size_bytes = 0;
  friend bool operator==(const VideoOutput&, const VideoOutput&) = default;
};

struct VideoMetadata {  // Lumenfall: every member optional (cost vs cost_estimate by state)
  std::optional<std::string> provider_name;
  std::optional<std::string> provider;
  std::optional<std::string> upstream_id;
  std::optional<std::string> model;
  std::optional<std::string> executed_model;
  std::optional<double> cost;
  std::optional<double> cost_estimate;
  std::optional<std::string> cost_currency;
  friend bool operator==(const VideoMetadata&, const VideoMetadata&) = default;
};

/// Members in the order of OpenAI's VideoResource schema, then Lumenfall's additions; this is
/// deliberately not the order of the payload (a client cannot choose the server's order).
struct Video {
  std::string id;
  std::string object;
  std::string model;
  VideoStatus status{};
  std::optional<int> progress;  // required by OpenAI, absent in Lumenfall's examples
  std::int64_t created_at = 0;
  std::optional<std::int64_t> completed_at;
  std::optional<std::int64_t> expires_at;
  std::optional<std::string> prompt;
  std::string size;
  std::string seconds;
  std::optional<std::string> remixed_from_video_id;
  std::optional<VideoError> error;
  std::optional<VideoOutput> output;
  std::optional<VideoMetadata> metadata;
  friend bool operator==(const Video&, const Video&) = default;
};

// --- Venice: POST /video/queue body (QueueVideoRequest in venice-swagger.yaml) ----------------

/// The commonly used members of QueueVideoRequest, in the schema's order; unset optionals are
/// omitted from the JSON.
struct VeniceQueueRequest {
  std::string model;
  std::string prompt;
  std::optional<std::string> negative_prompt;
  std::string duration;
  std::optional<std::string> aspect_ratio;
  std::optional<std::string> resolution;
  std::optional<int> upscale_factor;
  std::optional<bool> audio;
  std::optional<std::string> image_url;
  std::optional<std::string> end_image_url;
  std::optional<std::string> audio_url;
  std::optional<std::string> video_url;
  std::optional<std::vector<std::string>> reference_image_urls;
  friend bool operator==(const VeniceQueueRequest&, const VeniceQueueRequest&) = default;
};

/// Enum spellings shared by the hand-written nlohmann and RapidJSON codecs.
inline constexpr const char* venice_status_names[] = {"PROCESSING", "COMPLETED"};
inline constexpr const char* video_status_names[] = {"queued", "in_progress", "completed", "failed"};

}  // namespace bench

template <>
struct reel::json::Meta<bench::VeniceStatus> {
  static constexpr auto names = reel::json::enum_names<bench::VeniceStatus>(
      {{bench::VeniceStatus::processing, "PROCESSING"}, {bench::VeniceStatus::completed, "COMPLETED"}});
};

template <>
struct reel::json::Meta<bench::VideoStatus> {
  static constexpr auto names = reel::json::enum_names<bench::VideoStatus>({{bench::VideoStatus::queued, "queued"},
                                                                            {bench::VideoStatus::in_progress, "in_progress"},
                                                                            {bench::VideoStatus::completed, "completed"},
                                                                            {bench::VideoStatus::failed, "failed"}});
};
