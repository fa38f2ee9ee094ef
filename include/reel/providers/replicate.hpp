// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::Replicate`: the provider traits of Replicate's HTTP API (`/v1`): a prediction created
/// with `POST /v1/models/{owner}/{name}/predictions` (official models), `POST /v1/predictions`
/// with a `version`, or `POST /v1/deployments/{owner}/{name}/predictions`; `Prefer: wait=N` (sync
/// mode) and `Cancel-After` (from the job's deadline, so Replicate stops billing by itself);
/// polls of `urls.get` as returned, cancel with `POST urls.cancel`, the video read from `output`
/// (a URL, a list of URLs or an object) and fetched without the key, progress read from the
/// tqdm-style lines in `logs`, and the `{"detail", "title", "status"}` error bodies. Replicate has
/// no idempotency key: a create that may have been received is `ambiguous_submit`, never resent.
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
#include <reel/policy/hints.hpp>
#include <reel/providers/common.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reel {
namespace replicate {

/// A create: which model, and its input. `model` is `owner/name` (an official model),
/// `owner/name:version` or a bare 64-hex version id (`POST /v1/predictions` with `version`), or
/// `deployments/owner/name` (a deployment).
struct CreateRequest {
  std::string model{};
  /// The model's input object, written as it is (`{"prompt": ..., ...}`).
  json::Value input = json::Object{};
  std::optional<std::string> webhook{};
  std::optional<std::vector<std::string>> webhook_events_filter{};
  /// `Prefer: wait=N` for this create (1 to 60 s; 0 for none); none: the provider's `prefer_wait`.
  std::optional<int> wait_seconds{};
};

/// The JSON body of a create (the model and wait stay out of it: they go in the path and header).
struct CreateBody {
  std::optional<std::string> version;
  json::Value input = json::Object{};
  std::optional<std::string> webhook;
  std::optional<std::vector<std::string>> webhook_events_filter;
};

/// `urls` of a prediction.
struct Urls {
  std::optional<std::string> get;
  std::optional<std::string> cancel;
  std::optional<std::string> web;
  std::optional<std::string> stream;
};

/// `metrics` of a prediction (seconds).
struct Metrics {
  std::optional<double> predict_time;
  std::optional<double> total_time;
};

/// The prediction object (create answers, `GET /v1/predictions/{id}`, cancel answers). Every
/// member but `id` and `status` may be absent or null; `output` and `error` are read as any JSON.
struct Prediction {
  std::string id;
  std::string status;  ///< starting, processing, succeeded, failed, canceled, aborted
  std::optional<std::string> model;
  std::optional<std::string> version;
  std::optional<json::Value> output;
  std::optional<json::Value> error;
  std::optional<std::string> logs;
  std::optional<bool> data_removed;
  std::optional<Urls> urls;
  std::optional<Metrics> metrics;
  std::optional<std::string> created_at;
  std::optional<std::string> started_at;
  std::optional<std::string> completed_at;
  std::optional<std::string> deadline;
};

/// What one known model takes of the neutral request: the input key of each field, empty for a
/// field the model has no input for.
struct ModelInputs {
  std::string_view model;
  std::string_view duration;
  std::string_view resolution;
  std::string_view aspect_ratio;
  std::string_view negative_prompt;
  std::string_view image;
  std::string_view audio;
};

/// The video models reel knows the inputs of (from their model pages' schemas). Other models
/// get every neutral field under its own name.
inline constexpr ModelInputs known_models[] = {
    {"google/veo-3", "duration", "resolution", "aspect_ratio", "negative_prompt", "image", ""},
    {"google/veo-3-fast", "duration", "resolution", "aspect_ratio", "negative_prompt", "image", ""},
    {"kwaivgi/kling-v2.1", "duration", "", "aspect_ratio", "negative_prompt", "start_image", ""},
    {"minimax/hailuo-02", "duration", "resolution", "", "", "first_frame_image", ""},
    {"minimax/video-01", "", "", "", "", "first_frame_image", ""},
    {"wan-video/wan-2.2-s2v", "", "", "", "", "image", "audio"},
};

}  // namespace replicate

/// Replicate. Holds the API base URL and token; the token is only ever sent to `base_url`'s
/// origin (a URL Replicate returns for another origin is refused, never followed with the key).
struct Replicate {
  static constexpr std::string_view name = "replicate";
  /// No idempotency key: a create that may have been received is never repeated.
  static constexpr bool idempotent_create = false;
  static constexpr bool has_quote = false;
  static constexpr bool has_cleanup = false;
  static constexpr bool has_cancel = true;
  static constexpr bool has_models = false;
  /// Rate-limit buckets.
  static constexpr policy::Bucket create_bucket = policy::Bucket::create;
  static constexpr policy::Bucket status_bucket = policy::Bucket::status;
  /// Cancels share the status bucket: Replicate documents one limit for all calls but creates.
  static constexpr policy::Bucket cancel_bucket = policy::Bucket::status;

  using Request = replicate::CreateRequest;

  std::string api_key;
  /// The API's origin (paths start with `/v1`).
  std::string base_url = "https://api.replicate.com";
  /// `Prefer: wait=N` on creates (1 to 60 s; 0 for none): a short job answers the create finished.
  int prefer_wait = 5;

  /// Replicate's documented limits: 600 creates a minute, 3000 a minute for all other calls
  /// (polls and cancels, one bucket).
  static job::AccountLimits default_limits() {
    job::AccountLimits limits;
    const auto minute = std::chrono::minutes(1);
    limits.limits = {{policy::Bucket::create, policy::RateLimit{600, minute, std::chrono::seconds(1), std::chrono::seconds(5)}},
                     {policy::Bucket::status, policy::RateLimit{3000, minute, std::chrono::seconds(1), std::chrono::seconds(5)}}};
    return limits;
  }
  /// The environment variables `from_env` reads: the API key, and a base URL that replaces the default.
  static constexpr const char* key_env = "REPLICATE_API_TOKEN";
  static constexpr const char* base_url_env = "REPLICATE_BASE_URL";
  /// Replicate as configured by the environment: the token from `REPLICATE_API_TOKEN`, the base
  /// URL from `REPLICATE_BASE_URL` when set.
  static Replicate from_env() { return providers::from_env<Replicate>(); }

  // ---- the request --------------------------------------------------------------------------

  /// The native request for a provider-neutral one: `prompt` and, under the input names of a
  /// known model (`replicate::known_models`), duration, resolution, aspect ratio, negative
  /// prompt, image and audio; fields the model has no input for are left out (see
  /// `warnings_of`). An unknown model gets every field under its neutral name.
  static Request native(const job::VideoRequest& r) {
    Request c;
    c.model = r.model;
    json::Object input;
    input.emplace_back("prompt", r.prompt);
    const replicate::ModelInputs names = inputs_of(r.model);
    auto put = [&input](std::string_view key, const json::Value& v) {
      if (!key.empty()) input.emplace_back(std::string(key), v);
    };
    if (r.duration_seconds) put(names.duration, json::Value(static_cast<std::int64_t>(*r.duration_seconds)));
    if (r.resolution) put(names.resolution, json::Value(*r.resolution));
    if (r.aspect_ratio) put(names.aspect_ratio, json::Value(*r.aspect_ratio));
    if (r.negative_prompt) put(names.negative_prompt, json::Value(*r.negative_prompt));
    if (r.image) put(names.image, json::Value(*r.image));
    if (r.audio) put(names.audio, json::Value(*r.audio));
    c.input = std::move(input);
    return c;
  }

  /// The neutral fields the model cannot take (left out of the input), one warning each.
  static std::vector<std::string> warnings_of(const job::VideoRequest& r) {
    std::vector<std::string> out;
    const replicate::ModelInputs names = inputs_of(r.model);
    auto check = [&](bool given, std::string_view key, std::string_view field) {
      if (given && key.empty()) out.push_back(std::string(field) + " is not an input of " + r.model + ": left out");
    };
    check(r.duration_seconds.has_value(), names.duration, "duration_seconds");
    check(r.resolution.has_value(), names.resolution, "resolution");
    check(r.aspect_ratio.has_value(), names.aspect_ratio, "aspect_ratio");
    check(r.negative_prompt.has_value(), names.negative_prompt, "negative_prompt");
    check(r.image.has_value(), names.image, "image");
    check(r.audio.has_value(), names.audio, "audio");
    return out;
  }

  /// The input names of `model` (without a `:version`): a known model's, or the neutral ones.
  static replicate::ModelInputs inputs_of(std::string_view model) {
    model = model.substr(0, model.find(':'));
    for (const replicate::ModelInputs& m : replicate::known_models) {
      if (m.model == model) return m;
    }
    return {model, "duration", "resolution", "aspect_ratio", "negative_prompt", "image", "audio"};
  }

  /// Whether `s` is a bare version id (64 lowercase hex digits).
  static bool is_version_id(std::string_view s) {
    if (s.size() != 64) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
  }

  /// The create: the endpoint the model names, `Prefer: wait=N`. (`Cancel-After` is added by
  /// `bound_by_deadline` when the job has a deadline.)
  http::Request create_request(const Request& r, const job::JobHandle&) const {
    replicate::CreateBody body;
    body.input = r.input;
    body.webhook = r.webhook;
    body.webhook_events_filter = r.webhook_events_filter;
    std::string path;
    const std::string_view model = r.model;
    const std::size_t colon = model.find(':');
    if (model.rfind("deployments/", 0) == 0) {
      path = "/v1/" + std::string(model) + "/predictions";
    } else if (colon != std::string_view::npos) {
      path = "/v1/predictions";
      body.version = std::string(model.substr(colon + 1));
    } else if (is_version_id(model)) {
      path = "/v1/predictions";
      body.version = std::string(model);
    } else {
      path = "/v1/models/" + std::string(model) + "/predictions";
    }
    http::Request request = providers::json_request("POST", base_url + path, body, api_key);
    const int wait = std::clamp(r.wait_seconds.value_or(prefer_wait), 0, 60);
    if (wait > 0) request.headers.add("Prefer", "wait=" + std::to_string(wait));
    return request;
  }

  /// `Cancel-After` on a create whose job must end within `remaining`: Replicate cancels the
  /// prediction then (or aborts it, unbilled, if it never started). At least 5 s (the minimum).
  static void bound_by_deadline(http::Request& create, std::chrono::milliseconds remaining) {
    const std::int64_t s = std::max<std::int64_t>(5, std::chrono::ceil<std::chrono::seconds>(remaining).count());
    create.headers.add("Cancel-After", std::to_string(s) + "s");
  }

  /// A poll of `urls.get` as returned (or `/v1/predictions/{id}` when there is none, or when it
  /// is not on the base URL's origin).
  http::Request status_request(const job::JobHandle& h) const {
    return providers::plain_request("GET", own_url(h.status_url, "/v1/predictions/" + h.job_id), api_key);
  }
  /// `POST urls.cancel` (or `/v1/predictions/{id}/cancel`).
  http::Request cancel_request(const job::JobHandle& h) const {
    http::Request request =
        providers::plain_request("POST", own_url(h.cancel_url, "/v1/predictions/" + h.job_id + "/cancel"), api_key);
    return request;
  }
  /// GET of an output file, without Authorization.
  static http::Request download_request(const std::string& url) { return providers::media_request("GET", url); }
  /// GET of an output file: with the token when the file is on the API's own origin (the OpenAPI
  /// says files need it: the files API), without it anywhere else (replicate.delivery).
  http::Request download_request(const std::string& url, const job::JobHandle&) const {
    http::Request r = providers::media_request("GET", url);
    if (!api_key.empty() && http::same_origin(url, base_url)) r.headers.set("Authorization", "Bearer " + api_key);
    return r;
  }
  static std::optional<http::Request> revoke_request(const job::JobHandle&) { return std::nullopt; }

  // ---- answers ------------------------------------------------------------------------------

  /// Reads a create's answer (201 finished in sync mode, 202 still running) into the handle: the
  /// id, `urls.get`, `urls.cancel`. A 5xx, or a 2xx without a readable id, may hide a created
  /// prediction: `ambiguous_submit`.
  static Result<void, job::JobError> on_created(const http::Response& r, job::JobHandle& h) {
    if (r.head.status >= 500) {
      job::JobError e = error_of(r);
      e.code = make_error_code(job::Errc::ambiguous_submit);
      e.provider.message = "HTTP " + std::to_string(r.head.status) + " after the create was sent (" + e.provider.message +
                           "): the prediction may exist; check before submitting again";
      return fail(std::move(e));
    }
    if (r.head.status != 200 && r.head.status != 201 && r.head.status != 202) {
      job::JobError e = error_of(r);
      if (r.head.status == 404) e.code = make_error_code(job::Errc::model_not_found);
      return fail(std::move(e));
    }
    auto p = providers::read_body<replicate::Prediction>(r);
    std::string id = p ? p->id : providers::salvage_string(r.body, "id");
    if (id.empty()) {
      job::JobError e = p ? unexpected(r, "create answer without an id") : std::move(p.error());
      e.code = make_error_code(job::Errc::ambiguous_submit);
      e.provider.message += ": the prediction may exist; check before submitting again";
      return fail(std::move(e));
    }
    h.job_id = std::move(id);
    if (p && p->urls) {
      // Kept as returned; the job drops (with a warning) any on another origin than base_url.
      if (p->urls->get && !p->urls->get->empty()) h.status_url = p->urls->get;
      if (p->urls->cancel && !p->urls->cancel->empty()) h.cancel_url = p->urls->cancel;
    }
    return {};
  }

  /// The status a create's answer already tells (a prediction finished within `Prefer: wait`),
  /// so the job needs no poll; empty while it runs or when the answer is not a prediction.
  static std::optional<job::Status> status_of_created(const http::Response& r) {
    if (r.head.status != 200 && r.head.status != 201) return std::nullopt;
    auto p = providers::read_body<replicate::Prediction>(r);
    if (!p || p->status == "starting" || p->status == "processing") return std::nullopt;
    auto s = status_of(*p, r.head.status);
    if (!s || s->unknown_status) return std::nullopt;
    return std::move(*s);
  }

  static bool status_body_is_video(const http::ResponseHead&) { return false; }

  /// Reads a prediction: starting is queued, processing running (with the tqdm percentage of
  /// `logs`), succeeded ready (the video URL from `output`), failed, canceled and aborted failed.
  /// A finished prediction whose output was removed (`data_removed`) is `link_expired`.
  static Result<job::Status, job::JobError> on_status(const http::Response& r, const job::JobHandle&) {
    if (r.head.status != 200 && r.head.status != 201 && r.head.status != 202) return fail(error_of(r));
    auto p = providers::read_body<replicate::Prediction>(r);
    if (!p) return fail(std::move(p.error()));
    return status_of(*p, r.head.status);
  }

  /// The status a prediction object says.
  static Result<job::Status, job::JobError> status_of(const replicate::Prediction& p, int http_status = 200) {
    job::Status s;
    if (p.logs) s.percent = percent_of(*p.logs);
    if (p.metrics && p.metrics->predict_time && *p.metrics->predict_time >= 0 && *p.metrics->predict_time < 1e7) {
      s.elapsed = std::chrono::milliseconds(static_cast<std::int64_t>(*p.metrics->predict_time * 1000));
    }
    const std::string& w = p.status;
    if (w == "starting") {
      s.phase = job::Phase::queued;
    } else if (w == "processing") {
      s.phase = job::Phase::running;
    } else if (w == "succeeded") {
      const std::optional<std::string> url = p.output ? video_url(*p.output) : std::nullopt;
      if (p.data_removed.value_or(false)) {
        s.phase = job::Phase::failed;
        s.error.code = make_error_code(job::Errc::link_expired);
        s.error.provider.status = http_status;
        s.error.provider.message = "the prediction's output was removed (data_removed): outputs expire, download promptly";
      } else if (!url) {
        s.phase = job::Phase::failed;
        s.error.code = make_error_code(job::Errc::unexpected_response);
        s.error.provider.status = http_status;
        s.error.provider.message = "succeeded without a file URL in output";
      } else {
        s.phase = job::Phase::ready;
        s.percent = 100;
        s.download_url = *url;
      }
    } else if (w == "failed") {
      s.phase = job::Phase::failed;
      s.error.provider.status = http_status;
      s.error.provider.message = error_text(p.error).value_or("failed without an error message");
      s.error.code = make_error_code(flagged(s.error.provider.message) ? job::Errc::content_policy : job::Errc::failed_at_provider);
    } else if (w == "canceled" || w == "aborted") {
      s.phase = job::Phase::failed;
      s.error.code = make_error_code(job::Errc::cancelled_at_provider);
      s.error.provider.status = http_status;
      s.error.provider.code = w;
      s.error.provider.message = w == "aborted" ? "aborted before it started (its deadline passed; not charged)"
                                                : "canceled" + (p.deadline ? " (deadline " + *p.deadline + ")" : std::string());
      if (auto text = error_text(p.error)) s.error.provider.message += ": " + *text;
    } else {
      s.phase = job::Phase::running;
      s.unknown_status = w.empty() ? std::string("(empty)") : w;
    }
    return s;
  }

  /// A cancel's answer: the prediction (200). A prediction already finished answers 200 too.
  static Result<void, job::JobError> on_cancel(const http::Response& r) {
    if (r.head.status != 200 && r.head.status != 202 && r.head.status != 204) return fail(error_of(r));
    return {};
  }

  /// The typed error of a non-success answer, from the status and the body's `detail`/`title`
  /// (problem JSON, or `{"detail": "..."}`, or FastAPI's `{"detail": [{"msg": ...}]}`).
  static job::JobError error_of(const http::Response& r) {
    job::JobError e{make_error_code(providers::errc_for_status(r.head.status)), {}};
    e.provider.status = r.head.status;
    // 422 is input validation at Replicate, not a content refusal.
    if (r.head.status == 422) e.code = make_error_code(job::Errc::invalid_request);
    json::Value v;
    if (!json::read(r.body, v) && v.is_object()) {
      e.provider.code = providers::string_at(v, "title");
      if (e.provider.code.empty()) e.provider.code = providers::string_at(v, "type");
      const json::Value* detail = v.find("detail");
      if (detail != nullptr && detail->if_string()) {
        e.provider.message = *detail->if_string();
      } else if (detail != nullptr && detail->if_array()) {
        for (const json::Value& item : *detail->if_array()) {
          const std::string msg = providers::string_at(item, "msg");
          if (!msg.empty()) e.provider.message += (e.provider.message.empty() ? "" : "; ") + msg;
        }
      }
      if (e.provider.message.empty()) e.provider.message = error_text(v.find("error") ? std::optional<json::Value>(*v.find("error")) : std::nullopt).value_or("");
    }
    if (e.provider.message.empty()) e.provider.message = "HTTP " + std::to_string(r.head.status);
    if (r.head.status < 500 && flagged(e.provider.message)) e.code = make_error_code(job::Errc::content_policy);
    return e;
  }

  /// The wait a 429's body asks for: `retry_after` (seconds), or "resets in ~Ns" in `detail`.
  /// Joined to the header hints (the longer wins).
  static void hints_of(const http::Response& r, policy::ServerHints& hints) {
    if (r.head.status != 429) return;
    std::optional<double> seconds;
    json::Value v;
    if (!json::read(r.body, v) && v.is_object()) {
      if (const json::Value* ra = v.find("retry_after"); ra != nullptr && ra->if_number()) seconds = ra->if_number()->to_double();
      if (!seconds) {
        const std::string detail = providers::string_at(v, "detail");
        const std::size_t at = detail.find("resets in ~");
        if (at != std::string::npos) {
          const long n = std::atol(detail.c_str() + at + 11);
          if (n > 0) seconds = static_cast<double>(n);
        }
      }
    }
    if (!seconds || !(*seconds > 0)) return;
    const double capped = std::min(*seconds * 1000.0, static_cast<double>(policy::max_server_wait.count()));
    const std::chrono::milliseconds wait(static_cast<std::int64_t>(capped));
    if (!hints.retry_after || *hints.retry_after < wait) hints.retry_after = wait;
  }

  // ---- helpers ------------------------------------------------------------------------------

  /// The percentage of the last tqdm-style progress line in `logs` (" 45%|####   | 45/100"),
  /// if there is one.
  static std::optional<int> percent_of(std::string_view logs) {
    for (std::size_t at = logs.rfind("%|"); at != std::string_view::npos && at > 0; at = logs.rfind("%|", at - 1)) {
      std::size_t begin = at;
      while (begin > 0 && logs[begin - 1] >= '0' && logs[begin - 1] <= '9' && at - begin < 3) --begin;
      if (begin == at) {
        if (at == 0) break;
        continue;
      }
      const int n = std::atoi(std::string(logs.substr(begin, at - begin)).c_str());
      if (n >= 0 && n <= 100) return n;
      if (at == 0) break;
    }
    return std::nullopt;
  }

  /// The video file URL in `output`: a URL, the first video-looking URL of a list (else its first
  /// URL), or an object's (`video`, `output`, `url`, then any member's).
  static std::optional<std::string> video_url(const json::Value& output, int depth = 0) {
    if (depth > 3) return std::nullopt;
    if (const std::string* s = output.if_string()) {
      if (s->rfind("https://", 0) == 0 || s->rfind("http://", 0) == 0) return *s;
      return std::nullopt;
    }
    if (const json::Array* a = output.if_array()) {
      std::optional<std::string> first;
      for (const json::Value& item : *a) {
        auto url = video_url(item, depth + 1);
        if (!url) continue;
        if (looks_like_video(*url)) return url;
        if (!first) first = std::move(url);
      }
      return first;
    }
    if (output.is_object()) {
      for (std::string_view key : {"video", "output", "url"}) {
        if (const json::Value* m = output.find(key)) {
          if (auto url = video_url(*m, depth + 1)) return url;
        }
      }
      for (const auto& [key, member] : *output.if_object()) {
        if (auto url = video_url(member, depth + 1)) return url;
      }
    }
    return std::nullopt;
  }

  /// Whether a URL names a video file by its extension (query ignored).
  static bool looks_like_video(std::string_view url) {
    url = url.substr(0, url.find('?'));
    for (std::string_view ext : {".mp4", ".webm", ".mov", ".m4v"}) {
      if (url.size() >= ext.size() && url.substr(url.size() - ext.size()) == ext) return true;
    }
    return false;
  }

private:
  // `url` when it is on the base URL's origin, else `base_url + path`.
  std::string own_url(const std::optional<std::string>& url, const std::string& path) const {
    if (url && !url->empty() && http::same_origin(*url, base_url)) return *url;
    return base_url + path;
  }

  // The text of a prediction's `error` (a string, or an object's `detail`/`message`).
  static std::optional<std::string> error_text(const std::optional<json::Value>& error) {
    if (!error) return std::nullopt;
    if (const std::string* s = error->if_string()) return s->empty() ? std::nullopt : std::optional<std::string>(*s);
    if (error->is_object()) {
      for (std::string_view key : {"detail", "message", "error"}) {
        if (const std::string* s = error->find_string(key); s != nullptr && !s->empty()) return *s;
      }
    }
    return std::nullopt;
  }

  // Whether a message says the input or output was refused as unsafe.
  static bool flagged(std::string_view message) {
    std::string m(message);
    for (char& c : m) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    for (std::string_view w : {"nsfw", "flagged as sensitive", "content policy", "safety filter"}) {
      if (m.find(w) != std::string::npos) return true;
    }
    return false;
  }

  static job::JobError unexpected(const http::Response& r, std::string what) {
    job::JobError e{make_error_code(job::Errc::unexpected_response), {}};
    e.provider.status = r.head.status;
    e.provider.message = std::move(what);
    return e;
  }
};

}  // namespace reel
