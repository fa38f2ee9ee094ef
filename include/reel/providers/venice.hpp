// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::Venice`: the provider traits of Venice's asynchronous video API (`/api/v1`): queue,
/// retrieve (JSON progress, then the MP4 inline or, for private models, a one-time
/// `download_url`), complete, quote and `/models` discovery with request validation against a
/// model's constraints. Every error status of the spec maps onto `reel::job::Errc`.
#pragma once

#include <reel/config.hpp>
#include <reel/job/handle.hpp>
#include <reel/job/limits.hpp>
#include <reel/job/request.hpp>
#include <reel/job/status.hpp>
#include <reel/policy/bucket.hpp>
#include <reel/providers/common.hpp>
#include <reel/providers/venice_types.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reel {

/// Venice. Holds the API base URL and key; the key is only ever sent to `base_url`.
struct Venice {
  static constexpr std::string_view name = "venice";
  /// Venice has no idempotency key: a create that may have been received is never repeated.
  static constexpr bool idempotent_create = false;
  static constexpr bool has_quote = true;
  static constexpr bool has_cleanup = true;
  static constexpr bool has_cancel = false;
  static constexpr bool has_models = true;
  /// Rate-limit buckets (Venice limits queue and retrieve separately).
  static constexpr policy::Bucket create_bucket = policy::Bucket::create;
  static constexpr policy::Bucket status_bucket = policy::Bucket::status;

  using Request = venice::QueueRequest;

  std::string api_key;
  std::string base_url = "https://api.venice.ai/api/v1";

  /// Venice's documented limits: 40 creates (queue) and 120 polls (retrieve) a minute, and an
  /// abuse guard below its block of a key after 20 failures in 30 s.
  static job::AccountLimits default_limits() {
    job::AccountLimits limits;
    limits.limits = {{policy::Bucket::create, policy::RateLimit{40, std::chrono::minutes(1), std::chrono::seconds(1), std::chrono::seconds(5)}},
                     {policy::Bucket::status, policy::RateLimit{120, std::chrono::minutes(1), std::chrono::seconds(1), std::chrono::seconds(5)}}};
    limits.guard = policy::FailureGuard{10, std::chrono::seconds(30)};
    return limits;
  }
  /// The environment variables `from_env` reads: the API key, and a base URL that replaces the default.
  static constexpr const char* key_env = "VENICE_API_KEY";
  static constexpr const char* base_url_env = "VENICE_BASE_URL";
  /// Venice as configured by the environment: the key from `VENICE_API_KEY`, the base URL from
  /// `VENICE_BASE_URL` when set.
  static Venice from_env() { return providers::from_env<Venice>(); }
  /// DELETE the one-time download_url once the file is safe (recommended when privacy matters).
  bool revoke_download_url = true;

  // ---- requests ----------------------------------------------------------------------------

  /// The native request for a provider-neutral one ("5s" durations; resolution as given).
  static Request native(const job::VideoRequest& r) {
    Request q;
    q.model = r.model;
    q.prompt = r.prompt;
    q.duration = std::to_string(r.duration_seconds.value_or(5)) + "s";
    q.resolution = r.resolution;
    q.aspect_ratio = r.aspect_ratio;
    q.negative_prompt = r.negative_prompt;
    q.image_url = r.image;
    q.audio_url = r.audio;
    return q;
  }

  /// `r` with the Seedance consents a 409 `needs_consent` asked for, to resubmit once the user
  /// accepted the policy text (`ProviderDetails::policy_text`).
  static Request with_consents(Request r) {
    r.consents = venice::Consents{venice::SeedanceConsent{}};
    return r;
  }

  http::Request create_request(const Request& r, const job::JobHandle&) const {
    return providers::json_request("POST", base_url + "/video/queue", r, api_key);
  }
  http::Request status_request(const job::JobHandle& h) const {
    return providers::json_request("POST", base_url + "/video/retrieve", venice::RetrieveRequest{h.model, h.job_id, {}},
                                   api_key);
  }
  http::Request cleanup_request(const job::JobHandle& h) const {
    return providers::json_request("POST", base_url + "/video/complete", venice::CompleteRequest{h.model, h.job_id},
                                   api_key);
  }
  /// The quote; `reference_video_total_duration` (seconds) is needed to price source-matched
  /// durations ("-1", "auto") of reference-to-video models.
  http::Request quote_request(const Request& r, std::optional<double> reference_video_total_duration = {}) const {
    venice::QuoteRequest q{r.model,           r.duration, r.aspect_ratio, r.resolution,
                           r.upscale_factor,  r.audio,    r.video_url,    reference_video_total_duration};
    return providers::json_request("POST", base_url + "/video/quote", q, api_key);
  }
  http::Request models_request() const {
    return providers::plain_request("GET", base_url + "/models?type=video", api_key);
  }
  /// GET of the video: the one-time link, without Authorization.
  static http::Request download_request(const std::string& url) { return providers::media_request("GET", url); }
  /// DELETE of the one-time link once the file is safe (no Authorization), when configured.
  std::optional<http::Request> revoke_request(const job::JobHandle& h) const {
    if (!revoke_download_url || !h.download_url) return std::nullopt;
    return providers::media_request("DELETE", *h.download_url);
  }

  // ---- answers ----------------------------------------------------------------------------

  /// Reads queue's answer into the handle (queue_id, model, the one-time download_url). The job
  /// may exist although the answer says otherwise: a 5xx (the create was sent; Venice has no
  /// idempotency key) and a 200 whose body cannot be read (its queue_id salvaged when it is
  /// there whole) are `ambiguous_submit`, never a refusal.
  static Result<void, job::JobError> on_created(const http::Response& r, job::JobHandle& h) {
    if (r.head.status >= 500) {
      job::JobError e = error_of(r);
      e.code = make_error_code(job::Errc::ambiguous_submit);
      e.provider.message = "HTTP " + std::to_string(r.head.status) + " after the create was sent (" +
                           (e.provider.message.empty() ? std::string("no message") : e.provider.message) +
                           "): the job may exist; check before submitting again";
      return fail(std::move(e));
    }
    if (r.head.status != 200) return fail(error_of(r));
    auto body = providers::read_body<venice::QueueResponse>(r);
    if (!body) {
      const std::string id = providers::salvage_string(r.body, "queue_id");
      if (id.empty()) {
        job::JobError e = std::move(body.error());
        e.code = make_error_code(job::Errc::ambiguous_submit);
        e.provider.message = "a 200 answer to the create that cannot be read (" + e.provider.message +
                             "): the job may exist; check before submitting again";
        return fail(std::move(e));
      }
      h.job_id = id;
      if (auto model = providers::salvage_string(r.body, "model"); !model.empty()) h.model = std::move(model);
      // A one-time link cut off mid-way is no link: only one that is there whole is kept.
      if (auto url = providers::salvage_string(r.body, "download_url"); url.rfind("http", 0) == 0) h.download_url = url;
      return {};
    }
    if (body->queue_id.empty()) {
      job::JobError e = unexpected(r, "queue answer without queue_id: the job may exist; check before submitting again");
      e.code = make_error_code(job::Errc::ambiguous_submit);
      return fail(std::move(e));
    }
    h.job_id = body->queue_id;
    if (!body->model.empty()) h.model = body->model;
    h.download_url = body->download_url;
    return {};
  }

  /// Whether a retrieve answer's body is the video (to stream it to the file).
  static bool status_body_is_video(const http::ResponseHead& head) {
    return head.status == 200 && providers::has_media_type(head, "video/mp4");
  }

  /// Reads retrieve's answer. Errors that end the job (422) come back as a `failed` status;
  /// the others (404, 429, 5xx, ...) as errors for the caller to judge.
  static Result<job::Status, job::JobError> on_status(const http::Response& r, const job::JobHandle& h) {
    job::Status s;
    if (r.head.status == 200 && status_body_is_video(r.head)) {
      s.phase = job::Phase::ready;
      s.video_inline = true;
      if (r.head.content_length) s.size_bytes = *r.head.content_length;
      return s;
    }
    if (r.head.status == 422) {
      s.phase = job::Phase::failed;
      s.error = error_of(r);
      return s;
    }
    if (r.head.status != 200) return fail(error_of(r));
    auto body = providers::read_body<venice::RetrieveStatus>(r);
    if (!body) return fail(std::move(body.error()));
    auto ms = [](const std::optional<double>& v) -> std::optional<job::Duration> {
      if (!v || !(*v >= 0) || *v > 1e12) return std::nullopt;
      return job::Duration(static_cast<std::int64_t>(std::llround(*v)));
    };
    s.estimate = ms(body->average_execution_time);
    s.elapsed = ms(body->execution_duration);
    switch (providers::classify_status(body->status)) {
      case providers::StatusWord::queued: s.phase = job::Phase::queued; break;
      case providers::StatusWord::running: s.phase = job::Phase::running; break;
      case providers::StatusWord::done:
        if (h.download_url) {
          s.phase = job::Phase::ready;
          s.download_url = h.download_url;
        } else {
          // Done without the video or a link to it: not ready; keep polling (the video comes inline).
          s.phase = job::Phase::running;
          s.unknown_status = body->status + " (without a download_url)";
        }
        break;
      case providers::StatusWord::failed:
        s.phase = job::Phase::failed;
        s.error.code = make_error_code(job::Errc::failed_at_provider);
        s.error.provider.message = "status " + body->status;
        break;
      case providers::StatusWord::cancelled:
        s.phase = job::Phase::failed;
        s.error.code = make_error_code(job::Errc::cancelled_at_provider);
        s.error.provider.message = "status " + body->status;
        break;
      case providers::StatusWord::unknown:
        s.phase = job::Phase::running;
        s.unknown_status = body->status;
        break;
    }
    return s;
  }

  /// Retrieve's documented 500 means "inference processing failed": after this many in a row
  /// (so a passing hiccup is not mistaken for it) the job is `failed`.
  static constexpr int failed_after_500s = 3;

  static Result<void, job::JobError> on_cleanup(const http::Response& r) {
    if (r.head.status != 200) return fail(error_of(r));
    auto body = providers::read_body<venice::CompleteResponse>(r);
    if (!body) return fail(std::move(body.error()));
    if (!body->success) return fail(unexpected(r, "complete answered success: false"));
    return {};
  }

  static Result<double, job::JobError> on_quote(const http::Response& r) {
    if (r.head.status != 200) return fail(error_of(r));
    auto body = providers::read_body<venice::QuoteResponse>(r);
    if (!body) return fail(std::move(body.error()));
    return body->quote;
  }

  /// Reads `/models`. Each entry is read on its own: a constraint key that is absent or of the
  /// wrong type is left unknown (not checked), and an entry without an id is skipped, so one odd
  /// model never hides the others.
  static Result<std::vector<venice::Model>, job::JobError> on_models(const http::Response& r) {
    if (r.head.status != 200) return fail(error_of(r));
    json::Value v;
    const json::Value* data = nullptr;
    if (!json::read(r.body, v)) data = v.find("data");
    if (data == nullptr || !data->is_array()) return fail(unexpected(r, "/models answer without a data list"));
    std::vector<venice::Model> models;
    for (const json::Value& entry : *data->if_array()) {
      if (auto m = model_of(entry)) models.push_back(std::move(*m));
    }
    return models;
  }

  /// Checks `r` against a model's constraints before any money is spent.
  static Result<void, job::JobError> validate(const Request& r, const venice::Model& model) {
    auto invalid = [](std::string message) {
      job::JobError e{make_error_code(job::Errc::invalid_request), {}};
      e.provider.message = std::move(message);
      return e;
    };
    if (r.model != model.id) return fail(invalid("request is for model " + r.model + ", not " + model.id));
    if (!model.model_spec || !model.model_spec->constraints) return {};
    const venice::VideoConstraints& c = *model.model_spec->constraints;
    // An absent list is unknown (anything goes); an empty one means the parameter is not taken.
    auto listed = [](const std::optional<std::vector<std::string>>& list, const std::string& v) {
      return !list || std::find(list->begin(), list->end(), v) != list->end();
    };
    // The server's limit is only trusted when it is a sane number of characters.
    const double raw_limit = c.prompt_character_limit.value_or(2500);
    const std::size_t limit = (raw_limit >= 1 && raw_limit <= 1e6) ? static_cast<std::size_t>(raw_limit) : 2500;
    if (r.prompt.empty()) return fail(invalid("prompt is empty"));
    if (providers::utf8_length(r.prompt) > limit) {
      return fail(invalid("prompt longer than the model's " + std::to_string(limit) + " characters"));
    }
    if (r.negative_prompt && providers::utf8_length(*r.negative_prompt) > limit) {
      return fail(invalid("negative_prompt longer than the model's " + std::to_string(limit) + " characters"));
    }
    if (c.durations && c.durations->empty()) {
      // "does not support a defined duration": only a source-matched one ("auto", "-1")
      if (r.duration != "auto" && r.duration != "-1") {
        return fail(invalid(model.id + " takes no defined duration (send \"auto\"), not " + r.duration));
      }
    } else if (!listed(c.durations, r.duration)) {
      return fail(invalid("duration " + r.duration + " not offered by " + model.id));
    }
    if (r.resolution && c.resolutions && c.resolutions->empty()) {
      return fail(invalid(model.id + " takes no resolution"));
    }
    if (r.resolution && !listed(c.resolutions, *r.resolution)) {
      return fail(invalid("resolution " + *r.resolution + " not offered by " + model.id));
    }
    if (c.aspect_ratios && c.aspect_ratios->empty() && r.aspect_ratio) {
      return fail(invalid(model.id + " takes no aspect_ratio"));
    }
    if (c.aspect_ratios && !c.aspect_ratios->empty() && !r.aspect_ratio) {
      return fail(invalid(model.id + " needs an aspect_ratio"));
    }
    if (r.aspect_ratio && !listed(c.aspect_ratios, *r.aspect_ratio)) {
      return fail(invalid("aspect_ratio " + *r.aspect_ratio + " not offered by " + model.id));
    }
    if (r.audio && c.audio_configurable && !*c.audio_configurable) {
      return fail(invalid(model.id + " does not let audio be configured"));
    }
    if (c.model_type == "image-to-video" && !r.image_url) return fail(invalid(model.id + " needs an image_url"));
    return {};
  }

  /// The typed error of a non-success answer, with Venice's details (both 422 shapes, the 409
  /// consent policy, DetailedError's message).
  static job::JobError error_of(const http::Response& r) {
    job::JobError e{make_error_code(providers::errc_for_status(r.head.status)), {}};
    if (r.head.status == 409) e.code = make_error_code(job::Errc::needs_consent);  // queue's only 409
    e.provider.status = r.head.status;
    json::Value v;
    if (json::read(r.body, v) || !v.is_object()) {
      e.provider.message = "HTTP " + std::to_string(r.head.status);
      return e;
    }
    job::ProviderDetails more;
    if (const json::Value* err = v.find("error")) {
      if (const std::string* s = err->if_string()) {
        e.provider.message = *s;  // StandardError, DetailedError, ContentViolationError, 422 (old shape)
      } else if (err->is_object()) {
        e.provider.message = providers::string_at(*err, "message");  // 409, 422 (swagger shape)
        e.provider.code = providers::string_at(*err, "code");
        if (e.provider.code.empty()) e.provider.code = providers::string_at(*err, "type");
        if (const std::string* m = err->find_string("recommended_model")) more.recommended_model = *m;
        if (const json::Value* refunded = err->find("credits_refunded"); refunded && refunded->if_bool()) {
          more.credits_refunded = *refunded->if_bool();
        }
      }
    }
    if (const std::string* code = v.find_string("code"); code && e.provider.code.empty()) e.provider.code = *code;
    if (const std::string* p = v.find_string("suggested_prompt")) more.suggested_prompt = *p;
    if (const json::Value* consent = v.find("consent")) {
      if (const std::string* text = consent->find_string("policy_text")) more.policy_text = *text;
      if (const std::string* ver = consent->find_string("consent_version")) more.consent_version = *ver;
    }
    if (more.policy_text || more.consent_version || more.suggested_prompt || more.recommended_model ||
        more.credits_refunded) {
      e.provider.details = std::make_shared<const job::ProviderDetails>(std::move(more));
    }
    return e;
  }

private:
  // One `/models` entry, read key by key (see on_models).
  static std::optional<venice::Model> model_of(const json::Value& entry) {
    const std::string* id = entry.find_string("id");
    if (id == nullptr || id->empty()) return std::nullopt;
    venice::Model m;
    m.id = *id;
    m.type = providers::string_at(entry, "type");
    const json::Value* spec = entry.find("model_spec");
    if (spec == nullptr || !spec->is_object()) return m;
    venice::ModelSpec ms;
    if (const std::string* n = spec->find_string("name")) ms.name = *n;
    if (const std::string* p = spec->find_string("privacy")) ms.privacy = *p;
    if (const json::Value* o = spec->find("offline"); o && o->if_bool()) ms.offline = *o->if_bool();
    if (const json::Value* c = spec->find("constraints"); c && c->is_object()) {
      venice::VideoConstraints vc;
      auto strings = [c](std::string_view key) -> std::optional<std::vector<std::string>> {
        const json::Value* list = c->find(key);
        if (list == nullptr || !list->is_array()) return std::nullopt;
        std::vector<std::string> out;
        for (const json::Value& item : *list->if_array()) {
          const std::string* text = item.if_string();
          if (text == nullptr) return std::nullopt;  // not a list of strings: unknown, not checked
          out.push_back(*text);
        }
        return out;
      };
      auto flag = [c](std::string_view key) -> std::optional<bool> {
        const json::Value* b = c->find(key);
        return b && b->if_bool() ? std::optional<bool>(*b->if_bool()) : std::nullopt;
      };
      vc.aspect_ratios = strings("aspect_ratios");
      vc.resolutions = strings("resolutions");
      vc.durations = strings("durations");
      if (const std::string* t = c->find_string("model_type")) vc.model_type = *t;
      vc.audio = flag("audio");
      vc.audio_configurable = flag("audio_configurable");
      if (const json::Value* l = c->find("prompt_character_limit"); l && l->if_number()) {
        vc.prompt_character_limit = l->if_number()->to_double();
      }
      ms.constraints = std::move(vc);
    }
    m.model_spec = std::move(ms);
    return m;
  }

  static job::JobError unexpected(const http::Response& r, std::string what) {
    job::JobError e{make_error_code(job::Errc::unexpected_response), {}};
    e.provider.status = r.head.status;
    e.provider.message = std::move(what);
    return e;
  }
};

}  // namespace reel

template <>
struct reel::json::Meta<reel::venice::SeedanceConsent> {
  static constexpr bool keep_defaults = true;
};
