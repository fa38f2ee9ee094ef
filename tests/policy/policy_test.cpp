// Server hints (Retry-After in both forms, x-ratelimit-*, openai-poll-after-ms), polling
// policies and the retry policy.
#include <reel/policy/hints.hpp>
#include <reel/policy/poll.hpp>
#include <reel/policy/retry.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <set>

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
  reel::policy::ExponentialBackoff jittery{10s, 1.0, 10s, 0.2};
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
}

}  // namespace
