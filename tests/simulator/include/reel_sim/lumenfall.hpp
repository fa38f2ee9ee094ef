// Lumenfall's OpenAI-compatible video API under /openai/v1: POST /videos (202, idempotency_key,
// ?dryRun=true), GET /videos/{id}, DELETE /videos/{id} (cancel), GET /videos/{id}/content, the
// output URL on the media origin (Range), and the {error:{message,type,code}} envelope.
#pragma once

#include <reel_sim/core.hpp>
#include <reel_sim/multipart.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace reel_sim::lumenfall {

/// The create body (OpenAI's CreateVideoJsonBody plus Lumenfall's fields).
struct CreateRequest {
  std::optional<std::string> model;
  std::optional<std::string> prompt;
  std::optional<std::variant<std::string, double>> seconds;
  std::optional<std::string> size;
  std::optional<std::int64_t> n;
  std::optional<reel::json::Value> input_reference;
  std::optional<std::string> webhook_url;
  std::optional<std::string> idempotency_key;
  std::optional<reel::json::Value> metadata;
};

using Null = std::nullptr_t;

struct ErrorBody {
  std::string code;
  std::string message;
};
struct Output {
  std::string url;
  std::string content_type = "video/mp4";
  std::int64_t size_bytes = 0;
};
struct Metadata {
  std::string model;
  std::string executed_model;
  std::string provider = "simulator";
  std::string provider_name = "reel simulator";
  std::string upstream_id;
  std::optional<double> cost_estimate;
  std::optional<double> cost;
  std::string cost_currency = "USD";
};
/// The video object (OpenAI's VideoResource with Lumenfall's output and metadata).
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
  std::variant<Null, ErrorBody> error;
  std::variant<Null, Output> output;
  Metadata metadata;
};
struct Deleted {
  std::string id;
  std::string object = "video.deleted";
  bool deleted = true;
};
struct Estimate {
  std::string object = "video.estimate";
  std::string model;
  std::string seconds;
  std::string size;
  std::int64_t total_cost_micros = 0;
  std::string currency = "USD";
};
struct EnvelopeError {
  std::string message;
  std::string type;
  std::string code;
};
struct Envelope {
  EnvelopeError error;
};

/// Lumenfall's front end.
class Api {
public:
  explicit Api(Core& core) : core_(core) {}

  /// The error envelope with the type and code Lumenfall uses for `status`.
  static Reply error(int status, std::string message, std::string counter, std::string code = {}) {
    std::string type = "api_error";
    std::string default_code = "INTERNAL_ERROR";
    switch (status) {
      case 400: type = "invalid_request_error"; default_code = "INVALID_REQUEST"; break;
      case 401: type = "authentication_error"; default_code = "AUTHENTICATION_FAILED"; break;
      case 402: type = "billing_error"; default_code = "INSUFFICIENT_BALANCE"; break;
      case 404: type = "not_found_error"; default_code = "NOT_FOUND"; break;
      case 409: type = "invalid_request_error"; default_code = "CONFLICT"; break;
      case 429: type = "rate_limit_error"; default_code = "RATE_LIMITED"; break;
      case 502: default_code = "ALL_PROVIDERS_EXHAUSTED"; break;
      case 503: default_code = "SERVICE_UNAVAILABLE"; break;
      default: break;
    }
    Reply r = json_reply(status, Envelope{EnvelopeError{std::move(message), type, code.empty() ? default_code : code}});
    r.counter = std::move(counter);
    return r;
  }

  /// Handles `sub` (the path after /openai/v1).
  Reply handle(Request& request, std::string_view sub) {
    std::string endpoint = "lumenfall.other";
    std::string id;
    if (sub == "/videos") {
      endpoint = request.method == "POST" ? "lumenfall.create" : "lumenfall.list";
    } else if (sub.rfind("/videos/", 0) == 0) {
      std::string_view rest = sub.substr(8);
      const auto slash = rest.find('/');
      id = std::string(rest.substr(0, slash));
      const std::string_view tail = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
      if (tail.empty()) {
        endpoint = request.method == "DELETE" ? "lumenfall.delete" : "lumenfall.retrieve";
      } else if (tail == "/content") {
        endpoint = "lumenfall.content";
      }
    }
    Reply r = dispatch(request, endpoint, id);
    r.counter = endpoint;
    return r;
  }

  /// The output URL on the media origin: no auth, Range, expires.
  Reply media(Request& request, const std::string& id) {
    const std::string endpoint = "lumenfall.media";
    if (request.headers.find("Authorization")) ++core_.counters().media_requests_with_authorization;
    Job* job = core_.job(id);
    Reply r;
    if (job == nullptr || job->provider != "lumenfall" || job->phase(SteadyClock::now()) != Phase::succeeded) {
      r = error(404, "Not found", endpoint);
    } else if (job->cleaned || unix_now() >= job->completed_unix + core_.config().download_ttl_s) {
      core_.touch(*job);
      r = error(410, "This output URL has expired or the video was deleted", endpoint);
    } else {
      ++job->download_fetches;
      r = media_reply(request, job->output_bytes);
    }
    if (job != nullptr) {
      if (auto f = core_.fault(Subject{endpoint, job->model, job->prompt, job->key})) {
        apply_fault(r, *f, [&](int s, const std::string& m) { return error(s, m, endpoint); });
      }
    }
    r.counter = endpoint;
    return r;
  }

private:
  Reply dispatch(Request& request, const std::string& endpoint, const std::string& id) {
    const std::string key = request.bearer();
    if (endpoint == "lumenfall.other" || endpoint == "lumenfall.list") return error(404, "Unknown endpoint", endpoint);
    const bool method_ok = (endpoint == "lumenfall.create" && request.method == "POST") ||
                           (endpoint == "lumenfall.delete" && request.method == "DELETE") ||
                           ((endpoint == "lumenfall.retrieve" || endpoint == "lumenfall.content") &&
                            (request.method == "GET" || request.method == "HEAD"));
    if (!method_ok) return error(405, "Method not allowed", endpoint);
    if (!core_.key_ok(key)) return error(401, "Invalid API key", endpoint);
    if (const auto limit = core_.rate_limit(endpoint, key); !limit.allowed) {
      Reply r = error(429, "Rate limit exceeded", endpoint);
      r.headers.set("Retry-After", std::to_string(std::max<std::int64_t>(1, limit.reset_unix - unix_now())));
      return r;
    }
    if (endpoint == "lumenfall.create") return create(request, key);
    Job* job = core_.job(id);
    if (job == nullptr || job->provider != "lumenfall" || job->key != key) {
      return error(404, "No video with id '" + id + "'", endpoint, "VIDEO_NOT_FOUND");
    }
    core_.touch(*job);
    if (job->cleaned) return error(404, "No video with id '" + id + "'", endpoint, "VIDEO_NOT_FOUND");
    Reply r;
    std::optional<Fault> f = core_.fault(Subject{endpoint, job->model, job->prompt, key});
    if (f && f->status) {
      apply_fault(r, *f, [&](int s, const std::string& m) { return error(s, m, endpoint); });
      return r;
    }
    const auto now = SteadyClock::now();
    core_.schedule(now);
    if (endpoint == "lumenfall.retrieve") {
      ++job->polls;
      if (job->started_at) ++job->running_polls;
      r = json_reply(200, video(*job, now));
      r.headers.set("openai-poll-after-ms", std::to_string(core_.config().poll_after_ms));
    } else if (endpoint == "lumenfall.delete") {
      job->cleaned = true;
      r = json_reply(200, Deleted{job->id});
    } else if (job->phase(now) == Phase::succeeded) {
      ++job->download_fetches;
      r = media_reply(request, job->output_bytes);
    } else {
      r = error(404, "The video is not ready", endpoint, "VIDEO_NOT_READY");
    }
    if (f) apply_fault(r, *f, [&](int s, const std::string& m) { return error(s, m, endpoint); });
    return r;
  }

  static std::string seconds_text(const std::variant<std::string, double>& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    const double d = std::get<double>(v);
    if (d == std::floor(d) && d >= 0 && d < 1e6) return std::to_string(static_cast<std::int64_t>(d));
    return std::to_string(d);
  }

  // The create fields sent as multipart/form-data (how the openai SDK sends videos.create).
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
      } else if (part.name == "idempotency_key") {
        q.idempotency_key = part.value;
      } else if (part.name == "webhook_url") {
        q.webhook_url = part.value;
      } else if (part.name == "n") {
        q.n = std::atoll(part.value.c_str());
      } else if (part.name == "input_reference") {
        q.input_reference = reel::json::Value(part.filename.value_or("upload"));
      }
    }
    return std::nullopt;
  }

  Reply create(const Request& request, const std::string& key) {
    const std::string endpoint = "lumenfall.create";
    CreateRequest q;
    const std::string content_type = lower(request.headers.find("Content-Type").value_or(""));
    if (content_type.rfind("multipart/form-data", 0) == 0) {
      if (auto bad = read_form(request, q)) return error(400, *bad, endpoint);
    } else if (const reel::json::Error e = reel::json::read(request.body, q)) {
      return error(400, e.message(), endpoint);
    }
    if (!q.prompt || q.prompt->empty()) return error(400, "prompt is required", endpoint);
    const std::string model_id = q.model.value_or("sora-2");
    const ModelConfig* m = core_.model("lumenfall", model_id);
    if (m == nullptr) return error(404, "Model '" + model_id + "' not found", endpoint, "MODEL_NOT_FOUND");
    const std::string seconds = q.seconds ? seconds_text(*q.seconds) : (m->durations.empty() ? "4" : m->durations.front());
    const std::string size = q.size.value_or(m->resolutions.empty() ? "720x1280" : m->resolutions.front());
    if (!m->durations.empty() && std::find(m->durations.begin(), m->durations.end(), seconds) == m->durations.end()) {
      return error(400, "seconds must be one of the model's durations", endpoint);
    }
    if (std::find(m->resolutions.begin(), m->resolutions.end(), size) == m->resolutions.end() &&
        std::find(m->aspect_ratios.begin(), m->aspect_ratios.end(), size) == m->aspect_ratios.end()) {
      return error(400, "size is not supported by this model", endpoint);
    }
    if (static_cast<std::int64_t>(q.prompt->size()) > m->prompt_character_limit) return error(400, "prompt is too long", endpoint);
    if (q.n && *q.n != 1) return error(400, "n must be 1", endpoint);
    const double cost = std::round(m->usd_per_second * std::atof(seconds.c_str()) * 1e6) / 1e6;
    if (request.query_param("dryRun") == "true") {
      return json_reply(200, Estimate{"video.estimate", m->id, seconds, size, static_cast<std::int64_t>(std::llround(cost * 1e6))});
    }
    std::string idempotency_key = q.idempotency_key.value_or(std::string(request.headers.find("Idempotency-Key").value_or("")));
    if (!idempotency_key.empty()) {
      ++core_.counters().create_requests_by_idempotency_key[idempotency_key];
      if (Job* existing = core_.job_by_idempotency_key(key, idempotency_key)) {
        core_.touch(*existing);
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
      return error(400, "The prompt violates the content policy", endpoint, "CONTENT_POLICY_VIOLATION");
    }
    if (!core_.charge(key, cost)) return error(402, "Insufficient balance", endpoint, "INSUFFICIENT_BALANCE");
    Job& job = core_.create_job("lumenfall", *m, subject);
    job.seconds = seconds;
    job.size = size;
    job.cost_usd = cost;
    job.idempotency_key = idempotency_key;
    if (!idempotency_key.empty()) core_.remember_idempotency_key(key, job);
    r = json_reply(202, video(job, SteadyClock::now()));
    if (f) apply_fault(r, *f, [&](int s, const std::string& msg) { return error(s, msg, endpoint); });
    return r;
  }

  Video video(Job& job, SteadyClock::time_point now) {
    Video v;
    v.id = job.id;
    v.model = job.model;
    v.created_at = job.created_unix;
    v.prompt = job.prompt;
    v.size = job.size;
    v.seconds = job.seconds;
    v.metadata.model = job.model;
    v.metadata.executed_model = "simulator/" + job.model;
    v.metadata.upstream_id = "sim-" + job.id;
    const Phase phase = job.phase(now);
    const bool finished = phase != Phase::waiting && phase != Phase::running;
    if (finished && job.completed_unix == 0) job.completed_unix = unix_now();
    switch (phase) {
      case Phase::waiting:
        v.status = "queued";
        break;
      case Phase::running: {
        // The reported progress follows the (possibly inaccurate) estimate, capped below 100.
        const double estimate = std::max(1.0, static_cast<double>(job.duration_ms) * job.eta_factor);
        const double fraction = job.polls_needed ? static_cast<double>(job.running_polls) / static_cast<double>(std::max<std::int64_t>(1, *job.polls_needed))
                                                 : static_cast<double>(job.elapsed_ms(now)) / estimate;
        v.progress = std::clamp<std::int64_t>(static_cast<std::int64_t>(fraction * 100), 0, 99);
        v.status = v.progress < 10 ? "queued" : "in_progress";
        break;
      }
      case Phase::succeeded:
        v.status = "completed";
        v.progress = 100;
        v.completed_at = job.completed_unix;
        v.expires_at = job.completed_unix + core_.config().download_ttl_s;
        v.output = Output{core_.media_base + "/lumenfall/" + job.id + ".mp4", "video/mp4",
                          static_cast<std::int64_t>(mp4_of_size(job.output_bytes).size)};
        break;
      case Phase::failed:
      case Phase::rejected:
        v.status = "failed";
        v.progress = 100;
        v.completed_at = job.completed_unix;
        v.error = ErrorBody{job.fail_code, job.fail_message};
        break;
    }
    // `cost` only once completed, `cost_estimate` only while queued or running (Lumenfall's docs).
    if (phase == Phase::succeeded) {
      v.metadata.cost = job.cost_usd;
    } else if (!finished) {
      v.metadata.cost_estimate = job.cost_usd;
    }
    return v;
  }

  Core& core_;
};

}  // namespace reel_sim::lumenfall
