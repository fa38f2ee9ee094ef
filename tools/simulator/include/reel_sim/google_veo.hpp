// SPDX-License-Identifier: BSL-1.0
// Veo through the Gemini API under /gemini (the simulator's stand-in for
// https://generativelanguage.googleapis.com): POST /v1beta/models/{model}:predictLongRunning (an
// Operation `{"name": "models/{model}/operations/{id}"}`), GET /v1beta/{operation name} (`done`
// false, then true with `response.generateVideoResponse.generatedSamples[].video.uri`, `error`
// {code, message}, or `raiMediaFilteredCount`/`raiMediaFilteredReasons` and no sample), the key
// in `x-goog-api-key`, errors as google.rpc.Status `{"error": {code, message, status}}`, a
// retired model id answering 404 "is no longer available", and the video on the MAIN origin at
// /v1beta/files/{id}:download?alt=media, which needs the key (as the API serves it). Wire format
// from the official Gen AI SDK's mldev converters (js-genai 2.18.0). Drift: the uri on the media
// origin (`veo_uri_on_media_origin`), or the keyed download redirecting there
// (`veo_download_redirect`), where a request carrying a key is counted.
#pragma once

#include <reel_sim/core.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reel_sim::google_veo {

/// Gemini's front end.
class Api {
public:
  explicit Api(Core& core) : core_(core) {}

  /// The main origin plus "/gemini" (the video uri's base); set by the Simulator.
  std::string base_url;

  /// The google.rpc.Status code name of an HTTP status.
  static std::string_view status_name(int status) {
    switch (status) {
      case 400: return "INVALID_ARGUMENT";
      case 401: return "UNAUTHENTICATED";
      case 403: return "PERMISSION_DENIED";
      case 404: return "NOT_FOUND";
      case 409: return "ABORTED";
      case 429: return "RESOURCE_EXHAUSTED";
      case 499: return "CANCELLED";
      case 500: return "INTERNAL";
      case 501: return "UNIMPLEMENTED";
      case 503: return "UNAVAILABLE";
      case 504: return "DEADLINE_EXCEEDED";
      default: return status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
    }
  }

  /// `{"error": {"code", "message", "status"}}` with `status` (and `details` when given).
  static Reply error(int status, std::string message, std::string counter, reel::json::Array details = {}) {
    reel::json::Object err;
    err.emplace_back("code", reel::json::Value(static_cast<std::int64_t>(status)));
    err.emplace_back("message", std::move(message));
    err.emplace_back("status", std::string(status_name(status)));
    if (!details.empty()) err.emplace_back("details", reel::json::Value(std::move(details)));
    reel::json::Object body;
    body.emplace_back("error", reel::json::Value(std::move(err)));
    Reply r = json_reply(status, reel::json::Value(std::move(body)));
    r.counter = std::move(counter);
    return r;
  }

  /// Handles `sub` (the path after /gemini).
  Reply handle(Request& request, std::string_view sub) {
    std::string endpoint = "veo.other";
    std::string model_id;
    std::string id;
    constexpr std::string_view models = "/v1beta/models/";
    constexpr std::string_view files = "/v1beta/files/";
    constexpr std::string_view create_suffix = ":predictLongRunning";
    constexpr std::string_view download_suffix = ":download";
    if (sub.rfind(models, 0) == 0) {
      const std::string_view rest = sub.substr(models.size());
      const std::size_t ops = rest.find("/operations/");
      if (rest.size() > create_suffix.size() && rest.substr(rest.size() - create_suffix.size()) == create_suffix &&
          rest.find('/') == std::string_view::npos) {
        endpoint = "veo.create";
        model_id = std::string(rest.substr(0, rest.size() - create_suffix.size()));
      } else if (ops != std::string_view::npos && ops > 0) {
        const std::string_view op = rest.substr(ops + 12);
        if (!op.empty() && op.find('/') == std::string_view::npos) {
          endpoint = "veo.status";
          model_id = std::string(rest.substr(0, ops));
          id = std::string(op);
        }
      }
    } else if (sub.rfind(files, 0) == 0) {
      const std::string_view rest = sub.substr(files.size());
      if (rest.size() > download_suffix.size() && rest.substr(rest.size() - download_suffix.size()) == download_suffix) {
        endpoint = "veo.media";
        id = std::string(rest.substr(0, rest.size() - download_suffix.size()));
      }
    }
    Reply r = dispatch(request, endpoint, model_id, id);
    r.counter = endpoint;
    return r;
  }

  /// The video on the media origin (drift only: the API serves it from its own origin): no key
  /// needed; a request carrying one (x-goog-api-key or Authorization) is counted.
  Reply foreign_media(Request& request, const std::string& file_id) {
    const std::string endpoint = "veo.media";
    if (request.headers.find("x-goog-api-key") || request.headers.find("Authorization")) {
      ++core_.counters().media_requests_with_authorization;
    }
    if (request.method != "GET" && request.method != "HEAD") return bucket_reply(405, endpoint);
    Job* job = job_of(file_id);
    Reply r = serve(request, job, endpoint, [&](int s, const std::string&) { return bucket_reply(s, endpoint); });
    r.counter = endpoint;
    return r;
  }

private:
  Reply dispatch(Request& request, const std::string& endpoint, const std::string& model_id, const std::string& id) {
    if (endpoint == "veo.other") return error(404, "Requested entity was not found.", endpoint);
    const bool method_ok = (endpoint == "veo.create" && request.method == "POST") ||
                           ((endpoint == "veo.status" || endpoint == "veo.media") &&
                            (request.method == "GET" || request.method == "HEAD"));
    if (!method_ok) return error(404, "Requested entity was not found.", endpoint);
    const auto key_header = request.headers.find("x-goog-api-key");
    if (!key_header || key_header->empty()) {
      if (request.headers.find("Authorization")) {
        return error(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
                          "other valid authentication credential.",
                     endpoint);
      }
      return error(403, "Method doesn't allow unregistered callers (callers without established identity). Please use API "
                        "Key or other form of API consumer identity to call this API.",
                   endpoint);
    }
    const std::string key(*key_header);
    if (!core_.key_ok(key)) {
      reel::json::Object info;
      info.emplace_back("@type", "type.googleapis.com/google.rpc.ErrorInfo");
      info.emplace_back("reason", "API_KEY_INVALID");
      info.emplace_back("domain", "googleapis.com");
      return error(400, "API key not valid. Please pass a valid API key.", endpoint, reel::json::Array{reel::json::Value(std::move(info))});
    }
    if (const auto limit = core_.rate_limit(endpoint, key); !limit.allowed) {
      const std::int64_t wait = std::max<std::int64_t>(1, limit.reset_unix - unix_now());
      return exhausted("Resource has been exhausted (e.g. check quota).", wait, endpoint);
    }
    if (endpoint == "veo.create") return create(request, model_id, key);

    Job* job = job_of(id);
    if (job == nullptr || job->provider != "google-veo" || job->key != key || job->deleted ||
        (endpoint == "veo.status" && job->model != model_id)) {
      return error(404, endpoint == "veo.media" ? "File not found." : "Operation not found.", endpoint);
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
    if (endpoint == "veo.status") {
      ++job->polls;
      if (job->started_at && !job->cancelled) ++job->running_polls;
      r = json_reply(200, operation(*job, now));
    } else if (core_.drift().veo_download_redirect && job->phase(now) == Phase::succeeded) {
      r.status = 302;
      r.headers.set("Location", core_.media_base + "/gemini/files/" + id + ":download?alt=media");
    } else {
      r = serve(request, job, endpoint, [&](int s, const std::string& m) { return error(s, m, endpoint); });
      return r;  // serve applied the media faults
    }
    if (f) apply_fault(r, *f, [&](int s, const std::string& m) { return error(s, m, endpoint); });
    return r;
  }

  // The MP4 of a finished job, or the error saying why not; media faults applied.
  template <class ErrorReply>
  Reply serve(Request& request, Job* job, const std::string& endpoint, ErrorReply&& error_reply) {
    Reply r;
    if (job == nullptr || job->provider != "google-veo" || job->deleted || job->phase(SteadyClock::now()) != Phase::succeeded) {
      r = error_reply(404, "File not found.");
    } else if (unix_now() >= job->completed_unix + core_.config().download_ttl_s) {
      r = error_reply(404, "File has expired.");
    } else if (const auto status = core_.media_status()) {
      r = error_reply(*status, "Injected media failure");
    } else if (core_.drift().media_body) {
      core_.drifted();
      r = non_video_reply(*core_.drift().media_body, endpoint);
    } else {
      ++job->download_fetches;
      r = media_reply(request, job->output_bytes);
    }
    if (job != nullptr) {
      if (auto f = core_.fault(Subject{endpoint, job->model, job->prompt, job->key})) apply_fault(r, *f, error_reply);
    }
    return r;
  }

  // 429 RESOURCE_EXHAUSTED with a RetryInfo of `wait_s` seconds.
  static Reply exhausted(std::string message, std::int64_t wait_s, const std::string& endpoint) {
    reel::json::Object info;
    info.emplace_back("@type", "type.googleapis.com/google.rpc.RetryInfo");
    info.emplace_back("retryDelay", std::to_string(wait_s) + "s");
    return error(429, std::move(message), endpoint, reel::json::Array{reel::json::Value(std::move(info))});
  }

  Reply create(const Request& request, const std::string& model_id, const std::string& key) {
    const std::string endpoint = "veo.create";
    const ModelConfig* m = core_.model("google-veo", model_id);
    if (m == nullptr) {
      return error(404, "models/" + model_id + " is not found for API version v1beta, or is not supported for predictLongRunning. "
                   "Call ListModels to see the list of available models and their supported methods.",
                   endpoint);
    }
    if (m->retired) return error(404, "models/" + model_id + " is no longer available.", endpoint);
    reel::json::Value body;
    if (const reel::json::Error e = reel::json::read(request.body, body)) {
      return error(400, "Invalid JSON payload received. " + e.message(), endpoint);
    }
    if (!body.is_object()) return error(400, "Invalid JSON payload received. Expected an object.", endpoint);
    for (const auto& [k, v] : *body.if_object()) {
      if (k != "instances" && k != "parameters" && k != "webhookConfig") return unknown_name(k, "", endpoint);
    }
    const reel::json::Value* instances = body.find("instances");
    if (instances == nullptr || !instances->if_array() || instances->if_array()->size() != 1) {
      return error(400, "instances: exactly one instance is required.", endpoint);
    }
    const reel::json::Value& in = instances->if_array()->front();
    if (!in.is_object()) return error(400, "instances[0]: must be an object.", endpoint);
    for (const auto& [k, v] : *in.if_object()) {
      if (k != "prompt" && k != "image" && k != "lastFrame" && k != "video" && k != "referenceImages") {
        return unknown_name(k, "instances[0]", endpoint);
      }
    }
    const std::string* prompt = in.find_string("prompt");
    if (prompt == nullptr && in.find("image") == nullptr) return error(400, "instances[0].prompt: a prompt or an image is required.", endpoint);
    const std::string text = prompt != nullptr ? *prompt : std::string();
    for (const char* frame : {"image", "lastFrame"}) {
      const reel::json::Value* img = in.find(frame);
      if (img == nullptr) continue;
      if (!img->is_object() || img->find_string("bytesBase64Encoded") == nullptr || img->find_string("mimeType") == nullptr) {
        return error(400, std::string("instances[0].") + frame + ": bytesBase64Encoded and mimeType are required.", endpoint);
      }
      if (img->find("gcsUri") != nullptr) return error(400, "gcsUri is not supported in the Gemini API.", endpoint);
    }
    std::string duration = m->durations.empty() ? std::string("8") : m->durations.front();
    std::string resolution;
    if (const reel::json::Value* p = body.find("parameters"); p != nullptr) {
      if (!p->is_object()) return error(400, "parameters: must be an object.", endpoint);
      for (const auto& [k, v] : *p->if_object()) {
        static const std::vector<std::string> known = {"sampleCount",      "durationSeconds", "aspectRatio",  "resolution",
                                                       "personGeneration", "negativePrompt",  "enhancePrompt"};
        if (std::find(known.begin(), known.end(), k) == known.end()) return unknown_name(k, "parameters", endpoint);
      }
      if (const reel::json::Value* d = p->find("durationSeconds"); d != nullptr) {
        const auto n = d->if_number() != nullptr ? d->if_number()->to_int64() : std::nullopt;
        if (!n || std::find(m->durations.begin(), m->durations.end(), std::to_string(*n)) == m->durations.end()) {
          return error(400, "The number value for `durationSeconds` is out of bound. Please provide a value among " + joined(m->durations) + ".",
                       endpoint);
        }
        duration = std::to_string(*n);
      }
      if (const reel::json::Value* s = p->find("sampleCount"); s != nullptr) {
        const auto n = s->if_number() != nullptr ? s->if_number()->to_int64() : std::nullopt;
        if (!n || *n < 1 || *n > 4) return error(400, "sampleCount must be between 1 and 4.", endpoint);
      }
      auto check = [&](const char* field, const std::vector<std::string>& allowed, std::string* into) -> std::optional<Reply> {
        const reel::json::Value* v = p->find(field);
        if (v == nullptr) return std::nullopt;
        const std::string* s = v->if_string();
        if (s != nullptr && (allowed.empty() || std::find(allowed.begin(), allowed.end(), *s) != allowed.end())) {
          if (into != nullptr) *into = *s;
          return std::nullopt;
        }
        return error(400, std::string("Unsupported ") + field + ". Supported values: " + joined(allowed) + ".", endpoint);
      };
      if (auto bad = check("aspectRatio", m->aspect_ratios, nullptr)) return *bad;
      if (auto bad = check("resolution", m->resolutions, &resolution)) return *bad;
    }
    if (code_points(text) > m->prompt_character_limit) {
      return error(400, "The prompt is longer than " + std::to_string(m->prompt_character_limit) + " characters.", endpoint);
    }
    const Subject subject{endpoint, m->id, text, key};
    std::optional<Fault> f = core_.fault(subject);
    Reply r;
    if (f && f->status) {
      apply_fault(r, *f, [&](int s, const std::string& msg) { return error(s, msg, endpoint); });
      return r;
    }
    if (core_.blocked_term(text)) {
      return error(400, "The prompt could not be submitted. It contains words that violate the usage guidelines.", endpoint);
    }
    const double cost = m->usd_per_second * std::atof(duration.c_str());
    if (!core_.charge(key, cost)) {
      return exhausted("You exceeded your current quota, please check your plan and billing details.", 60, endpoint);
    }
    Job& job = core_.create_job("google-veo", *m, subject);
    job.seconds = duration;
    job.size = resolution;
    core_.bill(job, cost);
    const std::string op_id = op_id_of(job.id);
    ops_[op_id] = job.id;
    if (const auto status = core_.create_error("google-veo")) return gateway_reply(*status, endpoint);
    reel::json::Object op;
    op.emplace_back("name", "models/" + job.model + "/operations/" + op_id);
    r = json_reply(200, reel::json::Value(std::move(op)));
    if (f) apply_fault(r, *f, [&](int st, const std::string& msg) { return error(st, msg, endpoint); });
    return r;
  }

  // `Invalid JSON payload received. Unknown name "x" at 'parameters': Cannot find field.`
  static Reply unknown_name(const std::string& name, std::string_view at, const std::string& endpoint) {
    std::string where = at.empty() ? std::string() : " at '" + std::string(at) + "'";
    return error(400, "Invalid JSON payload received. Unknown name \"" + name + "\"" + where + ": Cannot find field.", endpoint);
  }

  reel::json::Value operation(Job& job, SteadyClock::time_point now) {
    const std::string op_id = op_id_of(job.id);
    reel::json::Object op;
    op.emplace_back("name", "models/" + job.model + "/operations/" + op_id);
    const Phase phase = job.phase(now);
    if (phase == Phase::waiting || phase == Phase::running) {
      reel::json::Object meta;
      meta.emplace_back("@type", "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningMetadata");
      op.emplace_back("metadata", reel::json::Value(std::move(meta)));
      return reel::json::Value(std::move(op));
    }
    if (job.completed_unix == 0) job.completed_unix = unix_now();
    op.emplace_back("done", true);
    if (phase == Phase::failed) {
      reel::json::Object err;
      err.emplace_back("code", reel::json::Value(static_cast<std::int64_t>(13)));
      err.emplace_back("message", job.fail_message);
      op.emplace_back("error", reel::json::Value(std::move(err)));
      return reel::json::Value(std::move(op));
    }
    reel::json::Object gen;
    if (phase == Phase::succeeded) {
      const std::string uri = core_.drift().veo_uri_on_media_origin
                                  ? core_.media_base + "/gemini/files/" + op_id + ":download?alt=media"
                                  : base_url + "/v1beta/files/" + op_id + ":download?alt=media";
      reel::json::Object video;
      video.emplace_back("uri", uri);
      reel::json::Object sample;
      sample.emplace_back("video", reel::json::Value(std::move(video)));
      gen.emplace_back("generatedSamples", reel::json::Value(reel::json::Array{reel::json::Value(std::move(sample))}));
    } else {  // rejected: every sample filtered, none returned
      gen.emplace_back("raiMediaFilteredCount", reel::json::Value(static_cast<std::int64_t>(1)));
      gen.emplace_back("raiMediaFilteredReasons", reel::json::Value(reel::json::Array{reel::json::Value(job.fail_message)}));
    }
    reel::json::Object response;
    response.emplace_back("@type", "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse");
    response.emplace_back("generateVideoResponse", reel::json::Value(std::move(gen)));
    op.emplace_back("response", reel::json::Value(std::move(response)));
    return reel::json::Value(std::move(op));
  }

  // The operation (and file) id of a job: its id without dashes (the SDK reads `[a-z0-9]+`).
  static std::string op_id_of(const std::string& job_id) {
    std::string out;
    for (const char c : job_id) {
      if (c != '-') out.push_back(c);
    }
    return out;
  }

  Job* job_of(const std::string& op_id) {
    const auto it = ops_.find(op_id);
    return it == ops_.end() ? nullptr : core_.job(it->second);
  }

  static std::string joined(const std::vector<std::string>& values) {
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i) out += (i == 0 ? "" : ", ") + values[i];
    return out;
  }

  Core& core_;
  std::map<std::string, std::string> ops_;  ///< operation id → job id
};

}  // namespace reel_sim::google_veo
