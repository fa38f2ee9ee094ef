/// @file
/// `reel::Venice`: the provider traits of Venice's asynchronous video API (`/api/v1`): queue,
/// retrieve (JSON progress, then the MP4 inline or, for private models, a one-time
/// `download_url`), complete, quote and `/models` discovery with request validation against a
/// model's constraints. Every error status of the spec maps onto `reel::job::Errc`.
#pragma once

#include <reel/config.hpp>
#include <reel/job/types.hpp>
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
  static constexpr std::string_view create_bucket = "queue";
  static constexpr std::string_view status_bucket = "retrieve";

  using Request = venice::QueueRequest;

  std::string api_key;
  std::string base_url = "https://api.venice.ai/api/v1";
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

  /// Reads queue's answer into the handle (queue_id, model, the one-time download_url).
  static Result<void, job::JobError> on_created(const http::Response& r, job::JobHandle& h) {
    if (r.head.status != 200) return fail(error_of(r));
    auto body = providers::read_body<venice::QueueResponse>(r);
    if (!body) return fail(std::move(body.error()));
    if (body->queue_id.empty()) return fail(unexpected(r, "queue answer without queue_id"));
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
    if (body->status == "PROCESSING") {
      s.phase = job::Phase::running;
    } else if (body->status == "COMPLETED") {
      if (!h.download_url) {
        return fail(unexpected(r, "COMPLETED without a download_url from queue (private model; the link is only "
                                  "returned by the queue call)"));
      }
      s.phase = job::Phase::ready;
      s.download_url = h.download_url;
    } else {
      return fail(unexpected(r, "unknown retrieve status \"" + body->status + "\""));
    }
    return s;
  }

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

  static Result<std::vector<venice::Model>, job::JobError> on_models(const http::Response& r) {
    if (r.head.status != 200) return fail(error_of(r));
    auto body = providers::read_body<venice::ModelList>(r);
    if (!body) return fail(std::move(body.error()));
    return std::move(body->data);
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
    auto listed = [](const std::vector<std::string>& list, const std::string& v) {
      return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
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
    if (!listed(c.durations, r.duration)) return fail(invalid("duration " + r.duration + " not offered by " + model.id));
    if (r.resolution && !listed(c.resolutions, *r.resolution)) {
      return fail(invalid("resolution " + *r.resolution + " not offered by " + model.id));
    }
    if (c.aspect_ratios.empty() && r.aspect_ratio) return fail(invalid(model.id + " takes no aspect_ratio"));
    if (!c.aspect_ratios.empty() && !r.aspect_ratio) return fail(invalid(model.id + " needs an aspect_ratio"));
    if (r.aspect_ratio && !listed(c.aspect_ratios, *r.aspect_ratio)) {
      return fail(invalid("aspect_ratio " + *r.aspect_ratio + " not offered by " + model.id));
    }
    if (r.audio && !c.audio_configurable) return fail(invalid(model.id + " does not let audio be configured"));
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
