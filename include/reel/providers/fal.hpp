// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::Fal`: the provider traits of fal.ai's queue API (`https://queue.fal.run`): submit
/// `POST /{owner}/{app}[/{path}]` with the model's input as the body and `Authorization: Key ...`;
/// poll the returned `status_url` (`IN_QUEUE` with `queue_position`, `IN_PROGRESS`, `COMPLETED`),
/// read the result from `response_url` and find the video file in it, download it without the
/// key, cancel with `PUT cancel_url`. fal has no idempotency key: a submit that may have been
/// received is never repeated (`ambiguous_submit`). Errors: `{"detail": ...}` (422 validation:
/// a list of `{loc, msg, type}`) and `{"detail", "error_type"}` with `X-Fal-Error-Type`.
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

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reel {
namespace fal {

/// The model's input (the submit body). fal's video models differ in what they take: the
/// common fields are written when set, anything else goes in `extra` (written as it is; keys
/// must not repeat the members above).
struct Input {
  std::string prompt;
  std::optional<std::string> duration;      ///< "5", or "8s" for Veo models
  std::optional<std::string> aspect_ratio;  ///< "16:9"
  std::optional<std::string> resolution;    ///< "720p"
  std::optional<std::string> negative_prompt;
  std::optional<std::string> image_url;  ///< image-to-video input (http(s) or data URL)
  std::optional<std::string> audio_url;
  json::Object extra;
};

/// A fal submit: the endpoint id (`owner/app[/path]`, e.g. "fal-ai/kling-video/v2.1/master/
/// text-to-video"), its input, and the optional queue headers.
struct SubmitRequest {
  std::string model;
  Input input;
  std::optional<std::string> priority;     ///< `X-Fal-Queue-Priority`: "normal" or "low"
  std::optional<std::string> runner_hint;  ///< `X-Fal-Runner-Hint`
};

/// One log line of a status answer.
struct LogEntry {
  std::optional<std::string> message;
  std::optional<std::string> level;
  std::optional<std::string> source;
  std::optional<std::string> timestamp;
};

/// `metrics` of a COMPLETED status.
struct Metrics {
  std::optional<double> inference_time;  ///< seconds
};

/// The submit answer and the status answer (`QueueStatus`); every member but `status` may be
/// absent or null. `error`/`error_type` appear on a request that failed or was cancelled.
struct QueueStatus {
  std::optional<std::string> status;
  std::optional<std::string> request_id;
  std::optional<std::string> response_url;
  std::optional<std::string> status_url;
  std::optional<std::string> cancel_url;
  std::optional<double> queue_position;
  std::optional<std::vector<LogEntry>> logs;
  std::optional<Metrics> metrics;
  std::optional<json::Value> error;
  std::optional<std::string> error_type;
};

}  // namespace fal

/// fal.ai's queue API. Holds the key and base URL; the key is only ever sent to `base_url`'s
/// origin (a returned URL elsewhere is an error, never called with the key).
struct Fal {
  static constexpr std::string_view name = "fal";
  /// No idempotency key: a submit that may have been received is not repeated.
  static constexpr bool idempotent_create = false;
  static constexpr bool has_quote = false;
  static constexpr bool has_cleanup = false;
  static constexpr bool has_cancel = true;
  static constexpr bool has_models = false;
  /// A COMPLETED status is followed by a read of the result (`result_request`, `on_result`).
  static constexpr bool has_result = true;
  /// Rate-limit buckets.
  static constexpr policy::Bucket create_bucket = policy::Bucket::create;
  static constexpr policy::Bucket status_bucket = policy::Bucket::status;

  using Request = fal::SubmitRequest;

  std::string api_key;
  std::string base_url = "https://queue.fal.run";

  /// fal documents per-account concurrency, not request rates: no client-side limit; its 429s
  /// are honoured.
  static job::AccountLimits default_limits() { return job::AccountLimits::none(); }

  /// The environment variables `from_env` reads: the API key, and a base URL that replaces the default.
  static constexpr const char* key_env = "FAL_KEY";
  static constexpr const char* base_url_env = "FAL_BASE_URL";
  /// fal as configured by the environment: the key from `FAL_KEY`, the base URL from
  /// `FAL_BASE_URL` when set.
  static Fal from_env() { return providers::from_env<Fal>(); }

  /// The native request: the model is the endpoint id; duration as a string ("8s" for Veo
  /// models), the image as `image_url`, the audio as `audio_url`, the rest by name.
  static Request native(const job::VideoRequest& r) {
    Request c;
    c.model = r.model;
    c.input.prompt = r.prompt;
    if (r.duration_seconds) c.input.duration = std::to_string(*r.duration_seconds) + (is_veo(r.model) ? "s" : "");
    c.input.aspect_ratio = r.aspect_ratio;
    c.input.resolution = r.resolution;
    c.input.negative_prompt = r.negative_prompt;
    c.input.image_url = r.image;
    c.input.audio_url = r.audio;
    return c;
  }

  /// The neutral fields a fal endpoint cannot take as asked (the outcome's warnings): an image
  /// for a text-to-video endpoint, no image for an image-to-video one, a WxH resolution (fal's
  /// models take "480p", "720p", "1080p"), an endpoint id that is not `owner/app[/path]`.
  static std::vector<std::string> warnings_of(const job::VideoRequest& r) {
    std::vector<std::string> out;
    if (app_of(r.model).empty()) out.push_back("model \"" + r.model + "\" is not a fal endpoint id (owner/app[/path])");
    if (r.image && r.model.find("text-to-video") != std::string::npos) {
      out.push_back("image given to the text-to-video endpoint " + r.model + ": the model may ignore it");
    }
    if (!r.image && r.model.find("image-to-video") != std::string::npos) {
      out.push_back("no image for the image-to-video endpoint " + r.model);
    }
    if (r.resolution && r.resolution->find('x') != std::string::npos) {
      out.push_back("resolution " + *r.resolution + ": fal's video models take \"720p\"-style resolutions");
    }
    return out;
  }

  /// `POST {base}/{owner}/{app}[/{path}]` with the input as the body.
  http::Request create_request(const Request& r, const job::JobHandle&) const {
    http::Request request = providers::json_request("POST", base_url + "/" + r.model, r.input, api_key);
    keyed(request);
    if (!request.body.empty()) providers::append_extra(request.body, r.input.extra);
    if (r.priority) request.headers.add("X-Fal-Queue-Priority", *r.priority);
    if (r.runner_hint) request.headers.add("X-Fal-Runner-Hint", *r.runner_hint);
    return request;
  }

  /// The job's deadline as fal's server-side start timeout (`X-Fal-Request-Timeout`, whole
  /// seconds; fal takes values above 1 s): fal gives up on a request that has not started by then.
  static void bound_by_deadline(http::Request& create, std::chrono::milliseconds left) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(left).count();
    if (seconds > 1) create.headers.add("X-Fal-Request-Timeout", std::to_string(seconds));
  }

  /// GET of the returned `status_url` (`?logs=0` added), or of the documented URL on `base_url`.
  http::Request status_request(const job::JobHandle& h) const {
    std::string url = own_url(h.status_url, h, "/status");
    url += url.find('?') == std::string::npos ? "?logs=0" : "&logs=0";
    return keyed(providers::plain_request("GET", std::move(url), api_key));
  }
  /// GET of the returned `response_url`: the model's output.
  http::Request result_request(const job::JobHandle& h) const {
    return keyed(providers::plain_request("GET", own_url(h.result_url, h, ""), api_key));
  }
  /// PUT of the returned `cancel_url`.
  http::Request cancel_request(const job::JobHandle& h) const {
    return keyed(providers::plain_request("PUT", own_url(h.cancel_url, h, "/cancel"), api_key));
  }

  /// GET of the video file, without Authorization.
  static http::Request download_request(const std::string& url) { return providers::media_request("GET", url); }
  static std::optional<http::Request> revoke_request(const job::JobHandle&) { return std::nullopt; }

  /// Reads the submit answer: `request_id` and the job's URLs. A 2xx without a readable id, or a
  /// 5xx without fal's error type (a gateway's page), is `ambiguous_submit` (a job may exist).
  static Result<void, job::JobError> on_created(const http::Response& r, job::JobHandle& h) {
    if (r.head.status < 200 || r.head.status > 299) {
      job::JobError e = error_of(r);
      if (r.head.status == 404) e.code = make_error_code(job::Errc::model_not_found);
      if (r.head.status >= 500 && e.provider.code.empty()) {
        // Not fal's own refusal (no error type): a gateway in front of the queue may have passed
        // the submit on.
        e.code = make_error_code(job::Errc::ambiguous_submit);
        e.provider.message = "HTTP " + std::to_string(r.head.status) + " after the submit was sent (" + e.provider.message +
                             "): a job may exist; it is not submitted again";
      }
      return fail(std::move(e));
    }
    auto body = providers::read_body<fal::QueueStatus>(r);
    std::string id = body && body->request_id ? *body->request_id : providers::salvage_string(r.body, "request_id");
    if (!plain_id(id)) {
      job::JobError e{make_error_code(job::Errc::ambiguous_submit), {}};
      e.provider.status = r.head.status;
      e.provider.message = "fal accepted the submit (HTTP " + std::to_string(r.head.status) +
                           ") without a readable request_id: a job may run; it is not submitted again";
      return fail(std::move(e));
    }
    h.job_id = std::move(id);
    if (!body) return {};
    // Kept as returned; the job drops (with a warning) any on another origin than base_url.
    h.status_url = body->status_url;
    h.result_url = body->response_url;
    h.cancel_url = body->cancel_url;
    return {};
  }

  static bool status_body_is_video(const http::ResponseHead&) { return false; }

  /// Reads a status answer (202 while queued or running, 200 when COMPLETED). COMPLETED is
  /// `ready` without a download URL: the job reads the result next (`on_result`).
  static Result<job::Status, job::JobError> on_status(const http::Response& r, const job::JobHandle&) {
    if (r.head.status != 200 && r.head.status != 202) return fail(error_of(r));
    auto body = providers::read_body<fal::QueueStatus>(r);
    if (!body) return fail(std::move(body.error()));
    if (!body->status) return fail(unexpected(r, "status answer without a status"));
    job::Status s;
    if (body->queue_position && *body->queue_position >= 0 && *body->queue_position < 1e9) {
      s.queue_position = static_cast<int>(*body->queue_position);
    }
    if (body->metrics && body->metrics->inference_time && *body->metrics->inference_time >= 0 &&
        *body->metrics->inference_time < 1e7) {
      s.elapsed = job::Duration(static_cast<std::int64_t>(*body->metrics->inference_time * 1000));
    }
    const std::string& word = *body->status;
    const bool has_error = (body->error && !body->error->is_null()) || (body->error_type && !body->error_type->empty());
    switch (providers::classify_status(word)) {
      case providers::StatusWord::queued: s.phase = job::Phase::queued; break;
      case providers::StatusWord::running: s.phase = job::Phase::running; break;
      case providers::StatusWord::done:
        if (has_error) {
          s.phase = job::Phase::failed;
          s.error = failure_of(r, body->error_type.value_or(""), message_of(body->error ? *body->error : json::Value()));
        } else {
          s.phase = job::Phase::ready;  // the video's URL is in the result
        }
        break;
      case providers::StatusWord::failed:
        s.phase = job::Phase::failed;
        s.error = failure_of(r, body->error_type.value_or(""), message_of(body->error ? *body->error : json::Value()));
        break;
      case providers::StatusWord::cancelled:
        s.phase = job::Phase::failed;
        s.error.code = make_error_code(job::Errc::cancelled_at_provider);
        s.error.provider.message = "status " + word;
        break;
      case providers::StatusWord::unknown:
        s.phase = job::Phase::running;
        s.unknown_status = word;
        break;
    }
    return s;
  }

  /// Reads the result of a COMPLETED request: `ready` with the video file's URL and size (a
  /// `video` object, the first of `videos`, a `file`, or any object whose `content_type` is
  /// video/*); `failed` for fal's error answers (an `error_type` or `X-Fal-Error-Type`, a 4xx
  /// `detail`) and for a result without a video. Other answers (429, 5xx without an error type,
  /// 404) are errors: the job polls again.
  static Result<job::Status, job::JobError> on_result(const http::Response& r, const job::JobHandle&) {
    job::Status s;
    if (r.head.status != 200) {
      job::JobError e = error_of(r);
      const bool fal_says = !e.provider.code.empty() || (r.head.status >= 400 && r.head.status < 500 &&
                                                          r.head.status != 404 && r.head.status != 408 &&
                                                          r.head.status != 410 && r.head.status != 429);
      if (!fal_says) return fail(std::move(e));
      s.phase = job::Phase::failed;
      s.error = failure_of(r, e.provider.code, e.provider.message);
      return s;
    }
    json::Value v;
    if (const json::Error err = json::read(r.body, v)) return fail(unexpected(r, "result: " + err.message()));
    const json::Value* file = video_file(v);
    const std::string* url = file != nullptr ? file->find_string("url") : nullptr;
    if (url == nullptr || url->empty()) {
      s.phase = job::Phase::failed;
      s.error = unexpected(r, "the result holds no video file");
      return s;
    }
    s.phase = job::Phase::ready;
    s.download_url = *url;
    if (const json::Value* size = file->find("file_size"); size != nullptr && size->if_number()) {
      s.size_bytes = size->if_number()->to_uint64();
    }
    return s;
  }

  /// 202 `CANCELLATION_REQUESTED` (or 200 `OK`): cancelled. `ALREADY_COMPLETED` is
  /// `invalid_request` (nothing to stop), `NOT_FOUND` `job_not_found`.
  static Result<void, job::JobError> on_cancel(const http::Response& r) {
    json::Value v;
    const std::string word = json::read(r.body, v) ? std::string() : providers::string_at(v, "status");
    if ((r.head.status == 200 || r.head.status == 202) && word != "ALREADY_COMPLETED" && word != "NOT_FOUND") return {};
    job::JobError e = error_of(r);
    if (word == "ALREADY_COMPLETED") {
      e.code = make_error_code(job::Errc::invalid_request);
      e.provider.code = word;
      e.provider.message = "the request already completed: nothing to cancel";
    } else if (word == "NOT_FOUND") {
      e.code = make_error_code(job::Errc::job_not_found);
      e.provider.code = word;
    }
    return fail(std::move(e));
  }

  /// The typed error of a non-success answer: the status, refined by `X-Fal-Error-Type` or
  /// the body's `error_type` (kept in `provider.code`), with `detail` as the message (a 422's
  /// list of `{loc, msg, type}` is `invalid_request` unless its type is a content policy one).
  static job::JobError error_of(const http::Response& r) {
    job::JobError e{make_error_code(providers::errc_for_status(r.head.status)), {}};
    e.provider.status = r.head.status;
    json::Value v;
    const bool json_body = !json::read(r.body, v) && v.is_object();
    std::string type;
    if (const auto header = r.head.headers.find("X-Fal-Error-Type")) type = std::string(*header);
    if (type.empty() && json_body) type = providers::string_at(v, "error_type");
    std::string detail_type;
    if (json_body) {
      const json::Value* detail = v.find("detail");
      if (detail != nullptr && detail->if_array() && !detail->if_array()->empty()) {
        const json::Value& first = detail->if_array()->front();
        e.provider.message = providers::string_at(first, "msg");
        detail_type = providers::string_at(first, "type");
        if (const json::Value* loc = first.find("loc"); loc != nullptr && loc->if_array()) {
          std::string where;
          for (const json::Value& part : *loc->if_array()) {
            if (part.if_string()) where += (where.empty() ? "" : ".") + *part.if_string();
          }
          if (!where.empty()) e.provider.message = where + ": " + e.provider.message;
        }
      } else if (detail != nullptr) {
        e.provider.message = message_of(*detail);
      } else if (const json::Value* err = v.find("error"); err != nullptr) {
        e.provider.message = message_of(*err);
      }
    }
    if (e.provider.message.empty()) e.provider.message = "HTTP " + std::to_string(r.head.status);
    e.provider.code = type.empty() ? detail_type : type;
    if (r.head.status == 422) e.code = make_error_code(job::Errc::invalid_request);
    const auto timeout_type = r.head.headers.find("X-Fal-Request-Timeout-Type");
    if (r.head.status == 504 && timeout_type && *timeout_type == "user") {
      e.code = make_error_code(job::Errc::failed_at_provider);
      if (e.provider.code.empty()) e.provider.code = "request_timeout";
      e.provider.message += " (the request did not start within X-Fal-Request-Timeout)";
    }
    const std::string& c = e.provider.code;
    if (c.find("content_policy") != std::string::npos) e.code = make_error_code(job::Errc::content_policy);
    if (c.rfind("runner_", 0) == 0) e.code = make_error_code(job::Errc::at_capacity);
    if (c == "internal_error" || c == "runner_server_error") e.code = make_error_code(job::Errc::provider_error);
    if (c == "request_timeout" || c == "startup_timeout" || c == "generation_timeout") {
      e.code = make_error_code(job::Errc::failed_at_provider);
    }
    if (c.find("cancel") != std::string::npos) e.code = make_error_code(job::Errc::cancelled_at_provider);
    return e;
  }

  /// The `owner/app` part of an endpoint id (with its `workflows/` or `comfy/` namespace): the
  /// status, result and cancel URLs use only that. Empty if `model` is not an endpoint id.
  static std::string app_of(std::string_view model) {
    std::vector<std::string_view> parts;
    std::size_t begin = 0;
    while (begin <= model.size()) {
      const std::size_t slash = model.find('/', begin);
      const std::size_t end = slash == std::string_view::npos ? model.size() : slash;
      parts.push_back(model.substr(begin, end - begin));
      if (slash == std::string_view::npos) break;
      begin = slash + 1;
    }
    const std::size_t n = !parts.empty() && (parts[0] == "workflows" || parts[0] == "comfy") ? 3 : 2;
    if (parts.size() < n) return {};
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
      if (parts[i].empty()) return {};
      out += (i == 0 ? "" : "/") + std::string(parts[i]);
    }
    return out;
  }

private:
  static bool is_veo(std::string_view model) { return model.find("/veo") != std::string_view::npos; }

  // fal's scheme: `Authorization: Key <key>` instead of Bearer.
  http::Request& keyed(http::Request& r) const {
    r.headers.set("Authorization", "Key " + api_key);
    return r;
  }
  http::Request keyed(http::Request&& r) const {
    keyed(r);
    return std::move(r);
  }

  // A URL the handle holds when it is on base_url's origin, else the documented one built from
  // base_url, the endpoint's owner/app and the request id (`tail`: "/status", "", "/cancel").
  std::string own_url(const std::optional<std::string>& given, const job::JobHandle& h, std::string_view tail) const {
    if (given && http::same_origin(*given, base_url)) return *given;
    return base_url + "/" + app_of(h.model) + "/requests/" + h.job_id + std::string(tail);
  }

  // A request id is a plain token (it goes into URLs).
  static bool plain_id(std::string_view id) {
    if (id.empty() || id.size() > 200) return false;
    for (const char c : id) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
      if (!ok) return false;
    }
    return true;
  }

  static std::string message_of(const json::Value& v) {
    if (const std::string* s = v.if_string()) return *s;
    if (v.is_object()) {
      for (const char* key : {"message", "detail", "msg"}) {
        if (const std::string* s = v.find_string(key)) return *s;
      }
    }
    return {};
  }

  // The job's failure: the error type (fal's words) mapped, "failed" otherwise.
  static job::JobError failure_of(const http::Response& r, const std::string& type, const std::string& message) {
    http::Response typed;
    typed.head.status = r.head.status;
    typed.head.headers.add("X-Fal-Error-Type", type);
    job::JobError e = type.empty() ? job::JobError{} : error_of(typed);
    const std::error_code c = e.code;
    if (type.empty() || c == job::Errc::at_capacity || c == job::Errc::provider_error || c == job::Errc::rate_limited ||
        c == job::Errc::unexpected_response || c == job::Errc::job_not_found) {
      e.code = make_error_code(job::Errc::failed_at_provider);
    }
    if (r.head.status == 422 && c != job::Errc::content_policy) e.code = make_error_code(job::Errc::invalid_request);
    e.provider.status = r.head.status;
    e.provider.code = type;
    e.provider.message = message.empty() ? "the request failed" : message;
    return e;
  }

  // The video file of a result: `video`, `videos[0]`, `file`, else any object (depth <= 4)
  // with a url and a video/* content_type.
  static const json::Value* video_file(const json::Value& v, int depth = 0) {
    if (depth > 4) return nullptr;
    if (depth == 0 && v.is_object()) {
      for (const char* key : {"video", "file"}) {
        const json::Value* f = v.find(key);
        if (f != nullptr && f->find_string("url") != nullptr) return f;
      }
      if (const json::Value* list = v.find("videos"); list != nullptr && list->if_array()) {
        for (const json::Value& f : *list->if_array()) {
          if (f.find_string("url") != nullptr) return &f;
        }
      }
    }
    if (const json::Object* o = v.if_object()) {
      const std::string* type = v.find_string("content_type");
      if (v.find_string("url") != nullptr && type != nullptr && type->rfind("video/", 0) == 0) return &v;
      for (const auto& [key, member] : *o) {
        if (const json::Value* f = video_file(member, depth + 1)) return f;
      }
    } else if (const json::Array* a = v.if_array()) {
      for (const json::Value& member : *a) {
        if (const json::Value* f = video_file(member, depth + 1)) return f;
      }
    }
    return nullptr;
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
struct reel::json::Meta<reel::fal::Input> {
  static constexpr auto skip = field_list({"extra"});
};
