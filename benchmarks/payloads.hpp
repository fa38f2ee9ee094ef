// SPDX-License-Identifier: BSL-1.0
/// @file
/// Realistic payloads for the JSON benchmark, shaped after the providers' specs, and the structs
/// they must decode to. Bodies are compact, as the servers send them.
#pragma once

#include "models.hpp"

#include <string_view>

namespace bench {

/// Venice `POST /video/retrieve`, 200 application/json while the job runs (the example values of
/// venice-swagger.yaml and the video generation guide).
inline constexpr std::string_view venice_status_json =
    R"json({"status":"PROCESSING","average_execution_time":145000,"execution_duration":53200})json";

inline VeniceRetrieveStatus venice_status_expected() {
  return {VeniceStatus::processing, 145000.0, 53200.0};
}

/// Lumenfall `GET /openai/v1/videos/{id}` for a completed job: the members of Lumenfall's
/// "Completed" example in its order, plus OpenAI's `progress` and `remixed_from_video_id`. The
/// prompt echoes the user's text: escaped quotes and raw UTF-8 (an em dash, as JSON.stringify
/// leaves it).
inline constexpr std::string_view lumenfall_video_json =
    R"json({"id":"video_68e5a0c1f2d88190a3b7c4e9d1f0a2b30e6c","object":"video","created_at":1759881409,)json"
    R"json("completed_at":1759881587,"expires_at":1759967987,"status":"completed","progress":100,"model":"sora-2",)json"
    R"json("prompt":"A capybara lounging in a hot spring, steam rising gently, slow camera pan across snow-dusted )json"
    R"json(pines — paper lanterns glow, a sign reads \"onsen\"; soft dawn light, 35mm film grain.","seconds":"8",)json"
    R"json("size":"1280x720","remixed_from_video_id":null,"output":{"url":"https://media.lumenfall.ai/v/)json"
    R"json(video_68e5a0c1f2d88190a3b7c4e9d1f0a2b30e6c.mp4?expires=1759967987&sig=Qm9v3kL1xZ8pT2rYw6nE4cJ7hU0aS5dF",)json"
    R"json("content_type":"video/mp4","size_bytes":15728640},"error":null,"metadata":{"model":"sora-2",)json"
    R"json("executed_model":"openai/sora-2","provider":"openai","provider_name":"OpenAI",)json"
    R"json("upstream_id":"video_68e5a0c1f2d88190a3b7c4e9d1f0a2b30e6c","cost":0.8,"cost_currency":"USD"}})json";

inline Video lumenfall_video_expected() {
  Video v;
  v.id = "video_68e5a0c1f2d88190a3b7c4e9d1f0a2b30e6c";
  v.object = "video";
  v.model = "sora-2";
  v.status = VideoStatus::completed;
  v.progress = 100;
  v.created_at = 1759881409;
  v.completed_at = 1759881587;
  v.expires_at = 1759967987;
  v.prompt =
      "A capybara lounging in a hot spring, steam rising gently, slow camera pan across snow-dusted pines "
      "\xE2\x80\x94 paper lanterns glow, a sign reads \"onsen\"; soft dawn light, 35mm film grain.";
  v.size = "1280x720";
  v.seconds = "8";
  v.output = VideoOutput{"https://media.lumenfall.ai/v/video_68e5a0c1f2d88190a3b7c4e9d1f0a2b30e6c.mp4"
                         "?expires=1759967987&sig=Qm9v3kL1xZ8pT2rYw6nE4cJ7hU0aS5dF",
                         "video/mp4", 15728640};
  VideoMetadata m;
  m.provider_name = "OpenAI";
  m.provider = "openai";
  m.upstream_id = "video_68e5a0c1f2d88190a3b7c4e9d1f0a2b30e6c";
  m.model = "sora-2";
  m.executed_model = "openai/sora-2";
  m.cost = 0.8;
  m.cost_currency = "USD";
  v.metadata = m;
  return v;
}

/// Venice `POST /video/queue` for an image-to-video job: a ~320-byte prompt with escaped quotes,
/// a newline and a non-ASCII character; unset optionals are omitted on the wire.
inline VeniceQueueRequest venice_queue_request() {
  VeniceQueueRequest r;
  r.model = "wan-2.5-preview-image-to-video";
  r.prompt =
      "Slow dolly shot along a narrow Venetian canal at golden hour. A gondolier in a striped shirt hums "
      "\"O sole mio\" as the boat glides under a stone bridge; warm light ripples across pastel fa\xC3\xA7"
      "ades and laundry lines.\nCamera: 35mm lens, shallow depth of field, gentle handheld sway. "
      "Cinematic colour grading, no on-screen text.";
  r.negative_prompt = "low resolution, error, worst quality, low quality, defects";
  r.duration = "10s";
  r.aspect_ratio = "16:9";
  r.resolution = "1080p";
  r.audio = true;
  r.image_url = "https://cdn.example.com/uploads/2025/10/rialto-bridge-golden-hour-3840x2160.jpg";
  return r;
}

}  // namespace bench
