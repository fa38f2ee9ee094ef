// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::Lumenfall`: the provider traits of Lumenfall's OpenAI-compatible video API
/// (`/openai/v1`): `POST /videos` with an idempotency key minted once per logical job (so a
/// retried create returns the same video), `GET /videos/{id}`, the download from `output.url`
/// without Authorization, `DELETE /videos/{id}` to cancel or clean up, the `dryRun` estimate,
/// and the `{"error": {"message", "type", "code"}}` envelope.
#pragma once

#include <reel/config.hpp>
#include <reel/job/handle.hpp>
#include <reel/job/limits.hpp>
#include <reel/job/request.hpp>
#include <reel/job/status.hpp>
#include <reel/policy/bucket.hpp>
#include <reel/json/meta.hpp>
#include <reel/json/value.hpp>
#include <reel/providers/common.hpp>
#include <reel/providers/openai_compat.hpp>

#include <algorithm>
#include <cstdlib>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

namespace reel {
namespace lumenfall {

/// `input_reference` (shared with `OpenAiVideos`).
using InputReference = openai_compat::InputReference;

/// `POST /videos` body (OpenAI's CreateVideoJsonBody with Lumenfall's fields). Lumenfall
/// forwards fields it does not know to the upstream model, so `aspect_ratio`, `resolution`,
/// `negative_prompt`, `audio_url` and anything in `extra` reach models that take them.
struct CreateRequest {
  std::string model;
  std::string prompt;
  std::optional<std::string> seconds;  ///< "4", "8", ... (Lumenfall also takes a number)
  std::optional<std::string> size;     ///< "1280x720" or an aspect ratio such as "16:9"
  std::optional<std::int64_t> n;
  std::optional<InputReference> input_reference;
  std::optional<std::string> webhook_url;
  std::optional<std::string> idempotency_key;  ///< set by the job: one per logical job
  std::optional<std::string> aspect_ratio;     ///< forwarded upstream, e.g. "16:9"
  std::optional<std::string> resolution;       ///< forwarded upstream, e.g. "720p"
  std::optional<std::string> negative_prompt;  ///< forwarded upstream
  std::optional<std::string> audio_url;        ///< forwarded upstream: an audio input
  /// Further provider-specific fields, written into the body as they are (keys must not repeat
  /// the members above).
  json::Object extra;
};

/// `error` of a failed video and `output` of a completed one (shared with `OpenAiVideos`).
using VideoError = openai_compat::VideoError;
using Output = openai_compat::Output;
struct Metadata {
  std::optional<std::string> provider;
  std::optional<std::string> executed_model;
  std::optional<double> cost;
  std::optional<double> cost_estimate;
  std::optional<std::string> cost_currency;
};
/// The video object (`GET /videos/{id}`, and the create answer). Numbers reel does not need
/// exactly are read as `double` (a gateway may send 12.5 or 1764800000.0), and every member but
/// `id` and `status` may be absent or null.
struct Video {
  std::string id;
  std::string status;  ///< queued, in_progress, completed, failed (any case; synonyms accepted)
  std::optional<std::string> object;
  std::optional<std::string> model;
  std::optional<double> progress;
  std::optional<double> created_at;
  std::optional<double> completed_at;
  std::optional<double> expires_at;
  std::optional<std::variant<std::string, double>> seconds;
  std::optional<std::string> size;
  std::optional<VideoError> error;
  std::optional<Output> output;
  std::optional<Metadata> metadata;
};
/// `DELETE /videos/{id}` answer.
struct Deleted {
  std::optional<std::string> id;
  std::optional<bool> deleted;
};
/// `POST /videos?dryRun=true` answer.
struct Estimate {
  double total_cost_micros = 0;
};

}  // namespace lumenfall

/// Lumenfall. Holds the API base URL and key; the key is only ever sent to `base_url`.
struct Lumenfall {
  static constexpr std::string_view name = "lumenfall";
  /// Creates carry an idempotency key: a retry returns the existing video.
  static constexpr bool idempotent_create = true;
  static constexpr bool has_quote = true;
  static constexpr bool has_cleanup = true;
  static constexpr bool has_cancel = true;
  static constexpr bool has_models = false;
  /// Rate-limit buckets.
  static constexpr policy::Bucket create_bucket = policy::Bucket::create;
  static constexpr policy::Bucket status_bucket = policy::Bucket::status;

  using Request = lumenfall::CreateRequest;

  std::string api_key;
  std::string base_url = "https://api.lumenfall.ai/openai/v1";

  /// Lumenfall documents no client-side limits: none, and its 429s and hints are honoured.
  static job::AccountLimits default_limits() { return job::AccountLimits::none(); }
  /// The environment variables `from_env` reads: the API key, and a base URL that replaces the default.
  static constexpr const char* key_env = "LUMENFALL_API_KEY";
  static constexpr const char* base_url_env = "LUMENFALL_BASE_URL";
  /// Lumenfall as configured by the environment: the key from `LUMENFALL_API_KEY`, the base URL
  /// from `LUMENFALL_BASE_URL` when set.
  static Lumenfall from_env() { return providers::from_env<Lumenfall>(); }

  /// The native request for a provider-neutral one: seconds as a string; `size` as WxH from
  /// the resolution ("1280x720", or "720p" with the aspect ratio, 16:9 when none is given) or the
  /// aspect ratio alone; aspect ratio, resolution, negative prompt and audio also forwarded.
  static Request native(const job::VideoRequest& r) {
    Request c;
    c.model = r.model;
    c.prompt = r.prompt;
    if (r.duration_seconds) c.seconds = std::to_string(*r.duration_seconds);
    c.size = size_of(r.resolution, r.aspect_ratio);
    c.aspect_ratio = r.aspect_ratio;
    if (r.resolution && !pixel_size(*r.resolution)) c.resolution = r.resolution;  // "720p"; a WxH goes in `size`
    c.negative_prompt = r.negative_prompt;
    c.audio_url = r.audio;
    if (r.image) c.input_reference = lumenfall::InputReference{r.image, std::nullopt};
    return c;
  }

  /// The neutral fields Lumenfall cannot honour as asked (the outcome's warnings): a WxH
  /// resolution whose shape disagrees with the aspect ratio (the size wins).
  static std::vector<std::string> warnings_of(const job::VideoRequest& r) {
    std::vector<std::string> out;
    if (!r.resolution || !r.aspect_ratio) return out;
    const auto size = pixel_size(*r.resolution);
    const auto ratio = aspect_of(*r.aspect_ratio);
    if (!size || !ratio) return out;
    // Same shape within 2%: 1280x720 is 16:9, 1024x1792 is 9:16 (0.571 vs 0.5625).
    const double asked = static_cast<double>(ratio->first) / static_cast<double>(ratio->second);
    const double given = static_cast<double>(size->first) / static_cast<double>(size->second);
    if (std::abs(asked - given) > 0.02 * asked) {
      out.push_back("aspect_ratio " + *r.aspect_ratio + " disagrees with resolution " + *r.resolution +
                    ": Lumenfall generates the size " + *r.resolution);
    }
    return out;
  }

  /// Width and height of a "WxH" size, if `s` is one.
  static std::optional<std::pair<long, long>> pixel_size(const std::string& s) { return openai_compat::pixel_size(s); }
  /// Width and height of a "W:H" aspect ratio (each 1 to 100), if `s` is one.
  static std::optional<std::pair<long, long>> aspect_of(const std::string& s) { return openai_compat::aspect_of(s); }
  /// `size` for a resolution ("1280x720" as it is; "720p" with `aspect`) and an aspect ratio.
  static std::optional<std::string> size_of(const std::optional<std::string>& resolution,
                                            const std::optional<std::string>& aspect) {
    return openai_compat::size_of(resolution, aspect);
  }

  /// The create, carrying the handle's idempotency key.
  http::Request create_request(Request r, const job::JobHandle& h) const {
    if (h.idempotency_key) r.idempotency_key = h.idempotency_key;
    http::Request request = providers::json_request("POST", base_url + "/videos", r, api_key);
    with_extra(request, r.extra);
    return request;
  }
  http::Request status_request(const job::JobHandle& h) const {
    return providers::plain_request("GET", base_url + "/videos/" + h.job_id, api_key);
  }
  /// DELETE: cancels a running job, or deletes a finished one's stored video.
  http::Request cancel_request(const job::JobHandle& h) const {
    return providers::plain_request("DELETE", base_url + "/videos/" + h.job_id, api_key);
  }
  http::Request cleanup_request(const job::JobHandle& h) const { return cancel_request(h); }
  /// The dry run: an estimate, nothing created.
  http::Request quote_request(const Request& r) const {
    http::Request request = providers::json_request("POST", base_url + "/videos?dryRun=true", r, api_key);
    with_extra(request, r.extra);
    return request;
  }
  /// GET of the video from `output.url`, without Authorization.
  static http::Request download_request(const std::string& url) { return providers::media_request("GET", url); }
  static std::optional<http::Request> revoke_request(const job::JobHandle&) { return std::nullopt; }

  static Result<void, job::JobError> on_created(const http::Response& r, job::JobHandle& h) {
    if (r.head.status != 200 && r.head.status != 201 && r.head.status != 202) return fail(error_of(r));
    auto video = providers::read_body<lumenfall::Video>(r);
    if (!video) {
      // Accepted, but the answer cannot be read: keep the id when it is there whole (otherwise
      // the create is repeated with the same idempotency key, which returns this video).
      std::string id = providers::salvage_string(r.body, "id");
      if (id.empty()) return fail(std::move(video.error()));
      h.job_id = std::move(id);
      return {};
    }
    if (video->id.empty()) return fail(unexpected(r, "create answer without an id"));
    h.job_id = video->id;
    if (video->model) h.model = *video->model;
    return {};
  }

  static bool status_body_is_video(const http::ResponseHead&) { return false; }

  static Result<job::Status, job::JobError> on_status(const http::Response& r, const job::JobHandle&) {
    if (r.head.status != 200) return fail(error_of(r));
    auto video = providers::read_body<lumenfall::Video>(r);
    if (!video) return fail(std::move(video.error()));
    // No content endpoint: a completed video without output.url is not ready yet.
    job::Status s = openai_compat::status_of(*video, std::string(), [](std::string_view code) {
      return code == "CONTENT_POLICY_VIOLATION";
    });
    if (video->metadata) {
      s.cost = video->metadata->cost;
      s.cost_estimate = video->metadata->cost_estimate;
    }
    return s;
  }

  static Result<void, job::JobError> on_cancel(const http::Response& r) { return openai_compat::cancel_result(r, error_of); }
  static Result<void, job::JobError> on_cleanup(const http::Response& r) { return openai_compat::cleanup_result(r, error_of); }

  /// The dry run's estimate in USD. `dryRun` is documented for chat and images only: an answer
  /// that looks like a created video (202, or an object with an id and a status) is
  /// `quote_created_job` (see `created_by_quote`), never a price.
  static Result<double, job::JobError> on_quote(const http::Response& r) {
    if (auto id = created_by_quote(r)) {
      job::JobError e{make_error_code(job::Errc::quote_created_job), {}};
      e.provider.status = r.head.status;
      e.provider.code = *id;
      e.provider.message = "the dry run created video " + *id;
      return fail(std::move(e));
    }
    if (r.head.status != 200) return fail(error_of(r));
    auto body = providers::read_body<lumenfall::Estimate>(r);
    if (!body) return fail(std::move(body.error()));
    if (!(body->total_cost_micros >= 0) || body->total_cost_micros > 1e15) {
      return fail(unexpected(r, "dry run answered an impossible total_cost_micros"));
    }
    return body->total_cost_micros / 1e6;
  }

  /// The id of the video a quote answer says it created, if it looks like one (a 2xx with an
  /// `id` and a `status`; a 202 with an id).
  static std::optional<std::string> created_by_quote(const http::Response& r) {
    if (r.head.status < 200 || r.head.status > 299) return std::nullopt;
    json::Value v;
    if (json::read(r.body, v) || !v.is_object()) {
      const std::string id = providers::salvage_string(r.body, "id");
      if (r.head.status == 202 && !id.empty()) return id;
      return std::nullopt;
    }
    const std::string* id = v.find_string("id");
    if (id == nullptr || id->empty()) return std::nullopt;
    if (r.head.status == 202 || v.find_string("status") != nullptr) return *id;
    return std::nullopt;
  }

  /// The typed error of a non-success answer: the envelope's code refines the status.
  static job::JobError error_of(const http::Response& r) {
    job::JobError e = openai_compat::envelope_error(r);
    const std::string c = e.provider.code;
    if (c == "CONTENT_POLICY_VIOLATION") e.code = make_error_code(job::Errc::content_policy);
    if (c == "MODEL_NOT_FOUND") e.code = make_error_code(job::Errc::model_not_found);
    if (c == "INSUFFICIENT_BALANCE") e.code = make_error_code(job::Errc::insufficient_balance);
    if (c == "AUTHENTICATION_FAILED") e.code = make_error_code(job::Errc::unauthorized);
    if (c == "RATE_LIMITED") e.code = make_error_code(job::Errc::rate_limited);
    if (c == "ALL_PROVIDERS_EXHAUSTED") e.code = make_error_code(job::Errc::provider_error);
    return e;
  }

private:
  static void with_extra(http::Request& request, const json::Object& extra) { openai_compat::with_extra(request, extra); }

  static job::JobError unexpected(const http::Response& r, std::string what) {
    job::JobError e{make_error_code(job::Errc::unexpected_response), {}};
    e.provider.status = r.head.status;
    e.provider.message = std::move(what);
    return e;
  }
};

}  // namespace reel

template <>
struct reel::json::Meta<reel::lumenfall::CreateRequest> {
  static constexpr auto skip = field_list({"extra"});
};
