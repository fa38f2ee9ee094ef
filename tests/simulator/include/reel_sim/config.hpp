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
  /// 422 shape `{"error": "..."}` instead of swagger.yaml's `{"error": {"message", "type", ...}}`)
  std::optional<std::string> outcome;
  std::optional<std::string> fail_code;         ///< for "fail"
  std::optional<std::string> fail_message;
  std::optional<std::int64_t> output_bytes;     ///< size of the MP4 served (default: the sample)
};

/// A model one of the providers offers.
struct ModelConfig {
  std::string id;
  std::string provider;  ///< "venice" or "lumenfall"
  std::string name;
  std::string model_type = "text-to-video";  ///< "text-to-video", "image-to-video", "video"
  std::vector<std::string> durations;        ///< Venice "5s"; Lumenfall seconds "4"
  std::vector<std::string> resolutions;      ///< Venice "720p"; Lumenfall sizes "1280x720"
  std::vector<std::string> aspect_ratios;
  bool audio = false;
  bool audio_configurable = false;
  std::int64_t prompt_character_limit = 2500;
  bool private_download = false;  ///< Venice: queue returns a one-time download_url
  bool needs_consent = false;     ///< Venice: 409 needs_consent without consents
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

  c.job.duration_ms = 3000;
  c.job.eta_factor = 1.0;
  c.blocked_terms = {"[blocked]"};
  c.rate_limits = {{"venice.queue", 40}, {"venice.retrieve", 120}};

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
struct reel::json::Meta<reel_sim::Config> {
  static constexpr bool keep_defaults = true;
  static constexpr bool reject_unknown_keys = true;
};
