// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::Runway`: the provider traits of Runway's developer API (`https://api.dev.runwayml.com`,
/// `X-Runway-Version: 2024-11-06` on every keyed call): a task created with
/// `POST /v1/text_to_video` or `POST /v1/image_to_video` (or another create endpoint named in the
/// request), polled with `GET /v1/tasks/{id}` (PENDING, THROTTLED, RUNNING, SUCCEEDED, FAILED,
/// CANCELLED), cancelled (while it runs) and deleted (once it ended) with `DELETE /v1/tasks/{id}`,
/// the video read from `output[0]` and fetched without the key, and the `{"error": "..."}` error
/// bodies. Runway documents no idempotency key: a create that may have been received is
/// `ambiguous_submit`, never resent.
#pragma once

#include <reel/config.hpp>
#include <reel/http/url.hpp>
#include <reel/job/handle.hpp>
#include <reel/job/limits.hpp>
#include <reel/job/request.hpp>
#include <reel/job/status.hpp>
#include <reel/json/value.hpp>
#include <reel/policy/bucket.hpp>
#include <reel/providers/common.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reel {
namespace runway {

/// The API version every keyed request names (the value the official SDK sends).
inline constexpr std::string_view api_version = "2024-11-06";

/// A fresh task may answer 404 for a short while after its create: a 404 this many seconds or
/// less after `JobHandle::created_at` is read as "still queued", not as `job_not_found`.
inline constexpr std::int64_t fresh_task_grace_seconds = 10;

/// A create: the endpoint (`text_to_video`, `image_to_video`, `video_to_video`, ...; the path
/// after `/v1/`) and its JSON body, written as it is (`{"model": ..., "promptText": ...}`).
struct CreateRequest {
  std::string endpoint = "text_to_video";
  json::Value body = json::Object{};
};

/// A neutral aspect ratio and the pixel ratio Runway takes for it.
struct PixelRatio {
  std::string_view aspect;
  std::string_view pixels;
};

/// The pixel ratios of the common aspect ratios (Runway's 720p sizes).
inline constexpr PixelRatio pixel_ratios[] = {
    {"16:9", "1280:720"}, {"9:16", "720:1280"}, {"1:1", "960:960"},
    {"4:3", "1104:832"},  {"3:4", "832:1104"},  {"21:9", "1584:672"},
};

/// The ratio used when the request names none (Runway requires one; every video model takes it).
inline constexpr std::string_view default_ratio = "1280:720";

/// What a model requires beyond the common fields (the official SDK's create-params types):
/// the only ratios it takes on `text_to_video` (empty: any of `pixel_ratios`), and whether
/// `duration` is required.
struct ModelRules {
  std::string_view model;
  std::string_view text_ratios[2];
  bool duration_required = false;
};

/// gen4.5: `duration` an integer from 2 to 10, required; on `text_to_video` only 1280:720 and
/// 720:1280 (image_to_video takes every ratio of `pixel_ratios`).
inline constexpr ModelRules model_rules[] = {
    {"gen4.5", {"1280:720", "720:1280"}, true},
};

/// The duration sent when a model requires one and the request names none.
inline constexpr std::int64_t default_duration = 5;

}  // namespace runway

/// Runway. Holds the API base URL and key; the key is only ever sent to `base_url`'s origin
/// (output URLs are fetched without it).
struct Runway {
  static constexpr std::string_view name = "runway";
  /// No idempotency key: a create that may have been received is never repeated.
  static constexpr bool idempotent_create = false;
  static constexpr bool has_quote = false;
  /// `DELETE /v1/tasks/{id}` deletes a finished task.
  static constexpr bool has_cleanup = true;
  /// `DELETE /v1/tasks/{id}` cancels a pending, throttled or running task.
  static constexpr bool has_cancel = true;
  static constexpr bool has_models = false;
  static constexpr policy::Bucket create_bucket = policy::Bucket::create;
  static constexpr policy::Bucket status_bucket = policy::Bucket::status;

  using Request = runway::CreateRequest;

  std::string api_key;
  /// The API's origin (paths start with `/v1`).
  std::string base_url = "https://api.dev.runwayml.com";

  /// No client-side limits: Runway documents no request rate, only per-model concurrency (over
  /// it a task waits as THROTTLED) and daily generation counts (over them a create answers 429).
  static job::AccountLimits default_limits() { return job::AccountLimits::none(); }

  /// The environment variables `from_env` reads: the API key, and a base URL that replaces the default.
  static constexpr const char* key_env = "RUNWAYML_API_SECRET";
  static constexpr const char* base_url_env = "RUNWAY_BASE_URL";
  /// Runway as configured by the environment: the key from `RUNWAYML_API_SECRET`, the base URL
  /// from `RUNWAY_BASE_URL` when set.
  static Runway from_env() { return providers::from_env<Runway>(); }

  // ---- the request --------------------------------------------------------------------------

  /// The native request for a neutral one: `model`, `promptText`, `duration`, `ratio` (a common
  /// aspect ratio as Runway's pixel ratio, a `WxH` resolution as `W:H`, else 1280:720), and with
  /// an image `promptImage` on `image_to_video` (else `text_to_video`). Negative prompt and audio
  /// have no Runway field (see `warnings_of`).
  static Request native(const job::VideoRequest& r) {
    Request c;
    json::Object body;
    body.emplace_back("model", r.model);
    if (!r.prompt.empty()) body.emplace_back("promptText", r.prompt);
    if (r.image) {
      c.endpoint = "image_to_video";
      body.emplace_back("promptImage", *r.image);
    }
    body.emplace_back("ratio", ratio_of(r).value_or(std::string(runway::default_ratio)));
    if (r.duration_seconds) {
      body.emplace_back("duration", json::Value(static_cast<std::int64_t>(*r.duration_seconds)));
    } else if (const runway::ModelRules* m = rules_of(r.model); m != nullptr && m->duration_required) {
      body.emplace_back("duration", json::Value(runway::default_duration));
    }
    c.body = std::move(body);
    return c;
  }

  /// The neutral fields Runway cannot take (left out or replaced), one warning each.
  static std::vector<std::string> warnings_of(const job::VideoRequest& r) {
    std::vector<std::string> out;
    if (r.negative_prompt) out.emplace_back("negative_prompt has no Runway field: left out");
    if (r.audio) out.emplace_back("audio has no Runway field: left out");
    if (r.aspect_ratio && !pixel_ratio(*r.aspect_ratio)) {
      out.push_back("aspect_ratio " + *r.aspect_ratio + " is not one Runway knows: " + std::string(runway::default_ratio) +
                    " used");
    } else if (!r.aspect_ratio && r.resolution && !size_ratio(*r.resolution)) {
      out.push_back("resolution " + *r.resolution + " is not a WxH size: " + std::string(runway::default_ratio) + " used");
    } else if (r.aspect_ratio && r.resolution) {
      out.emplace_back("resolution is left out: Runway's ratio (from aspect_ratio) sets the size");
    } else if (!r.aspect_ratio && !r.resolution) {
      out.push_back("no aspect_ratio: Runway requires a ratio, " + std::string(runway::default_ratio) + " used");
    }
    const runway::ModelRules* m = rules_of(r.model);
    if (m != nullptr && m->duration_required && !r.duration_seconds) {
      out.push_back("no duration_seconds: " + r.model + " requires a duration, " + std::to_string(runway::default_duration) +
                    " s used");
    }
    const std::optional<std::string> ratio = ratio_of(r);
    if (m != nullptr && !r.image && ratio && !text_ratio_ok(*m, *ratio)) {
      out.push_back("ratio " + *ratio + ": " + r.model + " on text_to_video takes only " + std::string(m->text_ratios[0]) +
                    " and " + std::string(m->text_ratios[1]) + "; sent as given (Runway may refuse it)");
    }
    return out;
  }

  /// The extra rules of `model` (gen4.5), or null.
  static const runway::ModelRules* rules_of(std::string_view model) {
    for (const runway::ModelRules& m : runway::model_rules) {
      if (m.model == model) return &m;
    }
    return nullptr;
  }

  /// Whether `ratio` is one `m` takes on text_to_video.
  static bool text_ratio_ok(const runway::ModelRules& m, std::string_view ratio) {
    bool any = false;
    for (std::string_view t : m.text_ratios) {
      if (t.empty()) continue;
      any = true;
      if (t == ratio) return true;
    }
    return !any;
  }

  /// The Runway ratio of a neutral request: its aspect ratio (a known one, or already `W:H` in
  /// pixels), else its `WxH` resolution; empty when neither gives one.
  static std::optional<std::string> ratio_of(const job::VideoRequest& r) {
    if (r.aspect_ratio) return pixel_ratio(*r.aspect_ratio);
    if (r.resolution) return size_ratio(*r.resolution);
    return std::nullopt;
  }

  /// Runway's pixel ratio for an aspect ratio ("16:9" is "1280:720"); a pixel ratio ("1280:720")
  /// is kept.
  static std::optional<std::string> pixel_ratio(std::string_view aspect) {
    for (const runway::PixelRatio& p : runway::pixel_ratios) {
      if (p.aspect == aspect) return std::string(p.pixels);
    }
    const std::size_t colon = aspect.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const std::optional<int> w = number(aspect.substr(0, colon));
    const std::optional<int> h = number(aspect.substr(colon + 1));
    if (w && h && *w >= 100 && *h >= 100) return std::string(aspect);
    return std::nullopt;
  }

  /// `W:H` for a `WxH` resolution ("1280x720").
  static std::optional<std::string> size_ratio(std::string_view size) {
    const std::size_t x = size.find('x');
    if (x == std::string_view::npos) return std::nullopt;
    const std::optional<int> w = number(size.substr(0, x));
    const std::optional<int> h = number(size.substr(x + 1));
    if (!w || !h || *w < 100 || *h < 100) return std::nullopt;
    return std::to_string(*w) + ":" + std::to_string(*h);
  }

  /// The model a create names (its body's `model`; empty when it names none), for the handle.
  static std::string model_of(const Request& r) { return r.body.is_object() ? providers::string_at(r.body, "model") : std::string(); }

  /// The create: `POST /v1/{endpoint}`.
  http::Request create_request(const Request& r, const job::JobHandle&) const {
    return versioned(providers::json_request("POST", base_url + "/v1/" + r.endpoint, r.body, api_key));
  }

  /// A poll: `GET /v1/tasks/{id}`.
  http::Request status_request(const job::JobHandle& h) const {
    return versioned(providers::plain_request("GET", base_url + "/v1/tasks/" + h.job_id, api_key));
  }
  /// A cancel: `DELETE /v1/tasks/{id}` (a running task stops). The answer has no body: any media
  /// type is accepted (as the official SDK sends it).
  http::Request cancel_request(const job::JobHandle& h) const {
    http::Request r = versioned(providers::plain_request("DELETE", base_url + "/v1/tasks/" + h.job_id, api_key));
    r.headers.set("Accept", "*/*");
    return r;
  }
  /// The cleanup: `DELETE /v1/tasks/{id}` (a finished task is deleted and cannot be fetched again).
  http::Request cleanup_request(const job::JobHandle& h) const { return cancel_request(h); }

  /// GET of an output file, without Authorization.
  static http::Request download_request(const std::string& url) { return providers::media_request("GET", url); }
  /// GET of an output file: with the key only when the file is on the API's own origin (Runway's
  /// outputs are on a CDN, fetched without it).
  http::Request download_request(const std::string& url, const job::JobHandle&) const {
    http::Request r = providers::media_request("GET", url);
    if (!api_key.empty() && http::same_origin(url, base_url)) {
      r.headers.set("Authorization", "Bearer " + api_key);
      r.headers.set("X-Runway-Version", runway::api_version);
    }
    return r;
  }
  static std::optional<http::Request> revoke_request(const job::JobHandle&) { return std::nullopt; }

  // ---- answers ------------------------------------------------------------------------------

  /// Reads a create's answer (`{"id": ...}`) into the handle. A 5xx, or a 2xx without a readable
  /// id, may hide a created task: `ambiguous_submit`.
  static Result<void, job::JobError> on_created(const http::Response& r, job::JobHandle& h) {
    if (r.head.status >= 500) {
      job::JobError e = error_of(r);
      e.code = make_error_code(job::Errc::ambiguous_submit);
      e.provider.message = "HTTP " + std::to_string(r.head.status) + " after the create was sent (" + e.provider.message +
                           "): the task may exist; check before submitting again";
      return fail(std::move(e));
    }
    if (r.head.status < 200 || r.head.status > 299) {
      job::JobError e = error_of(r);
      if (r.head.status == 404) e.code = make_error_code(job::Errc::model_not_found);
      return fail(std::move(e));
    }
    json::Value v;
    std::string id;
    if (!json::read(r.body, v) && v.is_object()) {
      id = providers::string_at(v, "id");
    } else {
      id = providers::salvage_string(r.body, "id");
    }
    if (id.empty()) {
      job::JobError e = unexpected(r, "create answer without an id");
      e.code = make_error_code(job::Errc::ambiguous_submit);
      e.provider.message += ": the task may exist; check before submitting again";
      return fail(std::move(e));
    }
    h.job_id = std::move(id);
    return {};
  }

  static bool status_body_is_video(const http::ResponseHead&) { return false; }

  /// Reads a task. A 404 within `runway::fresh_task_grace_seconds` of `h.created_at` is a task
  /// Runway has not made visible yet: running, polled again (later it is `job_not_found`).
  static Result<job::Status, job::JobError> on_status(const http::Response& r, const job::JobHandle& h) {
    if (r.head.status == 404 && is_fresh(h, providers::unix_seconds(std::chrono::system_clock::now()))) {
      // Runway makes a new task readable a moment after its create answered: such a 404 is read
      // as running (not job_not_found), and the job polls again at its usual pace.
      job::Status s;
      s.phase = job::Phase::running;
      return s;
    }
    if (r.head.status != 200) return fail(error_of(r));
    json::Value v;
    if (json::read(r.body, v) || !v.is_object()) return fail(unexpected(r, "task answer is not a JSON object"));
    return status_of(v, r.head.status);
  }

  /// Whether a task submitted at `h.created_at` is still within the 404 grace at `now` (Unix s).
  /// An unknown submit time (0), or one far off `now`, gets no grace.
  static bool is_fresh(const job::JobHandle& h, std::int64_t now) {
    if (h.created_at <= 0) return false;
    const std::int64_t age = now - h.created_at;
    return age >= -runway::fresh_task_grace_seconds && age <= runway::fresh_task_grace_seconds;
  }

  /// The status a task object says: PENDING and THROTTLED queued, RUNNING running (`progress`
  /// 0..1 as a percentage), SUCCEEDED ready (`output[0]`), FAILED failed (SAFETY codes are
  /// `content_policy`), CANCELLED `cancelled_at_provider`; any other word is read as running.
  static Result<job::Status, job::JobError> status_of(const json::Value& task, int http_status = 200) {
    const std::string* word = task.find_string("status");
    if (word == nullptr) {
      job::JobError e{make_error_code(job::Errc::unexpected_response), {}};
      e.provider.status = http_status;
      e.provider.message = "task answer without a status";
      return fail(std::move(e));
    }
    job::Status s;
    const std::string& w = *word;
    if (w == "PENDING" || w == "THROTTLED") {
      s.phase = job::Phase::queued;
    } else if (w == "RUNNING") {
      s.phase = job::Phase::running;
      s.percent = percent_of(task.find("progress"));
    } else if (w == "SUCCEEDED") {
      const std::optional<std::string> url = output_url(task.find("output"));
      if (!url) {
        s.phase = job::Phase::failed;
        s.error.code = make_error_code(job::Errc::unexpected_response);
        s.error.provider.status = http_status;
        s.error.provider.message = "SUCCEEDED without a file URL in output";
      } else {
        s.phase = job::Phase::ready;
        s.percent = 100;
        s.download_url = *url;
      }
    } else if (w == "FAILED") {
      s.phase = job::Phase::failed;
      s.error.provider.status = http_status;
      s.error.provider.code = providers::string_at(task, "failureCode");
      s.error.provider.message = providers::string_at(task, "failure");
      if (s.error.provider.message.empty()) s.error.provider.message = "failed without a failure message";
      s.error.code = make_error_code(is_safety(s.error.provider.code) ? job::Errc::content_policy : job::Errc::failed_at_provider);
    } else if (w == "CANCELLED") {
      s.phase = job::Phase::failed;
      s.error.code = make_error_code(job::Errc::cancelled_at_provider);
      s.error.provider.status = http_status;
      s.error.provider.code = w;
      s.error.provider.message = "the task was cancelled";
    } else {
      s.phase = job::Phase::running;
      s.unknown_status = w.empty() ? std::string("(empty)") : w;
    }
    return s;
  }

  /// A cancel's answer: no body (200 or 204).
  static Result<void, job::JobError> on_cancel(const http::Response& r) {
    if (r.head.status != 200 && r.head.status != 204) return fail(error_of(r));
    return {};
  }
  /// A delete's answer: no body (200 or 204); 404 is a task already deleted (or expired).
  static Result<void, job::JobError> on_cleanup(const http::Response& r) {
    if (r.head.status != 200 && r.head.status != 204 && r.head.status != 404) return fail(error_of(r));
    return {};
  }

  /// The typed error of a non-success answer, from the status and the body's `error` (a string)
  /// and any `issues[].message` (validation details).
  static job::JobError error_of(const http::Response& r) {
    job::JobError e{make_error_code(providers::errc_for_status(r.head.status)), {}};
    e.provider.status = r.head.status;
    // Runway's 4xx validation errors are plain input errors, not content refusals.
    if (r.head.status == 422) e.code = make_error_code(job::Errc::invalid_request);
    json::Value v;
    if (!json::read(r.body, v) && v.is_object()) {
      e.provider.message = providers::string_at(v, "error");
      if (e.provider.message.empty()) e.provider.message = providers::string_at(v, "message");
      e.provider.code = providers::string_at(v, "code");
      if (const json::Value* issues = v.find("issues"); issues != nullptr && issues->if_array()) {
        for (const json::Value& item : *issues->if_array()) {
          const std::string msg = providers::string_at(item, "message");
          if (!msg.empty()) e.provider.message += (e.provider.message.empty() ? "" : "; ") + msg;
        }
      }
    }
    if (e.provider.message.empty()) e.provider.message = "HTTP " + std::to_string(r.head.status);
    return e;
  }

  // ---- helpers ------------------------------------------------------------------------------

  /// The percentage of a RUNNING task's `progress` (a number from 0 to 1), if it is one.
  static std::optional<int> percent_of(const json::Value* progress) {
    if (progress == nullptr || !progress->if_number()) return std::nullopt;
    const std::optional<double> p = progress->if_number()->to_double();
    if (!p || !(*p >= 0) || *p > 1) return std::nullopt;
    return static_cast<int>(std::lround(*p * 100));
  }

  /// The first http(s) URL of a SUCCEEDED task's `output` (a list of URLs).
  static std::optional<std::string> output_url(const json::Value* output) {
    if (output == nullptr || !output->if_array()) return std::nullopt;
    for (const json::Value& item : *output->if_array()) {
      const std::string* s = item.if_string();
      if (s != nullptr && (s->rfind("https://", 0) == 0 || s->rfind("http://", 0) == 0)) return *s;
    }
    return std::nullopt;
  }

  /// Whether a `failureCode` is a moderation refusal (`SAFETY.*`, `INPUT_PREPROCESSING.SAFETY.*`).
  static bool is_safety(std::string_view code) {
    return code.rfind("SAFETY.", 0) == 0 || code == "SAFETY" || code.rfind("INPUT_PREPROCESSING.SAFETY", 0) == 0;
  }

private:
  // `r` with the API version header.
  static http::Request versioned(http::Request r) {
    r.headers.add("X-Runway-Version", runway::api_version);
    return r;
  }

  // A small positive decimal number, whole.
  static std::optional<int> number(std::string_view s) {
    if (s.empty() || s.size() > 5) return std::nullopt;
    int n = 0;
    for (const char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    return n;
  }

  static job::JobError unexpected(const http::Response& r, std::string what) {
    job::JobError e{make_error_code(job::Errc::unexpected_response), {}};
    e.provider.status = r.head.status;
    e.provider.message = std::move(what);
    return e;
  }
};

}  // namespace reel
