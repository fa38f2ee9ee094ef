// SPDX-License-Identifier: BSL-1.0
// Server hints (Retry-After in both forms, x-ratelimit-*, openai-poll-after-ms), polling
// policies and the retry policy.
#include <reel/policy/hints.hpp>
#include <reel/policy/poll.hpp>
#include <reel/policy/retry.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <set>
#include <vector>

namespace {

using namespace std::chrono_literals;
using reel::policy::Duration;
using reel::policy::PollState;

// 2026-11-22 00:00:00 UTC.
const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1795305600));

TEST(Hints, HttpDatesInAllThreeForms) {
  const auto expected = std::chrono::system_clock::time_point(std::chrono::seconds(784111777));  // 1994-11-06 08:49:37
  EXPECT_EQ(reel::policy::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), expected);
  EXPECT_EQ(reel::policy::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), expected);
  EXPECT_EQ(reel::policy::parse_http_date("Sun Nov  6 08:49:37 1994"), expected);
  EXPECT_EQ(reel::policy::parse_http_date("Sun, 22 Nov 2026 00:00:00 GMT"), now);
  EXPECT_EQ(reel::policy::parse_http_date("Thu, 29 Feb 2024 12:00:00 GMT"),
            std::chrono::system_clock::time_point(std::chrono::seconds(1709208000)));
  for (const char* bad : {"", "yesterday", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Foo 1994 08:49:37 GMT",
                          "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT", "Sun Nov  6 08:49 1994"}) {
    EXPECT_FALSE(reel::policy::parse_http_date(bad)) << bad;
  }
}

TEST(Hints, RetryAfterSecondsOrDate) {
  EXPECT_EQ(reel::policy::parse_retry_after("120", now), Duration(120000));
  EXPECT_EQ(reel::policy::parse_retry_after(" 0 ", now), Duration(0));
  EXPECT_EQ(reel::policy::parse_retry_after("Sun, 22 Nov 2026 00:00:30 GMT", now), Duration(30000));
  EXPECT_EQ(reel::policy::parse_retry_after("Sat, 21 Nov 2026 23:00:00 GMT", now), Duration(0));  // past
  EXPECT_FALSE(reel::policy::parse_retry_after("-5", now));
  EXPECT_FALSE(reel::policy::parse_retry_after("soon", now));
  EXPECT_FALSE(reel::policy::parse_retry_after("1.5", now));
}

TEST(Hints, RateLimitResetAsUnixTimeOrDuration) {
  EXPECT_EQ(reel::policy::until_unix_time("1795305660", now), Duration(60000));
  EXPECT_EQ(reel::policy::until_unix_time("1795305600.5", now), Duration(500));
  EXPECT_EQ(reel::policy::until_unix_time("1795305000", now), Duration(0));
  EXPECT_EQ(reel::policy::until_unix_time("20", now), Duration(20000));  // too small to be a Unix time
  EXPECT_EQ(reel::policy::until_unix_time("6m0s", now), Duration(360000));
  EXPECT_EQ(reel::policy::until_unix_time("250ms", now), Duration(250));
  EXPECT_EQ(reel::policy::until_unix_time("1.5s", now), Duration(1500));
  EXPECT_FALSE(reel::policy::until_unix_time("soon", now));
  EXPECT_FALSE(reel::policy::until_unix_time("5x", now));
  EXPECT_FALSE(reel::policy::until_unix_time("", now));
}

TEST(Hints, ParsedFromHeaders) {
  reel::http::Fields h;
  h.add("retry-after", "3");
  h.add("openai-poll-after-ms", "1500");
  h.add("x-ratelimit-limit-requests", "120");
  h.add("x-ratelimit-remaining-requests", "0");
  h.add("x-ratelimit-reset-requests", "1795305645");
  const auto hints = reel::policy::parse_hints(h, now);
  EXPECT_EQ(hints.retry_after, Duration(3000));
  EXPECT_EQ(hints.poll_after, Duration(1500));
  EXPECT_EQ(hints.rate_limit_reset, Duration(45000));
  EXPECT_EQ(hints.rate_limit_limit, 120);
  EXPECT_EQ(hints.rate_limit_remaining, 0);
  EXPECT_EQ(hints.wait(), Duration(45000));  // nothing remains: wait for the reset
  reel::http::Fields some_left;
  some_left.add("x-ratelimit-remaining-requests", "3");
  some_left.add("x-ratelimit-reset-requests", "1795305645");
  EXPECT_FALSE(reel::policy::parse_hints(some_left, now).wait());  // requests remain: no reason to wait
  reel::http::Fields junk;
  junk.add("Retry-After", "later");
  junk.add("openai-poll-after-ms", "-1");
  const auto none = reel::policy::parse_hints(junk, now);
  EXPECT_FALSE(none.retry_after);
  EXPECT_FALSE(none.poll_after);
  EXPECT_FALSE(none.wait());
}

using reel::policy::max_server_wait;

TEST(Hints, RetryAfterIsCappedAndNeverOverflows) {
  EXPECT_EQ(reel::policy::parse_retry_after("3600", now), Duration(1h));
  EXPECT_EQ(reel::policy::parse_retry_after("3601", now), max_server_wait);
  EXPECT_EQ(reel::policy::parse_retry_after("999999999", now), max_server_wait);
  EXPECT_EQ(reel::policy::parse_retry_after("9223372036854775807", now), max_server_wait);      // s -> ms would overflow
  EXPECT_EQ(reel::policy::parse_retry_after("99999999999999999999999999", now), max_server_wait);  // beyond int64
  EXPECT_FALSE(reel::policy::parse_retry_after("-99999999999999999999999999", now));
  EXPECT_FALSE(reel::policy::parse_retry_after("-1", now));
  EXPECT_FALSE(reel::policy::parse_retry_after("1e308", now));
  EXPECT_FALSE(reel::policy::parse_retry_after("inf", now));
  EXPECT_FALSE(reel::policy::parse_retry_after("nan", now));
  // Dates: a day ahead is capped; the last date HTTP can write is beyond a nanosecond
  // system_clock (2262) and still only the cap; one far in the past is zero.
  EXPECT_EQ(reel::policy::parse_retry_after("Mon, 23 Nov 2026 00:00:00 GMT", now), max_server_wait);
  EXPECT_EQ(reel::policy::parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now), max_server_wait);
  EXPECT_EQ(reel::policy::parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", now), Duration(0));
  EXPECT_EQ(reel::policy::parse_retry_after("Sun, 22 Nov 2026 00:59:59 GMT", now), Duration(3599s));
  // Any `now` at all: no overflow either way.
  const auto earliest = std::chrono::system_clock::time_point::min();
  const auto latest = std::chrono::system_clock::time_point::max();
  EXPECT_EQ(reel::policy::parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", earliest), max_server_wait);
  EXPECT_EQ(reel::policy::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", latest), Duration(0));
}

TEST(Hints, HttpDatesBeyondTheSystemClockAreNone) {
  constexpr std::int64_t last = 253402300799;  // 9999-12-31 23:59:59
  const auto max_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::duration::max()).count();
  const auto date = reel::policy::parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT");
  if (max_seconds < last) {
    EXPECT_FALSE(date);  // nanosecond ticks: not representable
  } else {
    ASSERT_TRUE(date);
    EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(date->time_since_epoch()).count(), last);
  }
  EXPECT_EQ(reel::policy::parse_http_date("Fri, 11 Apr 2262 23:47:16 GMT"),
            std::chrono::system_clock::time_point(std::chrono::seconds(9223372036)));  // the last second of ns ticks
}

TEST(Hints, RateLimitResetInUnixMillisecondsIsReadAsSuch) {
  const auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1764800000000));
  EXPECT_EQ(reel::policy::until_unix_time("1764800000123", at), Duration(123));
  EXPECT_EQ(reel::policy::until_unix_time("1764800045000.4", at), Duration(45000));
  EXPECT_EQ(reel::policy::until_unix_time("1764799999000", at), Duration(0));  // past
  EXPECT_EQ(reel::policy::until_unix_time("1764800000", at), Duration(0));     // the same instant in seconds
  EXPECT_EQ(reel::policy::until_unix_time("1764800030", at), Duration(30000));
  EXPECT_EQ(reel::policy::until_unix_time("1764800000.25", at), Duration(250));
  EXPECT_EQ(reel::policy::until_unix_time("1764803600001", at), max_server_wait);  // an hour and a millisecond
}

TEST(Hints, RateLimitResetIsCappedAndNeverOverflows) {
  // Seconds from now, a Unix time in seconds, in milliseconds, all far ahead: the cap.
  EXPECT_EQ(reel::policy::until_unix_time("999999999", now), max_server_wait);
  EXPECT_EQ(reel::policy::until_unix_time("99999999999", now), max_server_wait);  // year 5138 in seconds
  EXPECT_EQ(reel::policy::until_unix_time("9999999999999999", now), max_server_wait);
  EXPECT_EQ(reel::policy::until_unix_time("1e308", now), max_server_wait);
  EXPECT_EQ(reel::policy::until_unix_time("1e400", now), max_server_wait);  // beyond a double
  EXPECT_EQ(reel::policy::until_unix_time("inf", now), max_server_wait);
  EXPECT_EQ(reel::policy::until_unix_time("1e-400", now), Duration(0));  // below a double: zero seconds
  EXPECT_EQ(reel::policy::until_unix_time("3600", now), Duration(1h));
  // Negative and NaN are no time at all.
  EXPECT_FALSE(reel::policy::until_unix_time("-1", now));
  EXPECT_FALSE(reel::policy::until_unix_time("-1764800000123", now));
  EXPECT_FALSE(reel::policy::until_unix_time("-inf", now));
  EXPECT_FALSE(reel::policy::until_unix_time("nan", now));
  EXPECT_FALSE(reel::policy::until_unix_time("-nan", now));
  // Durations too.
  EXPECT_EQ(reel::policy::until_unix_time("2h", now), max_server_wait);
  EXPECT_EQ(reel::policy::until_unix_time("1e308h", now), max_server_wait);
  EXPECT_EQ(reel::policy::until_unix_time("1e308h1e308m", now), max_server_wait);
  EXPECT_EQ(reel::policy::until_unix_time("infs", now), max_server_wait);
  EXPECT_EQ(reel::policy::until_unix_time("59m59s999ms", now), Duration(3599999));
  EXPECT_FALSE(reel::policy::until_unix_time("nanms", now));
  EXPECT_FALSE(reel::policy::until_unix_time("-1s", now));
  // Whatever `now` is.
  EXPECT_EQ(reel::policy::until_unix_time("1e308", std::chrono::system_clock::time_point::min()), max_server_wait);
  EXPECT_EQ(reel::policy::until_unix_time("1764800000123", std::chrono::system_clock::time_point::max()), Duration(0));
}

TEST(Hints, PollAfterIsCapped) {
  const auto poll_after = [](const char* value) {
    reel::http::Fields h;
    h.add("openai-poll-after-ms", value);
    return reel::policy::parse_hints(h, now).poll_after;
  };
  EXPECT_EQ(poll_after("2500"), Duration(2500));
  EXPECT_EQ(poll_after("3600000"), max_server_wait);
  EXPECT_EQ(poll_after("3600001"), max_server_wait);
  EXPECT_EQ(poll_after("9223372036854775807"), max_server_wait);
  EXPECT_EQ(poll_after("99999999999999999999999999"), max_server_wait);
  EXPECT_FALSE(poll_after("-1"));
  EXPECT_FALSE(poll_after("1e9"));
  EXPECT_FALSE(poll_after("soon"));
  // All of them at once: the longest wait is the cap.
  reel::http::Fields all;
  all.add("Retry-After", "99999999999999999999");
  all.add("openai-poll-after-ms", "99999999999999999999");
  all.add("x-ratelimit-remaining-requests", "0");
  all.add("x-ratelimit-reset-requests", "1e308");
  const auto hints = reel::policy::parse_hints(all, now);
  EXPECT_EQ(hints.retry_after, max_server_wait);
  EXPECT_EQ(hints.rate_limit_reset, max_server_wait);
  EXPECT_EQ(hints.wait(), max_server_wait);
}

TEST(PollPolicies, FixedAndBoundsAndHint) {
  reel::policy::FixedInterval fixed{5s};
  PollState s;
  EXPECT_EQ(reel::policy::poll_delay(fixed, s), 5s);
  reel::policy::FixedInterval tiny{10ms};
  EXPECT_EQ(reel::policy::poll_delay(tiny, s), 1s);  // floor
  reel::policy::FixedInterval huge{1h};
  EXPECT_EQ(reel::policy::poll_delay(huge, s, {1s, 30s}), 30s);  // ceiling
  s.hint = 45s;
  EXPECT_EQ(reel::policy::poll_delay(huge, s, {1s, 30s}), 45s);  // the server's wait wins
  s.hint = Duration::max();
  EXPECT_EQ(reel::policy::poll_delay(huge, s, {1s, 30s}), max_server_wait);  // up to the cap
  reel::policy::FixedInterval days{48h};
  EXPECT_EQ(reel::policy::poll_delay(days, s, {1s, 72h}), 48h);  // the policy's own choice is not capped
}

TEST(PollPolicies, ExponentialBackoffGrowsWithJitterUpToMax) {
  reel::policy::ExponentialBackoff b{2s, 2.0, 20s, 0.0};
  PollState s;
  std::vector<Duration> seen;
  for (int i = 1; i <= 6; ++i) {
    s.polls = i;
    seen.push_back(b.next_delay(s));
  }
  EXPECT_EQ(seen, (std::vector<Duration>{2s, 4s, 8s, 16s, 20s, 20s}));
  reel::policy::ExponentialBackoff jittery{10s, 1.0, 10s, 0.2, reel::policy::Jitter(7)};
  std::set<std::int64_t> values;
  for (int i = 0; i < 200; ++i) {
    const Duration d = jittery.next_delay(s);
    EXPECT_GE(d, 8s);
    EXPECT_LE(d, 12s);
    values.insert(d.count());
  }
  EXPECT_GT(values.size(), 100u);
  // Seeded: the same seed gives the same waits.
  reel::policy::ExponentialBackoff a1{10s, 1.0, 10s, 0.2, reel::policy::Jitter(42)};
  reel::policy::ExponentialBackoff a2{10s, 1.0, 10s, 0.2, reel::policy::Jitter(42)};
  for (int i = 0; i < 10; ++i) EXPECT_EQ(a1.next_delay(s), a2.next_delay(s));
}

TEST(PollPolicies, EtaAwareSleepsTowardTheEstimateThenTightens) {
  reel::policy::EtaAware eta;
  PollState s;
  EXPECT_EQ(eta.next_delay(s), 3s);  // first poll brings the estimate
  s.polls = 1;
  s.estimate = 145s;  // Venice's P80
  s.elapsed = 3s;
  const Duration long_sleep = eta.next_delay(s);
  // Sleeps to the 5 % quantile of a log-normal (sigma 0.2) whose P80 is 145 s: ~87.4 s.
  EXPECT_GT(long_sleep, 80s);
  EXPECT_LT(long_sleep, 90s);
  s.polls = 2;
  s.elapsed = 3s + long_sleep;
  EXPECT_EQ(eta.next_delay(s), 5s);  // near the estimate: every interval
  s.elapsed = 140s;
  EXPECT_EQ(eta.next_delay(s), 5s);
  s.elapsed = 290s;  // one estimate-length over: interval grows by 10 %
  EXPECT_EQ(eta.next_delay(s), 5500ms);
}

TEST(PollPolicies, EtaAwareUsesProgressWithoutAnEstimate) {
  reel::policy::EtaAware eta;
  PollState s;
  s.polls = 1;
  s.since_submit = 20s;
  s.percent = 10;  // 200 s in all at this pace: tighten at ~120 s
  const Duration d = eta.next_delay(s);
  EXPECT_GT(d, 90s);
  EXPECT_LT(d, 110s);
  // Neither estimate nor progress: the backoff.
  PollState bare;
  bare.polls = 1;
  EXPECT_EQ(reel::policy::EtaAware{}.next_delay(bare) <= 2400ms, true);
}

TEST(PollPolicies, InverseNormalMatchesKnownQuantiles) {
  EXPECT_NEAR(reel::policy::EtaAware::inverse_normal(0.5), 0.0, 1e-9);
  EXPECT_NEAR(reel::policy::EtaAware::inverse_normal(0.8), 0.841621, 1e-5);
  EXPECT_NEAR(reel::policy::EtaAware::inverse_normal(0.05), -1.644854, 1e-5);
  EXPECT_NEAR(reel::policy::EtaAware::inverse_normal(0.999), 3.090232, 1e-5);
}

TEST(PollPolicies, AnyPollPolicyHoldsAnyPolicy) {
  reel::policy::AnyPollPolicy any = reel::policy::FixedInterval{7s};
  EXPECT_EQ(any.next_delay({}), 7s);
  struct Custom {
    Duration next_delay(const PollState& s) { return Duration(1000 * (s.polls + 1)); }
  };
  static_assert(reel::policy::PollPolicy<Custom>);
  reel::policy::AnyPollPolicy custom = Custom{};
  PollState s;
  s.polls = 4;
  EXPECT_EQ(custom.next_delay(s), 5s);
}

TEST(RetryPolicy, StatusesDelaysAndAttempts) {
  for (int status : {408, 425, 429, 500, 502, 503, 504}) EXPECT_TRUE(reel::policy::RetryPolicy::retryable_status(status));
  for (int status : {200, 400, 401, 402, 403, 404, 409, 410, 413, 422, 501}) {
    EXPECT_FALSE(reel::policy::RetryPolicy::retryable_status(status)) << status;
  }
  reel::policy::RetryPolicy r{4, 1s, 2.0, 3s, 0.0};
  EXPECT_FALSE(r.delay(1));
  EXPECT_EQ(r.delay(2), 1s);
  EXPECT_EQ(r.delay(3), 2s);
  EXPECT_EQ(r.delay(4), 3s);  // capped
  EXPECT_FALSE(r.delay(5));   // attempts spent
  EXPECT_EQ(r.delay(2, Duration(10s)), 10s);  // a longer server hint wins over the cap
  EXPECT_EQ(r.delay(2, Duration(5h)), max_server_wait);   // up to the cap of server waits
  EXPECT_EQ(r.delay(2, Duration::max()), max_server_wait);
  reel::policy::RetryPolicy wild{4, 1s, std::numeric_limits<double>::infinity(), 3s, 0.0};
  EXPECT_EQ(wild.delay(4), 3s);  // an infinite growth is the cap, not an undefined conversion
  reel::policy::RetryPolicy nan{4, 1s, std::numeric_limits<double>::quiet_NaN(), 3s, 0.0};
  EXPECT_EQ(nan.delay(4), 3s);
}

std::vector<double> draws(reel::policy::Jitter& j, int n = 16) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) out.push_back(j.next());
  return out;
}

TEST(Jitter, DefaultGeneratorsDrawDifferentSequences) {
  reel::policy::Jitter a;
  reel::policy::Jitter b;
  EXPECT_FALSE(a.seeded());
  EXPECT_NE(draws(a), draws(b));
  // Many in one process: all different from the first draw on.
  std::set<double> first;
  for (int i = 0; i < 1000; ++i) {
    reel::policy::Jitter j;
    first.insert(j.next());
  }
  EXPECT_EQ(first.size(), 1000u);
  std::set<std::uint64_t> seeds;
  for (int i = 0; i < 1000; ++i) seeds.insert(reel::policy::Jitter::fresh_seed());
  EXPECT_EQ(seeds.size(), 1000u);
}

TEST(Jitter, SeededGeneratorsRepeat) {
  reel::policy::Jitter a(42);
  reel::policy::Jitter b(42);
  EXPECT_TRUE(a.seeded());
  const auto seq = draws(a);
  EXPECT_EQ(seq, draws(b));
  for (double x : seq) {
    EXPECT_GE(x, 0.0);
    EXPECT_LT(x, 1.0);
  }
  reel::policy::Jitter other(43);
  EXPECT_NE(seq, draws(other));
  // The sequence of a given seed is fixed (SplitMix64), across builds and platforms.
  reel::policy::Jitter zero(0);
  EXPECT_DOUBLE_EQ(zero.next(), static_cast<double>(0xe220a8397b1dcdafull >> 11) * 0x1.0p-53);
}

TEST(Jitter, CopiesOfSeededRepeatCopiesOfSelfSeededDoNot) {
  reel::policy::Jitter seeded(42);
  seeded.next();
  reel::policy::Jitter seeded_copy = seeded;
  EXPECT_TRUE(seeded_copy.seeded());
  EXPECT_EQ(draws(seeded), draws(seeded_copy));  // continues the same sequence
  reel::policy::Jitter assigned;
  assigned = seeded;
  EXPECT_EQ(draws(seeded), draws(assigned));

  reel::policy::Jitter fresh;
  reel::policy::Jitter fresh_copy = fresh;
  EXPECT_FALSE(fresh_copy.seeded());
  EXPECT_NE(draws(fresh), draws(fresh_copy));
  reel::policy::Jitter fresh_assigned(1);
  fresh_assigned = fresh;
  EXPECT_FALSE(fresh_assigned.seeded());
  EXPECT_NE(draws(fresh), draws(fresh_assigned));
  // A move keeps the state.
  reel::policy::Jitter before(9);
  reel::policy::Jitter reference(9);
  reel::policy::Jitter moved = std::move(before);
  EXPECT_EQ(draws(moved), draws(reference));
}

TEST(Jitter, SpreadStaysInRangeAndNeverOverflows) {
  reel::policy::Jitter j(5);
  for (int i = 0; i < 100; ++i) {
    const Duration d = j.spread(10s, 0.5);
    EXPECT_GE(d, 5s);
    EXPECT_LE(d, 15s);
  }
  EXPECT_EQ(j.spread(10s, 0.0), 10s);
  EXPECT_EQ(j.spread(10s, std::numeric_limits<double>::quiet_NaN()), 10s);
  for (int i = 0; i < 10; ++i) {
    const Duration d = j.spread(Duration::max(), 0.9);
    EXPECT_GT(d, Duration(0));  // clamped, not wrapped
  }
}

// Two jobs built from default options, or from copies of one options object, draw their own
// waits: no lockstep. (A retry policy's waits with jitter 0.2 are 0.8 s to 1.2 s.)
TEST(RetryPolicy, DefaultAndCopiedPoliciesDrawDifferentWaits) {
  const auto waits = [](reel::policy::RetryPolicy& r) {
    std::vector<Duration> out;
    for (int i = 0; i < 8; ++i) out.push_back(*r.delay(2));
    return out;
  };
  reel::policy::RetryPolicy a{};
  reel::policy::RetryPolicy b{};
  EXPECT_NE(waits(a), waits(b));
  const reel::policy::RetryPolicy shared{};
  reel::policy::RetryPolicy c = shared;
  reel::policy::RetryPolicy d = shared;
  EXPECT_NE(waits(c), waits(d));
  for (Duration w : waits(c)) {
    EXPECT_GE(w, 800ms);
    EXPECT_LE(w, 1200ms);
  }
  // An explicit seed makes them deterministic, copies included.
  reel::policy::RetryPolicy seeded{6, 1s, 2.0, 30s, 0.2, reel::policy::Jitter(11)};
  reel::policy::RetryPolicy seeded_copy = seeded;
  EXPECT_EQ(waits(seeded), waits(seeded_copy));
}

TEST(PollPolicies, CopiedPoliciesDrawTheirOwnJitter) {
  PollState s;
  s.polls = 3;
  const auto delays = [&s](reel::policy::AnyPollPolicy& p) {
    std::vector<Duration> out;
    for (int i = 0; i < 8; ++i) out.push_back(p.next_delay(s));
    return out;
  };
  const reel::policy::AnyPollPolicy shared = reel::policy::ExponentialBackoff{};
  reel::policy::AnyPollPolicy a = shared;
  reel::policy::AnyPollPolicy b = shared;
  EXPECT_NE(delays(a), delays(b));
  // EtaAware's fallback backoff as well (no estimate, no progress).
  const reel::policy::AnyPollPolicy eta = reel::policy::EtaAware{};
  reel::policy::AnyPollPolicy e1 = eta;
  reel::policy::AnyPollPolicy e2 = eta;
  EXPECT_NE(delays(e1), delays(e2));
  // Seeded: copies repeat.
  const reel::policy::AnyPollPolicy seeded = reel::policy::ExponentialBackoff{2s, 1.5, 30s, 0.2, reel::policy::Jitter(3)};
  reel::policy::AnyPollPolicy s1 = seeded;
  reel::policy::AnyPollPolicy s2 = seeded;
  EXPECT_EQ(delays(s1), delays(s2));
}

}  // namespace
