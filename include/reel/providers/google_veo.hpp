// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::GoogleVeo`: the provider traits of Veo through the Gemini API
/// (`https://generativelanguage.googleapis.com/v1beta`, key in `x-goog-api-key`, wire names from
/// the official Gen AI SDK's "mldev" converters): a long-running operation created with
/// `POST /v1beta/models/{model}:predictLongRunning`, polled with `GET /v1beta/{operation name}`
/// until `done`, then either `error` (`{code, message}`) or
/// `response.generateVideoResponse.generatedSamples[].video.uri`, which is downloaded **with the
/// key** when (and only when) it is on the API's own origin. Model ids are data (Google retires
/// them: the `veo-3.1-*-preview` ids answer 404 "is no longer available" since 2026-10-22).
/// No idempotency key, no cancel, no cleanup.
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
#include <reel/policy/rate_limiter.hpp>
#include <reel/providers/common.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reel {
namespace google_veo {

/// The Gemini API's own origin: the one host besides `base_url`'s origin that gets the key.
inline constexpr std::string_view api_origin = "https://generativelanguage.googleapis.com";

/// The model a request without one uses. Model ids are data: check which ids your key can use
/// (`veo-3.1-*-preview` were retired on 2026-10-22).
inline constexpr std::string_view default_model = "veo-3.1-generate-001";

/// An inline image: base64 bytes and their media type (`{"bytesBase64Encoded", "mimeType"}`).
struct Image {
  std::string bytes_base64_encoded{};
  std::string mime_type{};
};

/// One instance of `instances[]`: the prompt, an optional first frame and last frame.
struct Instance {
  std::string prompt{};
  std::optional<Image> image{};
  std::optional<Image> last_frame{};
};

/// `parameters`: absent members are left out (the model's defaults apply).
struct Parameters {
  std::optional<int> sample_count{};
  std::optional<int> duration_seconds{};
  std::optional<std::string> aspect_ratio{};  ///< "16:9" or "9:16"
  std::optional<std::string> resolution{};    ///< "720p", "1080p" (some models "4k")
  std::optional<std::string> person_generation{};
  std::optional<std::string> negative_prompt{};
  std::optional<bool> enhance_prompt{};
};

/// A create: the model (it goes in the path; "models/..." is accepted) and the JSON body's
/// `instances` and `parameters`.
struct CreateRequest {
  std::string model = std::string(default_model);
  std::vector<Instance> instances{};
  std::optional<Parameters> parameters{};
};

/// The JSON body of `:predictLongRunning` (the model stays out of it).
struct CreateBody {
  std::vector<Instance> instances{};
  std::optional<Parameters> parameters{};
};

/// The parts of a data URL (`data:image/png;base64,...`), when it is a base64 one.
struct DataUrl {
  std::string mime_type;
  std::string base64;
};

/// Splits a base64 data URL; empty for anything else (an http URL, a non-base64 data URL, bytes
/// outside the base64 alphabet).
inline std::optional<DataUrl> parse_data_url(std::string_view url) {
  if (url.rfind("data:", 0) != 0) return std::nullopt;
  const std::size_t comma = url.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  std::string_view meta = url.substr(5, comma - 5);
  constexpr std::string_view suffix = ";base64";
  if (meta.size() < suffix.size() || meta.substr(meta.size() - suffix.size()) != suffix) return std::nullopt;
  meta.remove_suffix(suffix.size());
  const std::string_view payload = url.substr(comma + 1);
  if (meta.empty() || payload.empty()) return std::nullopt;
  for (const char c : payload) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
    if (!ok) return std::nullopt;
  }
  return DataUrl{std::string(meta), std::string(payload)};
}

}  // namespace google_veo

/// Google Veo through the Gemini API. Holds the API base URL and key. The key travels in
/// `x-goog-api-key` (never `Authorization`) to `base_url`, and, by the one explicit download
/// rule (`key_goes_to`), to a video URI on `base_url`'s origin or on
/// `https://generativelanguage.googleapis.com`: the API serves generated videos from its own
/// `files/{id}:download` endpoint, which needs the key. Any other host gets no key.
struct GoogleVeo {
  static constexpr std::string_view name = "google-veo";
  /// No idempotency key: a create that may have been received is never repeated.
  static constexpr bool idempotent_create = false;
  static constexpr bool has_quote = false;
  /// No delete of an operation or its video in the SDK's video calls.
  static constexpr bool has_cleanup = false;
  /// The SDK's operations module has no cancel (only get): a running operation cannot be stopped.
  static constexpr bool has_cancel = false;
  static constexpr bool has_models = false;
  static constexpr policy::Bucket create_bucket = policy::Bucket::create;
  static constexpr policy::Bucket status_bucket = policy::Bucket::status;

  /// The key header (the SDK's node client sends it).
  static constexpr std::string_view key_header = "x-goog-api-key";
  /// The API version path of every call.
  static constexpr std::string_view api_path = "/v1beta";

  using Request = google_veo::CreateRequest;

  std::string api_key;
  /// The API's base: an origin, optionally with a path prefix (a simulator's `/gemini`); calls
  /// go to `base_url + "/v1beta/..."`.
  std::string base_url = std::string(google_veo::api_origin);

  /// Conservative client-side limits (Google's per-project quotas for Veo are small and depend on
  /// the tier; they are not published per key): 2 creates a minute, 30 polls a minute (one every
  /// 2 s across the account). A 429 RESOURCE_EXHAUSTED still pauses, with its `RetryInfo` delay.
  static job::AccountLimits default_limits() {
    job::AccountLimits limits;
    const auto minute = std::chrono::minutes(1);
    limits.limits = {{policy::Bucket::create, policy::RateLimit{2, minute, std::chrono::seconds(1), std::chrono::seconds(30)}},
                     {policy::Bucket::status, policy::RateLimit{30, minute, std::chrono::seconds(1), std::chrono::seconds(10)}}};
    return limits;
  }

  /// The environment variables `from_env` reads: the API key, and a base URL that replaces the default.
  static constexpr const char* key_env = "GEMINI_API_KEY";
  static constexpr const char* base_url_env = "GEMINI_BASE_URL";
  /// Google Veo as configured by the environment: the key from `GEMINI_API_KEY` (else
  /// `GOOGLE_API_KEY`, which the SDK also reads), the base URL from `GEMINI_BASE_URL` when set.
  static GoogleVeo from_env() {
    GoogleVeo g = providers::from_env<GoogleVeo>();
    if (g.api_key.empty()) g.api_key = providers::env_or("GOOGLE_API_KEY", "");
    return g;
  }

  // ---- the request --------------------------------------------------------------------------

  /// The native request: the model (default `google_veo::default_model`), one instance with the
  /// prompt and, for a base64 data URL, the image; `durationSeconds`, `aspectRatio`,
  /// `resolution`, `negativePrompt`. An http(s) image URL and audio have no Gemini field (see
  /// `warnings_of`).
  static Request native(const job::VideoRequest& r) {
    Request c;
    if (!r.model.empty()) c.model = r.model;
    google_veo::Instance in;
    in.prompt = r.prompt;
    if (r.image) {
      if (auto d = google_veo::parse_data_url(*r.image)) in.image = google_veo::Image{std::move(d->base64), std::move(d->mime_type)};
    }
    c.instances.push_back(std::move(in));
    google_veo::Parameters p;
    p.duration_seconds = r.duration_seconds;
    p.aspect_ratio = r.aspect_ratio;
    p.resolution = r.resolution;
    p.negative_prompt = r.negative_prompt;
    if (p.duration_seconds || p.aspect_ratio || p.resolution || p.negative_prompt) c.parameters = std::move(p);
    return c;
  }

  /// What of the neutral request Gemini cannot take as given, one warning each.
  static std::vector<std::string> warnings_of(const job::VideoRequest& r) {
    std::vector<std::string> out;
    if (r.model.empty()) {
      out.push_back("no model: " + std::string(google_veo::default_model) + " used (model ids change; check which your key can use)");
    }
    if (r.audio) out.emplace_back("audio: the Gemini API has no audio input; left out");
    if (r.image && !google_veo::parse_data_url(*r.image)) {
      out.emplace_back("image: the Gemini API takes inline image bytes (a base64 data URL), not a URL; left out");
    }
    if (r.aspect_ratio && *r.aspect_ratio != "16:9" && *r.aspect_ratio != "9:16") {
      out.push_back("aspect_ratio " + *r.aspect_ratio + ": Veo documents 16:9 and 9:16; sent as given");
    }
    if (r.resolution && !one_of(*r.resolution, {"720p", "1080p", "4k"})) {
      out.push_back("resolution " + *r.resolution + ": Veo documents 720p, 1080p and 4k; sent as given");
    }
    return out;
  }

  /// `POST /v1beta/models/{model}:predictLongRunning` with the key (the model percent-encoded).
  http::Request create_request(const Request& r, const job::JobHandle&) const {
    google_veo::CreateBody body{r.instances, r.parameters};
    return keyed(providers::json_request("POST", model_url(r.model) + ":predictLongRunning", body, ""));
  }

  /// `GET /v1beta/{operation name}`. The name is opaque; one that is not a safe relative path
  /// (see `is_operation_name`) is never put in a URL: the request goes to `/v1beta/operations/`
  /// with an empty name, which the API refuses.
  http::Request status_request(const job::JobHandle& h) const {
    const std::string op = is_operation_name(h.job_id) ? h.job_id : std::string("operations/");
    return keyed(providers::plain_request("GET", api_root() + "/" + op, ""));
  }

  /// GET of a video without any key (`VideoJob` uses the keyed overload below).
  static http::Request download_request(const std::string& url) { return providers::media_request("GET", url); }

  /// GET of a video: with `x-goog-api-key` only when `key_goes_to(url)`, i.e. the URI is on the
  /// API's own origin (the `files/{id}:download` endpoint needs the key); any other host gets
  /// none. A redirect to another origin drops the key (the HTTP client's rule).
  http::Request download_request(const std::string& url, const job::JobHandle&) const {
    http::Request r = providers::media_request("GET", url);
    if (key_goes_to(url)) r.headers.set(key_header, api_key);
    return r;
  }

  /// The download rule: the key goes to `url` only when it is an absolute URL on `base_url`'s
  /// origin, or on `https://generativelanguage.googleapis.com`, and there is a key.
  bool key_goes_to(std::string_view url) const {
    if (api_key.empty()) return false;
    return http::same_origin(url, base_url) || http::same_origin(url, google_veo::api_origin);
  }

  static std::optional<http::Request> revoke_request(const job::JobHandle&) { return std::nullopt; }

  // ---- answers ------------------------------------------------------------------------------

  /// Reads a create's answer (an Operation) into the handle: `job_id` is the operation `name`,
  /// kept as given. A 5xx, or a 2xx without a usable name, may hide a running operation:
  /// `ambiguous_submit`. A 404 is `model_not_found` (a retired model says "is no longer
  /// available").
  static Result<void, job::JobError> on_created(const http::Response& r, job::JobHandle& h) {
    if (r.head.status >= 500) {
      job::JobError e = error_of(r);
      e.code = make_error_code(job::Errc::ambiguous_submit);
      e.provider.message = "HTTP " + std::to_string(r.head.status) + " after the create was sent (" + e.provider.message +
                           "): the operation may exist; check before submitting again";
      return fail(std::move(e));
    }
    if (r.head.status < 200 || r.head.status > 299) {
      job::JobError e = error_of(r);
      if (r.head.status == 404) {
        e.code = make_error_code(job::Errc::model_not_found);
        if (retired(e.provider.message)) {
          e.provider.message += " (the model was retired: choose a current model id)";
        }
      }
      return fail(std::move(e));
    }
    json::Value v;
    std::string op;
    if (!json::read(r.body, v) && v.is_object()) {
      op = providers::string_at(v, "name");
    } else {
      op = providers::salvage_string(r.body, "name");
    }
    if (op.empty() || !is_operation_name(op)) {
      job::JobError e = unexpected(r, op.empty() ? "create answer without an operation name" : "create answer with an unusable operation name");
      e.code = make_error_code(job::Errc::ambiguous_submit);
      e.provider.message += ": the operation may exist; check before submitting again";
      return fail(std::move(e));
    }
    h.job_id = std::move(op);
    return {};
  }

  /// The final status a create's answer already tells (an operation answered `done`).
  static std::optional<job::Status> status_of_created(const http::Response& r) {
    if (r.head.status < 200 || r.head.status > 299) return std::nullopt;
    json::Value v;
    if (json::read(r.body, v) || !v.is_object()) return std::nullopt;
    const json::Value* done = v.find("done");
    if (done == nullptr || done->if_bool() == nullptr || !*done->if_bool()) return std::nullopt;
    auto s = status_of(v, r.head.status);
    if (!s) return std::nullopt;
    return std::move(*s);
  }

  static bool status_body_is_video(const http::ResponseHead&) { return false; }

  /// Reads an operation (`status_of`); a non-200 is its typed error (404: `job_not_found`).
  static Result<job::Status, job::JobError> on_status(const http::Response& r, const job::JobHandle&) {
    if (r.head.status != 200) return fail(error_of(r));
    json::Value v;
    if (json::read(r.body, v) || !v.is_object()) return fail(unexpected(r, "operation answer is not a JSON object"));
    return status_of(v, r.head.status);
  }

  /// The status an operation says. Not `done`: running. `done` with `error`: failed
  /// (`failed_at_provider`, or `content_policy` when the message names safety). `done` with a
  /// sample URI: ready. `done` with no sample: failed, `content_policy` when
  /// `raiMediaFilteredCount`/`raiMediaFilteredReasons` say the output was filtered (their
  /// reasons in the message), else `unexpected_response`.
  static Result<job::Status, job::JobError> status_of(const json::Value& op, int http_status = 200) {
    job::Status s;
    const json::Value* done = op.find("done");
    if (done == nullptr || done->if_bool() == nullptr || !*done->if_bool()) {
      if (done != nullptr && done->if_bool() == nullptr && !done->is_null()) {
        s.unknown_status = "done is not a boolean";
      }
      s.phase = job::Phase::running;
      return s;
    }
    if (const json::Value* err = op.find("error"); err != nullptr && err->is_object()) {
      s.phase = job::Phase::failed;
      s.error.provider.status = http_status;
      s.error.provider.code = code_text(*err);
      s.error.provider.message = providers::string_at(*err, "message");
      if (s.error.provider.message.empty()) s.error.provider.message = "the operation failed without a message";
      s.error.code = make_error_code(flagged(s.error.provider.message) ? job::Errc::content_policy : job::Errc::failed_at_provider);
      return s;
    }
    const json::Value* response = op.find("response");
    const json::Value* gen = response != nullptr ? response->find("generateVideoResponse") : nullptr;
    if (gen == nullptr && response != nullptr && response->find("generatedSamples") != nullptr) gen = response;
    if (gen != nullptr) {
      if (const json::Value* samples = gen->find("generatedSamples"); samples != nullptr && samples->if_array()) {
        bool inline_only = false;
        for (const json::Value& sample : *samples->if_array()) {
          const json::Value* video = sample.find("video");
          if (video == nullptr) continue;
          const std::string* uri = video->find_string("uri");
          if (uri != nullptr && (uri->rfind("https://", 0) == 0 || uri->rfind("http://", 0) == 0)) {
            s.phase = job::Phase::ready;
            s.percent = 100;
            s.download_url = *uri;
            return s;
          }
          if (video->find("encodedVideo") != nullptr) inline_only = true;
        }
        if (inline_only) {
          s.phase = job::Phase::failed;
          s.error.code = make_error_code(job::Errc::unexpected_response);
          s.error.provider.status = http_status;
          s.error.provider.message = "the video came inline (encodedVideo) without a uri; reel downloads only by uri";
          return s;
        }
      }
    }
    s.phase = job::Phase::failed;
    s.error.provider.status = http_status;
    const std::string reasons = gen != nullptr ? filtered_reasons(*gen) : std::string();
    const std::int64_t count = gen != nullptr ? filtered_count(*gen) : 0;
    if (count > 0 || !reasons.empty()) {
      s.error.code = make_error_code(job::Errc::content_policy);
      s.error.provider.code = "RAI_MEDIA_FILTERED";
      s.error.provider.message = "no video: " + std::to_string(count) + " filtered by Google's safety filters" +
                                 (reasons.empty() ? std::string() : ": " + reasons);
    } else {
      s.error.code = make_error_code(job::Errc::unexpected_response);
      s.error.provider.message = "done without a video uri in response.generateVideoResponse.generatedSamples";
    }
    return s;
  }

  /// The typed error of a non-success answer, from the status and the body's
  /// `error: {code, message, status, details}` (google.rpc.Status). 400 INVALID_ARGUMENT and
  /// FAILED_PRECONDITION are `invalid_request` (an invalid key, `API_KEY_INVALID`, is
  /// `unauthorized`; a message naming safety or the usage guidelines `content_policy`), 401/403 `unauthorized`, 404 `job_not_found` (`on_created` makes it
  /// `model_not_found`), 429 RESOURCE_EXHAUSTED `rate_limited`, 503 `at_capacity`, other 5xx
  /// `provider_error`.
  static job::JobError error_of(const http::Response& r) {
    job::JobError e{make_error_code(providers::errc_for_status(r.head.status)), {}};
    e.provider.status = r.head.status;
    json::Value v;
    std::string reason;
    if (!json::read(r.body, v) && v.is_object()) {
      const json::Value* err = v.find("error");
      if (err != nullptr && err->is_object()) {
        e.provider.message = providers::string_at(*err, "message");
        e.provider.code = providers::string_at(*err, "status");
        if (e.provider.code.empty()) e.provider.code = code_text(*err);
        reason = detail_reason(*err);
      } else if (err != nullptr && err->if_string() != nullptr) {
        e.provider.message = *err->if_string();
      }
      if (e.provider.message.empty()) e.provider.message = providers::string_at(v, "message");
    }
    if (e.provider.message.empty()) e.provider.message = "HTTP " + std::to_string(r.head.status);
    if (reason == "API_KEY_INVALID" || e.provider.message.find("API key not valid") != std::string::npos) {
      e.code = make_error_code(job::Errc::unauthorized);
    } else if (r.head.status == 404 && retired(e.provider.message)) {
      e.code = make_error_code(job::Errc::model_not_found);
    } else if (r.head.status == 400 && flagged(e.provider.message)) {
      e.code = make_error_code(job::Errc::content_policy);  // a prompt refused under the usage guidelines
    }
    return e;
  }

  /// A 429's `RetryInfo.retryDelay` ("30s", "1.5s") in `error.details`, joined to the headers'.
  static void hints_of(const http::Response& r, policy::ServerHints& hints) {
    if (r.head.status != 429) return;
    json::Value v;
    if (json::read(r.body, v) || !v.is_object()) return;
    const json::Value* err = v.find("error");
    const json::Value* details = err != nullptr ? err->find("details") : nullptr;
    if (details == nullptr || !details->if_array()) return;
    for (const json::Value& d : *details->if_array()) {
      const std::string type = providers::string_at(d, "@type");
      if (type.find("RetryInfo") == std::string::npos) continue;
      const std::optional<std::chrono::milliseconds> wait = duration_of(providers::string_at(d, "retryDelay"));
      if (!wait) continue;
      const std::chrono::milliseconds capped = std::min<std::chrono::milliseconds>(*wait, policy::max_server_wait);
      if (!hints.retry_after || *hints.retry_after < capped) hints.retry_after = capped;
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  /// Whether an operation name can go into the path after `/v1beta/` as it is: 1 to 512 of
  /// letters, digits, `-`, `_`, `.`, `/`, with no empty, `.` or `..` segment (the name is
  /// opaque otherwise: "models/veo-3.1-generate-001/operations/abc123").
  static bool is_operation_name(std::string_view op) {
    if (op.empty() || op.size() > 512) return false;
    for (const char c : op) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                      c == '.' || c == '/';
      if (!ok) return false;
    }
    std::size_t begin = 0;
    while (begin <= op.size()) {
      const std::size_t end = std::min(op.find('/', begin), op.size());
      const std::string_view seg = op.substr(begin, end - begin);
      if (seg.empty() || seg == "." || seg == "..") return false;
      begin = end + 1;
    }
    return true;
  }

  /// A protobuf JSON duration ("30s", "1.5s") in milliseconds.
  static std::optional<std::chrono::milliseconds> duration_of(std::string_view text) {
    if (text.size() < 2 || text.back() != 's' || text.size() > 24) return std::nullopt;
    text.remove_suffix(1);
    std::int64_t whole = 0;
    std::int64_t millis = 0;
    int fraction_digits = -1;
    for (const char c : text) {
      if (c == '.' && fraction_digits < 0) {
        fraction_digits = 0;
        continue;
      }
      if (c < '0' || c > '9') return std::nullopt;
      if (fraction_digits < 0) {
        whole = whole * 10 + (c - '0');
        if (whole > 86'400'000) return std::nullopt;
      } else if (fraction_digits < 3) {
        millis = millis * 10 + (c - '0');
        ++fraction_digits;
      }
    }
    while (fraction_digits > 0 && fraction_digits < 3) {
      millis *= 10;
      ++fraction_digits;
    }
    return std::chrono::milliseconds(whole * 1000 + millis);
  }

private:
  // `base_url` without a trailing slash, then `/v1beta`.
  std::string api_root() const {
    std::string root = base_url;
    while (!root.empty() && root.back() == '/') root.pop_back();
    return root + std::string(api_path);
  }

  // `/v1beta/models/{model}` (a leading "models/" of the id is not doubled).
  std::string model_url(std::string_view model) const {
    if (model.rfind("models/", 0) == 0) model.remove_prefix(7);
    return api_root() + "/models/" + http::percent_encode(model, false);
  }

  // `r` with the key in x-goog-api-key and no Authorization (json_request adds a bearer one).
  http::Request keyed(http::Request r) const {
    r.headers.erase("Authorization");
    if (!api_key.empty()) r.headers.set(key_header, api_key);
    return r;
  }

  // A google.rpc.Status `code` (a number, or a string) as text.
  static std::string code_text(const json::Value& err) {
    const json::Value* code = err.find("code");
    if (code == nullptr) return {};
    if (const std::string* s = code->if_string()) return *s;
    if (code->if_number() != nullptr) {
      if (const std::optional<double> d = code->if_number()->to_double()) return std::to_string(static_cast<std::int64_t>(*d));
    }
    return {};
  }

  // The first `reason` of an ErrorInfo in `details`.
  static std::string detail_reason(const json::Value& err) {
    const json::Value* details = err.find("details");
    if (details == nullptr || !details->if_array()) return {};
    for (const json::Value& d : *details->if_array()) {
      const std::string reason = providers::string_at(d, "reason");
      if (!reason.empty()) return reason;
    }
    return {};
  }

  static std::int64_t filtered_count(const json::Value& gen) {
    const json::Value* n = gen.find("raiMediaFilteredCount");
    if (n == nullptr || n->if_number() == nullptr) return 0;
    const std::optional<double> d = n->if_number()->to_double();
    return d && *d > 0 ? static_cast<std::int64_t>(*d) : 0;
  }

  static std::string filtered_reasons(const json::Value& gen) {
    std::string out;
    const json::Value* reasons = gen.find("raiMediaFilteredReasons");
    if (reasons == nullptr || !reasons->if_array()) return out;
    for (const json::Value& item : *reasons->if_array()) {
      if (const std::string* s = item.if_string(); s != nullptr && !s->empty()) out += (out.empty() ? "" : "; ") + *s;
    }
    return out;
  }

  // Whether a 404's message says the model was retired.
  static bool retired(std::string_view message) { return message.find("no longer available") != std::string_view::npos; }

  static bool one_of(std::string_view s, std::initializer_list<std::string_view> words) {
    return std::find(words.begin(), words.end(), s) != words.end();
  }

  // Whether a message says the input or output was refused as unsafe.
  static bool flagged(std::string_view message) {
    std::string m(message);
    for (char& c : m) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    for (std::string_view w : {"safety", "responsible ai", "usage guidelines", "blocked", "filtered"}) {
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

template <>
struct reel::json::Meta<reel::google_veo::Image> {
  static constexpr auto rename = renames({{"bytes_base64_encoded", "bytesBase64Encoded"}, {"mime_type", "mimeType"}});
};

template <>
struct reel::json::Meta<reel::google_veo::Instance> {
  static constexpr auto rename = renames({{"last_frame", "lastFrame"}});
};

template <>
struct reel::json::Meta<reel::google_veo::Parameters> {
  static constexpr auto rename = renames({{"sample_count", "sampleCount"},
                                          {"duration_seconds", "durationSeconds"},
                                          {"aspect_ratio", "aspectRatio"},
                                          {"person_generation", "personGeneration"},
                                          {"negative_prompt", "negativePrompt"},
                                          {"enhance_prompt", "enhancePrompt"}});
};
