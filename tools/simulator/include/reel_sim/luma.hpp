// SPDX-License-Identifier: BSL-1.0
// Luma's Dream Machine API under /luma (the simulator's stand-in for https://api.lumalabs.ai):
// POST /dream-machine/v1/generations/video (a `Generation`, state "queued"), GET
// /dream-machine/v1/generations/{id} (queued, dreaming, completed with assets.video, failed with
// failure_reason), GET /dream-machine/v1/generations?limit&offset (the key's generations, newest
// first), DELETE /dream-machine/v1/generations/{id} (204, no body; the generation is gone
// afterwards), `Authorization: Bearer`, errors as {"detail": "..."}, and the video on the
// media origin (no key). Wire format from the official Node SDK's types (lumaai-node 1.21.0).
#pragma once

#include <reel_sim/core.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reel_sim::luma {

/// `assets` of a generation.
struct Assets {
  std::optional<std::string> video;
};
/// The `request` echoed in a generation (what the create asked for).
struct EchoedRequest {
  std::string generation_type = "video";
  std::string model;
  std::string prompt;
  std::optional<std::string> duration;
  std::optional<std::string> resolution;
  std::optional<std::string> aspect_ratio;
};
/// The `Generation` object.
struct Generation {
  std::string id;
  std::string generation_type = "video";
  std::string state;
  std::optional<std::string> failure_reason;
  std::string created_at;
  std::optional<Assets> assets;
  std::string model;
  EchoedRequest request;
};
/// The list answer (`GenerationListResponse`).
struct GenerationList {
  std::vector<Generation> generations;
  std::int64_t count = 0;  ///< how many are in `generations`
  bool has_more = false;
  std::int64_t limit = 0;
  std::int64_t offset = 0;
};
/// An error body: `{"detail": "..."}`.
struct ErrorBody {
  std::string detail;
};

/// Luma's front end.
class Api {
public:
  explicit Api(Core& core) : core_(core) {}

  /// `{"detail": ...}` with `status`.
  static Reply error(int status, std::string detail, std::string counter) {
    Reply r = json_reply(status, ErrorBody{std::move(detail)});
    r.counter = std::move(counter);
    return r;
  }

  /// Handles `sub` (the path after /luma).
  Reply handle(Request& request, std::string_view sub) {
    constexpr std::string_view prefix = "/dream-machine/v1/generations";
    std::string endpoint = "luma.other";
    std::string id;
    if (sub.rfind(prefix, 0) == 0) {
      const std::string_view rest = sub.substr(prefix.size());
      if (rest == "/video") {
        endpoint = "luma.create";
      } else if (rest.empty() || rest == "/") {
        endpoint = "luma.list";
      } else if (rest.size() > 1 && rest.front() == '/' && rest.find('/', 1) == std::string_view::npos) {
        id = std::string(rest.substr(1));
        endpoint = request.method == "DELETE" ? "luma.cancel" : "luma.status";
      }
    }
    Reply r = dispatch(request, endpoint, id);
    r.counter = endpoint;
    return r;
  }

  /// The video on the media origin: no key, Range, expires.
  Reply media(Request& request, const std::string& id) {
    const std::string endpoint = "luma.media";
    Job* job = core_.job(id);
    std::optional<Reply> refused;
    if (request.method != "GET" && request.method != "HEAD") {
      refused = bucket_reply(405, endpoint);
    } else if (job == nullptr || job->provider != "luma" || job->cancelled || job->deleted ||
               job->phase(SteadyClock::now()) != Phase::succeeded) {
      refused = bucket_reply(404, endpoint);
    } else if (unix_now() >= job->completed_unix + core_.config().download_ttl_s) {
      refused = bucket_reply(410, endpoint);
    }
    return core_.media_answer(request, job, endpoint, std::move(refused),
                              [&](int s, const std::string&) { return bucket_reply(s, endpoint); });
  }

private:
  Reply dispatch(Request& request, const std::string& endpoint, const std::string& id) {
    if (endpoint == "luma.other") return error(404, "Not Found", endpoint);
    const bool method_ok = (endpoint == "luma.create" && request.method == "POST") ||
                           (endpoint == "luma.cancel" && request.method == "DELETE") ||
                           ((endpoint == "luma.status" || endpoint == "luma.list") && (request.method == "GET" || request.method == "HEAD"));
    if (!method_ok) return error(405, "Method Not Allowed", endpoint);
    const std::string key = request.bearer();
    if (key.empty()) return error(401, "Not authenticated", endpoint);
    if (!core_.key_ok(key)) return error(401, "Invalid API key", endpoint);
    if (const auto limit = core_.rate_limit(endpoint, key); !limit.allowed) {
      Reply r = error(429, "Too many requests, please slow down", endpoint);
      r.headers.set("Retry-After", std::to_string(std::max<std::int64_t>(1, limit.reset_unix - unix_now())));
      return r;
    }
    if (endpoint == "luma.create") return create(request, key);
    if (endpoint == "luma.list") return list(request, key);

    Job* job = core_.job(id);
    if (job == nullptr || job->provider != "luma" || job->key != key || job->deleted) {
      return error(404, "Generation not found", endpoint);
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
    if (endpoint == "luma.status") {
      ++job->polls;
      if (job->started_at && !job->cancelled) ++job->running_polls;
      r = json_reply(200, generation(*job, now));
    } else {
      // DELETE: a generation still queued or dreaming is stopped; either way it is gone.
      const Phase phase = job->phase(now);
      if (!job->cancelled && (phase == Phase::waiting || phase == Phase::running)) core_.mark_cancelled(*job, 0);
      core_.mark_deleted(*job);
      r.status = 204;
    }
    if (f) apply_fault(r, *f, [&](int s, const std::string& m) { return error(s, m, endpoint); });
    return r;
  }

  Reply create(const Request& request, const std::string& key) {
    const std::string endpoint = "luma.create";
    reel::json::Value input;
    if (const reel::json::Error e = reel::json::read(request.body, input)) {
      return error(400, "Invalid JSON body: " + e.message(), endpoint);
    }
    if (!input.is_object()) return error(422, "body: Input should be a valid dictionary", endpoint);
    const std::string* prompt = input.find_string("prompt");
    if (prompt == nullptr) return error(422, "body.prompt: Field required", endpoint);
    const std::string* model_id = input.find_string("model");
    if (model_id == nullptr) return error(422, "body.model: Field required", endpoint);
    const ModelConfig* m = core_.model("luma", *model_id);
    if (m == nullptr) return error(422, "body.model: Input should be " + joined(luma_models()), endpoint);
    EchoedRequest echo;
    echo.model = m->id;
    echo.prompt = *prompt;
    auto check = [&](const char* field, const std::vector<std::string>& allowed,
                     std::optional<std::string>& into) -> std::optional<Reply> {
      const reel::json::Value* v = input.find(field);
      if (v == nullptr || v->is_null()) return std::nullopt;
      const std::string* s = v->if_string();
      if (s != nullptr && (allowed.empty() || std::find(allowed.begin(), allowed.end(), *s) != allowed.end())) {
        into = *s;
        return std::nullopt;
      }
      return error(422, std::string("body.") + field + ": Input should be " + joined(allowed), endpoint);
    };
    if (auto bad = check("duration", m->durations, echo.duration)) return *bad;
    if (auto bad = check("resolution", m->resolutions, echo.resolution)) return *bad;
    if (auto bad = check("aspect_ratio", m->aspect_ratios, echo.aspect_ratio)) return *bad;
    if (code_points(*prompt) > m->prompt_character_limit) {
      return error(422, "body.prompt: String should have at most " + std::to_string(m->prompt_character_limit) + " characters",
                   endpoint);
    }
    const Subject subject{endpoint, m->id, *prompt, key};
    std::optional<Fault> f = core_.fault(subject);
    Reply r;
    if (f && f->status) {
      apply_fault(r, *f, [&](int s, const std::string& msg) { return error(s, msg, endpoint); });
      return r;
    }
    if (core_.blocked_term(*prompt)) return error(400, "Prompt not allowed because it violates our moderation policy", endpoint);
    const std::string duration = echo.duration.value_or(m->durations.empty() ? "5s" : m->durations.front());
    const double cost = m->usd_per_second * std::atof(duration.c_str());
    if (!core_.charge(key, cost)) return error(402, "Insufficient credits", endpoint);
    Job& job = core_.create_job("luma", *m, subject);
    job.seconds = duration;
    job.size = echo.resolution.value_or("");
    core_.bill(job, cost);
    requests_[job.id] = echo;
    order_.push_back(job.id);
    if (const auto status = core_.create_error("luma")) return gateway_reply(*status, endpoint);
    // A new generation is announced as queued (as Luma does), even when a slot is free at once.
    Generation g = generation(job, SteadyClock::now());
    if (g.state == "dreaming") g.state = "queued";
    r = json_reply(201, g);
    if (f) apply_fault(r, *f, [&](int st, const std::string& msg) { return error(st, msg, endpoint); });
    return r;
  }

  // GET /generations?limit&offset: the key's generations that were not deleted, newest first
  // (limit 1..100, default 10; offset from 0).
  Reply list(const Request& request, const std::string& key) {
    const std::string endpoint = "luma.list";
    auto integer = [&](std::string_view name, std::int64_t fallback, std::int64_t low, std::int64_t high) -> std::optional<std::int64_t> {
      const std::optional<std::string> text = request.query_param(name);
      if (!text) return fallback;
      if (text->empty() || text->size() > 9 || !std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
      }
      const std::int64_t v = std::atoll(text->c_str());
      if (v < low || v > high) return std::nullopt;
      return v;
    };
    const std::optional<std::int64_t> limit = integer("limit", 10, 1, 100);
    if (!limit) return error(422, "query.limit: Input should be an integer from 1 to 100", endpoint);
    const std::optional<std::int64_t> offset = integer("offset", 0, 0, 999'999'999);
    if (!offset) return error(422, "query.offset: Input should be an integer greater than or equal to 0", endpoint);
    const auto now = SteadyClock::now();
    core_.schedule(now);
    GenerationList out;
    out.limit = *limit;
    out.offset = *offset;
    std::int64_t skipped = 0;
    for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
      Job* job = core_.job(*it);
      if (job == nullptr || job->provider != "luma" || job->key != key || job->deleted) continue;
      if (skipped < *offset) {
        ++skipped;
        continue;
      }
      if (static_cast<std::int64_t>(out.generations.size()) == *limit) {
        out.has_more = true;
        break;
      }
      out.generations.push_back(generation(*job, now));
    }
    out.count = static_cast<std::int64_t>(out.generations.size());
    return json_reply(200, out);
  }

  Generation generation(Job& job, SteadyClock::time_point now) {
    Generation g;
    g.id = job.id;
    g.created_at = iso(job.created_unix);
    g.model = job.model;
    if (const auto it = requests_.find(job.id); it != requests_.end()) g.request = it->second;
    const Phase phase = job.phase(now);
    if (job.cancelled) {
      g.state = "failed";
      g.failure_reason = "Generation was cancelled";
    } else if (phase == Phase::waiting) {
      g.state = "queued";
    } else if (phase == Phase::running) {
      g.state = "dreaming";
    } else {
      if (job.completed_unix == 0) job.completed_unix = unix_now();
      if (phase == Phase::succeeded) {
        g.state = "completed";
        g.assets = Assets{core_.media_base + "/luma/files/" + job.id + "/video.mp4"};
      } else {
        g.state = "failed";
        g.failure_reason = job.fail_message;
      }
    }
    return g;
  }

  std::vector<std::string> luma_models() const {
    std::vector<std::string> out;
    for (const auto& m : core_.config().models) {
      if (m.provider == "luma") out.push_back(m.id);
    }
    return out;
  }

  static std::string joined(const std::vector<std::string>& values) {
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i) {
      out += (i == 0 ? "" : (i + 1 == values.size() ? " or " : ", ")) + ("'" + values[i] + "'");
    }
    return out;
  }

  // "2026-12-07T12:00:00.000000Z".
  static std::string iso(std::int64_t epoch_s) {
    const std::time_t t = static_cast<std::time_t>(epoch_s);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.000000Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
  }

  Core& core_;
  std::map<std::string, EchoedRequest> requests_;  ///< per generation id
  std::vector<std::string> order_;                 ///< generation ids, oldest first
};

}  // namespace reel_sim::luma
