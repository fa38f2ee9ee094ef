// SPDX-License-Identifier: BSL-1.0
// The simulator's configuration, read from JSON (`--config FILE`, `POST /__sim/config`,
// `POST /__sim/rules`): models with their constraints, job timing, and rules that shape jobs or
// inject faults per endpoint, model, prompt or key. See docs/simulator.md.
#pragma once

#include <reel/json/meta.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace reel_sim {

/// How long a job runs and how it ends.
struct JobSpec {
  std::optional<std::int64_t> duration_ms;      ///< fixed running time
  std::optional<std::int64_t> duration_min_ms;  ///< uniform in [min, max] (seeded) ...
  std::optional<std::int64_t> duration_max_ms;
  std::optional<std::int64_t> duration_mean_ms; ///< ... or exponential with this mean (seeded)
  std::optional<std::int64_t> polls;            ///< or: done at the N-th status request
  std::optional<double> eta_factor;             ///< reported estimate = real duration × factor
  /// "succeed" (default), "fail", "content_policy", or "content_policy_legacy" (Venice's older
  /// 422 shape `{"error": "..."}` instead of swagger.yaml's `{"error": {"message", "type", ...}}`);
  /// Replicate also "canceled" and "aborted" (the prediction ends so)
  std::optional<std::string> outcome;
  std::optional<std::string> fail_code;         ///< for "fail"
  std::optional<std::string> fail_message;
  std::optional<std::int64_t> output_bytes;     ///< size of the MP4 served (default: the sample)
};

/// A model one of the providers offers.
struct ModelConfig {
  std::string id;
  std::string provider;  ///< "venice", "lumenfall", "fal", "replicate", "runway", "luma", "google-veo" or "openai"
  std::string name;
  std::string model_type = "text-to-video";  ///< "text-to-video", "image-to-video", "video"
  std::vector<std::string> durations;        ///< Venice "5s"; Lumenfall seconds "4"
  std::vector<std::string> resolutions;      ///< Venice "720p"; Lumenfall sizes "1280x720"
  std::vector<std::string> aspect_ratios;
  bool audio = false;
  bool audio_configurable = false;
  std::int64_t prompt_character_limit = 2500;
  bool private_download = false;  ///< Venice: queue returns a one-time download_url
  bool retired = false;           ///< Google Veo: a retired id, answering 404 "is no longer available"
  /// Venice: 409 needs_consent when a request carries face-bearing media (image, end image, reference images,
  /// video, reference videos: swagger's `face_media_roles`) without `consents.seedance`
  bool needs_consent = false;
  double usd_per_second = 0.05;
  std::int64_t capacity = 0;  ///< concurrent running jobs; more wait (retrieve answers 503); 0 = unlimited
  JobSpec job;
};

/// Which requests a rule applies to; absent members match everything.
struct Match {
  std::optional<std::string> endpoint;  ///< e.g. "venice.retrieve", "lumenfall.create", "venice.download"
  std::optional<std::string> model;
  std::optional<std::string> prompt_contains;
  std::optional<std::string> key;  ///< API key
};

/// What a rule does to a matching request.
struct Fault {
  std::optional<int> status;               ///< answer with this status and the provider's error body
  std::optional<std::string> message;      ///< error message for that body
  std::optional<std::string> body;         ///< raw body instead
  std::optional<std::string> retry_after;  ///< Retry-After value ("2" or an HTTP date)
  std::optional<std::int64_t> reset_at;    ///< TCP reset after this many reply bytes
  std::optional<std::int64_t> stall_ms;    ///< pause this long ...
  std::optional<std::int64_t> stall_at;    ///< ... after this many reply bytes (default 0)
  std::optional<std::int64_t> truncate_at; ///< chunked body cut after this many body bytes
  std::optional<std::int64_t> trickle_bps; ///< bytes per second
};

/// A rule: jobs matching it get `job`; requests matching it get `fault`.
struct Rule {
  Match match;
  std::optional<JobSpec> job;
  std::optional<Fault> fault;
  std::optional<std::int64_t> skip;   ///< let this many matching requests through first
  std::optional<std::int64_t> times;  ///< then apply this many times (default: always)
  std::optional<double> probability;  ///< seeded chance of applying (default 1)
};

/// Answers the providers' documents allow or leave open, though the simulator's defaults (written next to the
/// client) never send them; all off by default. See docs/simulator.md ("Drift").
struct Drift {
  /// Status strings: "upper" | "lower" | "title" — every job status string the provider sends is written in that case
  /// (Venice "PROCESSING" -> "processing"; Lumenfall "in_progress" -> "IN_PROGRESS").
  std::optional<std::string> status_case;
  /// Statuses the provider sends, one per status request, before its normal answers begin (e.g.
  /// ["preprocessing", "QUEUED", "finalizing"]): Venice retrieve as {"status": s, ...}, Lumenfall GET as the video
  /// object with status s. These polls do not count toward a job's `polls` spec.
  std::vector<std::string> extra_statuses;
  /// Lumenfall: spell the final success status this way (e.g. "succeeded") instead of "completed"; and "canceled" or
  /// "cancelled" for a DELETEd running job's status (default the simulator's existing word).
  std::optional<std::string> completed_status;
  std::optional<std::string> cancelled_status;
  /// Lumenfall: progress, created_at, completed_at, expires_at and seconds sent as fractional numbers (e.g. 12.5, 1764800000.25).
  bool fractional_numbers = false;
  /// Lumenfall: optional fields present as JSON null (error, output while not completed, metadata, model, size,
  /// progress after completion, error.code inside a failed job's error).
  bool nulls = false;
  /// Lumenfall: progress, created_at, completed_at and error.code left out entirely.
  bool omit_optional = false;
  /// Venice /models: every model's constraints lack these keys (e.g. ["aspect_ratios", "resolutions"]); and
  /// models listed here get an entry whose constraints hold a wrongly typed value (e.g. "durations": "5s").
  std::vector<std::string> models_missing_keys;
  std::vector<std::string> models_malformed;
  /// Lumenfall: POST /videos?dryRun=true ignores dryRun — creates a real (billed) job and answers 202 with the video object.
  bool dry_run_creates = false;
  /// Venice queue and Lumenfall create: the job IS created (and billed), then the answer is this status (500, 502, 504,
  /// 524) with a gateway-style text/html body. Applies to the first `create_error_times` creates (default 1).
  std::optional<int> create_error_status;
  std::int64_t create_error_times = 1;
  /// Venice queue: the job is created, the answer is 200 application/json whose body is cut off after the queue_id
  /// value (e.g. `{"model":"m","queue_id":"abc","download_url":"htt`), unreadable as JSON. First create only.
  bool create_truncated_body = false;
  /// Venice retrieve: jobs whose outcome is "fail" answer every retrieve with 500 {"error": "Inference failed"}
  /// (instead of the 422 content shape) once they would have ended.
  bool inference_failed_500 = false;
  /// Venice retrieve: 503 {"error": "...at capacity..."} for this many retrieves of each job before normal answers.
  std::int64_t capacity_503_polls = 0;
  /// Media downloads (Venice one-time download_url GET, Lumenfall output.url GET): answer this status instead (403, 404,
  /// 410, 429) with a small XML/HTML body like a storage bucket; for the first `media_status_times` GETs (default: all).
  std::optional<int> media_status;
  std::optional<std::int64_t> media_status_times;
  /// Media downloads: 200 with a non-video body: "html" (text/html, an error page) or "json" (application/json
  /// {"error": ...}); Content-Length true to that body.
  std::optional<std::string> media_body;
  /// The announced size (Lumenfall output.size_bytes; Venice has none, so Lumenfall only) differs from the real video
  /// size by this many bytes; the download's Content-Length stays true and the body is complete.
  std::int64_t announce_size_delta = 0;
  /// Cleanup answers: the one-time link DELETE (Venice) answers this status; Lumenfall DELETE of a completed job
  /// answers this status (e.g. 403, 404, 409, 500). The simulator does NOT delete anything when it answers so.
  std::optional<int> link_delete_status;
  std::optional<int> cleanup_status;
  /// Google Veo: the sample's video uri on the media origin (another host) instead of the API's own
  /// /v1beta/files/{id}:download; and the keyed download answering 302 to the media origin.
  bool veo_uri_on_media_origin = false;
  bool veo_download_redirect = false;
};

/// The OpenAI-compatible `/videos` mode under /oai/v1 (see docs/simulator.md, "OpenAI videos").
struct OpenAiConfig {
  std::string auth_header = "Authorization";  ///< the header carrying the key (e.g. "api-key")
  std::string auth_scheme = "Bearer";         ///< its scheme word before the key; empty: the key alone
  /// Honour `Idempotency-Key` on creates: the same key and body return the same video, another
  /// body is a 422; off: the header is ignored and every create makes a video.
  bool idempotency = false;
  /// Completed videos carry `output.url` on the media origin (no key; a gateway's shape); off:
  /// the video is only at `GET /videos/{id}/content` (with the key), as OpenAI's API.
  bool output_url = false;
};

/// Everything configurable.
struct Config {
  std::vector<ModelConfig> models;
  std::vector<Rule> rules;
  JobSpec job;                              ///< defaults for every job
  std::vector<std::string> api_keys;        ///< accepted keys; empty: any non-empty bearer token
  std::optional<double> balance_usd;        ///< per key; 402 once spent (default: unlimited)
  std::vector<std::string> blocked_terms;   ///< prompts containing one are refused at submit
  std::map<std::string, std::int64_t> rate_limits;  ///< endpoint → requests per minute per key
  bool abuse_guard = true;                  ///< Venice: >20 failed requests in 30 s block a key 30 s
  std::int64_t download_ttl_s = 86400;      ///< Venice download_url and Lumenfall output lifetime
  std::int64_t download_max_fetches = 5;    ///< Venice download_url GETs before 429
  std::int64_t poll_after_ms = 1000;        ///< Lumenfall openai-poll-after-ms header
  std::uint64_t seed = 1;
  Drift drift;                              ///< answers the documents allow that the defaults never send
  OpenAiConfig openai;                      ///< the OpenAI-compatible mode's auth header, idempotency, output URL
};

/// The models and rules the simulator starts with.
inline Config default_config() {
  Config c;
  auto venice = [&](std::string id, std::string type) {
    ModelConfig m;
    m.id = std::move(id);
    m.provider = "venice";
    m.name = m.id;
    m.model_type = std::move(type);
    m.durations = {"5s", "10s"};
    m.resolutions = {"480p", "720p", "1080p"};
    m.aspect_ratios = {"16:9", "9:16", "1:1"};
    m.audio = true;
    m.audio_configurable = true;
    return m;
  };
  c.models.push_back(venice("wan-2.5-preview-text-to-video", "text-to-video"));
  ModelConfig i2v = venice("wan-2.5-preview-image-to-video", "image-to-video");
  i2v.aspect_ratios = {};
  c.models.push_back(i2v);
  ModelConfig grok = venice("grok-imagine-text-to-video-private", "text-to-video");
  grok.private_download = true;
  grok.durations = {"6s", "10s"};
  grok.resolutions = {"720p"};
  grok.aspect_ratios = {"16:9", "9:16"};
  grok.audio_configurable = false;
  grok.usd_per_second = 0.04;
  c.models.push_back(grok);
  ModelConfig seedance = venice("seedance-2-0-text-to-video-basic", "text-to-video");
  seedance.needs_consent = true;
  seedance.prompt_character_limit = 20000;
  c.models.push_back(seedance);
  // Seedance's reference-to-video: the consent flow applies to the face-bearing media it takes.
  ModelConfig r2v = venice("seedance-2-0-reference-to-video", "image-to-video");
  r2v.needs_consent = true;
  r2v.prompt_character_limit = 20000;
  c.models.push_back(r2v);

  auto lumenfall = [&](std::string id, std::vector<std::string> seconds, std::vector<std::string> sizes,
                       double usd) {
    ModelConfig m;
    m.id = std::move(id);
    m.provider = "lumenfall";
    m.name = m.id;
    m.durations = std::move(seconds);
    m.resolutions = std::move(sizes);
    m.aspect_ratios = {"16:9", "9:16"};
    m.usd_per_second = usd;
    m.prompt_character_limit = 32000;
    return m;
  };
  c.models.push_back(lumenfall("sora-2", {"4", "8", "12"}, {"720x1280", "1280x720"}, 0.10));
  c.models.push_back(lumenfall("sora-2-pro", {"4", "8", "12"}, {"720x1280", "1280x720", "1024x1792", "1792x1024"}, 0.30));
  c.models.push_back(lumenfall("veo-3.1", {"4", "6", "8"}, {"1280x720", "720x1280", "1920x1080"}, 0.20));

  auto replicate = [&](std::string id, std::vector<std::string> seconds, std::vector<std::string> resolutions,
                       std::vector<std::string> ratios, double usd) {
    ModelConfig m;
    m.id = std::move(id);
    m.provider = "replicate";
    m.name = m.id;
    m.durations = std::move(seconds);
    m.resolutions = std::move(resolutions);
    m.aspect_ratios = std::move(ratios);
    m.usd_per_second = usd;
    return m;
  };
  c.models.push_back(replicate("google/veo-3-fast", {"4", "6", "8"}, {"720p", "1080p"}, {"16:9", "9:16"}, 0.15));
  c.models.push_back(replicate("minimax/hailuo-02", {"6", "10"}, {"512p", "768p", "1080p"}, {}, 0.045));
  // fal endpoint ids (owner/app/path); durations as the endpoints' Literal strings.
  auto fal = [&](std::string id, std::vector<std::string> durations, std::vector<std::string> resolutions, double usd) {
    ModelConfig m;
    m.id = std::move(id);
    m.provider = "fal";
    m.name = m.id;
    m.durations = std::move(durations);
    m.resolutions = std::move(resolutions);
    m.aspect_ratios = {"16:9", "9:16", "1:1"};
    m.usd_per_second = usd;
    return m;
  };
  c.models.push_back(fal("fal-ai/kling-video/v2.1/master/text-to-video", {"5", "10"}, {}, 0.28));
  c.models.push_back(fal("fal-ai/veo3", {"4s", "6s", "8s"}, {"720p", "1080p"}, 0.40));
  // Luma Dream Machine models (the SDK's create union).
  auto luma = [&](std::string id, double usd) {
    ModelConfig m;
    m.id = std::move(id);
    m.provider = "luma";
    m.name = m.id;
    m.durations = {"5s", "9s"};
    m.resolutions = {"540p", "720p", "1080p", "4k"};
    m.aspect_ratios = {"1:1", "16:9", "9:16", "4:3", "3:4", "21:9", "9:21"};
    m.usd_per_second = usd;
    return m;
  };
  c.models.push_back(luma("ray-2", 0.10));
  c.models.push_back(luma("ray-flash-2", 0.04));

  // Runway models: durations in seconds, pixel ratios.
  auto runway = [&](std::string id, std::string type, std::vector<std::string> durations, double usd) {
    ModelConfig m;
    m.id = std::move(id);
    m.provider = "runway";
    m.name = m.id;
    m.model_type = std::move(type);
    m.durations = std::move(durations);
    m.aspect_ratios = {"1280:720", "720:1280", "1104:832", "832:1104", "960:960", "1584:672"};
    m.prompt_character_limit = 1000;
    m.usd_per_second = usd;
    return m;
  };
  // gen4.5: an integer from 2 to 10 seconds (the SDK's Gen4_5 create params).
  c.models.push_back(runway("gen4.5", "text-to-video", {"2", "3", "4", "5", "6", "7", "8", "9", "10"}, 0.12));
  c.models.push_back(runway("gen4_turbo", "image-to-video", {"5", "10"}, 0.05));

  // Google Veo on the Gemini API (model ids are data; the preview ids were retired on 2026-10-22).
  auto veo = [&](std::string id, double usd, bool retired) {
    ModelConfig m;
    m.id = std::move(id);
    m.provider = "google-veo";
    m.name = m.id;
    m.durations = {"4", "6", "8"};
    m.resolutions = {"720p", "1080p", "4k"};
    m.aspect_ratios = {"16:9", "9:16"};
    m.prompt_character_limit = 4000;
    m.usd_per_second = usd;
    m.retired = retired;
    return m;
  };
  c.models.push_back(veo("veo-3.1-generate-001", 0.40, false));
  c.models.push_back(veo("gemini-omni-1.1-flash", 0.15, false));
  c.models.push_back(veo("veo-3.1-generate-preview", 0.40, true));
  // The OpenAI-compatible mode's models: ids, seconds and sizes are configuration, not OpenAI's enums.
  ModelConfig openai = lumenfall("sora-2", {"4", "8", "12"}, {"720x1280", "1280x720"}, 0.10);
  openai.provider = "openai";
  openai.aspect_ratios = {};
  c.models.push_back(openai);
  openai.id = openai.name = "sora-2-pro";
  openai.resolutions = {"720x1280", "1280x720", "1024x1792", "1792x1024"};
  openai.usd_per_second = 0.30;
  c.models.push_back(openai);
  c.job.duration_ms = 3000;
  c.job.eta_factor = 1.0;
  c.blocked_terms = {"[blocked]"};
  c.rate_limits = {{"venice.queue", 40}, {"venice.retrieve", 120}, {"replicate.create", 600}, {"replicate.other", 3000}};

  Rule fail;
  fail.match.prompt_contains = "[fail]";
  fail.job = JobSpec{};
  fail.job->outcome = "fail";
  c.rules.push_back(fail);
  Rule reject;
  reject.match.prompt_contains = "[reject]";
  reject.job = JobSpec{};
  reject.job->outcome = "content_policy";
  c.rules.push_back(reject);
  Rule legacy;
  legacy.match.prompt_contains = "[reject-legacy]";
  legacy.job = JobSpec{};
  legacy.job->outcome = "content_policy_legacy";
  c.rules.push_back(legacy);
  return c;
}

}  // namespace reel_sim

// Every configuration type may leave out any key: absent keys keep their defaults.
template <>
struct reel::json::Meta<reel_sim::JobSpec> {
  static constexpr bool keep_defaults = true;
  static constexpr bool reject_unknown_keys = true;
};
template <>
struct reel::json::Meta<reel_sim::ModelConfig> {
  static constexpr bool keep_defaults = true;
  static constexpr bool reject_unknown_keys = true;
};
template <>
struct reel::json::Meta<reel_sim::Match> {
  static constexpr bool keep_defaults = true;
  static constexpr bool reject_unknown_keys = true;
};
template <>
struct reel::json::Meta<reel_sim::Fault> {
  static constexpr bool keep_defaults = true;
  static constexpr bool reject_unknown_keys = true;
};
template <>
struct reel::json::Meta<reel_sim::Rule> {
  static constexpr bool keep_defaults = true;
  static constexpr bool reject_unknown_keys = true;
};
template <>
struct reel::json::Meta<reel_sim::Drift> {
  static constexpr bool keep_defaults = true;
  static constexpr bool reject_unknown_keys = true;
};
template <>
struct reel::json::Meta<reel_sim::OpenAiConfig> {
  static constexpr bool keep_defaults = true;
  static constexpr bool reject_unknown_keys = true;
};
template <>
struct reel::json::Meta<reel_sim::Config> {
  static constexpr bool keep_defaults = true;
  static constexpr bool reject_unknown_keys = true;
};
