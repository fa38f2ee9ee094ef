// SPDX-License-Identifier: BSL-1.0
/// @file
/// Polling policies: how long a job waits before its next status request. Three come with reel
/// (fixed interval, exponential backoff with jitter, ETA-aware); any type with
/// `next_delay(const PollState&)` is one (`PollPolicy`). `poll_delay` applies the floor, the
/// ceiling and the server's hint; the job applies its deadline.
#pragma once

#include <reel/config.hpp>
#include <reel/policy/hints.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <utility>

namespace reel::policy {

using Duration = std::chrono::milliseconds;

/// What a policy knows before choosing the next wait.
struct PollState {
  int polls = 0;                     ///< status requests made so far (0: before the first)
  Duration since_submit{0};          ///< time since the job was submitted
  std::optional<Duration> estimate;  ///< the provider's estimate of the whole run (Venice: `average_execution_time`, a P80)
  std::optional<Duration> elapsed;   ///< the provider's running time so far (Venice: `execution_duration`)
  std::optional<int> percent;        ///< the provider's progress, 0..100 (Lumenfall: `progress`)
  std::optional<Duration> hint;      ///< the server's wait (Retry-After, `openai-poll-after-ms`)
};

/// A polling policy: any type that chooses the wait before the next poll.
template <class P>
concept PollPolicy = requires(P& p, const PollState& s) {
  { p.next_delay(s) } -> std::convertible_to<Duration>;
};

/// Limits every policy's choice: never below `floor`, never above `ceiling` (a longer server
/// hint is still honoured, up to `max_server_wait`: the server knows best).
struct PollBounds {
  Duration floor{1000};
  Duration ceiling{std::chrono::minutes(2)};
};

/// The wait before the next poll: the policy's choice within `bounds`, and at least the hint
/// (itself capped at `max_server_wait`).
template <PollPolicy P>
Duration poll_delay(P& policy, const PollState& state, const PollBounds& bounds = {}) {
  Duration d = policy.next_delay(state);
  d = std::clamp(d, bounds.floor, std::max(bounds.floor, bounds.ceiling));
  if (state.hint && *state.hint > d) d = std::max(d, std::min(*state.hint, max_server_wait));
  return d;
}

/// A small generator for jitter (SplitMix64).
///
/// Default-constructed, it seeds itself from `std::random_device` mixed with a per-process
/// counter, so jobs (in one process or many) draw different sequences and never poll or retry
/// in lockstep. `Jitter(seed)` is deterministic. A copy of a seeded generator continues the same
/// sequence; a copy of a self-seeded one seeds itself afresh, so jobs built from copies of one
/// options object still draw their own jitter. Moves keep the state.
class Jitter {
public:
  /// A generator with a fresh, unpredictable seed.
  Jitter() : state_(fresh_seed()) {}
  /// A deterministic generator (tests, reproducible runs).
  explicit Jitter(std::uint64_t seed) : state_(seed), seeded_(true) {}
  /// Same sequence for a seeded source, a fresh seed for a self-seeded one.
  Jitter(const Jitter& other) : state_(other.seeded_ ? other.state_ : fresh_seed()), seeded_(other.seeded_) {}
  /// As the copy constructor.
  Jitter& operator=(const Jitter& other) {
    if (this != &other) {
      state_ = other.seeded_ ? other.state_ : fresh_seed();
      seeded_ = other.seeded_;
    }
    return *this;
  }
  Jitter(Jitter&&) noexcept = default;
  Jitter& operator=(Jitter&&) noexcept = default;
  ~Jitter() = default;

  /// Whether the generator was given an explicit seed (and so is deterministic).
  bool seeded() const noexcept { return seeded_; }

  /// A number in [0, 1).
  double next() {
    const std::uint64_t z = mix(state_ += 0x9e3779b97f4a7c15ull);
    return static_cast<double>(z >> 11) * 0x1.0p-53;
  }
  /// `d` scaled by a factor drawn uniformly from [1 - fraction, 1 + fraction].
  Duration spread(Duration d, double fraction) {
    if (!(fraction > 0)) return d;
    const double f = 1.0 + fraction * (2.0 * next() - 1.0);
    const double scaled = static_cast<double>(d.count()) * f;
    // Clamped before converting: an out-of-range conversion is undefined.
    constexpr double limit = 9.0e18;
    if (!(scaled > -limit)) return Duration(-static_cast<std::int64_t>(limit));
    if (!(scaled < limit)) return Duration(static_cast<std::int64_t>(limit));
    return Duration(std::llround(scaled));
  }

  /// A seed no other generator of this process has had, random across processes.
  static std::uint64_t fresh_seed() {
    static std::atomic<std::uint64_t> counter{0};
    std::uint64_t random = 0;
    try {
      std::random_device device;
      random = (static_cast<std::uint64_t>(device()) << 32) ^ static_cast<std::uint64_t>(device());
    } catch (...) {  // no entropy source: the time and the address still differ per process
      random = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    }
    const auto salt = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(&counter));
    const std::uint64_t n = counter.fetch_add(1, std::memory_order_relaxed);
    // The random part separates processes; the counter separates the generators of one process
    // even where the device is deterministic.
    return mix(random) ^ mix(salt + n * 0x9e3779b97f4a7c15ull);
  }

private:
  static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  std::uint64_t state_;
  bool seeded_ = false;
};

/// The same wait every time (the Venice guide suggests 5 s).
struct FixedInterval {
  Duration every{5000};
  Duration next_delay(const PollState&) const { return every; }
};

/// Waits that grow by `multiplier` per poll from `initial` up to `max`, each spread by ±`jitter`.
struct ExponentialBackoff {
  Duration initial{2000};
  double multiplier = 1.5;
  Duration max{30000};
  double jitter = 0.2;
  Jitter random{};  ///< self-seeded by default: copies draw their own waits (see `Jitter`)

  Duration next_delay(const PollState& s) {
    const double grown = static_cast<double>(initial.count()) * std::pow(multiplier, std::max(0, s.polls - 1));
    // `!(grown < max)` also catches NaN and infinity, whose conversion would be undefined.
    const auto base = !(grown < static_cast<double>(max.count())) ? max : Duration(static_cast<std::int64_t>(grown));
    return random.spread(base, jitter);
  }
};

/// Uses the provider's own estimate. Venice reports `average_execution_time`, the P80 of the
/// model's run times: assuming run times spread log-normally by `spread`, the policy sleeps in
/// one go to the run time only `early_fraction` of jobs finish before, then polls every
/// `interval` (so a job is seen within `interval` of finishing), and backs off slowly once the
/// job runs far beyond the estimate. The estimate is a property of the model, so a job may know
/// it before its first poll (from an earlier job of that model) and skip the `first` poll.
/// Without an estimate it derives one from `percent`, or falls back to `fallback`.
struct EtaAware {
  Duration first{3000};       ///< wait before the first poll when no estimate is known yet
  Duration interval{5000};    ///< wait between polls once the job may finish
  double spread = 0.2;        ///< assumed log-normal sigma of run times around the estimate
  double early_fraction = 0.045;  ///< share of jobs that may finish before polling tightens (seen late)
  double overrun_growth = 0.1;   ///< interval grows by this share per estimate-length of overrun
  ExponentialBackoff fallback{};

  Duration next_delay(const PollState& s) {
    std::optional<Duration> estimate = s.estimate;
    Duration elapsed = s.elapsed.value_or(s.since_submit);
    if (!estimate && s.percent && *s.percent > 0 && *s.percent < 100) {
      // Progress so far at the same pace.
      estimate = Duration(static_cast<std::int64_t>(static_cast<double>(s.since_submit.count()) * 100.0 / *s.percent));
      elapsed = s.since_submit;
    }
    if (!estimate || estimate->count() <= 0) return s.polls == 0 ? first : fallback.next_delay(s);
    // z-scores of the standard normal: P80 = 0.8416, and the early quantile.
    const double z_early = inverse_normal(early_fraction);
    const double median = static_cast<double>(estimate->count()) / std::exp(0.8416 * spread);
    // The first close poll comes `interval` after the early quantile: a job finishing before that
    // quantile is the only kind seen more than `interval` late.
    const auto tighten_at = Duration(static_cast<std::int64_t>(median * std::exp(z_early * spread))) + interval;
    if (elapsed + interval < tighten_at) return tighten_at - elapsed;
    if (elapsed <= *estimate) return interval;
    const double overrun = static_cast<double>((elapsed - *estimate).count()) / static_cast<double>(estimate->count());
    return Duration(static_cast<std::int64_t>(static_cast<double>(interval.count()) * (1.0 + overrun_growth * overrun)));
  }

  /// The standard normal quantile of p in (0, 1) (Acklam's rational approximation, |error| < 1.2e-9).
  static double inverse_normal(double p) {
    p = std::clamp(p, 1e-9, 1 - 1e-9);
    constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                            1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
    constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                            6.680131188771972e+01,  -1.328068155288572e+01};
    constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                            -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
    constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                            3.754408661907416e+00};
    if (p < 0.02425) {
      const double q = std::sqrt(-2 * std::log(p));
      return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
             ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - 0.02425) return -inverse_normal(1 - p);
    const double q = p - 0.5;
    const double r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
           (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
};

/// Any polling policy behind one type, chosen at run time.
class AnyPollPolicy {
public:
  /// ETA-aware by default.
  AnyPollPolicy() : AnyPollPolicy(EtaAware{}) {}
  template <PollPolicy P>
    requires(!std::same_as<std::remove_cvref_t<P>, AnyPollPolicy>)
  AnyPollPolicy(P policy)  // NOLINT(google-explicit-constructor): policies convert implicitly
      : next_([p = std::move(policy)](const PollState& s) mutable { return Duration(p.next_delay(s)); }) {}

  Duration next_delay(const PollState& s) { return next_(s); }

private:
  std::function<Duration(const PollState&)> next_;
};

}  // namespace reel::policy
