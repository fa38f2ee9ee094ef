/// @file
/// `reel::Lumenfall`: the provider traits of Lumenfall's OpenAI-compatible video API
/// (`/openai/v1`): `POST /videos` with an idempotency key minted once per logical job (so a
/// retried create returns the same video), `GET /videos/{id}`, the download from `output.url`
/// without Authorization, `DELETE /videos/{id}` to cancel or clean up, the `dryRun` estimate,
/// and the `{"error": {"message", "type", "code"}}` envelope.
#pragma once

#include <reel/config.hpp>
#include <reel/job/types.hpp>
#include <reel/json/meta.hpp>
#include <reel/json/value.hpp>
#include <reel/providers/common.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace reel {
namespace lumenfall {

/// `input_reference`: exactly one of an image URL (http(s) or data URL) or an uploaded file id.
struct InputReference {
  std::optional<std::string> image_url;
  std::optional<std::string> file_id;
};

/// `POST /videos` body (OpenAI's CreateVideoJsonBody with Lumenfall's fields).
struct CreateRequest {
  std::string model;
  std::string prompt;
  std::optional<std::string> seconds;  ///< "4", "8", ... (Lumenfall also takes a number)
  std::optional<std::string> size;     ///< "1280x720" or an aspect ratio such as "16:9"
  std::optional<std::int64_t> n;
  std::optional<InputReference> input_reference;
  std::optional<std::string> webhook_url;
  std::optional<std::string> idempotency_key;  ///< set by the job: one per logical job
};

struct VideoError {
  std::string code;
  std::string message;
};
struct Output {
  std::string url;
  std::optional<std::string> content_type;
  std::optional<std::uint64_t> size_bytes;
};
struct Metadata {
  std::optional<std::string> provider;
  std::optional<std::string> executed_model;
  std::optional<double> cost;
  std::optional<double> cost_estimate;
  std::optional<std::string> cost_currency;
};
/// The video object (`GET /videos/{id}`, and the create answer).
struct Video {
  std::string id;
  std::string status;  ///< queued, in_progress, completed, failed
  std::optional<std::string> model;
  std::optional<std::int64_t> progress;
  std::optional<std::int64_t> created_at;
  std::optional<std::int64_t> completed_at;
  std::optional<std::int64_t> expires_at;
  std::optional<std::variant<std::string, double>> seconds;
  std::optional<std::string> size;
  std::optional<VideoError> error;
  std::optional<Output> output;
  std::optional<Metadata> metadata;
};
/// `DELETE /videos/{id}` answer.
struct Deleted {
  std::string id;
  bool deleted = false;
};
/// `POST /videos?dryRun=true` answer.
struct Estimate {
  std::int64_t total_cost_micros = 0;
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
  static constexpr std::string_view create_bucket = "create";
  static constexpr std::string_view status_bucket = "status";

  using Request = lumenfall::CreateRequest;

  std::string api_key;
  std::string base_url = "https://api.lumenfall.ai/openai/v1";

  /// The native request for a provider-neutral one (seconds as a string; `resolution` as the
  /// size, else the aspect ratio).
  static Request native(const job::VideoRequest& r) {
    Request c;
    c.model = r.model;
    c.prompt = r.prompt;
    if (r.duration_seconds) c.seconds = std::to_string(*r.duration_seconds);
    c.size = r.resolution ? r.resolution : r.aspect_ratio;
    if (r.image) c.input_reference = lumenfall::InputReference{r.image, std::nullopt};
    return c;
  }

  /// The create, carrying the handle's idempotency key.
  http::Request create_request(Request r, const job::JobHandle& h) const {
    if (h.idempotency_key) r.idempotency_key = h.idempotency_key;
    return providers::json_request("POST", base_url + "/videos", r, api_key);
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
    return providers::json_request("POST", base_url + "/videos?dryRun=true", r, api_key);
  }
  /// GET of the video from `output.url`, without Authorization.
  static http::Request download_request(const std::string& url) { return providers::media_request("GET", url); }
  static std::optional<http::Request> revoke_request(const job::JobHandle&) { return std::nullopt; }

  static Result<void, job::JobError> on_created(const http::Response& r, job::JobHandle& h) {
    if (r.head.status != 200 && r.head.status != 201 && r.head.status != 202) return fail(error_of(r));
    auto video = providers::read_body<lumenfall::Video>(r);
    if (!video) return fail(std::move(video.error()));
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
    job::Status s;
    if (video->progress) s.percent = static_cast<int>(std::clamp<std::int64_t>(*video->progress, 0, 100));
    if (video->metadata) {
      s.cost = video->metadata->cost;
      s.cost_estimate = video->metadata->cost_estimate;
    }
    s.expires_at = video->expires_at;
    if (video->status == "queued") {
      s.phase = job::Phase::queued;
    } else if (video->status == "in_progress") {
      s.phase = job::Phase::running;
    } else if (video->status == "completed") {
      s.phase = job::Phase::ready;
      if (!video->output || video->output->url.empty()) return fail(unexpected(r, "completed without output.url"));
      s.download_url = video->output->url;
      s.size_bytes = video->output->size_bytes;
    } else if (video->status == "failed") {
      s.phase = job::Phase::failed;
      const lumenfall::VideoError err = video->error.value_or(lumenfall::VideoError{"", "failed without an error"});
      s.error.code = make_error_code(err.code == "CONTENT_POLICY_VIOLATION" ? job::Errc::content_policy
                                                                           : job::Errc::failed_at_provider);
      s.error.provider.code = err.code;
      s.error.provider.message = err.message;
    } else {
      return fail(unexpected(r, "unknown status \"" + video->status + "\""));
    }
    return s;
  }

  static Result<void, job::JobError> on_cancel(const http::Response& r) {
    if (r.head.status != 200 && r.head.status != 204) return fail(error_of(r));
    return {};
  }
  static Result<void, job::JobError> on_cleanup(const http::Response& r) {
    if (r.head.status == 404) return {};  // already gone: nothing left to clean
    return on_cancel(r);
  }

  /// The dry run's estimate in USD.
  static Result<double, job::JobError> on_quote(const http::Response& r) {
    if (r.head.status != 200) return fail(error_of(r));
    auto body = providers::read_body<lumenfall::Estimate>(r);
    if (!body) return fail(std::move(body.error()));
    return static_cast<double>(body->total_cost_micros) / 1e6;
  }

  /// The typed error of a non-success answer: the envelope's code refines the status.
  static job::JobError error_of(const http::Response& r) {
    job::JobError e{make_error_code(providers::errc_for_status(r.head.status)), {}};
    e.provider.status = r.head.status;
    json::Value v;
    const json::Value* err = nullptr;
    if (!json::read(r.body, v)) err = v.find("error");
    if (err != nullptr && err->is_object()) {
      e.provider.message = providers::string_at(*err, "message");
      e.provider.code = providers::string_at(*err, "code");
    } else if (err != nullptr && err->if_string()) {
      e.provider.message = *err->if_string();
    } else {
      e.provider.message = "HTTP " + std::to_string(r.head.status);
    }
    const std::string& c = e.provider.code;
    if (c == "CONTENT_POLICY_VIOLATION") e.code = make_error_code(job::Errc::content_policy);
    if (c == "MODEL_NOT_FOUND") e.code = make_error_code(job::Errc::model_not_found);
    if (c == "INSUFFICIENT_BALANCE") e.code = make_error_code(job::Errc::insufficient_balance);
    if (c == "AUTHENTICATION_FAILED") e.code = make_error_code(job::Errc::unauthorized);
    if (c == "RATE_LIMITED") e.code = make_error_code(job::Errc::rate_limited);
    if (c == "ALL_PROVIDERS_EXHAUSTED") e.code = make_error_code(job::Errc::provider_error);
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
