// SPDX-License-Identifier: BSL-1.0
// fal.ai's queue API under /fal (the simulator's stand-in for https://queue.fal.run): submit
// POST /{owner}/{app}[/{path}], GET .../requests/{id}/status (202 IN_QUEUE / IN_PROGRESS, 200
// COMPLETED; ?logs=1), GET .../requests/{id} (the model output with a video File), PUT
// .../requests/{id}/cancel, X-Fal-Request-Timeout (a deadline to start), `Authorization: Key`,
// the error shapes ({"detail": [{loc, msg, type}]} and {"detail", "error_type"} with
// X-Fal-Error-Type) and the output file on the media origin (no key).
#pragma once

#include <reel_sim/core.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace reel_sim::fal {

using Null = std::nullptr_t;

/// One log line of a status answer (types/common.ts RequestLog).
struct LogEntry {
  std::string message;
  std::string level = "INFO";
  std::string source = "USER";
  std::string timestamp;
};
/// `metrics` of a COMPLETED status.
struct Metrics {
  double inference_time = 0;
};
/// The submit and status answer (QueueStatus).
struct QueueStatus {
  std::string status;
  std::string request_id;
  std::string response_url;
  std::string status_url;
  std::string cancel_url;
  std::optional<std::int64_t> queue_position;
  std::variant<Null, std::vector<LogEntry>> logs;
  std::optional<Metrics> metrics;
  std::optional<std::string> error;
  std::optional<std::string> error_type;
};
/// A `File` of the model output.
struct File {
  std::string url;
  std::string content_type = "video/mp4";
  std::string file_name = "output.mp4";
  std::int64_t file_size = 0;
};
/// The model output of a video endpoint.
struct Output {
  File video;
  std::int64_t seed = 0;
};
/// A request error: `{"detail": "...", "error_type": "..."}`.
struct RequestError {
  std::string detail;
  std::optional<std::string> error_type;
};
/// One entry of a model (validation) error.
struct ErrorItem {
  std::vector<std::string> loc;
  std::string msg;
  std::string type;
};
/// A model error: `{"detail": [{loc, msg, type}]}`.
struct ModelError {
  std::vector<ErrorItem> detail;
};
/// The cancel answer.
struct CancelStatus {
  std::string status;
};

/// The typical HTTP status of a request error type (fal's request-errors table).
inline int status_of_type(std::string_view type) {
  if (type == "request_timeout" || type == "startup_timeout") return 504;
  if (type == "runner_incomplete_response") return 502;
  if (type.rfind("runner_", 0) == 0 && type != "runner_server_error") return 503;
  if (type == "client_disconnected" || type == "client_cancelled") return 499;
  if (type == "bad_request") return 400;
  if (type.find("content_policy") != std::string_view::npos) return 422;
  return 500;
}

/// fal's front end.
class Api {
public:
  explicit Api(Core& core) : core_(core) {}

  /// "http://127.0.0.1:<port>/fal": the origin and prefix the returned URLs use (set by the Simulator).
  std::string base_url;

  /// `{"detail": ...}`, with `error_type` (body and X-Fal-Error-Type) when given.
  static Reply error(int status, std::string detail, std::string counter, std::string type = {}) {
    RequestError body{std::move(detail), std::nullopt};
    if (!type.empty()) body.error_type = type;
    Reply r = json_reply(status, body);
    if (!type.empty()) r.headers.set("X-Fal-Error-Type", type);
    r.counter = std::move(counter);
    return r;
  }
  /// A 422 model error for the body field `field`.
  static Reply invalid(std::string field, std::string msg, std::string type, std::string counter) {
    ModelError body;
    ErrorItem item{{"body"}, std::move(msg), std::move(type)};
    if (!field.empty()) item.loc.push_back(std::move(field));
    body.detail.push_back(std::move(item));
    Reply r = json_reply(422, body);
    r.counter = std::move(counter);
    return r;
  }

  /// Handles `sub` (the path after /fal).
  Reply handle(Request& request, std::string_view sub) {
    std::vector<std::string_view> parts;
    for (std::size_t begin = 1; begin <= sub.size();) {
      const std::size_t slash = sub.find('/', begin);
      const std::size_t end = slash == std::string_view::npos ? sub.size() : slash;
      parts.push_back(sub.substr(begin, end - begin));
      if (slash == std::string_view::npos) break;
      begin = slash + 1;
    }
    const std::size_t n = !parts.empty() && (parts[0] == "workflows" || parts[0] == "comfy") ? 3 : 2;
    Target t;
    t.endpoint = "fal.other";
    if (parts.size() >= n && std::none_of(parts.begin(), parts.end(), [](std::string_view p) { return p.empty(); })) {
      for (std::size_t i = 0; i < n; ++i) t.app += (i == 0 ? "" : "/") + std::string(parts[i]);
      if (parts.size() > n + 1 && parts[n] == "requests") {
        t.id = std::string(parts[n + 1]);
        const std::size_t rest = parts.size() - n - 2;
        if (rest == 0) {
          t.endpoint = "fal.result";
        } else if (rest == 1 && parts[n + 2] == "status") {
          t.endpoint = "fal.status";
        } else if (rest == 1 && parts[n + 2] == "cancel") {
          t.endpoint = "fal.cancel";
        } else if (rest == 2 && parts[n + 2] == "status" && parts[n + 3] == "stream") {
          t.endpoint = "fal.stream";
        }
      } else {
        t.endpoint = "fal.create";
        t.model = std::string(sub.substr(1));
      }
    }
    Reply r = dispatch(request, t);
    if (!t.id.empty()) r.headers.set("x-fal-request-id", t.id);
    r.counter = t.endpoint;
    return r;
  }

  /// The output file on the media origin: no key, Range, expires.
  Reply media(Request& request, const std::string& id) {
    const std::string endpoint = "fal.media";
    Job* job = core_.job(id);
    std::optional<Reply> refused;
    if (job == nullptr || job->provider != "fal" || job->cancelled ||
        job->phase(SteadyClock::now()) != Phase::succeeded) {
      refused = bucket_reply(404, endpoint);
    } else if (unix_now() >= job->completed_unix + core_.config().download_ttl_s) {
      refused = bucket_reply(410, endpoint);
    }
    return core_.media_answer(request, job, endpoint, std::move(refused),
                              [&](int s, const std::string&) { return bucket_reply(s, endpoint); });
  }

  /// The key of `Authorization: Key <key>`, or empty.
  static std::string key_of(const Request& request) {
    const auto value = request.headers.find("Authorization");
    if (!value) return {};
    std::string_view v = *value;
    if (v.size() < 4 || lower(v.substr(0, 4)) != "key ") return {};
    v.remove_prefix(4);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    return std::string(v);
  }

private:
  struct Target {
    std::string endpoint;
    std::string app;    ///< owner/app (with its namespace)
    std::string model;  ///< the whole endpoint id (submit only)
    std::string id;
  };
  /// What fal keeps per request beyond the shared Job.
  struct Extra {
    std::string app;
    std::optional<double> start_timeout_s;  ///< X-Fal-Request-Timeout
    bool timed_out = false;
    std::int64_t started_unix = 0;
  };

  Reply dispatch(Request& request, const Target& t) {
    const std::string& endpoint = t.endpoint;
    if (endpoint == "fal.other") return error(404, "Not Found", endpoint);
    if (endpoint == "fal.stream") return error(404, "Status streaming is not simulated; poll the status_url", endpoint);
    const bool method_ok = (endpoint == "fal.create" && request.method == "POST") ||
                           (endpoint == "fal.cancel" && request.method == "PUT") ||
                           ((endpoint == "fal.status" || endpoint == "fal.result") &&
                            (request.method == "GET" || request.method == "HEAD"));
    if (!method_ok) return error(405, "Method Not Allowed", endpoint);
    const std::string key = key_of(request);
    if (key.empty()) {
      return error(401, "Cannot access application '" + t.app + "'. Authentication is required to access this application.",
                   endpoint);
    }
    if (!core_.key_ok(key)) return error(401, "No user found for Key ID and Secret", endpoint);
    if (const auto limit = core_.rate_limit(endpoint, key); !limit.allowed) {
      Reply r = error(429, "Rate limit exceeded", endpoint);
      r.headers.set("Retry-After", std::to_string(std::max<std::int64_t>(1, limit.reset_unix - unix_now())));
      return r;
    }
    if (endpoint == "fal.create") return create(request, t, key);

    Job* job = core_.job(t.id);
    const auto extra = extras_.find(t.id);
    if (job == nullptr || job->provider != "fal" || job->key != key || extra == extras_.end() ||
        extra->second.app != t.app) {
      if (endpoint == "fal.cancel") {
        Reply r = json_reply(404, CancelStatus{"NOT_FOUND"});
        return r;
      }
      return error(404, "Request not found", endpoint);
    }
    core_.touch(*job);
    std::optional<Fault> f = core_.fault(Subject{endpoint, job->model, job->prompt, key});
    Reply r;
    if (f && f->status) {
      apply_fault(r, *f, [&](int s, const std::string& m) { return error(s, m, endpoint); });
      return r;
    }
    const auto now = SteadyClock::now();
    expire_unstarted(now);
    core_.schedule(now);
    if (endpoint == "fal.status") {
      ++job->polls;
      if (job->started_at && !job->cancelled) ++job->running_polls;
      r = status_reply(*job, extra->second, now, request.query_param("logs") == "1");
    } else if (endpoint == "fal.result") {
      r = result_reply(*job, extra->second, now);
    } else {
      const Phase phase = job->phase(now);
      if (!job->cancelled && (phase == Phase::waiting || phase == Phase::running)) {
        core_.mark_cancelled(*job, 0);
        r = json_reply(202, CancelStatus{"CANCELLATION_REQUESTED"});
      } else {
        r = json_reply(400, CancelStatus{"ALREADY_COMPLETED"});
      }
    }
    if (f) apply_fault(r, *f, [&](int s, const std::string& m) { return error(s, m, endpoint); });
    return r;
  }

  Reply create(const Request& request, const Target& t, const std::string& key) {
    const std::string endpoint = "fal.create";
    const ModelConfig* m = core_.model("fal", t.model);
    if (m == nullptr) return error(404, "Application '" + t.model + "' not found", endpoint);
    reel::json::Value input;
    if (const reel::json::Error e = reel::json::read(request.body, input)) {
      return invalid("", "Input should be a valid JSON object: " + e.message(), "json_invalid", endpoint);
    }
    if (!input.is_object()) return invalid("", "Input should be a valid dictionary", "dict_type", endpoint);
    const std::string* prompt = input.find_string("prompt");
    if (prompt == nullptr) {
      return invalid("prompt", input.find("prompt") ? "Input should be a valid string" : "Field required",
                     input.find("prompt") ? "string_type" : "missing", endpoint);
    }
    // The model's enumerations (fal's inputs are Literal types: 422 literal_error otherwise).
    std::string duration = m->durations.empty() ? "5" : m->durations.front();
    if (const reel::json::Value* d = input.find("duration"); d != nullptr) {
      if (const std::string* s = d->if_string()) {
        duration = *s;
      } else if (const auto* num = d->if_number()) {
        duration = num->text;
      }
      if (!m->durations.empty() && std::find(m->durations.begin(), m->durations.end(), duration) == m->durations.end()) {
        return invalid("duration", "Input should be " + joined(m->durations), "literal_error", endpoint);
      }
    }
    auto check = [&](const char* field, const std::vector<std::string>& allowed) -> std::optional<Reply> {
      const reel::json::Value* v = input.find(field);
      if (v == nullptr || allowed.empty()) return std::nullopt;
      const std::string* s = v->if_string();
      if (s != nullptr && std::find(allowed.begin(), allowed.end(), *s) != allowed.end()) return std::nullopt;
      return invalid(field, "Input should be " + joined(allowed), "literal_error", endpoint);
    };
    if (auto bad = check("aspect_ratio", m->aspect_ratios)) return *bad;
    if (auto bad = check("resolution", m->resolutions)) return *bad;
    if (code_points(*prompt) > m->prompt_character_limit) {
      return invalid("prompt", "String should have at most " + std::to_string(m->prompt_character_limit) + " characters",
                     "string_too_long", endpoint);
    }
    if (m->model_type == "image-to-video" && input.find_string("image_url") == nullptr) {
      return invalid("image_url", "Field required", "missing", endpoint);
    }
    std::optional<double> start_timeout;
    if (const auto h = request.headers.find("X-Fal-Request-Timeout")) {
      const double seconds = std::atof(std::string(*h).c_str());
      if (!(seconds > 0.1)) return error(400, "Invalid X-Fal-Request-Timeout header", endpoint, "bad_request");
      start_timeout = seconds;
    }
    const Subject subject{endpoint, m->id, *prompt, key};
    std::optional<Fault> f = core_.fault(subject);
    Reply r;
    if (f && f->status) {
      apply_fault(r, *f, [&](int s, const std::string& msg) { return error(s, msg, endpoint); });
      return r;
    }
    if (core_.blocked_term(*prompt)) {
      return invalid("prompt", "The content could not be processed because it contained material flagged by a content checker.",
                     "content_policy_violation", endpoint);
    }
    const double cost = m->usd_per_second * std::atof(duration.c_str());
    if (!core_.charge(key, cost)) {
      return error(403, "User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing.",
                   endpoint);
    }
    Job& job = core_.create_job("fal", *m, subject);
    job.seconds = duration;
    core_.bill(job, cost);
    Extra extra;
    extra.app = t.app;
    extra.start_timeout_s = start_timeout;
    extras_[job.id] = extra;
    std::erase(order_, job.id);
    order_.push_back(job.id);
    if (const auto status = core_.create_error("fal")) return gateway_reply(*status, endpoint);
    QueueStatus s = urls(job.id, t.app);
    s.status = "IN_QUEUE";
    s.queue_position = queue_position(job);
    r = json_reply(200, s);
    r.headers.set("x-fal-request-id", job.id);
    if (f) apply_fault(r, *f, [&](int st, const std::string& msg) { return error(st, msg, endpoint); });
    return r;
  }

  QueueStatus urls(const std::string& id, const std::string& app) const {
    QueueStatus s;
    s.request_id = id;
    s.response_url = base_url + "/" + app + "/requests/" + id;
    s.status_url = s.response_url + "/status";
    s.cancel_url = s.response_url + "/cancel";
    return s;
  }

  // Requests that did not start within their X-Fal-Request-Timeout fail (request_timeout) and
  // leave the queue.
  void expire_unstarted(SteadyClock::time_point now) {
    for (const auto& id : order_) {
      Job* j = core_.job(id);
      const auto e = extras_.find(id);
      if (j == nullptr || j->provider != "fal" || e == extras_.end() || j->started_at || j->cancelled) continue;
      if (!e->second.start_timeout_s) continue;
      const auto limit = std::chrono::duration<double>(*e->second.start_timeout_s);
      if (now - j->queued_at < limit) continue;
      e->second.timed_out = true;
      j->started_at = now;
      j->duration_ms = 0;
      j->polls_needed = 0;
      j->outcome = "fail";
      j->fail_code = "request_timeout";
      j->fail_message = "Request timed out";
    }
  }

  // Waiting requests of the same model submitted before `job`.
  std::int64_t queue_position(const Job& job) {
    if (job.started_at) return 0;
    std::int64_t n = 0;
    for (const auto& id : order_) {
      if (id == job.id) break;
      const Job* j = core_.job(id);
      if (j != nullptr && j->provider == "fal" && j->model == job.model && !j->started_at && !j->cancelled) ++n;
    }
    return n;
  }

  // The error type and message of a failed request.
  std::pair<std::string, std::string> failure(const Job& job) const {
    if (job.cancelled) return {"client_cancelled", "Request was cancelled"};
    std::string type = job.fail_code;
    if (type == "GENERATION_FAILED") type = "internal_error";
    if (type == "CONTENT_POLICY_VIOLATION") type = "content_policy_violation";
    return {type, job.fail_message};
  }

  Reply status_reply(Job& job, Extra& extra, SteadyClock::time_point now, bool logs) {
    QueueStatus s = urls(job.id, extra.app);
    const Phase phase = job.phase(now);
    if (job.started_at && extra.started_unix == 0) extra.started_unix = unix_now();
    if (!job.cancelled && phase == Phase::waiting) {
      s.status = "IN_QUEUE";
      s.queue_position = queue_position(job);
      return json_reply(202, s);
    }
    std::vector<LogEntry> lines;
    if (!extra.timed_out) lines.push_back(LogEntry{"Runner acquired, starting inference", "INFO", "USER", iso(extra.started_unix)});
    if (!job.cancelled && phase == Phase::running) {
      lines.push_back(LogEntry{"Generating video (" + std::to_string(job.running_polls) + ")", "INFO", "USER", iso(unix_now())});
      s.status = "IN_PROGRESS";
      if (logs) s.logs = std::move(lines);
      return json_reply(202, s);
    }
    if (job.completed_unix == 0) job.completed_unix = unix_now();
    s.status = "COMPLETED";
    if (job.cancelled || phase != Phase::succeeded) {
      auto [type, message] = failure(job);
      lines.push_back(LogEntry{message, "ERROR", "USER", iso(job.completed_unix)});
      s.error = message;
      s.error_type = type;
    } else {
      lines.push_back(LogEntry{"Inference complete", "INFO", "USER", iso(job.completed_unix)});
      s.metrics = Metrics{static_cast<double>(job.duration_ms) / 1000.0};
    }
    if (logs) s.logs = std::move(lines);
    return json_reply(200, s);
  }

  Reply result_reply(Job& job, const Extra& extra, SteadyClock::time_point now) {
    const std::string endpoint = "fal.result";
    const Phase phase = job.phase(now);
    if (!job.cancelled && (phase == Phase::waiting || phase == Phase::running)) {
      return error(400, "Request is still in progress", endpoint);
    }
    if (job.completed_unix == 0) job.completed_unix = unix_now();
    if (!job.cancelled && phase == Phase::succeeded) {
      Output out;
      out.video.url = core_.media_base + "/fal/files/" + job.id + "/output.mp4";
      out.video.file_size = static_cast<std::int64_t>(mp4_of_size(job.output_bytes).size);
      out.seed = static_cast<std::int64_t>(core_.random() % 1000000);
      return json_reply(200, out);
    }
    auto [type, message] = failure(job);
    if (type.find("content_policy") != std::string::npos) {
      Reply r = invalid("prompt", message, type, endpoint);
      r.headers.set("X-Fal-Error-Type", type);
      return r;
    }
    Reply r = error(status_of_type(type), message, endpoint, type);
    if (extra.timed_out) r.headers.set("X-Fal-Request-Timeout-Type", "user");
    return r;
  }

  static std::string joined(const std::vector<std::string>& values) {
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i) {
      out += (i == 0 ? "" : (i + 1 == values.size() ? " or " : ", ")) + ("'" + values[i] + "'");
    }
    return out;
  }

  // "2026-12-07T12:00:00.000000" (fal's log timestamps are ISO 8601).
  static std::string iso(std::int64_t epoch_s) {
    const std::time_t t = static_cast<std::time_t>(epoch_s);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.000000", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
  }

  Core& core_;
  std::map<std::string, Extra> extras_;  ///< per request id (ids may repeat after a reset: overwritten)
  std::vector<std::string> order_;       ///< request ids, oldest first
};

}  // namespace reel_sim::fal
