// SPDX-License-Identifier: BSL-1.0
// The simulator's mutable state: jobs and their timing, counters, per-key rate limits and the
// Venice abuse guard, and the rule engine that picks job specs and faults. Single-threaded: it is
// only touched from the simulator's io_context.
#pragma once

#include <reel_sim/config.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace reel_sim {

using SteadyClock = std::chrono::steady_clock;

/// Seconds since the Unix epoch, now.
inline std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Where a job is.
enum class Phase { waiting, running, succeeded, failed, rejected };

/// One submitted (billable) job of either provider.
struct Job {
  std::string id;
  std::string provider;
  std::string model;
  std::string prompt;
  std::string key;
  std::string idempotency_key;
  std::string seconds;  ///< Venice duration ("5s") or Lumenfall seconds ("4")
  std::string size;     ///< Venice resolution or Lumenfall size
  std::int64_t created_unix = 0;
  std::int64_t completed_unix = 0;  ///< set when first seen finished
  SteadyClock::time_point queued_at;
  std::optional<SteadyClock::time_point> started_at;  ///< got a capacity slot
  std::int64_t duration_ms = 0;
  std::optional<std::int64_t> polls_needed;
  std::int64_t polls = 0;           ///< status requests
  std::int64_t running_polls = 0;   ///< status requests while running (for `polls_needed`)
  double eta_factor = 1.0;
  std::string outcome = "succeed";
  std::string fail_code;
  std::string fail_message;
  std::uint64_t output_bytes = 0;
  double cost_usd = 0;
  bool cleaned = false;  ///< completed, deleted or cancelled: no request should name it any more
  bool deleted = false;    ///< the provider's copy is gone (Venice complete / delete_media_on_completion, Lumenfall DELETE)
  bool cancelled = false;  ///< Lumenfall DELETE while queued or running
  bool created_by_dry_run = false;  ///< Drift::dry_run_creates: a `?dryRun=true` create made it
  std::int64_t cancelled_progress = 0;  ///< progress reported when it was cancelled
  std::int64_t requests_after_cleanup = 0;
  std::int64_t drift_polls = 0;  ///< status requests answered by Drift (capacity 503s, extra statuses)
  std::int64_t capacity_503_sent = 0;
  std::size_t extra_statuses_sent = 0;
  // Venice private models: the one-time download link.
  std::string download_token;
  std::int64_t download_fetches = 0;
  bool link_revoked = false;

  /// The phase at `now` (the poll count is kept by the caller).
  Phase phase(SteadyClock::time_point now) const {
    if (!started_at) return Phase::waiting;
    const bool done = polls_needed ? running_polls >= *polls_needed
                                   : now - *started_at >= std::chrono::milliseconds(duration_ms);
    if (!done) return Phase::running;
    if (outcome == "fail") return Phase::failed;
    if (outcome == "content_policy" || outcome == "content_policy_legacy") return Phase::rejected;
    return Phase::succeeded;
  }
  /// Milliseconds spent running so far.
  std::int64_t elapsed_ms(SteadyClock::time_point now) const {
    if (!started_at) return 0;
    return std::chrono::duration_cast<std::chrono::milliseconds>(now - *started_at).count();
  }
};

/// What tests read to prove "no duplicate submit", "no request after cleanup", "N polls".
struct JobCounters {
  std::string id;
  std::string provider;
  std::string model;
  std::string prompt;
  std::string idempotency_key;
  std::int64_t polls = 0;
  bool cleaned = false;
  std::int64_t requests_after_cleanup = 0;
  std::int64_t download_fetches = 0;
  bool deleted = false;
  bool cancelled = false;
  bool link_revoked = false;
  double cost_usd = 0;
};

/// One job as `GET /__sim/jobs/{id}` shows it.
struct JobState {
  std::string id;
  std::string provider;
  std::string model;
  std::string prompt;
  std::string key;
  std::string idempotency_key;
  std::string phase;  ///< "waiting", "running", "succeeded", "failed", "rejected" or "cancelled"
  std::string outcome;
  std::int64_t polls = 0;        ///< every status request
  std::int64_t drift_polls = 0;  ///< of which answered by Drift (capacity 503s, extra statuses)
  double cost_usd = 0;           ///< billed
  bool billed = true;
  bool cleaned = false;
  bool deleted = false;
  bool cancelled = false;
  bool link_revoked = false;
  bool created_by_dry_run = false;
  std::int64_t requests_after_cleanup = 0;
  std::int64_t download_fetches = 0;
};

/// All counters, as served by `GET /__sim/counters` and printed on exit.
struct Counters {
  std::map<std::string, std::int64_t> requests;  ///< "endpoint status" → count
  std::map<std::string, std::int64_t> bytes_served;  ///< endpoint → body bytes written
  std::map<std::string, std::int64_t> jobs_created_by_prompt;
  std::map<std::string, std::int64_t> jobs_created_by_idempotency_key;
  std::map<std::string, std::int64_t> create_requests_by_idempotency_key;
  std::int64_t jobs_created = 0;
  std::int64_t jobs_billed = 0;     ///< every created job is charged its price first
  double billed_usd = 0;
  std::int64_t jobs_deleted = 0;    ///< provider copies removed (Venice complete, Lumenfall DELETE of a finished job)
  std::int64_t jobs_cancelled = 0;  ///< Lumenfall DELETE of a queued or running job
  std::int64_t links_revoked = 0;   ///< Venice download_url DELETEs that revoked the link
  std::int64_t drift_answers = 0;   ///< answers shaped by `Config::drift` (not counting status case or spellings)
  std::int64_t requests_after_cleanup = 0;
  std::int64_t media_requests_with_authorization = 0;
  std::int64_t faults_injected = 0;
  std::vector<JobCounters> jobs;
};

/// Fixed one-minute windows per endpoint and key, as Venice's x-ratelimit-* headers describe.
class RateLimiter {
public:
  struct Decision {
    bool allowed = true;
    std::int64_t limit = 0;
    std::int64_t remaining = 0;
    std::int64_t reset_unix = 0;
  };

  /// Counts a request; `limit` 0 means unlimited.
  Decision take(const std::string& endpoint, const std::string& key, std::int64_t limit, std::int64_t now_unix) {
    Decision d;
    if (limit <= 0) return d;
    Window& w = windows_[endpoint + "\n" + key];
    const std::int64_t start = now_unix - now_unix % 60;
    if (w.start != start) w = Window{start, 0};
    d.limit = limit;
    d.reset_unix = start + 60;
    d.allowed = w.count < limit;
    if (d.allowed) ++w.count;
    d.remaining = limit - w.count;
    return d;
  }
  void clear() { windows_.clear(); }

private:
  struct Window {
    std::int64_t start = 0;
    std::int64_t count = 0;
  };
  std::map<std::string, Window> windows_;
};

/// Venice's abuse guard: more than 20 failed requests in 30 s block the key for 30 s.
class AbuseGuard {
public:
  bool blocked(const std::string& key, SteadyClock::time_point now) const {
    const auto it = blocked_until_.find(key);
    return it != blocked_until_.end() && now < it->second;
  }
  void failed(const std::string& key, SteadyClock::time_point now) {
    auto& q = failures_[key];
    q.push_back(now);
    while (!q.empty() && now - q.front() > std::chrono::seconds(30)) q.pop_front();
    if (q.size() > 20) {
      blocked_until_[key] = now + std::chrono::seconds(30);
      q.clear();
    }
  }
  void clear() {
    failures_.clear();
    blocked_until_.clear();
  }

private:
  std::map<std::string, std::deque<SteadyClock::time_point>> failures_;
  std::map<std::string, SteadyClock::time_point> blocked_until_;
};

/// What a request looks like to the rules.
struct Subject {
  std::string endpoint;
  std::string model;
  std::string prompt;
  std::string key;
};

/// Applies `Config::rules` with their skip / times / probability bookkeeping.
class RuleEngine {
public:
  void reset(const std::vector<Rule>& rules, std::uint64_t seed) {
    rules_ = rules;
    seen_.assign(rules_.size(), 0);
    applied_.assign(rules_.size(), 0);
    rng_.seed(seed);
  }

  /// The fault for this request, if a rule says so.
  std::optional<Fault> fault(const Subject& s) {
    for (std::size_t i = 0; i < rules_.size(); ++i) {
      if (rules_[i].fault && matches(rules_[i].match, s) && fires(i)) return rules_[i].fault;
    }
    return std::nullopt;
  }

  /// `base` overlaid with every matching job rule, in order.
  JobSpec job(const Subject& s, JobSpec base) {
    for (std::size_t i = 0; i < rules_.size(); ++i) {
      if (rules_[i].job && matches(rules_[i].match, s) && fires(i)) overlay(base, *rules_[i].job);
    }
    return base;
  }

  /// Later members win where set.
  static void overlay(JobSpec& into, const JobSpec& from) {
    auto set = [](auto& a, const auto& b) {
      if (b) a = b;
    };
    if (from.duration_ms || from.duration_min_ms || from.duration_mean_ms || from.polls) {
      into.duration_ms.reset();
      into.duration_min_ms.reset();
      into.duration_max_ms.reset();
      into.duration_mean_ms.reset();
      into.polls.reset();
    }
    set(into.duration_ms, from.duration_ms);
    set(into.duration_min_ms, from.duration_min_ms);
    set(into.duration_max_ms, from.duration_max_ms);
    set(into.duration_mean_ms, from.duration_mean_ms);
    set(into.polls, from.polls);
    set(into.eta_factor, from.eta_factor);
    set(into.outcome, from.outcome);
    set(into.fail_code, from.fail_code);
    set(into.fail_message, from.fail_message);
    set(into.output_bytes, from.output_bytes);
  }

  /// A running time drawn as `spec` says (seeded).
  std::int64_t draw_duration_ms(const JobSpec& spec) {
    if (spec.duration_min_ms) {
      const std::int64_t lo = *spec.duration_min_ms;
      const std::int64_t hi = std::max(lo, spec.duration_max_ms.value_or(lo));
      return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
    }
    if (spec.duration_mean_ms && *spec.duration_mean_ms > 0) {
      std::exponential_distribution<double> d(1.0 / static_cast<double>(*spec.duration_mean_ms));
      return static_cast<std::int64_t>(std::llround(d(rng_)));
    }
    return std::max<std::int64_t>(0, spec.duration_ms.value_or(0));
  }

  /// A random 64-bit number from the seeded generator.
  std::uint64_t random() { return rng_(); }

private:
  // "venice.*" matches every Venice endpoint.
  static bool endpoint_matches(const std::string& pattern, const std::string& endpoint) {
    if (!pattern.empty() && pattern.back() == '*') return endpoint.rfind(pattern.substr(0, pattern.size() - 1), 0) == 0;
    return pattern == endpoint;
  }

  static bool matches(const Match& m, const Subject& s) {
    if (m.endpoint && !endpoint_matches(*m.endpoint, s.endpoint)) return false;
    if (m.model && *m.model != s.model) return false;
    if (m.prompt_contains && s.prompt.find(*m.prompt_contains) == std::string::npos) return false;
    if (m.key && *m.key != s.key) return false;
    return true;
  }

  bool fires(std::size_t i) {
    const Rule& r = rules_[i];
    ++seen_[i];
    if (r.skip && seen_[i] <= *r.skip) return false;
    if (r.times && applied_[i] >= *r.times) return false;
    if (r.probability && std::uniform_real_distribution<double>(0, 1)(rng_) >= *r.probability) return false;
    ++applied_[i];
    return true;
  }

  std::vector<Rule> rules_;
  std::vector<std::int64_t> seen_;
  std::vector<std::int64_t> applied_;
  std::mt19937_64 rng_{1};
};

}  // namespace reel_sim
