// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::OpenAiVideos`: any OpenAI-compatible `/videos` API at a configurable base URL and auth
/// header: `POST /videos`, `GET /videos/{id}` (`queued`, `in_progress` + `progress`, `completed`,
/// `failed`; other words are data, read as still running), the video from `output.url` where the
/// gateway gives one (without the key) or `GET /videos/{id}/content` (with the key, same origin),
/// `DELETE /videos/{id}`, `openai-poll-after-ms`, and an `Idempotency-Key` header where the
/// gateway honours it.
#pragma once

#include <reel/config.hpp>
#include <reel/http/url.hpp>
#include <reel/job/handle.hpp>
#include <reel/job/limits.hpp>
#include <reel/job/request.hpp>
#include <reel/job/status.hpp>
#include <reel/json/meta.hpp>
#include <reel/json/value.hpp>
#include <reel/policy/bucket.hpp>
#include <reel/providers/common.hpp>
#include <reel/providers/openai_compat.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace reel {
namespace openai_videos {

/// `POST /videos` body (OpenAI's CreateVideoJsonBody). Model ids, seconds and sizes are data:
/// whatever the gateway accepts.
struct CreateRequest {
  std::string model;  ///< any id the gateway knows
  std::string prompt;
  std::optional<std::string> seconds;  ///< "4", "8", ...
  std::optional<std::string> size;     ///< "1280x720", ...
  std::optional<openai_compat::InputReference> input_reference;
  /// Further gateway-specific fields, written into the body as they are (keys must not repeat
  /// the members above).
  json::Object extra;
};

/// The video object (`GET /videos/{id}` and the create answer). Every member but `id` and
/// `status` may be absent or null; numbers are read as `double`.
struct Video {
  std::string id;
  std::string status;
  std::optional<std::string> object;
  std::optional<std::string> model;
  std::optional<double> progress;
  std::optional<double> created_at;
  std::optional<double> completed_at;
  std::optional<double> expires_at;
  std::optional<std::variant<std::string, double>> seconds;
  std::optional<std::string> size;
  std::optional<openai_compat::VideoError> error;
  std::optional<openai_compat::Output> output;
};

}  // namespace openai_videos

/// Where a completed video is read from.
enum class OpenAiContent {
  output_url_or_endpoint,  ///< `output.url` where the gateway gives one, else `/videos/{id}/content`
  content_endpoint,        ///< always `/videos/{id}/content` (with the key)
};

/// An OpenAI-compatible video API. Holds the base URL, key and auth header; the key is only ever
/// sent to the base URL's origin.
struct OpenAiVideos {
  static constexpr std::string_view name = "openai";
  /// May be idempotent: only when `idempotency_key_honoured` says the gateway honours the header.
  static constexpr bool idempotent_create = true;
  static constexpr bool has_quote = false;
  static constexpr bool has_cleanup = true;
  static constexpr bool has_cancel = true;
  static constexpr bool has_models = false;
  static constexpr policy::Bucket create_bucket = policy::Bucket::create;
  static constexpr policy::Bucket status_bucket = policy::Bucket::status;

  using Request = openai_videos::CreateRequest;

  std::string api_key;
  std::string base_url = "https://api.openai.com/v1";
  std::string auth_header = "Authorization";  ///< e.g. "api-key" for a gateway that wants it bare
  std::string auth_scheme = "Bearer";         ///< empty: the key alone
  /// Whether the gateway honours `Idempotency-Key` (a retried create returns the same video).
  /// Without it, a create that may have been received is never resent (`ambiguous_submit`).
  bool idempotency_key_honoured = false;
  OpenAiContent content = OpenAiContent::output_url_or_endpoint;

  /// Whether creates carry an honoured idempotency key (see `creates_are_idempotent`).
  bool honours_idempotency_key() const noexcept { return idempotency_key_honoured; }

  /// No client-side limits are known for a gateway: none; its 429s and hints are honoured.
  static job::AccountLimits default_limits() { return job::AccountLimits::none(); }
  /// The environment variables `from_env` reads: the API key, and a base URL that replaces the default.
  static constexpr const char* key_env = "OPENAI_API_KEY";
  static constexpr const char* base_url_env = "OPENAI_BASE_URL";
  /// Configured from `OPENAI_API_KEY` and `OPENAI_BASE_URL`.
  static OpenAiVideos from_env() { return providers::from_env<OpenAiVideos>(); }

  /// The native request: seconds as a string, `size` from the resolution or aspect ratio (as
  /// Lumenfall), the image as `input_reference`.
  static Request native(const job::VideoRequest& r) {
    Request c;
    c.model = r.model;
    c.prompt = r.prompt;
    if (r.duration_seconds) c.seconds = std::to_string(*r.duration_seconds);
    c.size = openai_compat::size_of(r.resolution, r.aspect_ratio);
    if (r.image) c.input_reference = openai_compat::InputReference{r.image, std::nullopt};
    return c;
  }

  /// The neutral fields the API has no place for (the outcome's warnings).
  static std::vector<std::string> warnings_of(const job::VideoRequest& r) {
    std::vector<std::string> out;
    if (r.negative_prompt) out.push_back("negative_prompt is not part of the OpenAI videos API: not sent");
    if (r.audio) out.push_back("audio is not part of the OpenAI videos API: not sent");
    if (r.resolution && r.aspect_ratio && openai_compat::pixel_size(*r.resolution)) {
      out.push_back("aspect_ratio " + *r.aspect_ratio + " is not sent: the size " + *r.resolution + " decides");
    }
    return out;
  }

  http::Request create_request(const Request& r, const job::JobHandle& h) const {
    http::Request request = providers::json_request("POST", base_url + "/videos", r, "");
    request.headers.erase("Authorization");  // json_request's bearer: replaced by the configured header
    authorize(request);
    openai_compat::with_extra(request, r.extra);
    if (idempotency_key_honoured && h.idempotency_key) request.headers.add("Idempotency-Key", *h.idempotency_key);
    return request;
  }
  http::Request status_request(const job::JobHandle& h) const { return api_request("GET", "/videos/" + h.job_id); }
  /// DELETE: cancels a running job, or deletes a finished one's stored video.
  http::Request cancel_request(const job::JobHandle& h) const { return api_request("DELETE", "/videos/" + h.job_id); }
  http::Request cleanup_request(const job::JobHandle& h) const { return cancel_request(h); }

  /// GET of a video URL without any key.
  static http::Request download_request(const std::string& url) { return providers::media_request("GET", url); }
  /// GET of the video: `/videos/{id}/content` of the handle's API with the key (under
  /// `content_endpoint`, whatever URL the status gave), any other origin without it.
  http::Request download_request(const std::string& url, const job::JobHandle& h) const {
    const std::string target = content == OpenAiContent::content_endpoint ? content_url(h) : url;
    http::Request r = providers::media_request("GET", target);
    if (http::same_origin(target, base_url)) authorize(r);
    return r;
  }
  static std::optional<http::Request> revoke_request(const job::JobHandle&) { return std::nullopt; }

  /// Reads a create's answer into the handle. A 5xx (after any retries an honoured key allows)
  /// may hide a created video: `ambiguous_submit`.
  static Result<void, job::JobError> on_created(const http::Response& r, job::JobHandle& h) {
    if (r.head.status >= 500) {
      job::JobError e = error_of(r);
      e.code = make_error_code(job::Errc::ambiguous_submit);
      e.provider.message = "HTTP " + std::to_string(r.head.status) + " after the create was sent (" + e.provider.message +
                           "): the video may exist; check before submitting again";
      return fail(std::move(e));
    }
    if (r.head.status != 200 && r.head.status != 201 && r.head.status != 202) return fail(error_of(r));
    auto video = providers::read_body<openai_videos::Video>(r);
    if (!video) {
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

  static Result<job::Status, job::JobError> on_status(const http::Response& r, const job::JobHandle& h) {
    if (r.head.status != 200) return fail(error_of(r));
    auto video = providers::read_body<openai_videos::Video>(r);
    if (!video) return fail(std::move(video.error()));
    return openai_compat::status_of(*video, content_url(h), refusal);
  }

  static Result<void, job::JobError> on_cancel(const http::Response& r) { return openai_compat::cancel_result(r, error_of); }
  static Result<void, job::JobError> on_cleanup(const http::Response& r) { return openai_compat::cleanup_result(r, error_of); }

  /// The typed error of a non-success answer: OpenAI's `code` (or `type`) refines the status.
  static job::JobError error_of(const http::Response& r) {
    job::JobError e = openai_compat::envelope_error(r, true);
    const std::string& c = e.provider.code;
    if (refusal(c)) e.code = make_error_code(job::Errc::content_policy);
    if (c == "insufficient_quota" || c == "billing_hard_limit_reached") {
      e.code = make_error_code(job::Errc::insufficient_balance);  // a 429 that waiting does not cure
    }
    if (c == "invalid_api_key" || c == "authentication_error") e.code = make_error_code(job::Errc::unauthorized);
    if (c == "model_not_found") e.code = make_error_code(job::Errc::model_not_found);
    if (c == "rate_limit_exceeded") e.code = make_error_code(job::Errc::rate_limited);
    return e;
  }

  /// `{base_url}/videos/{id}/content` of the handle's API.
  static std::string content_url(const job::JobHandle& h) { return h.base_url + "/videos/" + h.job_id + "/content"; }

private:
  static bool refusal(std::string_view c) {
    return c == "moderation_blocked" || c == "content_policy_violation" || c == "content_filter" ||
           c == "CONTENT_POLICY_VIOLATION";
  }
  void authorize(http::Request& r) const {
    if (api_key.empty()) return;
    r.headers.set(auth_header, auth_scheme.empty() ? api_key : auth_scheme + " " + api_key);
  }
  http::Request api_request(std::string method, const std::string& path) const {
    http::Request r = providers::plain_request(std::move(method), base_url + path, "");
    authorize(r);
    return r;
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
struct reel::json::Meta<reel::openai_videos::CreateRequest> {
  static constexpr auto skip = field_list({"extra"});
};
