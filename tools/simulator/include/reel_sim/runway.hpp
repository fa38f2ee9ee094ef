// SPDX-License-Identifier: BSL-1.0
// Runway's developer API under /runway/v1: creates (POST /text_to_video, /image_to_video,
// /video_to_video) answering `{"id"}`, GET /tasks/{id} (PENDING, THROTTLED, RUNNING with
// `progress` 0..1, SUCCEEDED with `output` URLs, FAILED with `failure`/`failureCode`, CANCELLED),
// DELETE /tasks/{id} (cancels a running task, deletes an ended one: then 404), the
// `X-Runway-Version` header required on every keyed call, `{"error": "..."}` error bodies and
// the output files on the media origin (no key). Costs in credits (SDK 4.20: `estimatedCost` on the
// create answer and unfinished tasks, `cost` on ended ones). Spec notes:
// /work/shared/specs/runway/NOTES.md.
#pragma once

#include <reel_sim/core.hpp>
#include <reel_sim/replicate.hpp>  // iso_time

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reel_sim::runway {

/// The API version the simulator accepts (the official SDK's).
inline constexpr std::string_view api_version = "2024-11-06";

/// Credits (Runway's unit: one credit is US$0.01).
struct Credits {
  double credits = 0;
};

/// A model's rules on one create endpoint beyond its `ModelConfig` (the official SDK's
/// create-params types): the only ratios it takes there (empty: the model's `aspect_ratios`),
/// whether `duration` and `promptText` are required.
struct EndpointRules {
  std::string_view model;
  std::string_view endpoint;
  std::vector<std::string_view> ratios;
  bool duration_required = false;
  bool prompt_required = false;
};

/// gen4.5 (TextToVideoCreateParams.Gen4_5, ImageToVideoCreateParams.Gen4_5): `duration` and
/// `promptText` required on both endpoints, and only 1280:720 or 720:1280 on text_to_video.
inline const std::vector<EndpointRules>& endpoint_rules() {
  static const std::vector<EndpointRules> rules = {
      {"gen4.5", "text_to_video", {"1280:720", "720:1280"}, true, true},
      {"gen4.5", "image_to_video", {}, true, true},
  };
  return rules;
}

/// A create's answer.
struct Created {
  std::string id;
  Credits estimatedCost;
};

/// A task (the union of the SDK's TaskRetrieveResponse shapes; absent members are left out).
struct Task {
  std::string id;
  std::string status;
  std::string createdAt;
  std::optional<double> progress;
  std::optional<std::vector<std::string>> output;
  std::optional<std::string> failure;
  std::optional<std::string> failureCode;
  std::optional<Credits> estimatedCost;  ///< PENDING, THROTTLED, RUNNING
  std::optional<Credits> cost;           ///< CANCELLED, FAILED (nothing charged), SUCCEEDED
};

/// The error body (`{"error": "..."}`).
struct Problem {
  std::string error;
};

/// Runway's front end.
class Api {
public:
  explicit Api(Core& core) : core_(core) {}

  /// An error answer with Runway's body.
  static Reply error(int status, std::string message, std::string counter) {
    Reply r = json_reply(status, Problem{std::move(message)});
    r.counter = std::move(counter);
    return r;
  }

  /// Handles `sub` (the path after /runway).
  Reply handle(Request& request, std::string_view sub) {
    std::string endpoint = "runway.other";
    std::string id;
    std::string create_endpoint;
    if (sub == "/v1/text_to_video" || sub == "/v1/image_to_video" || sub == "/v1/video_to_video") {
      endpoint = "runway.create";
      create_endpoint = std::string(sub.substr(4));
    } else if (sub.rfind("/v1/tasks/", 0) == 0 && sub.size() > 10 && sub.find('/', 10) == std::string_view::npos) {
      id = std::string(sub.substr(10));
      endpoint = request.method == "DELETE" ? "runway.cancel" : "runway.status";
    }
    Reply r = dispatch(request, endpoint, id, create_endpoint);
    r.counter = endpoint;
    return r;
  }

  /// An output file on the media origin (`/runway/{id}/output.mp4`): no key needed, Range, 404
  /// once the task was deleted or its output expired.
  Reply media(Request& request, const std::string& id) {
    const std::string endpoint = "runway.media";
    Job* job = core_.job(id);
    std::optional<Reply> refused;
    if (request.method != "GET" && request.method != "HEAD") {
      refused = bucket_reply(403, endpoint);
    } else if (job == nullptr || job->provider != "runway" || job->cancelled ||
               job->phase(SteadyClock::now()) != Phase::succeeded) {
      refused = bucket_reply(404, endpoint);
    } else if (job->deleted || expired(*job)) {
      core_.touch(*job);
      refused = bucket_reply(404, endpoint);
    }
    return core_.media_answer(request, job, endpoint, std::move(refused),
                              [&](int s, const std::string&) { return bucket_reply(s, endpoint); });
  }

private:
  Reply dispatch(Request& request, const std::string& endpoint, const std::string& id, const std::string& create_endpoint) {
    if (endpoint == "runway.other") return error(404, "Not found", endpoint);
    const bool method_ok = (endpoint == "runway.create" && request.method == "POST") ||
                           (endpoint == "runway.status" && (request.method == "GET" || request.method == "HEAD")) ||
                           endpoint == "runway.cancel";
    if (!method_ok) return error(405, "Method not allowed", endpoint);
    const std::string key = request.bearer();
    if (!core_.key_ok(key)) return error(401, "Incorrect API key provided", endpoint);
    const auto version = request.headers.find("X-Runway-Version");
    if (!version) return error(400, "You must provide an API version in the X-Runway-Version header", endpoint);
    if (*version != api_version) return error(400, "Invalid API version: " + std::string(*version), endpoint);
    if (const auto limit = core_.rate_limit(endpoint, key); !limit.allowed) {
      return error(429, "You have exceeded the rate limit. Please slow down.", endpoint);
    }
    if (endpoint == "runway.create") return create(request, key, create_endpoint);
    Job* job = core_.job(id);
    if (job == nullptr || job->provider != "runway" || job->key != key || job->deleted) {
      if (job != nullptr && job->provider == "runway") core_.touch(*job);
      return error(404, "Task not found", endpoint);
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
    if (endpoint == "runway.status") {
      ++job->polls;
      if (job->started_at && !job->cancelled) ++job->running_polls;
      r = json_reply(200, task(*job, now));
    } else {
      // DELETE: cancels a task that has not ended, deletes one that has.
      const Phase phase = job->phase(now);
      if (!job->cancelled && (phase == Phase::waiting || phase == Phase::running)) {
        core_.mark_cancelled(*job, percent(*job, now));
      } else {
        core_.mark_deleted(*job);
      }
      r.status = 204;
    }
    if (f) apply_fault(r, *f, [&](int s, const std::string& m) { return error(s, m, endpoint); });
    return r;
  }

  Reply create(const Request& request, const std::string& key, const std::string& create_endpoint) {
    const std::string endpoint = "runway.create";
    reel::json::Value body;
    if (const reel::json::Error e = reel::json::read(request.body, body)) return error(400, "Invalid JSON: " + e.message(), endpoint);
    if (!body.is_object()) return error(400, "Request body must be a JSON object", endpoint);
    const std::string* model_id = body.find_string("model");
    if (model_id == nullptr || model_id->empty()) return error(400, "Validation of body failed: model is required", endpoint);
    const ModelConfig* m = core_.model("runway", *model_id);
    if (m == nullptr) return error(400, "Validation of body failed: model \"" + *model_id + "\" is not available on " + create_endpoint, endpoint);
    const std::string* prompt = body.find_string("promptText");
    if (create_endpoint == "text_to_video" && (prompt == nullptr || prompt->empty())) {
      return error(400, "Validation of body failed: promptText is required", endpoint);
    }
    if (create_endpoint == "image_to_video" && body.find("promptImage") == nullptr) {
      return error(400, "Validation of body failed: promptImage is required", endpoint);
    }
    if (create_endpoint == "video_to_video" && body.find_string("videoUri") == nullptr) {
      return error(400, "Validation of body failed: videoUri is required", endpoint);
    }
    if (m->model_type == "image-to-video" && create_endpoint != "image_to_video") {
      return error(400, "Validation of body failed: model \"" + m->id + "\" is not available on " + create_endpoint, endpoint);
    }
    if (prompt != nullptr && code_points(*prompt) > m->prompt_character_limit) {
      return error(400, "Validation of body failed: promptText must be at most " + std::to_string(m->prompt_character_limit) + " characters", endpoint);
    }
    const EndpointRules* rules = nullptr;
    for (const EndpointRules& e : endpoint_rules()) {
      if (e.model == m->id && e.endpoint == create_endpoint) rules = &e;
    }
    if (rules != nullptr && rules->prompt_required && (prompt == nullptr || prompt->empty())) {
      return error(400, "Validation of body failed: promptText is required", endpoint);
    }
    const std::string* ratio = body.find_string("ratio");
    if (ratio == nullptr) return error(400, "Validation of body failed: ratio is required", endpoint);
    std::vector<std::string> ratios = m->aspect_ratios;
    if (rules != nullptr && !rules->ratios.empty()) ratios.assign(rules->ratios.begin(), rules->ratios.end());
    if (!ratios.empty() && std::find(ratios.begin(), ratios.end(), *ratio) == ratios.end()) {
      return error(400, "Validation of body failed: ratio must be one of " + join(ratios), endpoint);
    }
    if (rules != nullptr && rules->duration_required && body.find("duration") == nullptr) {
      return error(400, "Validation of body failed: duration is required", endpoint);
    }
    std::string seconds = m->durations.empty() ? "5" : m->durations.front();
    if (const reel::json::Value* d = body.find("duration")) {
      if (d->if_number() == nullptr) return error(400, "Validation of body failed: duration must be a number", endpoint);
      seconds = d->if_number()->text;
      if (!m->durations.empty() && std::find(m->durations.begin(), m->durations.end(), seconds) == m->durations.end()) {
        return error(400, "Validation of body failed: duration must be one of " + join(m->durations), endpoint);
      }
    }
    const Subject subject{endpoint, m->id, prompt != nullptr ? *prompt : std::string(), key};
    std::optional<Fault> f = core_.fault(subject);
    Reply r;
    if (f && f->status) {
      apply_fault(r, *f, [&](int s, const std::string& msg) { return error(s, msg, endpoint); });
      return r;
    }
    const double cost = m->usd_per_second * std::atof(seconds.c_str());
    if (!core_.charge(key, cost)) return error(400, "You do not have enough credits to run this task.", endpoint);
    Job& job = core_.create_job("runway", *m, subject);
    job.seconds = seconds;
    job.size = *ratio;
    if (core_.blocked_term(subject.prompt)) job.outcome = "content_policy";
    core_.bill(job, cost);
    if (const auto status = core_.create_error("runway")) return gateway_reply(*status, endpoint);
    r = json_reply(200, Created{job.id, Credits{credits_of(cost)}});
    if (f) apply_fault(r, *f, [&](int s, const std::string& msg) { return error(s, msg, endpoint); });
    return r;
  }

  // The ratios `m` takes on `create_endpoint`: gen4.5's text_to_video takes only the two 720p ones
  // (the SDK's TextToVideoCreateParams.Gen4_5), its image_to_video all six.
  static double credits_of(double usd) { return std::round(usd * 100.0); }

  static std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
  }

  // Whether the output URLs of a finished `job` expired (`download_ttl_s` after it ended).
  bool expired(const Job& job) const {
    return job.completed_unix != 0 && unix_now() >= job.completed_unix + core_.config().download_ttl_s;
  }

  static double fraction(const Job& job, SteadyClock::time_point now) {
    if (!job.started_at) return 0;
    const double estimate = std::max(1.0, static_cast<double>(job.duration_ms) * job.eta_factor);
    const double f = job.polls_needed ? static_cast<double>(job.running_polls) / static_cast<double>(std::max<std::int64_t>(1, *job.polls_needed))
                                      : static_cast<double>(job.elapsed_ms(now)) / estimate;
    return std::clamp(f, 0.0, 0.99);
  }
  static std::int64_t percent(const Job& job, SteadyClock::time_point now) {
    return static_cast<std::int64_t>(fraction(job, now) * 100);
  }

  Task task(Job& job, SteadyClock::time_point now) {
    Task t;
    t.id = job.id;
    t.createdAt = replicate::iso_time(job.created_unix);
    if (job.cancelled) {
      t.status = "CANCELLED";
      t.cost = Credits{};
      return t;
    }
    const Phase phase = job.phase(now);
    if (phase != Phase::waiting && phase != Phase::running && job.completed_unix == 0) job.completed_unix = unix_now();
    switch (phase) {
      case Phase::waiting: {
        // Over the model's concurrency a task waits as THROTTLED (as over an organization's limit).
        const ModelConfig* m = core_.model("runway", job.model);
        t.status = m != nullptr && m->capacity > 0 ? "THROTTLED" : "PENDING";
        t.estimatedCost = Credits{credits_of(job.cost_usd)};
        break;
      }
      case Phase::running:
        t.status = "RUNNING";
        t.progress = static_cast<double>(percent(job, now)) / 100.0;
        t.estimatedCost = Credits{credits_of(job.cost_usd)};
        break;
      case Phase::failed:
        t.status = "FAILED";
        t.failure = job.fail_message;
        t.failureCode = "INTERNAL.BAD_OUTPUT.CODE01";
        t.cost = Credits{};
        break;
      case Phase::rejected:
        t.status = "FAILED";
        t.failure = "Your prompt was flagged by our content moderation system.";
        t.failureCode = "SAFETY.INPUT.TEXT";
        t.cost = Credits{};
        break;
      case Phase::succeeded:
        t.status = "SUCCEEDED";
        t.output = std::vector<std::string>{core_.media_base + "/runway/" + job.id + "/output.mp4"};
        t.cost = Credits{credits_of(job.cost_usd)};
        break;
    }
    return t;
  }

  Core& core_;
};

}  // namespace reel_sim::runway
