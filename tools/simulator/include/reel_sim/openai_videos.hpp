// SPDX-License-Identifier: BSL-1.0
// An OpenAI-compatible video API under /oai/v1, as openai-videos.yaml describes it (not
// Lumenfall's gateway): the key in a configurable header (`Authorization: Bearer` by default),
// POST /videos (JSON or multipart/form-data, 200 with the video object), GET /videos/{id} (queued,
// in_progress with progress, completed, failed with error{code,message}; `openai-poll-after-ms`),
// GET /videos/{id}/content on the same origin with the key (variant=video), optionally an
// `output.url` on the media origin (no key), DELETE /videos/{id}, an `Idempotency-Key` honoured
// when configured, and the {error:{message,type,param,code}} envelope.
#pragma once

#include <reel_sim/core.hpp>
#include <reel_sim/multipart.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace reel_sim::openai_videos {

/// `input_reference` as a JSON object: exactly one of the two.
struct InputReference {
  std::optional<std::string> image_url;
  std::optional<std::string> file_id;
};

/// The create body (CreateVideoJsonBody; the multipart form carries the same fields).
struct CreateRequest {
  std::optional<std::string> model;
  std::optional<std::string> prompt;
  std::optional<std::variant<std::string, double>> seconds;  ///< the spec's string; a number is accepted too
  std::optional<std::string> size;
  std::optional<InputReference> input_reference;
};

using Null = std::nullptr_t;

/// `error` of a failed video (Error-2: both members required).
struct VideoError {
  std::string code;
  std::string message;
};
/// `output` of a completed video where the gateway gives a URL (`OpenAiConfig::output_url`).
struct Output {
  std::string url;
  std::string content_type = "video/mp4";
  std::int64_t size_bytes = 0;
};
/// VideoResource: every member the spec requires, nullable ones as null; `output` only in the
/// output URL mode.
struct Video {
  std::string id;
  std::string object = "video";
  std::string model;
  std::string status;
  std::int64_t progress = 0;
  std::int64_t created_at = 0;
  std::variant<Null, std::int64_t> completed_at;
  std::variant<Null, std::int64_t> expires_at;
  std::variant<Null, std::string> prompt;
  std::string size;
  std::string seconds;
  std::variant<Null, std::string> remixed_from_video_id;
  std::variant<Null, VideoError> error;
  std::optional<Output> output;
};
/// DeletedVideoResource.
struct Deleted {
  std::string object = "video.deleted";
  bool deleted = true;
  std::string id;
};
struct EnvelopeError {
  std::string message;
  std::string type;
  std::variant<Null, std::string> param;
  std::variant<Null, std::string> code;
};
struct Envelope {
  EnvelopeError error;
};

/// The OpenAI-compatible front end.
class Api {
public:
  explicit Api(Core& core) : core_(core) {}

  /// The error envelope with the type (and default code) OpenAI uses for `status`.
  static Reply error(int status, std::string message, std::string counter, std::string code = {}) {
    std::string type = "server_error";
    std::string default_code;
    switch (status) {
      case 400: case 404: case 405: case 409: case 413: case 415: case 422: type = "invalid_request_error"; break;
      case 401: type = "invalid_request_error"; default_code = "invalid_api_key"; break;
      case 403: type = "invalid_request_error"; default_code = "unsupported_country_region_territory"; break;
      case 429: type = "requests"; default_code = "rate_limit_exceeded"; break;
      default: break;
    }
    if (code.empty()) code = default_code;
    EnvelopeError e{std::move(message), std::move(type), nullptr, nullptr};
    if (!code.empty()) e.code = std::move(code);
    Reply r = json_reply(status, Envelope{std::move(e)});
    r.counter = std::move(counter);
    return r;
  }

  /// Handles `sub` (the path after /oai/v1).
  Reply handle(Request& request, std::string_view sub) {
    std::string endpoint = "openai.other";
    std::string id;
    if (sub == "/videos") {
      endpoint = request.method == "POST" ? "openai.create" : "openai.list";
    } else if (sub.rfind("/videos/", 0) == 0) {
      const std::string_view rest = sub.substr(8);
      const auto slash = rest.find('/');
      id = std::string(rest.substr(0, slash));
      const std::string_view tail = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
      if (tail.empty()) {
        endpoint = request.method == "DELETE" ? "openai.delete" : "openai.status";
      } else if (tail == "/content") {
        endpoint = "openai.content";
      }
    }
    Reply r = dispatch(request, endpoint, id);
    r.counter = endpoint;
    return r;
  }

  /// `output.url` on the media origin (`/openai/{id}.mp4`): no key, Range, expires.
  Reply media(Request& request, const std::string& id) {
    const std::string endpoint = "openai.media";
    // A configured header other than Authorization carries the key too: it must not come here either.
    const std::string& header = core_.config().openai.auth_header;
    if (lower(header) != "authorization" && request.headers.find(header)) {
      ++core_.counters().media_requests_with_authorization;
    }
    Job* job = core_.job(id);
    std::optional<Reply> refused;
    if (request.method != "GET" && request.method != "HEAD") {
      refused = bucket_reply(405, endpoint);
    } else if (job == nullptr || job->provider != "openai" || job->cancelled ||
               job->phase(SteadyClock::now()) != Phase::succeeded || !core_.config().openai.output_url) {
      refused = bucket_reply(404, endpoint);
    } else if (job->deleted || expired(*job)) {
      core_.touch(*job);
      refused = bucket_reply(404, endpoint);
    }
    return core_.media_answer(request, job, endpoint, std::move(refused),
                              [&](int s, const std::string&) { return bucket_reply(s, endpoint); });
  }

  /// The key of a request in the configured header and scheme, or empty.
  std::string key_of(const Request& request) const {
    const OpenAiConfig& c = core_.config().openai;
    const auto value = request.headers.find(c.auth_header);
    if (!value) return {};
    std::string_view v = *value;
    if (!c.auth_scheme.empty()) {
      const std::string scheme = lower(c.auth_scheme) + " ";
      if (v.size() < scheme.size() || lower(v.substr(0, scheme.size())) != scheme) return {};
      v.remove_prefix(scheme.size());
    }
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    return std::string(v);
  }

private:
  bool expired(const Job& job) const {
    return job.completed_unix != 0 && unix_now() >= job.completed_unix + core_.config().download_ttl_s;
  }

  Reply dispatch(Request& request, const std::string& endpoint, const std::string& id) {
    if (endpoint == "openai.other" || endpoint == "openai.list") return error(404, "Unknown endpoint", endpoint);
    const bool method_ok = (endpoint == "openai.create" && request.method == "POST") ||
                           (endpoint == "openai.delete" && request.method == "DELETE") ||
                           ((endpoint == "openai.status" || endpoint == "openai.content") &&
                            (request.method == "GET" || request.method == "HEAD"));
    if (!method_ok) return error(405, "Method not allowed", endpoint);
    const std::string key = key_of(request);
    if (!core_.key_ok(key)) {
      return error(401, "Incorrect API key provided. Send it in " + core_.config().openai.auth_header + ".", endpoint);
    }
    if (const auto limit = core_.rate_limit(endpoint, key); !limit.allowed) {
      Reply r = error(429, "Rate limit reached for requests", endpoint);
      r.headers.set("Retry-After", std::to_string(std::max<std::int64_t>(1, limit.reset_unix - unix_now())));
      return r;
    }
    if (endpoint == "openai.create") return create(request, key);
    Job* job = core_.job(id);
    if (job == nullptr || job->provider != "openai" || job->key != key) {
      return error(404, "Video with id '" + id + "' not found.", endpoint, "not_found");
    }
    core_.touch(*job);
    if (job->cleaned) return error(404, "Video with id '" + id + "' not found.", endpoint, "not_found");
    Reply r;
    std::optional<Fault> f = core_.fault(Subject{endpoint, job->model, job->prompt, key});
    if (f && f->status) {
      apply_fault(r, *f, [&](int s, const std::string& m) { return error(s, m, endpoint); });
      return r;
    }
    const auto now = SteadyClock::now();
    core_.schedule(now);
    const Drift& drift = core_.drift();
    if (endpoint == "openai.status") {
      ++job->polls;
      if (job->extra_statuses_sent < drift.extra_statuses.size()) {
        // Drift: statuses before the normal answers (not counted toward the job's `polls`).
        ++job->drift_polls;
        core_.drifted();
        const std::string status = drift.extra_statuses[job->extra_statuses_sent++];
        r = json_reply(200, video(*job, now, &status));
      } else {
        if (job->started_at) ++job->running_polls;
        r = json_reply(200, video(*job, now));
      }
      r.headers.set("openai-poll-after-ms", std::to_string(core_.config().poll_after_ms));
    } else if (endpoint == "openai.delete") {
      const Phase phase = job->phase(now);
      if (phase == Phase::waiting || phase == Phase::running) {
        core_.mark_cancelled(*job, video(*job, now).progress);
        r = json_reply(200, Deleted{"video.deleted", true, job->id});
      } else if (drift.cleanup_status) {
        // Drift: the delete is refused and nothing is deleted.
        core_.drifted();
        r = error(*drift.cleanup_status, "The video could not be deleted", endpoint);
      } else {
        core_.mark_deleted(*job);
        r = json_reply(200, Deleted{"video.deleted", true, job->id});
      }
    } else {
      const std::string variant = request.query_param("variant").value_or("video");
      if (variant != "video" && variant != "thumbnail" && variant != "spritesheet") {
        r = error(400, "variant must be one of video, thumbnail, spritesheet", endpoint, "invalid_value");
      } else if (job->phase(now) != Phase::succeeded) {
        r = error(404, "Video is not ready yet, use GET /videos/{video_id} to check status.", endpoint, "not_found");
      } else if (variant != "video") {
        r = error(404, "The simulator renders no " + variant + ".", endpoint, "not_found");
      } else if (expired(*job)) {
        r = error(404, "The video's content has expired.", endpoint, "not_found");
      } else {
        // The same media drift as an output URL; then this endpoint's fault (below).
        r = core_.media_body(request, *job, endpoint);
      }
    }
    if (f) apply_fault(r, *f, [&](int s, const std::string& m) { return error(s, m, endpoint); });
    return r;
  }

  // The create fields of a multipart/form-data body (how the openai SDK sends videos.create):
  // input_reference as an uploaded file or as a JSON object.
  static std::optional<std::string> read_form(const Request& request, CreateRequest& q) {
    const auto parts = parse_multipart(request.headers.find("Content-Type").value_or(""), request.body);
    if (!parts) return "malformed multipart/form-data body";
    for (const FormPart& part : *parts) {
      if (part.name == "model") {
        q.model = part.value;
      } else if (part.name == "prompt") {
        q.prompt = part.value;
      } else if (part.name == "seconds") {
        q.seconds = part.value;
      } else if (part.name == "size") {
        q.size = part.value;
      } else if (part.name == "input_reference") {
        InputReference ref;
        if (part.filename) {
          ref.file_id = "upload:" + *part.filename;
        } else if (reel::json::read(part.value, ref)) {
          return "input_reference must be a file or an object with image_url or file_id";
        }
        q.input_reference = std::move(ref);
      }
    }
    return std::nullopt;
  }

  // What makes two creates "the same request" for an idempotency key: the fields, not the bytes
  // (a multipart boundary differs from send to send).
  static std::string fingerprint(const CreateRequest& q, const std::string& model, const std::string& seconds,
                                 const std::string& size) {
    std::string out = model + "\n" + q.prompt.value_or("") + "\n" + seconds + "\n" + size + "\n";
    if (q.input_reference) {
      out += q.input_reference->image_url.value_or("") + "\n" + q.input_reference->file_id.value_or("");
    }
    return out;
  }

  Reply create(const Request& request, const std::string& key) {
    const std::string endpoint = "openai.create";
    CreateRequest q;
    const std::string content_type = lower(request.headers.find("Content-Type").value_or(""));
    if (content_type.rfind("multipart/form-data", 0) == 0) {
      if (auto bad = read_form(request, q)) return error(400, *bad, endpoint);
    } else if (const reel::json::Error e = reel::json::read(request.body, q)) {
      return error(400, "We could not parse the JSON body of your request: " + e.message(), endpoint);
    }
    if (!q.prompt || q.prompt->empty()) return error(400, "Missing required parameter: 'prompt'.", endpoint, "missing_required_parameter");
    if (q.input_reference && q.input_reference->image_url.has_value() == q.input_reference->file_id.has_value()) {
      return error(400, "input_reference needs exactly one of image_url or file_id.", endpoint, "invalid_value");
    }
    // Without `model`: the first configured OpenAI-mode model (the API's default).
    const ModelConfig* m = nullptr;
    if (q.model) {
      m = core_.model("openai", *q.model);
      if (m == nullptr) return error(404, "The model '" + *q.model + "' does not exist.", endpoint, "model_not_found");
    } else {
      m = core_.first_model("openai");
      if (m == nullptr) return error(404, "No default model is configured.", endpoint, "model_not_found");
    }
    const std::string seconds = q.seconds ? seconds_text(*q.seconds) : (m->durations.empty() ? "4" : m->durations.front());
    const std::string size = q.size.value_or(m->resolutions.empty() ? "720x1280" : m->resolutions.front());
    if (!m->durations.empty() && std::find(m->durations.begin(), m->durations.end(), seconds) == m->durations.end()) {
      return error(400, "Invalid value for 'seconds': '" + seconds + "'.", endpoint, "invalid_value");
    }
    if (!m->resolutions.empty() && std::find(m->resolutions.begin(), m->resolutions.end(), size) == m->resolutions.end()) {
      return error(400, "Invalid value for 'size': '" + size + "'.", endpoint, "invalid_value");
    }
    if (code_points(*q.prompt) > m->prompt_character_limit) {
      return error(400, "'prompt' is too long.", endpoint, "string_above_max_length");
    }
    const OpenAiConfig& config = core_.config().openai;
    const std::string idempotency_key =
        config.idempotency ? std::string(request.headers.find("Idempotency-Key").value_or("")) : std::string();
    const std::string print = fingerprint(q, m->id, seconds, size);
    if (!idempotency_key.empty()) {
      ++core_.counters().create_requests_by_idempotency_key[idempotency_key];
      if (Job* existing = core_.job_by_idempotency_key(key, idempotency_key)) {
        core_.touch(*existing);
        if (fingerprints_[existing->id] != print) {
          return error(422, "Keys for idempotent requests can only be used with the same parameters they were first "
                            "used with.", endpoint, "idempotency_key_reused");
        }
        Reply r = json_reply(200, video(*existing, SteadyClock::now()));
        if (auto f = core_.fault(Subject{endpoint, existing->model, existing->prompt, key})) {
          apply_fault(r, *f, [&](int s, const std::string& msg) { return error(s, msg, endpoint); });
        }
        return r;
      }
    }
    const Subject subject{endpoint, m->id, *q.prompt, key};
    std::optional<Fault> f = core_.fault(subject);
    Reply r;
    if (f && f->status) {
      apply_fault(r, *f, [&](int s, const std::string& msg) { return error(s, msg, endpoint); });
      return r;
    }
    if (core_.blocked_term(*q.prompt)) {
      return error(400, "Your request was blocked by our moderation system.", endpoint, "moderation_blocked");
    }
    const double cost = std::round(m->usd_per_second * std::atof(seconds.c_str()) * 1e6) / 1e6;
    if (!core_.charge(key, cost)) {
      return error(429, "You exceeded your current quota, please check your plan and billing details.", endpoint,
                   "insufficient_quota");
    }
    Job& job = core_.create_job("openai", *m, subject);
    job.seconds = seconds;
    job.size = size;
    core_.bill(job, cost);
    job.idempotency_key = idempotency_key;
    fingerprints_[job.id] = print;
    if (!idempotency_key.empty()) core_.remember_idempotency_key(key, job);
    if (const auto status = core_.create_error("openai")) return gateway_reply(*status, endpoint);
    r = json_reply(200, video(job, SteadyClock::now()));
    if (f) apply_fault(r, *f, [&](int s, const std::string& msg) { return error(s, msg, endpoint); });
    return r;
  }

  // The video object; `pending` forces the not-yet-finished shape with that status (Drift::extra_statuses).
  Video video(Job& job, SteadyClock::time_point now, const std::string* pending = nullptr) {
    Video v;
    v.id = job.id;
    v.model = job.model;
    v.created_at = job.created_unix;
    v.prompt = job.prompt;
    v.size = job.size;
    v.seconds = job.seconds;
    if (pending != nullptr) {
      v.status = *pending;
      return v;
    }
    const Phase phase = job.phase(now);
    const bool finished = phase != Phase::waiting && phase != Phase::running;
    if (finished && job.completed_unix == 0) job.completed_unix = unix_now();
    switch (phase) {
      case Phase::waiting:
        v.status = core_.status_word("queued");
        break;
      case Phase::running: {
        // The reported progress follows the (possibly inaccurate) estimate, capped below 100.
        v.progress = running_progress(job, now);
        // The create's answer (no status request yet) says queued, as the spec's example does.
        v.status = core_.status_word(job.polls == 0 ? "queued" : "in_progress");
        break;
      }
      case Phase::succeeded:
        v.status = core_.drift().completed_status.value_or(core_.status_word("completed"));
        v.progress = 100;
        v.completed_at = job.completed_unix;
        v.expires_at = job.completed_unix + core_.config().download_ttl_s;
        if (core_.config().openai.output_url) {
          v.output = Output{core_.media_base + "/openai/" + job.id + ".mp4", "video/mp4",
                            std::max<std::int64_t>(0, static_cast<std::int64_t>(mp4_of_size(job.output_bytes).size) +
                                                          core_.drift().announce_size_delta)};
        }
        break;
      case Phase::failed:
      case Phase::rejected:
        v.status = core_.status_word("failed");
        v.progress = 100;
        v.completed_at = job.completed_unix;
        // OpenAI's refusal code where the rule left the simulator's default.
        v.error = VideoError{phase == Phase::rejected && job.fail_code == "CONTENT_POLICY_VIOLATION" ? "moderation_blocked"
                                                                                                       : job.fail_code,
                             job.fail_message};
        break;
    }
    return v;
  }

  Core& core_;
  std::map<std::string, std::string> fingerprints_;  ///< video id → its create's fingerprint
};

}  // namespace reel_sim::openai_videos
