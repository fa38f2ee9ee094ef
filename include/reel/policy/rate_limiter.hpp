// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::policy::RateLimiter`: the client-side limiter of one provider account (API key),
/// shared by every job on it, so a batch never trips the provider's limits or its abuse guard.
///
/// Each bucket (`policy::Bucket`: create, status, download, ...) allows at most `requests` in
/// any sliding `window` (plus a safety `margin`), which keeps every fixed window the server counts within its limit
/// too. Requests are granted in arrival order: a waiting request reserves its slot. A 429 or a
/// server's `x-ratelimit-*` answer pauses the bucket until the server's reset; failed requests
/// feed an abuse guard that pauses every bucket when too many fail too fast (Venice blocks a key
/// for 30 s after 20 failures in 30 s).
#pragma once

#include <reel/config.hpp>
#include <reel/policy/bucket.hpp>
#include <reel/policy/hints.hpp>
#include <reel/policy/limiter_store.hpp>
#include <reel/time/clock.hpp>

#include <asio/awaitable.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <system_error>

namespace reel::policy {

/// At most `requests` in any `window` (and `margin` more, to absorb latency differences).
struct RateLimit {
  std::int64_t requests = 40;
  Duration window{60000};
  Duration margin{1000};
  Duration pause_after_429{5000};  ///< pause after a 429 that says neither when to retry nor when the limit resets
};

/// Pause every bucket while `max_failures` or more requests failed within `window`.
struct FailureGuard {
  std::int64_t max_failures = 10;
  Duration window{30000};
};

/// The limiter of one account. Use from one thread (the executor of the jobs sharing it).
class RateLimiter {
public:
  using time_point = Clock::time_point;

  /// Limits per bucket; buckets without a limit are never delayed (but count failures).
  explicit RateLimiter(Clock& clock, const std::map<Bucket, RateLimit>& limits = {}, FailureGuard guard = {})
      : clock_(clock), guard_(guard) {
    for (const auto& [bucket, limit] : limits) lane(bucket).limit = limit;
  }
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  /// Waits until a request to `bucket` may be sent and takes its slot. Returns an empty code,
  /// `operation_aborted` when the caller's cancellation slot fired, or `std::errc::timed_out` at
  /// once when the slot would only come after `deadline` (in both cases the slot is given back).
  asio::awaitable<std::error_code> acquire(Bucket bucket, std::optional<time_point> deadline = std::nullopt) {
    for (;;) {
      Lane* b = nullptr;
      time_point now{};
      time_point at{};
      {
        const Shared shared(*this);
        now = clock_.now();
        b = &lane(bucket);
        at = next_slot(b, now);
        if (at <= now || !deadline || at <= *deadline) take(b, at);
      }
      if (at <= now) co_return std::error_code();
      if (deadline && at > *deadline) co_return make_error_code(std::errc::timed_out);
      ++waiting_;
      const std::error_code ec = co_await clock_.sleep_until(at);
      --waiting_;
      const Shared shared(*this);
      if (ec) {
        give_back(b, at);
        co_return ec;
      }
      // The bucket may have been paused meanwhile (a 429 may even have created it); give the
      // slot back and look again then. One reading of the clock for the whole decision: two
      // unsequenced readings would see time move between them and take every wake-up for a pause.
      const time_point woke = clock_.now();
      if (lane(bucket).paused_until > woke || guard_until(woke) > woke) {
        give_back(b, at);
        continue;
      }
      co_return std::error_code();
    }
  }

  /// Shares this limiter's state through `store` (e.g. `store::LimiterFile`) with the other
  /// limiters of the same account: from now on every decision is made on the shared state,
  /// under the store's lock. `store` must outlive the limiter; nullptr stops sharing.
  void share_through(LimiterStore* store) noexcept { store_ = store; }
  /// Times the store could not be read or written (the limiter went on with what it knew).
  std::size_t store_errors() const noexcept { return store_errors_; }

  /// Takes a slot of `bucket` if one is free now (an empty answer), without waiting; otherwise
  /// reserves nothing and says when the next one may be free. For schedulers that keep a job
  /// in their own queue instead of suspending it here.
  std::optional<time_point> try_acquire(Bucket bucket) {
    const Shared shared(*this);
    const time_point now = clock_.now();
    Lane* b = &lane(bucket);
    const time_point at = next_slot(b, now);
    if (at > now) return at;
    take(b, now);
    return std::nullopt;
  }

  /// When the `n`-th of `n` more requests to `bucket` could be sent, if nothing else takes a
  /// slot meanwhile (no slot is reserved): how long a batch of `n` creates takes to go out.
  time_point when_granted(Bucket bucket, std::size_t n) {
    const Shared shared(*this);
    const time_point now = clock_.now();
    Lane* b = &lane(bucket);
    time_point at = next_slot(b, now);
    if (n == 0) return now;
    if (b->limit.requests <= 0) return at;
    std::deque<time_point> grants = b->grants;
    const Duration span = b->limit.window + b->limit.margin;
    const auto limit = static_cast<std::size_t>(b->limit.requests);
    for (std::size_t i = 0; i < n; ++i) {
      at = std::max(at, now);
      if (grants.size() >= limit) at = std::max(at, grants[grants.size() - limit] + span);
      grants.insert(std::upper_bound(grants.begin(), grants.end(), at), at);
    }
    return at;
  }

  /// Records how a request to `bucket` ended: its HTTP status (0 for a transport failure) and
  /// the server's hints. Failures feed the abuse guard; a 429, or no requests remaining, pauses
  /// the bucket until the server's reset or Retry-After (at most `max_server_wait`).
  void record(Bucket bucket, int status, const ServerHints& hints = {}) {
    const Shared shared(*this);
    const time_point now = clock_.now();
    if (status == 0 || status >= 400) {
      failures_.push_back(now);
      prune_failures(now);
    }
    Lane* b = &lane(bucket);
    // Hints built by hand may exceed what parsing allows: `now + pause` must not overflow.
    const auto capped = [](std::optional<Duration> d) -> std::optional<Duration> {
      if (!d) return std::nullopt;
      return std::clamp(*d, Duration(0), max_server_wait);
    };
    const std::optional<Duration> retry_after = capped(hints.retry_after);
    const std::optional<Duration> reset = capped(hints.rate_limit_reset);
    std::optional<Duration> pause;
    if (status == 429) {
      // Retry-After when given; else the limit's reset if the server says nothing remains.
      pause = retry_after;
      if (!pause && hints.rate_limit_remaining && *hints.rate_limit_remaining <= 0) pause = reset;
      if (!pause) pause = b->limit.pause_after_429;
    } else if (hints.rate_limit_remaining && *hints.rate_limit_remaining <= 0 && reset) {
      pause = reset;
    }
    if (pause) {
      b->paused_until = std::max(b->paused_until, now + *pause);
    }
  }

  /// Coroutines currently waiting for a slot.
  std::size_t waiting() const noexcept { return waiting_; }
  /// Failures within the guard's window.
  std::size_t recent_failures() {
    const Shared shared(*this);
    prune_failures(clock_.now());
    return failures_.size();
  }

private:
  // One bucket's limit and state.
  struct Lane {
    RateLimit limit{0, Duration(0), Duration(0), Duration(5000)};
    std::deque<time_point> grants;  ///< granted and reserved send times, sorted
    time_point paused_until{};
  };

  // The shared state, read at construction and written back at destruction (under the
  // store's lock), when the limiter shares it; nothing otherwise.
  class Shared {
  public:
    explicit Shared(RateLimiter& limiter) : limiter_(limiter) {
      if (limiter_.store_ == nullptr) return;
      LimiterState state;
      if (limiter_.store_->load(state)) {
        ++limiter_.store_errors_;
        return;
      }
      limiter_.adopt(state);
      active_ = true;
    }
    ~Shared() {
      if (active_ && limiter_.store_->save(limiter_.shared_state())) ++limiter_.store_errors_;
    }
    Shared(const Shared&) = delete;
    Shared& operator=(const Shared&) = delete;

  private:
    RateLimiter& limiter_;
    bool active_ = false;
  };

  static std::int64_t ticks(time_point t) noexcept { return t.time_since_epoch().count(); }
  static time_point at_ticks(std::int64_t n) noexcept { return time_point(Clock::duration(n)); }

  // Takes the shared state as this limiter's (the limits stay this limiter's own).
  void adopt(const LimiterState& state) {
    for (Lane& l : lanes_) {
      l.grants.clear();
      l.paused_until = {};
    }
    for (const auto& [bucket, shared] : state.buckets) {
      if (static_cast<std::size_t>(bucket) >= bucket_count) continue;
      Lane& l = lane(bucket);
      for (const std::int64_t g : shared.grants) l.grants.push_back(at_ticks(g));
      l.paused_until = at_ticks(shared.paused_until);
    }
    failures_.clear();
    for (const std::int64_t f : state.failures) failures_.push_back(at_ticks(f));
  }
  LimiterState shared_state() const {
    LimiterState state;
    for (std::size_t i = 0; i < bucket_count; ++i) {
      const Lane& l = lanes_[i];
      if (l.grants.empty() && l.paused_until == time_point{}) continue;
      LimiterState::BucketState& shared = state.buckets[static_cast<Bucket>(i)];
      for (const time_point g : l.grants) shared.grants.push_back(ticks(g));
      shared.paused_until = ticks(l.paused_until);
    }
    for (const time_point f : failures_) state.failures.push_back(ticks(f));
    return state;
  }

  // Takes the slot at `at` of a limited bucket.
  static void take(Lane* b, time_point at) {
    if (b->limit.requests > 0) b->grants.insert(std::upper_bound(b->grants.begin(), b->grants.end(), at), at);
  }

  Lane& lane(Bucket bucket) { return lanes_[static_cast<std::size_t>(bucket)]; }
  // Forgets the slot reserved at `at`.
  static void give_back(Lane* b, time_point at) {
    if (b->limit.requests <= 0) return;
    const auto it = std::find(b->grants.begin(), b->grants.end(), at);
    if (it != b->grants.end()) b->grants.erase(it);
  }
  // The earliest time a request to `b` may be sent (granted slots, pauses and the guard), seen
  // at `now`; drops the grants that left the window.
  time_point next_slot(Lane* b, time_point now) {
    time_point at = std::max({now, b->paused_until, guard_until(now)});
    if (b->limit.requests > 0) {
      const Duration span = b->limit.window + b->limit.margin;
      while (!b->grants.empty() && b->grants.front() + span <= now) b->grants.pop_front();
      const auto limit = static_cast<std::size_t>(b->limit.requests);
      if (b->grants.size() >= limit) at = std::max(at, b->grants[b->grants.size() - limit] + span);
    }
    return at;
  }

  void prune_failures(time_point now) {
    while (!failures_.empty() && failures_.front() + guard_.window <= now) failures_.pop_front();
  }
  time_point guard_until(time_point now) {
    prune_failures(now);
    if (guard_.max_failures <= 0 || static_cast<std::int64_t>(failures_.size()) < guard_.max_failures) return now;
    // Wait until enough failures have left the window to be under the threshold again.
    const std::size_t excess = failures_.size() - static_cast<std::size_t>(guard_.max_failures);
    return failures_[excess] + guard_.window;
  }

  Clock& clock_;
  FailureGuard guard_;
  std::array<Lane, bucket_count> lanes_{};
  std::deque<time_point> failures_;
  std::size_t waiting_ = 0;
  LimiterStore* store_ = nullptr;
  std::size_t store_errors_ = 0;
};

}  // namespace reel::policy
