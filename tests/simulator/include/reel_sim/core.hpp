// What both provider front ends share: the configuration and state, JSON replies, jobs, media
// replies with Range support, rate-limit headers and fault injection.
#pragma once

#include <reel_sim/config.hpp>
#include <reel_sim/http.hpp>
#include <reel_sim/media.hpp>
#include <reel_sim/state.hpp>

#include <reel/json.hpp>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

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
    job->id = new_id(job->provider == "lumenfall" ? "video_" : "");
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

  Counters& counters() { return counters_; }
  /// The counters with a per-job summary, as JSON.
  std::string counters_json() {
    counters_.jobs.clear();
    for (const auto& id : order_) {
      const Job& j = *jobs_[id];
      counters_.jobs.push_back(JobCounters{j.id, j.provider, j.model, j.prompt, j.idempotency_key, j.polls, j.cleaned,
                                           j.requests_after_cleanup, j.download_fetches});
    }
    std::string out;
    (void)reel::json::write(counters_, out);
    counters_.jobs.clear();
    return out;
  }

  std::uint64_t random() { return rules_.random(); }

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

}  // namespace reel_sim
