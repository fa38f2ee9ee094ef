// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::Luma`: the provider traits of Luma's Dream Machine API (`/dream-machine/v1`, wire
/// format from the official Node SDK's types): a generation created with
/// `POST /generations/video`, polled with `GET /generations/{id}` (`state` queued, dreaming,
/// completed with `assets.video`, failed with `failure_reason`), stopped with
/// `DELETE /generations/{id}`, the video fetched without the key. Luma documents no idempotency
/// key: a create that may have been received is `ambiguous_submit`, never resent.
#pragma once

#include <reel/config.hpp>
#include <reel/job/handle.hpp>
#include <reel/job/limits.hpp>
#include <reel/job/request.hpp>
#include <reel/job/status.hpp>
#include <reel/json/value.hpp>
#include <reel/policy/bucket.hpp>
#include <reel/providers/common.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reel {
namespace luma {

/// One keyframe: `{"type": "image", "url"}` or `{"type": "generation", "id"}`.
struct Keyframe {
  std::string type = "image";
  std::optional<std::string> url{};
  std::optional<std::string> id{};
};

/// `keyframes`: the first and/or last frame.
struct Keyframes {
  std::optional<Keyframe> frame0{};
  std::optional<Keyframe> frame1{};
};

/// A concept (`GET /generations/concepts/list` names the keys).
struct Concept {
  std::string key{};
};

/// The body of `POST /generations/video`. `duration` is "5s" or "9s", `resolution` "540p",
/// "720p", "1080p" or "4k"; absent members are left out.
struct CreateRequest {
  std::string model = "ray-2";  ///< "ray-2" or "ray-flash-2"
  std::string prompt{};
  std::optional<std::string> aspect_ratio{};
  std::optional<std::string> duration{};
  std::optional<std::string> resolution{};
  std::optional<bool> loop{};
  std::optional<Keyframes> keyframes{};
  std::optional<std::vector<Concept>> concepts{};
  /// Luma POSTs the generation here on each update; unsigned (put a secret in the URL).
  std::optional<std::string> callback_url{};
};

/// `assets` of a generation: the output URLs.
struct Assets {
  std::optional<std::string> video;
  std::optional<std::string> image;
  std::optional<std::string> progress_video;
};

/// The `Generation` object (create answers, `GET /generations/{id}`). Every member may be
/// absent or null (the SDK types them all optional); unknown members are ignored.
struct Generation {
  std::optional<std::string> id;
  std::optional<std::string> state;  ///< queued, dreaming, completed, failed
  std::optional<std::string> failure_reason;
  std::optional<std::string> created_at;
  std::optional<Assets> assets;
  std::optional<std::string> model;
  std::optional<std::string> generation_type;  ///< video, image
  std::optional<json::Value> request;
};

}  // namespace luma

/// Luma (Dream Machine). Holds the API origin and key; the key is only ever sent to
/// `base_url` (status and cancel paths are built from the id, never from a returned URL).
struct Luma {
  static constexpr std::string_view name = "luma";
  /// No idempotency key is documented: a create that may have been received is never repeated.
  static constexpr bool idempotent_create = false;
  static constexpr bool has_quote = false;
  static constexpr bool has_cleanup = false;
  /// `DELETE /generations/{id}`.
  static constexpr bool has_cancel = true;
  static constexpr bool has_models = false;
  static constexpr policy::Bucket create_bucket = policy::Bucket::create;
  static constexpr policy::Bucket status_bucket = policy::Bucket::status;

  using Request = luma::CreateRequest;

  std::string api_key;
  /// The API's origin (paths start with `/dream-machine/v1`).
  std::string base_url = "https://api.lumalabs.ai";

  /// The path prefix of every call.
  static constexpr std::string_view api_path = "/dream-machine/v1";

  /// Luma documents no rate limits: none client-side (429s and their hints still pause).
  static job::AccountLimits default_limits() { return job::AccountLimits::none(); }

  /// The environment variables `from_env` reads: the API key, and a base URL that replaces the default.
  static constexpr const char* key_env = "LUMAAI_API_KEY";
  static constexpr const char* base_url_env = "LUMA_BASE_URL";
  /// Luma as configured by the environment: the key from `LUMAAI_API_KEY`, the origin from
  /// `LUMA_BASE_URL` when set.
  static Luma from_env() { return providers::from_env<Luma>(); }

  // ---- the request --------------------------------------------------------------------------

  /// The native request: model (default "ray-2"), prompt, aspect ratio, resolution, duration as
  /// "Ns", the image as the first keyframe. Negative prompt and audio have no field (see
  /// `warnings_of`).
  static Request native(const job::VideoRequest& r) {
    Request c;
    if (!r.model.empty()) c.model = r.model;
    c.prompt = r.prompt;
    c.aspect_ratio = r.aspect_ratio;
    c.resolution = r.resolution;
    if (r.duration_seconds) c.duration = std::to_string(*r.duration_seconds) + "s";
    if (r.image) {
      luma::Keyframes k;
      k.frame0 = luma::Keyframe{"image", *r.image, std::nullopt};
      c.keyframes = std::move(k);
    }
    return c;
  }

  /// What of the neutral request Luma cannot take as given, one warning each.
  static std::vector<std::string> warnings_of(const job::VideoRequest& r) {
    std::vector<std::string> out;
    if (r.negative_prompt) out.emplace_back("negative_prompt: Luma has no such field; left out");
    if (r.audio) out.emplace_back("audio: Luma has no audio input; left out");
    if (r.duration_seconds && *r.duration_seconds != 5 && *r.duration_seconds != 9) {
      out.push_back("duration_seconds " + std::to_string(*r.duration_seconds) +
                    ": Luma documents only 5s and 9s; sent as given");
    }
    if (r.resolution && !one_of(*r.resolution, {"540p", "720p", "1080p", "4k"})) {
      out.push_back("resolution " + *r.resolution + ": Luma documents 540p, 720p, 1080p and 4k; sent as given");
    }
    if (r.image && r.image->rfind("data:", 0) == 0) {
      out.emplace_back("image: Luma takes an image URL; a data URL may be refused");
    }
    return out;
  }

  /// `POST /generations/video` with the key.
  http::Request create_request(const Request& r, const job::JobHandle&) const {
    return providers::json_request("POST", base_url + std::string(api_path) + "/generations/video", r, api_key);
  }
  /// `GET /generations/{id}`.
  http::Request status_request(const job::JobHandle& h) const {
    return providers::plain_request("GET", generation_url(h), api_key);
  }
  /// `DELETE /generations/{id}` (no body is answered: any media type accepted).
  http::Request cancel_request(const job::JobHandle& h) const {
    http::Request r = providers::plain_request("DELETE", generation_url(h), api_key);
    r.headers.set("Accept", "*/*");
    return r;
  }
  /// GET of the video (Luma's CDN), without Authorization.
  static http::Request download_request(const std::string& url) { return providers::media_request("GET", url); }
  static std::optional<http::Request> revoke_request(const job::JobHandle&) { return std::nullopt; }

  // ---- answers ------------------------------------------------------------------------------

  /// Reads a create's answer (a `Generation`) into the handle. A 5xx, or a 2xx without a usable
  /// id, may hide a created generation: `ambiguous_submit`.
  static Result<void, job::JobError> on_created(const http::Response& r, job::JobHandle& h) {
    if (r.head.status >= 500) {
      job::JobError e = error_of(r);
      e.code = make_error_code(job::Errc::ambiguous_submit);
      e.provider.message = "HTTP " + std::to_string(r.head.status) + " after the create was sent (" + e.provider.message +
                           "): the generation may exist; check before submitting again";
      return fail(std::move(e));
    }
    if (r.head.status != 200 && r.head.status != 201 && r.head.status != 202) return fail(error_of(r));
    auto g = providers::read_body<luma::Generation>(r);
    std::string id = g ? g->id.value_or("") : providers::salvage_string(r.body, "id");
    if (id.empty() || !is_id(id)) {
      job::JobError e = g ? unexpected(r, id.empty() ? "create answer without an id" : "create answer with an unusable id")
                          : std::move(g.error());
      e.code = make_error_code(job::Errc::ambiguous_submit);
      e.provider.message += ": the generation may exist; check before submitting again";
      return fail(std::move(e));
    }
    h.job_id = std::move(id);
    return {};
  }

  /// The status a create's answer already tells, when it is final (otherwise empty: poll).
  static std::optional<job::Status> status_of_created(const http::Response& r) {
    if (r.head.status != 200 && r.head.status != 201) return std::nullopt;
    auto g = providers::read_body<luma::Generation>(r);
    if (!g || !g->state) return std::nullopt;
    const providers::StatusWord w = providers::classify_status(*g->state);
    if (w != providers::StatusWord::done && w != providers::StatusWord::failed) return std::nullopt;
    auto s = status_of(*g, r.head.status);
    if (!s) return std::nullopt;
    return std::move(*s);
  }

  static bool status_body_is_video(const http::ResponseHead&) { return false; }

  /// Reads a generation: queued is queued, dreaming running, completed ready (`assets.video`),
  /// failed failed (`failure_reason`).
  static Result<job::Status, job::JobError> on_status(const http::Response& r, const job::JobHandle&) {
    if (r.head.status != 200) return fail(error_of(r));
    auto g = providers::read_body<luma::Generation>(r);
    if (!g) return fail(std::move(g.error()));
    return status_of(*g, r.head.status);
  }

  /// The status a generation object says. An unknown or missing state reads as still running
  /// (`unknown_status` set).
  static Result<job::Status, job::JobError> status_of(const luma::Generation& g, int http_status = 200) {
    job::Status s;
    const std::string word = g.state.value_or("");
    switch (providers::classify_status(word)) {
      case providers::StatusWord::queued: s.phase = job::Phase::queued; break;
      case providers::StatusWord::running: s.phase = job::Phase::running; break;
      case providers::StatusWord::done: {
        const std::string* url = g.assets && g.assets->video ? &*g.assets->video : nullptr;
        if (url != nullptr && (url->rfind("https://", 0) == 0 || url->rfind("http://", 0) == 0)) {
          s.phase = job::Phase::ready;
          s.percent = 100;
          s.download_url = *url;
        } else {
          s.phase = job::Phase::failed;
          s.error.code = make_error_code(job::Errc::unexpected_response);
          s.error.provider.status = http_status;
          s.error.provider.message = "completed without a video URL in assets.video";
        }
        break;
      }
      case providers::StatusWord::failed: {
        s.phase = job::Phase::failed;
        s.error.provider.status = http_status;
        s.error.provider.code = word;
        s.error.provider.message = g.failure_reason && !g.failure_reason->empty() ? *g.failure_reason
                                                                                  : std::string("failed without a failure_reason");
        s.error.code = make_error_code(flagged(s.error.provider.message) ? job::Errc::content_policy : job::Errc::failed_at_provider);
        break;
      }
      case providers::StatusWord::cancelled:
        s.phase = job::Phase::failed;
        s.error.code = make_error_code(job::Errc::cancelled_at_provider);
        s.error.provider.status = http_status;
        s.error.provider.code = word;
        s.error.provider.message = word;
        break;
      case providers::StatusWord::unknown:
        s.phase = job::Phase::running;
        s.unknown_status = word.empty() ? std::string("(missing)") : word;
        break;
    }
    return s;
  }

  /// A delete's answer: 200 or 204 (no body is documented); 404 means it is already gone.
  static Result<void, job::JobError> on_cancel(const http::Response& r) {
    if (r.head.status == 200 || r.head.status == 202 || r.head.status == 204) return {};
    return fail(error_of(r));
  }

  /// The typed error of a non-success answer: the status, and the body's `detail` (a string or
  /// a list of `{msg}`), `error` (a string or `{message}`) or `message`. Luma documents no error
  /// body, so every shape is read and the status decides when none is found.
  static job::JobError error_of(const http::Response& r) {
    job::JobError e{make_error_code(providers::errc_for_status(r.head.status)), {}};
    e.provider.status = r.head.status;
    // 422 is request validation (FastAPI style), not a content refusal, until a message says so.
    if (r.head.status == 422) e.code = make_error_code(job::Errc::invalid_request);
    json::Value v;
    if (!json::read(r.body, v) && v.is_object()) {
      const json::Value* detail = v.find("detail");
      if (detail != nullptr && detail->if_string()) {
        e.provider.message = *detail->if_string();
      } else if (detail != nullptr && detail->if_array()) {
        for (const json::Value& item : *detail->if_array()) {
          const std::string msg = providers::string_at(item, "msg");
          if (!msg.empty()) e.provider.message += (e.provider.message.empty() ? "" : "; ") + msg;
        }
      }
      if (const json::Value* err = v.find("error"); e.provider.message.empty() && err != nullptr) {
        if (const std::string* s = err->if_string()) {
          e.provider.message = *s;
        } else if (err->is_object()) {
          e.provider.message = providers::string_at(*err, "message");
          e.provider.code = providers::string_at(*err, "code");
        }
      }
      if (e.provider.message.empty()) e.provider.message = providers::string_at(v, "message");
      if (e.provider.code.empty()) e.provider.code = providers::string_at(v, "code");
    }
    if (e.provider.message.empty()) e.provider.message = "HTTP " + std::to_string(r.head.status);
    if (r.head.status >= 400 && r.head.status < 500 && r.head.status != 429 && flagged(e.provider.message)) {
      e.code = make_error_code(job::Errc::content_policy);
    }
    return e;
  }

  /// Whether `id` can go into a path as it is (Luma's ids are UUIDs: letters, digits, `-`, `_`).
  static bool is_id(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    for (const char c : id) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) return false;
    }
    return true;
  }

private:
  std::string generation_url(const job::JobHandle& h) const {
    return base_url + std::string(api_path) + "/generations/" + h.job_id;
  }

  static bool one_of(std::string_view s, std::initializer_list<std::string_view> words) {
    for (std::string_view w : words) {
      if (s == w) return true;
    }
    return false;
  }

  // Whether a message says the input or output was refused as unsafe.
  static bool flagged(std::string_view message) {
    std::string m(message);
    for (char& c : m) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    for (std::string_view w : {"moderation", "nsfw", "content policy", "safety", "inappropriate"}) {
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
