// SPDX-License-Identifier: BSL-1.0
/// @file
/// Venice's video API types (`venice-swagger.yaml`): every field of `QueueVideoRequest`, the
/// quote, retrieve and complete bodies, the answers, the error shapes and `/models` video
/// constraints, as plain structs mapped to JSON by reflection.
#pragma once

#include <reel/config.hpp>
#include <reel/json/meta.hpp>
#include <reel/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace reel::venice {

/// Seedance consent attestations (all three must be true).
struct SeedanceConsent {
  bool confirmed_terms_and_privacy = true;
  bool confirmed_legal_right = true;
  bool confirmed_screening_acknowledged = true;
};
/// Provider-specific consents, required only by models that answered 409 `needs_consent`.
struct Consents {
  std::optional<SeedanceConsent> seedance;
};
/// One element of `elements` (Kling O3 R2V style character references).
struct Element {
  std::optional<std::string> frontal_image_url;
  std::optional<std::vector<std::string>> reference_image_urls;
  std::optional<std::string> video_url;
};
/// A keyframe pinned to a frame of the 24 fps output.
struct Keyframe {
  std::string image_url;
  std::int64_t frame_index = 0;
};

/// `POST /video/queue` body: every field of `QueueVideoRequest`; required are model, prompt and
/// duration. Which fields a model accepts is in its `/models` constraints.
struct QueueRequest {
  std::string model;
  std::optional<Consents> consents;
  std::string prompt;
  std::optional<std::string> negative_prompt;
  std::string duration;                       ///< "5s", "10s", ..., "-1", "auto"
  std::optional<std::string> aspect_ratio;    ///< "16:9", ...; required by models with aspect ratios
  std::optional<std::string> omni_reference_task_type;
  std::optional<std::string> resolution;      ///< "720p", ...
  std::optional<std::int64_t> upscale_factor; ///< 1, 2 or 4 (upscale models)
  std::optional<bool> audio;                  ///< only for models with configurable audio
  std::optional<std::string> image_url;       ///< http(s) URL or data:image/... URL
  std::optional<std::string> end_image_url;
  std::optional<std::string> audio_url;
  std::optional<std::string> video_url;
  std::optional<std::vector<std::string>> reference_image_urls;
  std::optional<std::vector<std::string>> reference_video_urls;
  std::optional<std::vector<std::string>> reference_audio_urls;
  std::optional<std::vector<std::string>> reference_document_urls;
  std::optional<std::vector<Element>> elements;
  std::optional<std::vector<std::string>> scene_image_urls;
  std::optional<std::vector<Keyframe>> keyframes;
};

/// `POST /video/quote` body.
struct QuoteRequest {
  std::string model;
  std::string duration;
  std::optional<std::string> aspect_ratio;
  std::optional<std::string> resolution;
  std::optional<std::int64_t> upscale_factor;
  std::optional<bool> audio;
  std::optional<std::string> video_url;
  std::optional<double> reference_video_total_duration;
};
struct QuoteResponse {
  double quote = 0;
};

/// `POST /video/retrieve` body.
struct RetrieveRequest {
  std::string model;
  std::string queue_id;
  std::optional<bool> delete_media_on_completion;
};
/// `POST /video/complete` body.
struct CompleteRequest {
  std::string model;
  std::string queue_id;
};

struct QueueResponse {
  std::string model;
  std::string queue_id;
  std::optional<std::string> download_url;  ///< private models only, returned once
};
/// The JSON answer of retrieve: "PROCESSING", or "COMPLETED" for private models.
struct RetrieveStatus {
  std::string status;
  std::optional<double> average_execution_time;  ///< ms, the model's P80
  std::optional<double> execution_duration;      ///< ms so far
};
struct CompleteResponse {
  bool success = false;
};

/// Video constraints of a model (`/models?type=video`, `model_spec.constraints`). An absent (or
/// wrongly typed) key is unknown and not checked; an empty list means the model does not take
/// that parameter.
struct VideoConstraints {
  std::optional<std::vector<std::string>> aspect_ratios;
  std::optional<std::vector<std::string>> resolutions;
  std::optional<std::vector<std::string>> durations;
  std::optional<std::string> model_type;
  std::optional<bool> audio;
  std::optional<bool> audio_configurable;
  std::optional<double> prompt_character_limit;
};
struct ModelSpec {
  std::optional<std::string> name;
  std::optional<std::string> privacy;
  std::optional<bool> offline;
  std::optional<VideoConstraints> constraints;
};
struct Model {
  std::string id;
  std::string type;
  std::optional<ModelSpec> model_spec;
};
struct ModelList {
  std::vector<Model> data;
};

}  // namespace reel::venice
