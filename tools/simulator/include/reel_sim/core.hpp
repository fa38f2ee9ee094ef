// SPDX-License-Identifier: BSL-1.0
// What both provider front ends share: the configuration and state, JSON replies, jobs, media
// replies with Range support, rate-limit headers and fault injection.
#pragma once

#include <reel_sim/config.hpp>
#include <reel_sim/http.hpp>
#include <reel_sim/media.hpp>
#include <reel_sim/state.hpp>

#include <reel/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace reel_sim {

/// The shared simulator core, used from one thread.
class Core {
public:
  explicit Core(Config config) : config_(std::move(config)) { reset_state(); }

  const Config& config() const { return config_; }
  /// Replaces the configuration and forgets every job and counter.
  void set_config(Config config) {
    config_ = std::move(config);
    reset_state();
  }
  /// Replaces the rules (keeps jobs and counters).
  void set_rules(std::vector<Rule> rules) {
    config_.rules = std::move(rules);
    rules_.reset(config_.rules, config_.seed);
  }
  /// Forgets every job, counter and rate-limit window.
  void reset_state() {
    jobs_.clear();
    order_.clear();
    tokens_.clear();
    idempotency_.clear();
    counters_ = Counters{};
    limiter_.clear();
    guard_.clear();
    balances_.clear();
    create_errors_.clear();
    truncated_sent_ = false;
    media_drift_sent_ = 0;
    rules_.reset(config_.rules, config_.seed);
  }

  /// Base URL of the media origin ("http://127.0.0.1:<media port>").
  std::string media_base;

  // ---- models -----------------------------------------------------------------------------
  const ModelConfig* model(std::string_view provider, std::string_view id) const {
    for (const auto& m : config_.models) {
      if (m.provider == provider && m.id == id) return &m;
    }
    return nullptr;
  }

  /// The first configured model of `provider` (an API's default when a create names none), or null.
  const ModelConfig* first_model(std::string_view provider) const {
    for (const auto& m : config_.models) {
      if (m.provider == provider) return &m;
    }
    return nullptr;
  }

  // ---- keys ---------------------------------------------------------------------------------
  /// Whether `key` is accepted.
  bool key_ok(const std::string& key) const {
    if (key.empty()) return false;
    if (config_.api_keys.empty()) return true;
    return std::find(config_.api_keys.begin(), config_.api_keys.end(), key) != config_.api_keys.end();
  }
  /// Charges `usd` to `key`; false when the balance does not cover it.
  bool charge(const std::string& key, double usd) {
    if (!config_.balance_usd) return true;
    auto [it, fresh] = balances_.try_emplace(key, *config_.balance_usd);
    if (it->second + 1e-9 < usd) return false;
    it->second -= usd;
    return true;
  }
  /// Whether `key` could pay `usd` now.
  bool can_pay(const std::string& key, double usd) const {
    if (!config_.balance_usd) return true;
    const auto it = balances_.find(key);
    return (it == balances_.end() ? *config_.balance_usd : it->second) + 1e-9 >= usd;
  }
  bool blocked_term(std::string_view prompt) const {
    for (const auto& t : config_.blocked_terms) {
      if (!t.empty() && prompt.find(t) != std::string_view::npos) return true;
    }
    return false;
  }

  // ---- jobs ---------------------------------------------------------------------------------
  /// Creates a job for `subject` (rules decide its timing and outcome) and counts it.
  Job& create_job(std::string provider, const ModelConfig& m, const Subject& subject) {
    JobSpec spec = config_.job;
    RuleEngine::overlay(spec, m.job);
    spec = rules_.job(subject, spec);
    auto job = std::make_unique<Job>();
    job->provider = std::move(provider);
    job->id = new_id(job->provider == "lumenfall" || job->provider == "openai" ? "video_" : "");
    job->model = m.id;
    job->prompt = subject.prompt;
    job->key = subject.key;
    job->created_unix = unix_now();
    job->queued_at = SteadyClock::now();
    job->duration_ms = rules_.draw_duration_ms(spec);
    job->polls_needed = spec.polls;
    job->eta_factor = spec.eta_factor.value_or(1.0);
    job->outcome = spec.outcome.value_or("succeed");
    job->fail_code = spec.fail_code.value_or(job->outcome.rfind("content_policy", 0) == 0 ? "CONTENT_POLICY_VIOLATION"
                                                                             : "GENERATION_FAILED");
    job->fail_message = spec.fail_message.value_or(job->outcome.rfind("content_policy", 0) == 0
                                                       ? "The provider rejected the prompt under its content policy."
                                                       : "The video could not be generated.");
    job->output_bytes = spec.output_bytes ? static_cast<std::uint64_t>(std::max<std::int64_t>(0, *spec.output_bytes))
                                          : sample_mp4().size();
    if (m.capacity <= 0) job->started_at = job->queued_at;
    ++counters_.jobs_created;
    ++counters_.jobs_created_by_prompt[subject.prompt];
    Job& ref = *job;
    order_.push_back(ref.id);
    jobs_[ref.id] = std::move(job);
    return ref;
  }

  /// Records that `job` was charged `usd` (the charge itself is `charge`).
  void bill(Job& job, double usd) {
    job.cost_usd = usd;
    ++counters_.jobs_billed;
    counters_.billed_usd += usd;
  }
  /// The provider's copy of `job` is gone (it is cleaned up too).
  void mark_deleted(Job& job) {
    job.cleaned = true;
    if (job.deleted) return;
    job.deleted = true;
    ++counters_.jobs_deleted;
  }
  /// `job` was cancelled while queued or running (it is cleaned up too).
  void mark_cancelled(Job& job, std::int64_t progress) {
    job.cleaned = true;
    if (job.cancelled) return;
    job.cancelled = true;
    job.cancelled_progress = progress;
    ++counters_.jobs_cancelled;
  }

  Job* job(const std::string& id) {
    const auto it = jobs_.find(id);
    return it == jobs_.end() ? nullptr : it->second.get();
  }
  Job* job_by_token(const std::string& token) {
    const auto it = tokens_.find(token);
    return it == tokens_.end() ? nullptr : job(it->second);
  }
  /// Gives `job` a one-time download link token.
  void add_download_token(Job& job) {
    job.download_token = new_id("") + new_id("");
    tokens_[job.download_token] = job.id;
  }
  /// The job created earlier with this idempotency key by this API key.
  Job* job_by_idempotency_key(const std::string& key, const std::string& idempotency_key) {
    const auto it = idempotency_.find(key + "\n" + idempotency_key);
    return it == idempotency_.end() ? nullptr : job(it->second);
  }
  void remember_idempotency_key(const std::string& key, Job& job) {
    idempotency_[key + "\n" + job.idempotency_key] = job.id;
    ++counters_.jobs_created_by_idempotency_key[job.idempotency_key];
  }

  /// Starts waiting jobs of models with limited capacity, oldest first.
  void schedule(SteadyClock::time_point now) {
    // Only models with a capacity queue jobs: without one, there is nothing to walk through.
    bool limited = false;
    for (const auto& m : config_.models) limited = limited || m.capacity > 0;
    if (!limited) return;
    std::map<std::string, std::int64_t> running;
    for (const auto& id : order_) {
      Job& j = *jobs_[id];
      if (j.cleaned) continue;
      const ModelConfig* m = model(j.provider, j.model);
      if (m == nullptr || m->capacity <= 0) continue;
      if (j.started_at) {
        if (j.phase(now) == Phase::running) ++running[j.model];
      } else if (running[j.model] < m->capacity) {
        j.started_at = now;
        ++running[j.model];
      }
    }
  }

  /// Counts a request naming `job` after it was cleaned up.
  void touch(Job& job) {
    if (job.cleaned) {
      ++job.requests_after_cleanup;
      ++counters_.requests_after_cleanup;
    }
  }

  // ---- limits, guard, faults ------------------------------------------------------------------
  RateLimiter::Decision rate_limit(const std::string& endpoint, const std::string& key) {
    const auto it = config_.rate_limits.find(endpoint);
    return limiter_.take(endpoint, key, it == config_.rate_limits.end() ? 0 : it->second, unix_now());
  }
  AbuseGuard& guard() { return guard_; }
  std::optional<Fault> fault(const Subject& s) {
    auto f = rules_.fault(s);
    if (f) ++counters_.faults_injected;
    return f;
  }

  // ---- drift ------------------------------------------------------------------------------------
  const Drift& drift() const { return config_.drift; }
  /// Counts an answer shaped by the drift section.
  void drifted() { ++counters_.drift_answers; }
  /// `word` in `Drift::status_case` ("upper", "lower", "title"; anything else: as is).
  std::string status_word(std::string word) const {
    const auto& c = config_.drift.status_case;
    if (!c) return word;
    bool start = true;
    for (char& ch : word) {
      const bool alpha = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
      const bool up = *c == "upper" || (*c == "title" && start);
      if (alpha && up && ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
      if (alpha && !up && (*c == "lower" || *c == "title") && ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      start = !alpha;
    }
    return word;
  }
  /// The status a create of `provider` that did create a job answers with (`Drift::create_error_status`), if any.
  std::optional<int> create_error(const std::string& provider) {
    const Drift& d = config_.drift;
    if (!d.create_error_status) return std::nullopt;
    std::int64_t& n = create_errors_[provider];
    if (n >= d.create_error_times) return std::nullopt;
    ++n;
    drifted();
    return d.create_error_status;
  }
  /// Whether this (successful) Venice create is the one whose body is cut off.
  bool take_truncated_create() {
    if (!config_.drift.create_truncated_body || truncated_sent_) return false;
    truncated_sent_ = true;
    drifted();
    return true;
  }
  /// The status a media GET answers instead of the video (`Drift::media_status`), if any.
  std::optional<int> media_status() {
    const Drift& d = config_.drift;
    if (!d.media_status) return std::nullopt;
    if (d.media_status_times && media_drift_sent_ >= *d.media_status_times) return std::nullopt;
    ++media_drift_sent_;
    drifted();
    return d.media_status;
  }

  /// The state of one job as JSON, or nullopt when there is no such job.
  std::optional<std::string> job_state_json(const std::string& id) {
    Job* j = job(id);
    if (j == nullptr) return std::nullopt;
    static constexpr const char* names[] = {"waiting", "running", "succeeded", "failed", "rejected"};
    JobState s;
    s.id = j->id;
    s.provider = j->provider;
    s.model = j->model;
    s.prompt = j->prompt;
    s.key = j->key;
    s.idempotency_key = j->idempotency_key;
    s.phase = j->cancelled ? "cancelled" : names[static_cast<int>(j->phase(SteadyClock::now()))];
    s.outcome = j->outcome;
    s.polls = j->polls;
    s.drift_polls = j->drift_polls;
    s.cost_usd = j->cost_usd;
    s.cleaned = j->cleaned;
    s.deleted = j->deleted;
    s.cancelled = j->cancelled;
    s.link_revoked = j->link_revoked;
    s.created_by_dry_run = j->created_by_dry_run;
    s.requests_after_cleanup = j->requests_after_cleanup;
    s.download_fetches = j->download_fetches;
    std::string out;
    (void)reel::json::write(s, out);
    return out;
  }

  Counters& counters() { return counters_; }
  /// The counters with a per-job summary, as JSON.
  std::string counters_json() {
    counters_.jobs.clear();
    for (const auto& id : order_) {
      const Job& j = *jobs_[id];
      JobCounters c;
      c.id = j.id;
      c.provider = j.provider;
      c.model = j.model;
      c.prompt = j.prompt;
      c.idempotency_key = j.idempotency_key;
      c.polls = j.polls;
      c.cleaned = j.cleaned;
      c.requests_after_cleanup = j.requests_after_cleanup;
      c.download_fetches = j.download_fetches;
      c.deleted = j.deleted;
      c.cancelled = j.cancelled;
      c.link_revoked = j.link_revoked;
      c.cost_usd = j.cost_usd;
      counters_.jobs.push_back(std::move(c));
    }
    std::string out;
    (void)reel::json::write(counters_, out);
    counters_.jobs.clear();
    return out;
  }

  std::uint64_t random() { return rules_.random(); }

  /// The body of a media GET for `job`: `Drift::media_status`, else `Drift::media_body`, else
  /// the MP4 (Range, counted as a download fetch).
  Reply media_body(const Request& request, Job& job, const std::string& endpoint);
  /// The answer of a media origin GET for `job` (null when there is none): `refused` when the
  /// caller refused it (no such video, expired, wrong method), else `media_body`; then the
  /// rule's fault (its status through `error_body(status, message)`). Counts a request that
  /// carried Authorization.
  template <class ErrorBody>
  Reply media_answer(const Request& request, Job* job, const std::string& endpoint, std::optional<Reply> refused,
                     ErrorBody&& error_body);

private:
  std::string new_id(std::string_view prefix) {
    const std::uint64_t a = rules_.random();
    const std::uint64_t b = rules_.random();
    char buf[64];
    // UUID-shaped, version 4 bits set.
    std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                  static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                  static_cast<unsigned long long>(b & 0xffffffffffffull));
    return std::string(prefix) + buf;
  }

  Config config_;
  std::map<std::string, std::unique_ptr<Job>> jobs_;
  std::vector<std::string> order_;
  std::map<std::string, std::string> tokens_;
  std::map<std::string, std::string> idempotency_;
  std::map<std::string, double> balances_;
  Counters counters_;
  std::map<std::string, std::int64_t> create_errors_;  ///< per provider: creates answered with create_error_status
  bool truncated_sent_ = false;
  std::int64_t media_drift_sent_ = 0;
  RateLimiter limiter_;
  AbuseGuard guard_;
  RuleEngine rules_;
};

// ---- replies ---------------------------------------------------------------------------------

/// A JSON reply from a reflected value.
template <class T>
Reply json_reply(int status, const T& value) {
  Reply r;
  r.status = status;
  r.headers.set("Content-Type", "application/json");
  r.body.reserve(1024);  // status bodies are 80-900 bytes: one allocation, not 3-6 reallocations
  (void)reel::json::write(value, r.body);
  return r;
}

/// Applies a rule's fault: a replacement status (through `error_body`) and wire faults.
template <class ErrorBody>
void apply_fault(Reply& reply, const Fault& f, ErrorBody&& error_body) {
  if (f.status) {
    Reply replaced = error_body(*f.status, f.message.value_or("Injected failure"));
    replaced.counter = reply.counter;
    reply = std::move(replaced);
  }
  if (f.body) {
    reply.body = *f.body;
    reply.media.reset();
  }
  if (f.retry_after) reply.headers.set("Retry-After", *f.retry_after);
  auto u = [](const std::optional<std::int64_t>& v) -> std::optional<std::uint64_t> {
    if (!v || *v < 0) return std::nullopt;
    return static_cast<std::uint64_t>(*v);
  };
  reply.fault.reset_at = u(f.reset_at);
  reply.fault.stall_ms = u(f.stall_ms);
  reply.fault.stall_at = u(f.stall_at).value_or(0);
  reply.fault.truncate_at = u(f.truncate_at);
  reply.fault.trickle_bps = u(f.trickle_bps);
  if (reply.fault.reset_at || reply.fault.truncate_at) reply.close = true;
}

/// The number of code points in UTF-8 text (what the specs' "characters" and JSON Schema's maxLength count).
inline std::int64_t code_points(std::string_view text) {
  std::int64_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

/// `seconds` of an OpenAI-shaped create as text: a string as it is, a whole number without decimals.
inline std::string seconds_text(const std::variant<std::string, double>& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  const double d = std::get<double>(v);
  if (d == std::floor(d) && d >= 0 && d < 1e6) return std::to_string(static_cast<std::int64_t>(d));
  return std::to_string(d);
}

/// The progress a running job reports, 0 to 99: its share of `polls_needed` status requests, or
/// of the (possibly inaccurate, `eta_factor`) estimate of its duration.
inline std::int64_t running_progress(const Job& job, SteadyClock::time_point now) {
  const double estimate = std::max(1.0, static_cast<double>(job.duration_ms) * job.eta_factor);
  const double fraction = job.polls_needed ? static_cast<double>(job.running_polls) /
                                                 static_cast<double>(std::max<std::int64_t>(1, *job.polls_needed))
                                           : static_cast<double>(job.elapsed_ms(now)) / estimate;
  return std::clamp<std::int64_t>(static_cast<std::int64_t>(fraction * 100), 0, 99);
}

/// A gateway's own error page (nginx / Cloudflare style), text/html.
inline Reply gateway_reply(int status, std::string counter) {
  Reply r;
  r.status = status;
  r.headers.set("Content-Type", "text/html");
  const std::string title = std::to_string(status) + " " + std::string(reason(status));
  r.body = "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
           "</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n";
  r.counter = std::move(counter);
  return r;
}

/// A storage bucket's error answer: S3-style XML (403, 404, 429, others) or an HTML page (410).
inline Reply bucket_reply(int status, std::string counter) {
  Reply r;
  r.status = status;
  r.counter = std::move(counter);
  if (status == 410) {
    r.headers.set("Content-Type", "text/html");
    r.body = "<html><head><title>410 Gone</title></head><body><h1>410 Gone</h1><p>The requested object is no longer "
             "available.</p></body></html>";
    return r;
  }
  std::string code = "InternalError";
  std::string message = "We encountered an internal error. Please try again.";
  if (status == 403) {
    code = "AccessDenied";
    message = "Access Denied";
  } else if (status == 404) {
    code = "NoSuchKey";
    message = "The specified key does not exist.";
  } else if (status == 429) {
    code = "SlowDown";
    message = "Please reduce your request rate.";
  } else if (status == 400) {
    code = "ExpiredToken";
    message = "The provided token has expired.";
  }
  r.headers.set("Content-Type", "application/xml");
  r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message +
           "</Message><RequestId>SIM0000000000000</RequestId></Error>";
  return r;
}

/// A 200 media answer that is not a video (`Drift::media_body`: "html" or "json").
inline Reply non_video_reply(const std::string& kind, std::string counter) {
  Reply r;
  r.status = 200;
  r.counter = std::move(counter);
  if (kind == "json") {
    r.headers.set("Content-Type", "application/json");
    r.body = R"({"error":"The requested media could not be served"})";
  } else {
    r.headers.set("Content-Type", "text/html");
    r.body = "<!DOCTYPE html><html><head><title>Error</title></head><body><h1>Something went wrong</h1>"
             "<p>The requested media could not be served.</p></body></html>";
  }
  return r;
}

/// Sets Venice's x-ratelimit-* headers from a limiter decision.
inline void rate_limit_headers(Reply& reply, const RateLimiter::Decision& d) {
  if (d.limit == 0) return;
  reply.headers.set("x-ratelimit-limit-requests", std::to_string(d.limit));
  reply.headers.set("x-ratelimit-remaining-requests", std::to_string(d.remaining));
  reply.headers.set("x-ratelimit-reset-requests", std::to_string(d.reset_unix));
}

/// Parses "bytes=a-b" / "bytes=a-" / "bytes=-n" against `size`: [first, last] or nullopt when
/// unsatisfiable; `valid` false when the header is not a single byte range (then it is ignored).
inline std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_range(std::string_view h, std::uint64_t size,
                                                                          bool& valid) {
  valid = false;
  if (h.rfind("bytes=", 0) != 0) return std::nullopt;
  h.remove_prefix(6);
  const auto dash = h.find('-');
  if (dash == std::string_view::npos || h.find(',') != std::string_view::npos) return std::nullopt;
  auto num = [](std::string_view s, std::uint64_t& v) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return !s.empty() && ec == std::errc() && end == s.data() + s.size();
  };
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  const std::string_view first = h.substr(0, dash);
  const std::string_view last = h.substr(dash + 1);
  if (first.empty()) {
    if (!num(last, b)) return std::nullopt;
    valid = true;
    if (b == 0 || size == 0) return std::nullopt;
    return std::pair{size - std::min(b, size), size - 1};
  }
  if (!num(first, a) || (!last.empty() && !num(last, b))) return std::nullopt;
  if (!last.empty() && b < a) return std::nullopt;
  valid = true;
  if (a >= size) return std::nullopt;
  return std::pair{a, last.empty() ? size - 1 : std::min(b, size - 1)};
}

/// The job's MP4 as a reply, honouring a Range header (206 / 416).
inline Reply media_reply(const Request& request, std::uint64_t size) {
  Reply r;
  r.headers.set("Content-Type", "video/mp4");
  r.headers.set("Accept-Ranges", "bytes");
  Generated full = mp4_of_size(size);
  size = full.size;
  if (const auto range = request.headers.find("Range")) {
    bool valid = false;
    const auto span = parse_range(*range, size, valid);
    if (valid && !span) {
      r.status = 416;
      r.headers.set("Content-Range", "bytes */" + std::to_string(size));
      r.headers.set("Content-Type", "application/json");
      r.body = R"({"error":"Range Not Satisfiable"})";
      return r;
    }
    if (span) {
      const std::uint64_t first = span->first;
      const std::uint64_t last = span->second;
      r.status = 206;
      r.headers.set("Content-Range",
                    "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" + std::to_string(size));
      Generated part;
      part.size = last - first + 1;
      part.fill = [fill = std::move(full.fill), first](std::uint64_t offset, std::span<char> out) {
        fill(first + offset, out);
      };
      r.media = std::move(part);
      return r;
    }
  }
  r.status = 200;
  r.media = std::move(full);
  return r;
}

inline Reply Core::media_body(const Request& request, Job& job, const std::string& endpoint) {
  if (const auto status = media_status()) return bucket_reply(*status, endpoint);
  if (drift().media_body) {
    drifted();
    return non_video_reply(*drift().media_body, endpoint);
  }
  ++job.download_fetches;
  return media_reply(request, job.output_bytes);
}

template <class ErrorBody>
Reply Core::media_answer(const Request& request, Job* job, const std::string& endpoint, std::optional<Reply> refused,
                         ErrorBody&& error_body) {
  if (request.headers.find("Authorization")) ++counters_.media_requests_with_authorization;
  Reply r;
  if (refused) {
    r = std::move(*refused);
  } else if (job != nullptr) {
    r = media_body(request, *job, endpoint);
  }
  if (job != nullptr) {
    if (auto f = fault(Subject{endpoint, job->model, job->prompt, job->key})) apply_fault(r, *f, error_body);
  }
  r.counter = endpoint;
  return r;
}

}  // namespace reel_sim
