// SPDX-License-Identifier: BSL-1.0
// Replicate's HTTP API under /replicate/v1: creates (POST /models/{owner}/{name}/predictions,
// POST /predictions with a version, POST /deployments/{owner}/{name}/predictions) honouring
// `Prefer: wait[=N]` (the answer held up to N s) and `Cancel-After`; GET /predictions/{id} with
// urls.get/cancel/web/stream, tqdm-style progress in `logs`, output as a URL, a list or an object,
// `data_removed` once the output expired; POST /predictions/{id}/cancel; the stream URL (SSE);
// the output files on the media origin (no key); `{"title", "detail", "status"}` error bodies and
// 429s with `retry_after`. Spec: replicate-openapi.json (see docs/simulator.md).
#pragma once

#include <reel_sim/core.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reel_sim::replicate {

/// A create body (schemas_prediction_request / schemas_version_prediction_request).
struct CreateRequest {
  std::optional<std::string> version;
  std::optional<reel::json::Value> input;
  std::optional<std::string> webhook;
  std::optional<std::vector<std::string>> webhook_events_filter;
  std::optional<bool> stream;
};

/// `urls` of a prediction.
struct Urls {
  std::string get;
  std::string cancel;
  std::string web;
  std::string stream;
};

/// `metrics` of a finished prediction (seconds).
struct Metrics {
  std::optional<double> predict_time;
  std::optional<double> total_time;
};

/// The prediction object (schemas_prediction_response): the required members always present,
/// `output` and `error` null until they have a value.
struct Prediction {
  std::string id;
  std::string model;
  std::string version;
  reel::json::Value input;
  std::string logs;
  reel::json::Value output;
  bool data_removed = false;
  reel::json::Value error;
  std::string status;
  std::string created_at;
  std::optional<std::string> started_at;
  std::optional<std::string> completed_at;
  std::optional<std::string> deadline;
  std::optional<std::string> deployment;
  std::string source = "api";
  std::optional<Metrics> metrics;
  Urls urls;
};

/// The problem-JSON error body; `retry_after` on 429s.
struct Problem {
  std::string title;
  std::string detail;
  int status = 0;
  std::optional<std::int64_t> retry_after;
};

/// "2026-12-07T12:00:00.000000Z" for Unix seconds `t`.
inline std::string iso_time(std::int64_t t) {
  const std::int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  const std::int64_t secs = t - days * 86400;
  // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.000000Z", static_cast<long long>(y),
                static_cast<long long>(m), static_cast<long long>(d), static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  return buf;
}

/// Seconds of a `Cancel-After` value ("30s", "5m", "1h30m45s", "30"), or nullopt when unreadable.
inline std::optional<std::int64_t> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::int64_t n = -1;
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      n = (n < 0 ? 0 : n) * 10 + (c - '0');
      if (n > 100'000'000) return std::nullopt;
    } else {
      if (n < 0) return std::nullopt;
      if (c == 'h') total += n * 3600;
      else if (c == 'm') total += n * 60;
      else if (c == 's') total += n;
      else return std::nullopt;
      n = -1;
    }
  }
  if (n >= 0) total += n;  // a bare number (or a trailing one) is seconds
  return total;
}

/// The 64-hex version id the simulator gives `model` (stable).
inline std::string version_of(std::string_view model) {
  std::uint64_t h = std::uint64_t{1469598103934665603u};
  std::string out;
  for (int round = 0; round < 4; ++round) {
    for (const char c : model) h = (h ^ static_cast<unsigned char>(c)) * std::uint64_t{1099511628211u};
    h = (h ^ static_cast<std::uint64_t>(round)) * std::uint64_t{1099511628211u};
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    out += buf;
  }
  return out;
}

/// Replicate's front end.
class Api {
public:
  explicit Api(Core& core) : core_(core) {}

  /// A problem-JSON error (`{"title", "detail", "status"}`), with `retry_after` on a 429.
  static Reply error(int status, std::string detail, std::string counter, std::optional<std::int64_t> retry_after = {}) {
    std::string title = std::string(reason(status));
    if (status == 401) title = "Unauthenticated";
    if (status == 402) title = "Insufficient credit";
    if (status == 422) title = "Input validation failed";
    if (status == 429) {
      title = "Request was throttled.";
      if (!retry_after) retry_after = 1;
    }
    Reply r = json_reply(status, Problem{title, std::move(detail), status, retry_after});
    r.headers.set("Content-Type", "application/problem+json");
    r.counter = std::move(counter);
    return r;
  }

  /// Handles `sub` (the path after /replicate).
  Reply handle(Request& request, std::string_view sub) {
    std::string endpoint = "replicate.other";
    std::string id;
    std::string model;
    std::string deployment;
    auto split2 = [](std::string_view rest, std::string_view tail) -> std::optional<std::string> {
      // "{owner}/{name}" + tail
      if (rest.size() <= tail.size() || rest.substr(rest.size() - tail.size()) != tail) return std::nullopt;
      const std::string_view name = rest.substr(0, rest.size() - tail.size());
      const auto slash = name.find('/');
      if (slash == 0 || slash == std::string_view::npos || slash + 1 >= name.size() ||
          name.find('/', slash + 1) != std::string_view::npos) {
        return std::nullopt;
      }
      return std::string(name);
    };
    if (sub == "/v1/predictions") {
      endpoint = request.method == "POST" ? "replicate.create" : "replicate.list";
    } else if (sub.rfind("/v1/models/", 0) == 0) {
      if (auto m = split2(sub.substr(11), "/predictions")) {
        endpoint = "replicate.create";
        model = *m;
      }
    } else if (sub.rfind("/v1/deployments/", 0) == 0) {
      if (auto m = split2(sub.substr(16), "/predictions")) {
        endpoint = "replicate.create";
        deployment = *m;
      }
    } else if (sub.rfind("/v1/predictions/", 0) == 0) {
      const std::string_view rest = sub.substr(16);
      const auto slash = rest.find('/');
      id = std::string(rest.substr(0, slash));
      const std::string_view tail = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
      if (tail.empty()) endpoint = "replicate.status";
      else if (tail == "/cancel") endpoint = "replicate.cancel";
    }
    Reply r = dispatch(request, endpoint, id, model, deployment);
    r.counter = endpoint;
    return r;
  }

  /// An output file on the media origin (`/replicate/{id}/output.mp4`): no key needed, Range,
  /// 404 once the output was removed.
  Reply media(Request& request, const std::string& id) {
    const std::string endpoint = "replicate.media";
    Job* job = core_.job(id);
    std::optional<Reply> refused;
    if (request.method != "GET" && request.method != "HEAD") {
      refused = bucket_reply(403, endpoint);
    } else if (job == nullptr || job->provider != "replicate" || end_status(*job, SteadyClock::now()) != "succeeded") {
      refused = bucket_reply(404, endpoint);
    } else if (removed(*job)) {
      core_.touch(*job);
      refused = bucket_reply(404, endpoint);
    }
    return core_.media_answer(request, job, endpoint, std::move(refused),
                              [&](int s, const std::string&) { return bucket_reply(s, endpoint); });
  }

  /// The stream URL on the media origin (`/replicate/stream/{id}`; like stream.replicate.com, it
  /// takes no key): server-sent events, held until the prediction ends (up to 60 s), then its
  /// output (or error) and `done`.
  Reply stream(Request& request, const std::string& id) {
    const std::string endpoint = "replicate.stream";
    if (request.headers.find("Authorization")) ++core_.counters().media_requests_with_authorization;
    Job* job = core_.job(id);
    Reply r;
    if (request.method != "GET") {
      r = bucket_reply(403, endpoint);
    } else if (job == nullptr || job->provider != "replicate" || extra(*job) == nullptr) {
      r = bucket_reply(404, endpoint);
    } else {
      core_.touch(*job);
      r = events(request, *job, SteadyClock::now());
      if (auto f = core_.fault(Subject{endpoint, job->model, job->prompt, job->key})) {
        apply_fault(r, *f, [&](int s, const std::string& m) { return error(s, m, endpoint); });
      }
    }
    r.counter = endpoint;
    return r;
  }

private:
  /// What the simulator keeps of a Replicate prediction beyond the shared Job.
  struct Extra {
    const Job* job = nullptr;  ///< to tell a reused id (after a reset) from this one
    SteadyClock::time_point queued_at;
    std::string version;
    std::string deployment;
    reel::json::Value input;
    std::optional<SteadyClock::time_point> deadline;
    std::optional<std::int64_t> deadline_unix;
    std::string output_shape = "url";  ///< "url", "list" or "object"
    std::string ended;                 ///< "canceled" or "aborted" once ended so
    std::int64_t started_unix = 0;
  };

  Extra* extra(const Job& job) {
    const auto it = extras_.find(job.id);
    if (it == extras_.end() || it->second.job != &job || it->second.queued_at != job.queued_at) return nullptr;
    return &it->second;
  }

  Reply dispatch(Request& request, const std::string& endpoint, const std::string& id, const std::string& model,
                 const std::string& deployment) {
    if (endpoint == "replicate.other" || endpoint == "replicate.list") return error(404, "Not found.", endpoint);
    const bool method_ok = ((endpoint == "replicate.create" || endpoint == "replicate.cancel") && request.method == "POST") ||
                           (endpoint == "replicate.status" && (request.method == "GET" || request.method == "HEAD"));
    if (!method_ok) return error(405, "Method \"" + request.method + "\" not allowed.", endpoint);
    const std::string key = request.bearer();
    if (!core_.key_ok(key)) return error(401, "You did not pass a valid authentication token", endpoint);
    // 600 creates a minute; 3000 a minute for every other call (one shared window).
    const std::string bucket = endpoint == "replicate.create" ? "replicate.create" : "replicate.other";
    if (const auto limit = core_.rate_limit(bucket, key); !limit.allowed) {
      const std::int64_t wait = std::max<std::int64_t>(1, limit.reset_unix - unix_now());
      Reply r = error(429, "Request was throttled. Your rate limit resets in ~" + std::to_string(wait) + "s.", endpoint, wait);
      r.headers.set("Retry-After", std::to_string(wait));
      return r;
    }
    if (endpoint == "replicate.create") return create(request, key, model, deployment);
    Job* job = core_.job(id);
    if (job == nullptr || job->provider != "replicate" || job->key != key || extra(*job) == nullptr) {
      return error(404, "Not found.", endpoint);
    }
    core_.touch(*job);
    std::optional<Fault> f = core_.fault(Subject{endpoint, job->model, job->prompt, key});
    Reply r;
    if (f && f->status) {
      apply_fault(r, *f, [&](int s, const std::string& m) { return error(s, m, endpoint); });
      return r;
    }
    const auto now = SteadyClock::now();
    core_.schedule(now);
    if (endpoint == "replicate.status") {
      ++job->polls;
      if (job->started_at && !job->cancelled) ++job->running_polls;
      r = json_reply(200, prediction(request, *job, now));
    } else if (endpoint == "replicate.cancel") {
      const std::string status = end_status(*job, now);
      if (status == "starting" || status == "processing") {
        Extra& x = *extra(*job);
        x.ended = "canceled";
        core_.mark_cancelled(*job, percent(*job, now));
        if (job->completed_unix == 0) job->completed_unix = unix_now();
      }
      r = json_reply(200, prediction(request, *job, now));
    }
    if (f) apply_fault(r, *f, [&](int s, const std::string& m) { return error(s, m, endpoint); });
    return r;
  }

  Reply create(const Request& request, const std::string& key, std::string model, const std::string& deployment) {
    const std::string endpoint = "replicate.create";
    CreateRequest q;
    if (const reel::json::Error e = reel::json::read(request.body, q)) return error(400, e.message(), endpoint);
    if (!q.input || !q.input->is_object()) return error(422, "- input: Invalid type. Expected: object, given: null\n", endpoint);
    std::string version = "hidden";
    if (!deployment.empty()) {
      model = deployment;
    } else if (model.empty()) {
      // POST /predictions: version is "owner/name", "owner/name:version" or a version id.
      if (!q.version || q.version->empty()) return error(422, "- version: version is required\n", endpoint);
      const std::string& v = *q.version;
      const auto colon = v.find(':');
      if (colon != std::string::npos) {
        model = v.substr(0, colon);
        version = v.substr(colon + 1);
      } else if (v.find('/') != std::string::npos) {
        model = v;
      } else {
        for (const auto& m : core_.config().models) {
          if (m.provider == "replicate" && version_of(m.id) == v) model = m.id;
        }
        if (model.empty()) return error(422, "Invalid version or not permitted", endpoint);
        version = v;
      }
    }
    const ModelConfig* m = core_.model("replicate", model);
    if (m == nullptr) return error(404, "The requested resource could not be found.", endpoint);
    if (version != "hidden" && version != version_of(m->id)) return error(422, "Invalid version or not permitted", endpoint);
    if (version == "hidden" && !deployment.empty()) version = version_of(m->id);
    const reel::json::Value& input = *q.input;
    const std::string* prompt = input.find_string("prompt");
    if (prompt == nullptr || prompt->empty()) return error(422, "- input: prompt is required\n", endpoint);
    if (code_points(*prompt) > m->prompt_character_limit) return error(422, "- input.prompt: String length must be less than or equal to " + std::to_string(m->prompt_character_limit) + "\n", endpoint);
    std::string seconds = m->durations.empty() ? "5" : m->durations.front();
    if (const reel::json::Value* d = input.find("duration")) {
      if (d->if_number() == nullptr) return error(422, "- input.duration: Invalid type. Expected: integer\n", endpoint);
      seconds = d->if_number()->text;
      if (!m->durations.empty() && std::find(m->durations.begin(), m->durations.end(), seconds) == m->durations.end()) {
        return error(422, "- input.duration: duration must be one of the following: " + join(m->durations) + "\n", endpoint);
      }
    }
    if (const std::string* res = input.find_string("resolution"); res != nullptr && !m->resolutions.empty() &&
        std::find(m->resolutions.begin(), m->resolutions.end(), *res) == m->resolutions.end()) {
      return error(422, "- input.resolution: resolution must be one of the following: " + join(m->resolutions) + "\n", endpoint);
    }
    if (const std::string* ar = input.find_string("aspect_ratio"); ar != nullptr && !m->aspect_ratios.empty() &&
        std::find(m->aspect_ratios.begin(), m->aspect_ratios.end(), *ar) == m->aspect_ratios.end()) {
      return error(422, "- input.aspect_ratio: aspect_ratio must be one of the following: " + join(m->aspect_ratios) + "\n", endpoint);
    }
    if (q.webhook && q.webhook->rfind("https://", 0) != 0 && q.webhook->rfind("http://", 0) != 0) {
      return error(422, "- webhook: Does not match format 'uri'\n", endpoint);
    }
    // Prefer: wait or wait=1..60.
    std::int64_t wait_s = 0;
    if (const auto prefer = request.headers.find("Prefer")) {
      const std::string p(*prefer);
      if (p == "wait") {
        wait_s = 60;
      } else if (p.rfind("wait=", 0) == 0) {
        wait_s = std::atoll(p.c_str() + 5);
        if (wait_s < 1 || wait_s > 60 || p.size() > 7) return error(400, "Prefer header must be \"wait\" or \"wait=n\" with n from 1 to 60", endpoint);
      }
    }
    std::optional<std::int64_t> cancel_after;
    if (const auto ca = request.headers.find("Cancel-After")) {
      cancel_after = parse_duration(*ca);
      if (!cancel_after) return error(400, "Cancel-After must be a duration such as 30s, 5m or 1h30m", endpoint);
      if (*cancel_after < 5) return error(400, "Cancel-After must be at least 5s", endpoint);
    }
    const Subject subject{endpoint, m->id, *prompt, key};
    std::optional<Fault> f = core_.fault(subject);
    Reply r;
    if (f && f->status) {
      apply_fault(r, *f, [&](int s, const std::string& msg) { return error(s, msg, endpoint); });
      return r;
    }
    const double cost = m->usd_per_second * std::atof(seconds.c_str());
    if (!core_.charge(key, cost)) {
      return error(402, "You have insufficient credit to run this model. Go to https://replicate.com/account/billing#billing to purchase credit.", endpoint);
    }
    Job& job = core_.create_job("replicate", *m, subject);
    job.seconds = seconds;
    if (const std::string* res = input.find_string("resolution")) job.size = *res;
    // Prompts naming a blocked term are refused by the model's safety filter: a failed prediction.
    if (core_.blocked_term(*prompt)) job.outcome = "content_policy";
    core_.bill(job, cost);
    Extra& x = extras_[job.id];
    x = Extra{};
    x.job = &job;
    x.queued_at = job.queued_at;
    x.version = version;
    x.deployment = deployment;
    x.input = input;
    if (prompt->find("[list]") != std::string::npos) x.output_shape = "list";
    if (prompt->find("[object]") != std::string::npos) x.output_shape = "object";
    if (cancel_after) {
      x.deadline = job.queued_at + std::chrono::seconds(*cancel_after);
      x.deadline_unix = job.created_unix + *cancel_after;
    }
    if (const auto status = core_.create_error("replicate")) return gateway_reply(*status, endpoint);
    // Sync mode: hold the answer until the prediction ends or the wait is over.
    auto now = SteadyClock::now();
    std::int64_t hold_ms = 0;
    if (wait_s > 0) {
      hold_ms = wait_s * 1000;
      if (job.started_at && !job.polls_needed) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*job.started_at + std::chrono::milliseconds(job.duration_ms) - now).count();
        hold_ms = std::clamp<std::int64_t>(left + 1, 0, hold_ms);
      }
      if (x.deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*x.deadline - now).count();
        hold_ms = std::clamp<std::int64_t>(left + 1, 0, hold_ms);
      }
    }
    Prediction answer = prediction(request, job, now + std::chrono::milliseconds(hold_ms));
    // A sync-mode create whose wait ran out answers "starting" (the spec: "If this time is
    // exceeded the prediction will be returned in a "starting" state"; the SDK's run() polls then).
    if (wait_s > 0 && answer.status == "processing") answer.status = "starting";
    r = json_reply(201, answer);
    if (f) apply_fault(r, *f, [&](int s, const std::string& msg) { return error(s, msg, endpoint); });
    if (hold_ms > 0 && !r.fault.stall_ms) {
      r.fault.stall_ms = static_cast<std::uint64_t>(hold_ms);
      r.fault.stall_at = 0;
    }
    return r;
  }

  static std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
  }

  // Whether the output of a finished `job` was removed (its lifetime, `download_ttl_s`, is over).
  bool removed(const Job& job) const {
    return job.completed_unix != 0 && unix_now() >= job.completed_unix + core_.config().download_ttl_s;
  }

  std::int64_t percent(const Job& job, SteadyClock::time_point now) const {
    if (!job.started_at) return 0;
    const double estimate = std::max(1.0, static_cast<double>(job.duration_ms) * job.eta_factor);
    const double fraction = job.polls_needed ? static_cast<double>(job.running_polls) / static_cast<double>(std::max<std::int64_t>(1, *job.polls_needed))
                                             : static_cast<double>(job.elapsed_ms(now)) / estimate;
    return std::clamp<std::int64_t>(static_cast<std::int64_t>(fraction * 100), 0, 99);
  }

  // The status at `now`: ends by cancel or Cancel-After (canceled once started, aborted before),
  // and by the job's outcome ("canceled" and "aborted" outcomes end so by themselves).
  std::string end_status(Job& job, SteadyClock::time_point now) {
    Extra* x = extra(job);
    if (x == nullptr) return "failed";
    if (!x->ended.empty()) return x->ended;
    const Phase phase = job.phase(now);
    const bool finished = phase != Phase::waiting && phase != Phase::running;
    if (!finished && x->deadline && now >= *x->deadline) {
      x->ended = job.started_at ? "canceled" : "aborted";
      core_.mark_cancelled(job, percent(job, now));
      job.completed_unix = x->deadline_unix.value_or(unix_now());
      return x->ended;
    }
    if (finished && job.completed_unix == 0) job.completed_unix = unix_now();
    switch (phase) {
      case Phase::waiting: return "starting";
      case Phase::running: return percent(job, now) == 0 ? "starting" : "processing";
      case Phase::failed:
      case Phase::rejected: return "failed";
      case Phase::succeeded: break;
    }
    if (job.outcome == "canceled" || job.outcome == "aborted") {
      x->ended = job.outcome;
      return x->ended;
    }
    return "succeeded";
  }

  // tqdm lines up to `percent` (every 10 %, and the current one).
  static std::string tqdm(std::int64_t percent) {
    std::string logs = "Using seed: 42\n";
    auto line = [&logs](std::int64_t p) {
      std::string bar;
      for (std::int64_t i = 0; i < 10; ++i) bar += i < p / 10 ? "\xe2\x96\x88" : " ";  // U+2588 FULL BLOCK
      char buf[160];
      std::snprintf(buf, sizeof buf, "%3lld%%|%s| %lld/100 [00:%02lld<00:%02lld, 4.20it/s]\n", static_cast<long long>(p),
                    bar.c_str(), static_cast<long long>(p), static_cast<long long>(p / 4), static_cast<long long>((100 - p) / 4));
      logs += buf;
    };
    for (std::int64_t p = 0; p < percent; p += 10) line(p);
    line(percent);
    return logs;
  }

  static std::string origin(const Request& request) {
    const auto host = request.headers.find("Host");
    return std::string(request.tls ? "https://" : "http://") + (host ? std::string(*host) : std::string("127.0.0.1"));
  }

  Prediction prediction(const Request& request, Job& job, SteadyClock::time_point now) {
    Extra& x = *extra(job);
    Prediction p;
    p.id = job.id;
    p.model = job.model;
    p.version = x.version;
    p.input = x.input;
    p.created_at = iso_time(job.created_unix);
    if (x.deadline_unix) p.deadline = iso_time(*x.deadline_unix);
    if (!x.deployment.empty()) p.deployment = x.deployment;
    const std::string api = origin(request) + "/replicate/v1/predictions/" + job.id;
    p.urls = Urls{api, api + "/cancel", "https://replicate.com/p/" + job.id, core_.media_base + "/replicate/stream/" + job.id};
    p.status = end_status(job, now);
    const std::int64_t pct = p.status == "succeeded" ? 100 : percent(job, now);
    if (job.started_at) {
      if (x.started_unix == 0) x.started_unix = job.created_unix;
      p.started_at = iso_time(x.started_unix);
    }
    if (p.status != "starting" || job.started_at) p.logs = p.status == "aborted" ? "" : tqdm(pct);
    if (p.status == "starting" && !job.started_at) p.logs.clear();
    const bool done = p.status != "starting" && p.status != "processing";
    if (!done) return p;
    p.completed_at = iso_time(job.completed_unix);
    if (p.status != "aborted") {
      Metrics m;
      m.predict_time = static_cast<double>(job.duration_ms) / 1000.0;
      m.total_time = static_cast<double>(job.duration_ms) / 1000.0 + 0.25;
      p.metrics = m;
    }
    if (p.status == "failed") {
      p.error = job.outcome.rfind("content_policy", 0) == 0
                    ? std::string("The input or output was flagged as sensitive. Please try again with different inputs. (E005)")
                    : job.fail_message;
      return p;
    }
    if (p.status != "succeeded") return p;
    if (removed(job)) {
      p.data_removed = true;
      p.input = reel::json::Object{};
      return p;
    }
    const std::string url = core_.media_base + "/replicate/" + job.id + "/output.mp4";
    if (x.output_shape == "list") {
      p.output = reel::json::Array{reel::json::Value(core_.media_base + "/replicate/" + job.id + "/poster.jpg"), reel::json::Value(url)};
    } else if (x.output_shape == "object") {
      reel::json::Object o;
      o.emplace_back("video", url);
      o.emplace_back("seed", reel::json::Value(static_cast<std::int64_t>(42)));
      p.output = std::move(o);
    } else {
      p.output = url;
    }
    return p;
  }

  // The events of the stream URL.
  Reply events(const Request& request, Job& job, SteadyClock::time_point now) {
    std::int64_t hold_ms = 0;
    Extra& x = *extra(job);
    if (x.ended.empty() && job.started_at && !job.polls_needed && !job.cancelled) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*job.started_at + std::chrono::milliseconds(job.duration_ms) - now).count();
      hold_ms = std::clamp<std::int64_t>(left + 1, 0, 60'000);
    }
    const Prediction p = prediction(request, job, now + std::chrono::milliseconds(hold_ms));
    Reply r;
    r.headers.set("Content-Type", "text/event-stream");
    r.headers.set("Cache-Control", "no-store");
    std::string body;
    if (p.status == "succeeded") {
      std::string data;
      (void)reel::json::write(p.output, data);
      body += "event: output\nid: 1\ndata: " + (p.output.if_string() ? *p.output.if_string() : data) + "\n\n";
      body += "event: done\nid: 2\ndata: {}\n\n";
    } else if (p.status == "failed") {
      body += "event: error\nid: 1\ndata: " + (p.error.if_string() ? *p.error.if_string() : std::string("failed")) + "\n\n";
      body += "event: done\nid: 2\ndata: {}\n\n";
    } else if (p.status == "canceled" || p.status == "aborted") {
      body += "event: done\nid: 1\ndata: {\"reason\":\"canceled\"}\n\n";
    } else {
      body += "event: logs\nid: 1\ndata: " + std::string("still ") + p.status + "\n\n";
    }
    r.body = std::move(body);
    if (hold_ms > 0) r.fault.stall_ms = static_cast<std::uint64_t>(hold_ms);
    return r;
  }

  Core& core_;
  std::map<std::string, Extra> extras_;
};

}  // namespace reel_sim::replicate
