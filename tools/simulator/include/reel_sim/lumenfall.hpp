// SPDX-License-Identifier: BSL-1.0
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
      case 403: type = "permission_error"; default_code = "FORBIDDEN"; break;
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
    Job* job = core_.job(id);
    std::optional<Reply> refused;
    if (job == nullptr || job->provider != "lumenfall" || job->phase(SteadyClock::now()) != Phase::succeeded) {
      refused = error(404, "Not found", endpoint);
    } else if (job->cleaned || unix_now() >= job->completed_unix + core_.config().download_ttl_s) {
      core_.touch(*job);
      refused = error(410, "This output URL has expired or the video was deleted", endpoint);
    }
    return core_.media_answer(request, job, endpoint, std::move(refused),
                              [&](int s, const std::string& m) { return error(s, m, endpoint); });
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
    const Drift& drift = core_.drift();
    // Drift::cancelled_status: a cancelled job stays readable, with that status.
    const bool readable_cancelled = job->cancelled && drift.cancelled_status && endpoint == "lumenfall.retrieve";
    if (job->cleaned && !readable_cancelled) {
      return error(404, "No video with id '" + id + "'", endpoint, "VIDEO_NOT_FOUND");
    }
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
      if (!job->cancelled && job->extra_statuses_sent < drift.extra_statuses.size()) {
        // Drift: statuses before the normal answers (not counted toward the job's `polls`).
        ++job->drift_polls;
        core_.drifted();
        const std::string status = drift.extra_statuses[job->extra_statuses_sent++];
        r = video_reply(200, *job, now, &status);
      } else {
        if (job->started_at && !job->cancelled) ++job->running_polls;
        r = video_reply(200, *job, now);
      }
      r.headers.set("openai-poll-after-ms", std::to_string(core_.config().poll_after_ms));
    } else if (endpoint == "lumenfall.delete") {
      const Phase phase = job->phase(now);
      if (phase == Phase::waiting || phase == Phase::running) {
        const std::int64_t progress = video(*job, now).progress;
        core_.mark_cancelled(*job, progress);
        if (drift.cancelled_status) {
          core_.drifted();
          r = video_reply(200, *job, now);
        } else {
          r = json_reply(200, Deleted{job->id});
        }
      } else if (drift.cleanup_status) {
        // Drift: the cleanup is refused and nothing is deleted.
        core_.drifted();
        r = error(*drift.cleanup_status, "The video could not be deleted", endpoint);
      } else {
        core_.mark_deleted(*job);
        r = json_reply(200, Deleted{job->id});
      }
    } else if (job->phase(now) == Phase::succeeded) {
      ++job->download_fetches;
      r = media_reply(request, job->output_bytes);
    } else {
      r = error(404, "The video is not ready", endpoint, "VIDEO_NOT_READY");
    }
    if (f) apply_fault(r, *f, [&](int s, const std::string& m) { return error(s, m, endpoint); });
    return r;
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
    // Without `model` the gateway picks its default: the first configured Lumenfall model.
    const ModelConfig* m = nullptr;
    if (q.model) {
      m = core_.model("lumenfall", *q.model);
      if (m == nullptr) return error(404, "Model '" + *q.model + "' not found", endpoint, "MODEL_NOT_FOUND");
    } else {
      m = core_.first_model("lumenfall");
      if (m == nullptr) return error(404, "No default model is configured", endpoint, "MODEL_NOT_FOUND");
    }
    const std::string seconds = q.seconds ? seconds_text(*q.seconds) : (m->durations.empty() ? "4" : m->durations.front());
    const std::string size = q.size.value_or(m->resolutions.empty() ? "720x1280" : m->resolutions.front());
    if (!m->durations.empty() && std::find(m->durations.begin(), m->durations.end(), seconds) == m->durations.end()) {
      return error(400, "seconds must be one of the model's durations", endpoint);
    }
    if (std::find(m->resolutions.begin(), m->resolutions.end(), size) == m->resolutions.end() &&
        std::find(m->aspect_ratios.begin(), m->aspect_ratios.end(), size) == m->aspect_ratios.end()) {
      return error(400, "size is not supported by this model", endpoint);
    }
    // Characters (JSON Schema maxLength): code points, not bytes.
    if (code_points(*q.prompt) > m->prompt_character_limit) return error(400, "prompt is too long", endpoint);
    if (q.n && *q.n != 1) return error(400, "n must be 1", endpoint);
    const double cost = std::round(m->usd_per_second * std::atof(seconds.c_str()) * 1e6) / 1e6;
    const bool dry_run = request.query_param("dryRun") == "true";
    if (dry_run && !core_.drift().dry_run_creates) {
      return json_reply(200, Estimate{"video.estimate", m->id, seconds, size, static_cast<std::int64_t>(std::llround(cost * 1e6))});
    }
    std::string idempotency_key = q.idempotency_key.value_or(std::string(request.headers.find("Idempotency-Key").value_or("")));
    if (!idempotency_key.empty()) {
      ++core_.counters().create_requests_by_idempotency_key[idempotency_key];
      if (Job* existing = core_.job_by_idempotency_key(key, idempotency_key)) {
        core_.touch(*existing);
        Reply r = video_reply(200, *existing, SteadyClock::now());
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
    core_.bill(job, cost);
    job.idempotency_key = idempotency_key;
    if (dry_run) {
      job.created_by_dry_run = true;  // Drift::dry_run_creates
      core_.drifted();
    }
    if (!idempotency_key.empty()) core_.remember_idempotency_key(key, job);
    if (const auto status = core_.create_error("lumenfall")) return gateway_reply(*status, endpoint);
    r = video_reply(202, job, SteadyClock::now());
    if (f) apply_fault(r, *f, [&](int s, const std::string& msg) { return error(s, msg, endpoint); });
    return r;
  }

  // The video object as a reply, with Drift's number, null and omission changes.
  Reply video_reply(int status, Job& job, SteadyClock::time_point now, const std::string* pending = nullptr) {
    const Video v = video(job, now, pending);
    Reply r = json_reply(status, v);
    const Drift& d = core_.drift();
    if (!d.fractional_numbers && !d.nulls && !d.omit_optional) return r;
    using reel::json::Value;
    Value doc;
    if (reel::json::read(r.body, doc) || doc.if_object() == nullptr) return r;
    reel::json::Object& o = *doc.if_object();
    auto at = [](reel::json::Object& obj, std::string_view key) -> Value* {
      for (auto& [k, value] : obj) {
        if (k == key) return &value;
      }
      return nullptr;
    };
    const Phase phase = job.phase(now);
    const bool finished = pending == nullptr && (job.cancelled || (phase != Phase::waiting && phase != Phase::running));
    if (d.fractional_numbers) {
      auto fraction = [&](std::string_view key, std::string_view tail) {
        if (Value* value = at(o, key); value != nullptr && value->if_number() != nullptr) {
          value->if_number()->text += tail;
        }
      };
      if (Value* p = at(o, "progress"); p != nullptr && p->if_number() != nullptr) {
        p->if_number()->text += p->if_number()->text == "100" ? ".0" : ".5";
      }
      fraction("created_at", ".25");
      fraction("completed_at", ".75");
      fraction("expires_at", ".75");
      if (Value* sec = at(o, "seconds"); sec != nullptr && sec->if_string() != nullptr && !sec->if_string()->empty() &&
                                         std::all_of(sec->if_string()->begin(), sec->if_string()->end(),
                                                     [](char c) { return c >= '0' && c <= '9'; })) {
        *sec = Value(reel::json::Number{*sec->if_string() + ".5"});
      }
    }
    Value* error_object = at(o, "error");
    if (error_object != nullptr && error_object->if_object() == nullptr) error_object = nullptr;
    if (d.nulls) {
      for (std::string_view key : {"metadata", "model", "size"}) {
        if (Value* value = at(o, key)) *value = nullptr;
      }
      if (Value* p = at(o, "progress"); p != nullptr && finished) *p = nullptr;
      if (error_object != nullptr) {
        if (Value* code = at(*error_object->if_object(), "code")) *code = nullptr;
      }
    }
    if (d.omit_optional) {
      std::erase_if(o, [](const auto& m) { return m.first == "progress" || m.first == "created_at" || m.first == "completed_at"; });
      error_object = at(o, "error");
      if (error_object != nullptr && error_object->if_object() != nullptr) {
        std::erase_if(*error_object->if_object(), [](const auto& m) { return m.first == "code"; });
      }
    }
    r.body.clear();
    (void)reel::json::write(doc, r.body);
    core_.drifted();
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
    v.metadata.model = job.model;
    v.metadata.executed_model = "simulator/" + job.model;
    v.metadata.upstream_id = "sim-" + job.id;
    const Drift& drift = core_.drift();
    if (pending != nullptr || job.cancelled) {
      v.status = pending != nullptr ? *pending : drift.cancelled_status.value_or(core_.status_word("cancelled"));
      v.progress = pending != nullptr ? 0 : job.cancelled_progress;
      if (pending != nullptr) v.metadata.cost_estimate = job.cost_usd;
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
        v.status = core_.status_word(v.progress < 10 ? "queued" : "in_progress");
        break;
      }
      case Phase::succeeded:
        v.status = drift.completed_status.value_or(core_.status_word("completed"));
        v.progress = 100;
        v.completed_at = job.completed_unix;
        v.expires_at = job.completed_unix + core_.config().download_ttl_s;
        // Drift::announce_size_delta: the announced size is off; the download stays true.
        v.output = Output{core_.media_base + "/lumenfall/" + job.id + ".mp4", "video/mp4",
                          std::max<std::int64_t>(0, static_cast<std::int64_t>(mp4_of_size(job.output_bytes).size) +
                                                        drift.announce_size_delta)};
        break;
      case Phase::failed:
      case Phase::rejected:
        v.status = core_.status_word("failed");
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
