// SPDX-License-Identifier: BSL-1.0
// Venice's video API under /api/v1, as venice-swagger.yaml and the video guide describe it:
// /models, /video/quote, /video/queue, /video/retrieve, /video/complete, and the one-time
// download_url of private models (GET and DELETE, no auth, on the media origin).
#pragma once

#include <reel_sim/core.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reel_sim::venice {

struct SeedanceConsent {
  std::optional<bool> confirmed_terms_and_privacy;
  std::optional<bool> confirmed_legal_right;
  std::optional<bool> confirmed_screening_acknowledged;
};
struct Consents {
  std::optional<SeedanceConsent> seedance;
};

/// QueueVideoRequest of the OpenAPI file.
struct QueueRequest {
  std::string model;
  std::optional<Consents> consents;
  std::optional<std::string> prompt;
  std::optional<std::string> negative_prompt;
  std::optional<std::string> duration;
  std::optional<std::string> aspect_ratio;
  std::optional<std::string> omni_reference_task_type;
  std::optional<std::string> resolution;
  std::optional<std::int64_t> upscale_factor;
  std::optional<bool> audio;
  std::optional<std::string> image_url;
  std::optional<std::string> end_image_url;
  std::optional<std::string> audio_url;
  std::optional<std::string> video_url;
  std::optional<std::vector<std::string>> reference_image_urls;
  std::optional<std::vector<std::string>> reference_video_urls;
  std::optional<std::vector<std::string>> reference_audio_urls;
  std::optional<std::vector<std::string>> reference_document_urls;
  std::optional<reel::json::Value> elements;
  std::optional<std::vector<std::string>> scene_image_urls;
  std::optional<reel::json::Value> keyframes;
};

/// QuoteVideoRequest.
struct QuoteRequest {
  std::string model;
  std::string duration;
  std::optional<std::string> aspect_ratio;
  std::optional<std::string> resolution;
  std::optional<std::int64_t> upscale_factor;
  std::optional<bool> audio;
  std::optional<std::string> video_url;
  std::optional<double> reference_video_total_duration;
};

/// RetrieveVideoRequest (no other keys allowed).
struct RetrieveRequest {
  std::string model;
  std::string queue_id;
  std::optional<bool> delete_media_on_completion;
};

/// CompleteVideoRequest (no other keys allowed).
struct CompleteRequest {
  std::string model;
  std::string queue_id;
};

struct QueueResponse {
  std::string model;
  std::string queue_id;
  std::optional<std::string> download_url;
};
struct ProcessingResponse {
  std::string status;
  std::int64_t average_execution_time = 0;
  std::int64_t execution_duration = 0;
};
struct QuoteResponse {
  double quote = 0;
};
struct SuccessResponse {
  bool success = true;
};
struct StandardError {
  std::string error;
  std::optional<std::string> code;
};
struct ContentViolationError {
  std::string error;
  std::optional<std::string> suggested_prompt;
};
struct ProviderContentPolicy {
  std::string message;
  std::string type = "provider_content_policy";
  std::optional<std::string> recommended_model;
  bool credits_refunded = true;
};
struct ProviderContentPolicyError {
  ProviderContentPolicy error;
};
struct ConsentError {
  std::string code = "needs_consent";
  std::string message;
};
struct ConsentText {
  std::string consent_version;
  std::string policy_text;
};
struct NeedsConsent {
  ConsentError error;
  std::string consent_flow = "seedance";
  std::vector<std::string> face_media_roles;
  ConsentText consent;
  std::string docs_url;
};

struct VideoConstraints {
  std::vector<std::string> aspect_ratios;
  std::vector<std::string> resolutions;
  std::vector<std::string> durations;
  std::string model_type;
  bool audio = false;
  bool audio_configurable = false;
  std::int64_t prompt_character_limit = 2500;
};
struct ModelSpec {
  std::string name;
  std::string description;
  std::string privacy;
  bool offline = false;
  bool beta = false;
  VideoConstraints constraints;
};
struct ModelResponse {
  std::string id;
  std::string object = "model";
  std::string owned_by = "venice.ai";
  std::string type = "video";
  std::int64_t created = 1735689600;
  ModelSpec model_spec;
};
struct ModelList {
  std::vector<ModelResponse> data;
  std::string object = "list";
  std::string type;
};

inline const std::vector<std::string_view>& duration_enum() {
  static const std::vector<std::string_view> v = [] {
    std::vector<std::string_view> out;
    static const char* const names[] = {"1s",  "2s",  "3s",  "4s",  "5s",  "6s",  "7s",  "8s",  "9s",  "10s",
                                        "11s", "12s", "13s", "14s", "15s", "16s", "17s", "18s", "19s", "20s",
                                        "21s", "22s", "23s", "24s", "25s", "26s", "27s", "28s", "29s", "30s",
                                        "-1",  "1 gen", "auto", "Auto"};
    for (const char* n : names) out.emplace_back(n);
    return out;
  }();
  return v;
}
inline const std::vector<std::string_view>& aspect_enum() {
  static const std::vector<std::string_view> v = {"1:1",  "2:3",  "3:2",  "3:4",      "4:3", "4:5", "5:4",
                                                  "9:16", "9:21", "16:9", "21:9", "adaptive", "auto"};
  return v;
}
inline const std::vector<std::string_view>& resolution_enum() {
  static const std::vector<std::string_view> v = {"256p", "360p", "480p", "540p", "580p", "720p", "1080p", "1440p",
                                                  "2160p", "4k", "2x", "4x", "2K", "768P", "true_1080p"};
  return v;
}

/// Venice's front end.
class Api {
public:
  explicit Api(Core& core) : core_(core) {}

  /// Handles `sub` (the path after /api/v1).
  Reply handle(Request& request, std::string_view sub) {
    if (sub == "/models") return models(request);
    if (sub == "/video/quote" || sub == "/video/queue" || sub == "/video/retrieve" || sub == "/video/complete") {
      if (request.method != "POST") return error(405, "Method not allowed", "venice.other");
      const std::string_view op = sub.substr(7);
      const std::string endpoint = "venice." + std::string(op);
      Reply reply = op == "quote" ? quote(request) : authorized(request, endpoint);
      reply.counter = endpoint;
      return reply;
    }
    return error(404, "Not found", "venice.other");
  }

  /// GET / DELETE of a private model's download_url (on the media origin).
  Reply download(Request& request, const std::string& token) {
    const std::string endpoint = request.method == "DELETE" ? "venice.download.delete" : "venice.download";
    if (request.headers.find("Authorization")) ++core_.counters().media_requests_with_authorization;
    Job* job = core_.job_by_token(token);
    Reply reply;
    if (job == nullptr) {
      reply = error(404, "Not found", endpoint);
    } else if (request.method != "GET" && request.method != "HEAD" && request.method != "DELETE") {
      reply = error(405, "Method not allowed", endpoint);
    } else {
      const Subject subject{endpoint, job->model, job->prompt, job->key};
      const auto now = SteadyClock::now();
      const bool expired = unix_now() >= job->created_unix + core_.config().download_ttl_s;
      const Drift& drift = core_.drift();
      if (job->link_revoked || expired || (job->cleaned && job->phase(now) != Phase::succeeded)) {
        reply = error(410, "This link has expired or was revoked", endpoint);
      } else if (request.method == "DELETE" && drift.link_delete_status) {
        // Drift: the storage host refuses the DELETE; the link stays valid.
        core_.drifted();
        reply = bucket_reply(*drift.link_delete_status, endpoint);
      } else if (request.method == "DELETE") {
        job->link_revoked = true;
        ++core_.counters().links_revoked;
        reply.status = 204;
      } else if (job->phase(now) != Phase::succeeded) {
        reply = error(404, "Media not found", endpoint);
      } else if (const auto status = core_.media_status()) {
        reply = bucket_reply(*status, endpoint);
      } else if (drift.media_body) {
        core_.drifted();
        reply = non_video_reply(*drift.media_body, endpoint);
      } else if (++job->download_fetches > core_.config().download_max_fetches) {
        reply = error(429, "Too many requests for this link", endpoint);
      } else {
        reply = media_reply(request, job->output_bytes);
      }
      if (auto f = core_.fault(subject)) apply_fault(reply, *f, [&](int s, const std::string& m) { return fault_error(s, m, endpoint); });
    }
    reply.counter = endpoint;
    return reply;
  }

  /// The error body the spec gives `status` on `endpoint` (injected faults, unreadable requests).
  static Reply fault_error(int status, const std::string& message, const std::string& endpoint) {
    Reply r;
    if (status == 400) {
      r = invalid("", message);
    } else if (status == 413) {
      r = error(413, message, endpoint, "PAYLOAD_TOO_LARGE");
    } else if (status == 402) {
      r = error(402, message, endpoint, "INSUFFICIENT_BALANCE");
    } else if (status == 409 && endpoint == "venice.queue") {
      r = json_reply(409, needs_consent({"image", "reference_image", "video"}));
    } else if (status == 422 && endpoint == "venice.retrieve") {
      r = json_reply(422, ProviderContentPolicyError{ProviderContentPolicy{message, "provider_content_policy", std::nullopt, true}});
    } else {
      r = error(status, message, endpoint);
    }
    r.counter = endpoint;
    return r;
  }

  /// A StandardError reply.
  static Reply error(int status, std::string message, std::string counter, std::optional<std::string> code = {}) {
    Reply r = json_reply(status, StandardError{std::move(message), std::move(code)});
    r.counter = std::move(counter);
    return r;
  }

private:
  // 400 with a DetailedError naming the field.
  static Reply invalid(std::string_view field, std::string message) {
    using reel::json::Value;
    reel::json::Object details;
    details.emplace_back("_errors", reel::json::Array{});
    if (!field.empty()) {
      reel::json::Object f;
      f.emplace_back("_errors", reel::json::Array{Value(message)});
      details.emplace_back(std::string(field), Value(std::move(f)));
    } else {
      details[0].second = reel::json::Array{Value(message)};
    }
    reel::json::Object body;
    body.emplace_back("details", Value(std::move(details)));
    body.emplace_back("error", Value("Invalid request parameters: " + message));
    return json_reply(400, Value(std::move(body)));
  }

  template <class T>
  static std::optional<Reply> parse(const Request& request, T& out, bool strict) {
    reel::json::ReadOptions options;
    options.reject_unknown_keys = strict;
    if (const reel::json::Error e = reel::json::read(request.body, out, options)) {
      std::string field = e.path.empty() ? std::string() : e.path.substr(1, e.path.find('/', 1) - 1);
      return invalid(field, e.message());
    }
    return std::nullopt;
  }

  static bool in(const std::vector<std::string_view>& list, std::string_view v) {
    return std::find(list.begin(), list.end(), v) != list.end();
  }
  static bool in(const std::vector<std::string>& list, std::string_view v) {
    return std::find(list.begin(), list.end(), v) != list.end();
  }
  static bool url_like(std::string_view s, std::string_view data_prefix) {
    return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0 || s.rfind(data_prefix, 0) == 0;
  }

  static double seconds_of(std::string_view duration) {
    double s = 0;
    for (char c : duration) {
      if (c < '0' || c > '9') break;
      s = s * 10 + (c - '0');
    }
    return s > 0 ? s : 5;
  }
  static double resolution_factor(std::string_view r) {
    if (r == "480p" || r == "360p" || r == "256p") return 0.6;
    if (r == "1080p" || r == "true_1080p") return 1.5;
    if (r == "1440p" || r == "2160p" || r == "4k" || r == "2K") return 2.5;
    return 1.0;
  }
  static double price(const ModelConfig& m, std::string_view duration, std::string_view resolution) {
    return std::round(m.usd_per_second * seconds_of(duration) * resolution_factor(resolution) * 1e6) / 1e6;
  }

  Reply models(const Request& request) {
    const std::string type = request.query_param("type").value_or("all");
    static const std::vector<std::string_view> types = {"asr",     "embedding", "image", "music", "text", "tts",
                                                        "upscale", "inpaint",   "video", "all",   "code"};
    if (!in(types, type)) {
      Reply r = invalid("type", "type must be one of asr, embedding, image, music, text, tts, upscale, inpaint, "
                                "video, all, code");
      r.counter = "venice.models";
      return r;
    }
    ModelList list;
    list.type = type;
    if (type == "video" || type == "all") {
      for (const auto& m : core_.config().models) {
        if (m.provider != "venice") continue;
        ModelResponse r;
        r.id = m.id;
        r.model_spec.name = m.name;
        r.model_spec.description = "Simulated " + m.model_type + " model";
        r.model_spec.privacy = m.private_download ? "private" : "anonymized";
        r.model_spec.constraints = VideoConstraints{m.aspect_ratios, m.resolutions, m.durations,           m.model_type,
                                                    m.audio,         m.audio_configurable, m.prompt_character_limit};
        list.data.push_back(std::move(r));
      }
    }
    Reply r = json_reply(200, list);
    const Drift& drift = core_.drift();
    if (!drift.models_missing_keys.empty() || !drift.models_malformed.empty()) drift_models(r);
    r.counter = "venice.models";
    return r;
  }

  // Drift: constraints without some required keys, and wrongly typed values for some models.
  void drift_models(Reply& r) {
    const Drift& drift = core_.drift();
    reel::json::Value doc;
    if (reel::json::read(r.body, doc)) return;
    reel::json::Value* data = nullptr;
    if (auto* o = doc.if_object()) {
      for (auto& [k, v] : *o) {
        if (k == "data") data = &v;
      }
    }
    if (data == nullptr || data->if_array() == nullptr) return;
    for (reel::json::Value& entry : *data->if_array()) {
      auto* e = entry.if_object();
      if (e == nullptr) continue;
      std::string id;
      reel::json::Value* constraints = nullptr;
      for (auto& [k, v] : *e) {
        if (k == "id" && v.if_string() != nullptr) id = *v.if_string();
        if (k == "model_spec" && v.if_object() != nullptr) {
          for (auto& [k2, v2] : *v.if_object()) {
            if (k2 == "constraints") constraints = &v2;
          }
        }
      }
      if (constraints == nullptr || constraints->if_object() == nullptr) continue;
      auto& c = *constraints->if_object();
      std::erase_if(c, [&](const auto& member) { return in(drift.models_missing_keys, member.first); });
      if (in(drift.models_malformed, id)) {
        const ModelConfig* m = core_.model("venice", id);
        const std::string first = m != nullptr && !m->durations.empty() ? m->durations.front() : "5s";
        std::erase_if(c, [](const auto& member) { return member.first == "durations"; });
        c.emplace_back("durations", reel::json::Value(first));  // a string where an array belongs
      }
    }
    r.body.clear();
    (void)reel::json::write(doc, r.body);
    core_.drifted();
  }

  Reply quote(const Request& request) {
    QuoteRequest q;
    if (auto bad = parse(request, q, false)) return std::move(*bad);
    const ModelConfig* m = core_.model("venice", q.model);
    if (m == nullptr) return invalid("model", "Specified model not found");
    if (!in(duration_enum(), q.duration) || (!m->durations.empty() && !in(m->durations, q.duration))) {
      return invalid("duration", "Invalid duration for this model");
    }
    if (q.resolution && (!in(resolution_enum(), *q.resolution) || (!m->resolutions.empty() && !in(m->resolutions, *q.resolution)))) {
      return invalid("resolution", "Invalid resolution for this model");
    }
    if (q.aspect_ratio && !in(aspect_enum(), *q.aspect_ratio)) return invalid("aspect_ratio", "Invalid aspect ratio");
    return json_reply(200, QuoteResponse{price(*m, q.duration, q.resolution.value_or("720p"))});
  }

  // queue / retrieve / complete: authentication, the abuse guard and rate limits first.
  Reply authorized(Request& request, const std::string& endpoint) {
    const std::string key = request.bearer();
    const auto now = SteadyClock::now();
    Reply reply;
    RateLimiter::Decision limit;
    if (!core_.key_ok(key)) {
      reply = error(401, "Authentication failed", endpoint);
    } else if (core_.config().abuse_guard && core_.guard().blocked(key, now)) {
      reply = error(429, "Too many failed requests; this key is blocked for 30 seconds", endpoint);
    } else if (limit = core_.rate_limit(endpoint, key); !limit.allowed) {
      reply = error(429, "Rate limit exceeded", endpoint);
    } else if (endpoint == "venice.queue") {
      reply = queue(request, key);
    } else if (endpoint == "venice.retrieve") {
      reply = retrieve(request, key);
    } else {
      reply = complete(request, key);
    }
    rate_limit_headers(reply, limit);
    if (reply.status >= 400 && !key.empty() && core_.config().abuse_guard) core_.guard().failed(key, now);
    return reply;
  }

  std::optional<Reply> validate(const QueueRequest& q, const ModelConfig& m) {
    if (!q.prompt) return invalid("prompt", "Required");
    if (q.prompt->empty()) return invalid("prompt", "String must contain at least 1 character(s)");
    // The limits are in characters (swagger: maxLength, "default 2500 characters"): code points, not bytes.
    const std::int64_t limit = std::min<std::int64_t>(20000, m.prompt_character_limit);
    if (code_points(*q.prompt) > limit) {
      return invalid("prompt", "String must contain at most " + std::to_string(limit) + " character(s)");
    }
    if (q.negative_prompt && code_points(*q.negative_prompt) > 20000) {
      return invalid("negative_prompt", "String must contain at most 20000 character(s)");
    }
    if (!q.duration) return invalid("duration", "Required");
    if (!in(duration_enum(), *q.duration)) return invalid("duration", "Invalid enum value");
    if (!m.durations.empty() && !in(m.durations, *q.duration)) return invalid("duration", "Unsupported duration for this model");
    if (q.aspect_ratio) {
      if (!in(aspect_enum(), *q.aspect_ratio)) return invalid("aspect_ratio", "Invalid enum value");
      if (m.aspect_ratios.empty()) return invalid("aspect_ratio", "This model does not support aspect_ratio");
      if (!in(m.aspect_ratios, *q.aspect_ratio)) return invalid("aspect_ratio", "Unsupported aspect ratio for this model");
    } else if (!m.aspect_ratios.empty()) {
      return invalid("aspect_ratio", "Required for this model");
    }
    if (q.resolution) {
      if (!in(resolution_enum(), *q.resolution)) return invalid("resolution", "Invalid enum value");
      // swagger.yaml: "Empty array means the model does not support a defined resolution".
      if (m.resolutions.empty()) return invalid("resolution", "This model does not support resolution");
      if (!in(m.resolutions, *q.resolution)) {
        return invalid("resolution", "Unsupported resolution for this model");
      }
    }
    if (q.upscale_factor && *q.upscale_factor != 1 && *q.upscale_factor != 2 && *q.upscale_factor != 4) {
      return invalid("upscale_factor", "Invalid enum value");
    }
    if (q.audio && !m.audio_configurable) return invalid("audio", "This model does not support audio configuration");
    if (m.model_type == "image-to-video" && !q.image_url) return invalid("image_url", "Required for image-to-video models");
    if (q.image_url && !url_like(*q.image_url, "data:image/")) return invalid("image_url", "Must be a URL or a data URL");
    if (q.end_image_url && !url_like(*q.end_image_url, "data:image/")) return invalid("end_image_url", "Must be a URL or a data URL");
    if (q.audio_url && !url_like(*q.audio_url, "data:audio/")) return invalid("audio_url", "Must be a URL or a data URL");
    if (q.video_url && !url_like(*q.video_url, "data:video/")) return invalid("video_url", "Must be a URL or a data URL");
    auto too_many = [](const auto& list, std::size_t max) { return list && list->size() > max; };
    if (too_many(q.reference_image_urls, 30)) return invalid("reference_image_urls", "Array must contain at most 30 element(s)");
    if (too_many(q.reference_video_urls, 10)) return invalid("reference_video_urls", "Array must contain at most 10 element(s)");
    if (too_many(q.reference_audio_urls, 10)) return invalid("reference_audio_urls", "Array must contain at most 10 element(s)");
    if (too_many(q.reference_document_urls, 1)) return invalid("reference_document_urls", "Array must contain at most 1 element(s)");
    if (too_many(q.scene_image_urls, 4)) return invalid("scene_image_urls", "Array must contain at most 4 element(s)");
    return std::nullopt;
  }

  static NeedsConsent needs_consent(std::vector<std::string> roles) {
    NeedsConsent body;
    body.error.message = "Additional consent is required before this request can be queued.";
    body.face_media_roles = std::move(roles);
    body.consent = ConsentText{"2026-01-01", "By submitting media you confirm the simulated provider's terms."};
    body.docs_url = "https://docs.venice.ai/guides/media/video-generation";
    return body;
  }

  // The media of `q` that may show faces, as swagger's face_media_roles names them; elements, scene images and
  // keyframes are not among them (and are never validated here).
  static std::vector<std::string> face_media(const QueueRequest& q) {
    std::vector<std::string> roles;
    auto some = [](const auto& list) { return list && !list->empty(); };
    if (q.image_url) roles.emplace_back("image");
    if (q.end_image_url) roles.emplace_back("end_image");
    if (some(q.reference_image_urls)) roles.emplace_back("reference_image");
    if (q.video_url) roles.emplace_back("video");
    if (some(q.reference_video_urls)) roles.emplace_back("reference_video");
    return roles;
  }

  static bool consented(const QueueRequest& q) {
    if (!q.consents || !q.consents->seedance) return false;
    const SeedanceConsent& c = *q.consents->seedance;
    return c.confirmed_terms_and_privacy.value_or(false) && c.confirmed_legal_right.value_or(false) &&
           c.confirmed_screening_acknowledged.value_or(false);
  }

  Reply queue(const Request& request, const std::string& key) {
    QueueRequest q;
    if (auto bad = parse(request, q, false)) return std::move(*bad);
    const ModelConfig* m = core_.model("venice", q.model);
    if (m == nullptr) return invalid("model", "Specified model not found");
    const Subject subject{"venice.queue", m->id, q.prompt.value_or(""), key};
    if (auto f = core_.fault(subject); f && f->status) {
      Reply r;
      apply_fault(r, *f, [&](int s, const std::string& msg) { return fault_error(s, msg, "venice.queue"); });
      return r;
    } else if (auto bad = validate(q, *m)) {
      return std::move(*bad);
    } else {
      // swagger.yaml: 409 "Additional consent is required ... for some models", naming face_media_roles:
      // only requests that carry face-bearing media need the consents; text-only ones do not.
      if (m->needs_consent && !consented(q)) {
        if (auto roles = face_media(q); !roles.empty()) return json_reply(409, needs_consent(std::move(roles)));
      }
      if (core_.blocked_term(*q.prompt)) {
        return json_reply(422, ContentViolationError{"Your prompt violates the content policy of Venice.ai",
                                                     std::string("A calm landscape at sunrise")});
      }
      const double cost = price(*m, *q.duration, q.resolution.value_or("720p"));
      if (!core_.charge(key, cost)) return error(402, "Insufficient balance", "venice.queue", "INSUFFICIENT_BALANCE");
      Job& job = core_.create_job("venice", *m, subject);
      job.seconds = *q.duration;
      job.size = q.resolution.value_or("720p");
      core_.bill(job, cost);
      QueueResponse body{job.model, job.id, std::nullopt};
      if (m->private_download) {
        core_.add_download_token(job);
        body.download_url = core_.media_base + "/share/read/" + job.download_token;
      }
      if (const auto status = core_.create_error("venice")) return gateway_reply(*status, "venice.queue");
      Reply r = json_reply(200, body);
      if (core_.take_truncated_create()) {
        // Cut after the queue_id value (and a few bytes of download_url when there is one).
        const std::string marker = "\"queue_id\":\"" + job.id + "\"";
        const std::size_t end = r.body.find(marker) + marker.size();
        r.body.resize(std::min(r.body.size() - 1, end + (body.download_url ? 20 : 0)));
      }
      if (f) apply_fault(r, *f, [&](int s, const std::string& msg) { return fault_error(s, msg, "venice.queue"); });
      return r;
    }
  }

  Reply retrieve(const Request& request, const std::string&) {
    RetrieveRequest q;
    if (auto bad = parse(request, q, true)) return std::move(*bad);
    Job* job = core_.job(q.queue_id);
    if (job == nullptr || job->provider != "venice" || job->model != q.model) {
      return error(404, "Media could not be found. Request may be invalid, expired, or deleted.", "venice.retrieve");
    }
    core_.touch(*job);
    if (job->cleaned) return error(404, "Media could not be found. Request may be invalid, expired, or deleted.", "venice.retrieve");
    const Subject subject{"venice.retrieve", job->model, job->prompt, job->key};
    const auto now = SteadyClock::now();
    core_.schedule(now);
    ++job->polls;
    const Drift& drift = core_.drift();
    const auto average = static_cast<std::int64_t>(static_cast<double>(job->duration_ms) * job->eta_factor);
    Reply r;
    if (job->capacity_503_sent < drift.capacity_503_polls) {
      // Drift: at capacity before the normal answers (not counted toward the job's `polls`).
      ++job->capacity_503_sent;
      ++job->drift_polls;
      core_.drifted();
      r = error(503, "The model is at capacity. Please try again later.", "venice.retrieve");
    } else if (job->extra_statuses_sent < drift.extra_statuses.size()) {
      ++job->drift_polls;
      core_.drifted();
      r = json_reply(200, ProcessingResponse{drift.extra_statuses[job->extra_statuses_sent++], average, job->elapsed_ms(now)});
    } else {
      if (job->started_at) ++job->running_polls;
      r = normal_retrieve(request, q, job, now, average);
    }
    if (auto f = core_.fault(subject)) apply_fault(r, *f, [&](int s, const std::string& msg) { return fault_error(s, msg, "venice.retrieve"); });
    return r;
  }

  Reply normal_retrieve(const Request& request, const RetrieveRequest& q, Job* job, SteadyClock::time_point now,
                        std::int64_t average) {
    const ModelConfig* m = core_.model("venice", job->model);
    Reply r;
    const Phase phase = job->phase(now);
    if (phase == Phase::waiting) {
      r = error(503, "The model is at capacity. Please try again later.", "venice.retrieve");
    } else if (phase == Phase::running) {
      r = json_reply(200, ProcessingResponse{core_.status_word("PROCESSING"), average, job->elapsed_ms(now)});
    } else if (phase == Phase::failed && core_.drift().inference_failed_500) {
      core_.drifted();
      r = error(500, "Inference failed", "venice.retrieve");
    } else if (phase == Phase::failed) {
      r = error(500, "Inference processing failed: " + job->fail_message, "venice.retrieve");
    } else if (phase == Phase::rejected && job->outcome == "content_policy_legacy") {
      r = error(422, "Your prompt violates the content policy of Venice.ai or the model provider", "venice.retrieve");
    } else if (phase == Phase::rejected) {
      r = json_reply(422, ProviderContentPolicyError{ProviderContentPolicy{
                              "The selected model provider rejected this request due to its content policies. "
                              "Credits have been refunded.",
                              "provider_content_policy", std::nullopt, true}});
    } else {
      if (job->completed_unix == 0) job->completed_unix = unix_now();
      if (m != nullptr && m->private_download) {
        r = json_reply(200, ProcessingResponse{core_.status_word("COMPLETED"), average, job->elapsed_ms(now)});
      } else {
        r = media_reply(request, job->output_bytes);
        if (q.delete_media_on_completion.value_or(false)) {
          // Deleted once the whole video was delivered.
          r.on_written = [&core = core_, id = job->id](bool complete) {
            if (Job* j = core.job(id); j != nullptr && complete) core.mark_deleted(*j);
          };
        }
      }
    }
    return r;
  }

  Reply complete(const Request& request, const std::string&) {
    CompleteRequest q;
    if (auto bad = parse(request, q, true)) return std::move(*bad);
    Job* job = core_.job(q.queue_id);
    if (job == nullptr || job->provider != "venice" || job->model != q.model) {
      return invalid("queue_id", "No video generation request with this model and queue_id");
    }
    core_.touch(*job);
    const Subject subject{"venice.complete", job->model, job->prompt, job->key};
    Reply r;
    if (auto f = core_.fault(subject); f && f->status) {
      apply_fault(r, *f, [&](int s, const std::string& msg) { return fault_error(s, msg, "venice.complete"); });
      return r;
    } else {
      core_.mark_deleted(*job);
      r = json_reply(200, SuccessResponse{true});
      if (f) apply_fault(r, *f, [&](int s, const std::string& msg) { return fault_error(s, msg, "venice.complete"); });
    }
    return r;
  }

  Core& core_;
};

}  // namespace reel_sim::venice

template <>
struct reel::json::Meta<reel_sim::venice::RetrieveRequest> {
  static constexpr bool reject_unknown_keys = true;
};
template <>
struct reel::json::Meta<reel_sim::venice::CompleteRequest> {
  static constexpr bool reject_unknown_keys = true;
};
