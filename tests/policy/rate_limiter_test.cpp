// SPDX-License-Identifier: BSL-1.0
// RateLimiter: sliding-window limits in arrival order, every fixed minute within the limit,
// pauses from 429s and x-ratelimit headers, the abuse guard, cancellation. Every test runs on a
// VirtualClock (time stands still between readings: exact times) and on a TickingClock (time
// moves on at every reading, as real time does: times within a millisecond).
#include "ticking_clock.hpp"

#include <reel/policy/rate_limiter.hpp>
#include <reel/testing/virtual_clock.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using namespace std::chrono_literals;
using reel::policy::Bucket;
using reel::policy::Duration;
using reel::policy::RateLimit;
using reel::policy::RateLimiter;

using Elapsed = reel::Clock::duration;

struct Grants {
  std::vector<std::pair<int, Elapsed>> at;  // (request id, time since start)
  std::vector<int> aborted;
};

asio::awaitable<void> request(RateLimiter& limiter, reel::Clock& clock, Bucket bucket, int id,
                              reel::Clock::time_point start, Grants& grants) {
  const std::error_code ec = co_await limiter.acquire(bucket);
  if (ec) {
    grants.aborted.push_back(id);
    co_return;
  }
  grants.at.emplace_back(id, clock.now() - start);
}

// How far a time may be from the expected one: exact on a VirtualClock, the clock's ticks
// (microseconds in all) on a TickingClock.
template <class C>
constexpr Elapsed slack = std::is_same_v<C, reel::testing::VirtualClock> ? Elapsed(0) : Elapsed(1ms);

template <class C>
::testing::AssertionResult near(Elapsed actual, Elapsed expected) {
  const Elapsed off = actual > expected ? actual - expected : expected - actual;
  if (off <= slack<C>) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << std::chrono::duration<double>(actual).count() << " s, expected "
                                       << std::chrono::duration<double>(expected).count() << " s";
}

template <class C>
class RateLimiterOn : public ::testing::Test {};

struct ClockNames {
  template <class C>
  static std::string GetName(int) {
    return std::is_same_v<C, reel::testing::VirtualClock> ? "VirtualClock" : "TickingClock";
  }
};
using Clocks = ::testing::Types<reel::testing::VirtualClock, reel_test::TickingClock>;
TYPED_TEST_SUITE(RateLimiterOn, Clocks, ClockNames);

TYPED_TEST(RateLimiterOn, NeverMoreThanTheLimitInAnyWindowAndInArrivalOrder) {
  asio::io_context io;
  TypeParam clock;
  RateLimiter limiter(clock, {{Bucket::create, RateLimit{40, 60s, 1s}}});
  Grants grants;
  const auto start = clock.now();
  for (int i = 0; i < 130; ++i) asio::co_spawn(io, request(limiter, clock, Bucket::create, i, start, grants), asio::detached);
  clock.run(io);
  ASSERT_EQ(grants.at.size(), 130u);
  for (std::size_t i = 0; i < grants.at.size(); ++i) EXPECT_EQ(grants.at[i].first, static_cast<int>(i)) << "FIFO";
  // Sliding: any 61 s span holds at most 40 grants; so does every fixed minute, wherever it starts.
  for (std::size_t i = 0; i + 40 < grants.at.size(); ++i) {
    EXPECT_GE(grants.at[i + 40].second - grants.at[i].second, 61s - slack<TypeParam>) << i;
  }
  for (Duration offset : {0s, 17s, 59s}) {
    std::map<std::int64_t, int> per_minute;
    for (const auto& [id, t] : grants.at) ++per_minute[(t + offset) / 60s];
    for (const auto& [minute, n] : per_minute) EXPECT_LE(n, 40) << "offset " << offset.count() << " minute " << minute;
  }
  EXPECT_TRUE(near<TypeParam>(grants.at[39].second, 0s));
  EXPECT_TRUE(near<TypeParam>(grants.at[40].second, 61s));
  EXPECT_TRUE(near<TypeParam>(grants.at[129].second, 183s));
}

TYPED_TEST(RateLimiterOn, BucketsAreIndependentAndUnknownOnesUnlimited) {
  asio::io_context io;
  TypeParam clock;
  RateLimiter limiter(clock, {{Bucket::create, RateLimit{1, 60s, 0s}}, {Bucket::status, RateLimit{2, 60s, 0s}}});
  Grants grants;
  const auto start = clock.now();
  asio::co_spawn(io, request(limiter, clock, Bucket::create, 1, start, grants), asio::detached);
  asio::co_spawn(io, request(limiter, clock, Bucket::create, 2, start, grants), asio::detached);
  asio::co_spawn(io, request(limiter, clock, Bucket::status, 3, start, grants), asio::detached);
  asio::co_spawn(io, request(limiter, clock, Bucket::status, 4, start, grants), asio::detached);
  for (int i = 0; i < 5; ++i) asio::co_spawn(io, request(limiter, clock, Bucket::download, 10 + i, start, grants), asio::detached);
  clock.run(io);
  std::map<int, Elapsed> when(grants.at.begin(), grants.at.end());
  EXPECT_TRUE(near<TypeParam>(when.at(1), 0s));
  EXPECT_TRUE(near<TypeParam>(when.at(2), 60s));
  EXPECT_TRUE(near<TypeParam>(when.at(3), 0s));
  EXPECT_TRUE(near<TypeParam>(when.at(4), 0s));
  for (int i = 10; i < 15; ++i) EXPECT_TRUE(near<TypeParam>(when.at(i), 0s));
}

TYPED_TEST(RateLimiterOn, A429PausesTheBucketForTheServersWait) {
  asio::io_context io;
  TypeParam clock;
  RateLimiter limiter(clock, {{Bucket::create, RateLimit{40, Duration(60s), Duration(1s), Duration(5s)}},
                              {Bucket::status, RateLimit{120, Duration(60s), Duration(1s), Duration(5s)}}});
  reel::policy::ServerHints hints;
  hints.rate_limit_reset = Duration(20s);
  hints.rate_limit_remaining = 0;
  limiter.record(Bucket::status, 429, hints);
  Grants grants;
  const auto start = clock.now();
  asio::co_spawn(io, request(limiter, clock, Bucket::status, 1, start, grants), asio::detached);
  asio::co_spawn(io, request(limiter, clock, Bucket::create, 2, start, grants), asio::detached);
  clock.run(io);
  std::map<int, Elapsed> when(grants.at.begin(), grants.at.end());
  EXPECT_TRUE(near<TypeParam>(when.at(1), 20s));
  EXPECT_TRUE(near<TypeParam>(when.at(2), 0s));  // the pause is per bucket
  // A 429 without hints pauses for pause_after_429 (5 s); no requests remaining pauses until reset.
  limiter.record(Bucket::create, 429);
  reel::policy::ServerHints empty;
  empty.rate_limit_remaining = 0;
  empty.rate_limit_reset = Duration(7s);
  limiter.record(Bucket::status, 200, empty);
  Grants later;
  const auto t1 = clock.now();
  asio::co_spawn(io, request(limiter, clock, Bucket::create, 3, t1, later), asio::detached);
  asio::co_spawn(io, request(limiter, clock, Bucket::status, 4, t1, later), asio::detached);
  clock.run(io);
  std::map<int, Elapsed> when2(later.at.begin(), later.at.end());
  EXPECT_TRUE(near<TypeParam>(when2.at(3), 5s));
  EXPECT_TRUE(near<TypeParam>(when2.at(4), 7s));
}

TYPED_TEST(RateLimiterOn, A429WithRequestsRemainingIgnoresTheWindowReset) {
  asio::io_context io;
  TypeParam clock;
  RateLimiter limiter(clock, {{Bucket::status, RateLimit{120, 60s, 1s, 2s}}});
  reel::policy::ServerHints hints;
  hints.rate_limit_reset = Duration(50s);  // the end of the minute...
  hints.rate_limit_remaining = 100;        // ...but the limit is not what refused it
  limiter.record(Bucket::status, 429, hints);
  Grants grants;
  const auto start = clock.now();
  asio::co_spawn(io, request(limiter, clock, Bucket::status, 1, start, grants), asio::detached);
  clock.run(io);
  EXPECT_TRUE(near<TypeParam>(grants.at.at(0).second, 2s));
}

TYPED_TEST(RateLimiterOn, AbuseGuardPausesEverythingAfterTooManyFailures) {
  asio::io_context io;
  TypeParam clock;
  RateLimiter limiter(clock, {}, reel::policy::FailureGuard{10, 30s});
  for (int i = 0; i < 9; ++i) {
    limiter.record(Bucket::status, i % 2 == 0 ? 500 : 0);
    clock.advance(1s);
  }
  Grants grants;
  auto start = clock.now();
  asio::co_spawn(io, request(limiter, clock, Bucket::status, 1, start, grants), asio::detached);
  clock.run(io);
  EXPECT_TRUE(near<TypeParam>(grants.at.at(0).second, 0s));  // 9 failures: still fine
  limiter.record(Bucket::create, 503);           // the 10th, at t = 9 s
  EXPECT_EQ(limiter.recent_failures(), 10u);
  start = clock.now();
  asio::co_spawn(io, request(limiter, clock, Bucket::quote, 2, start, grants), asio::detached);
  clock.run(io);
  // The first failure (t = 0) leaves the 30 s window at t = 30 s: 21 s from now.
  EXPECT_TRUE(near<TypeParam>(grants.at.at(1).second, 21s));
  limiter.record(Bucket::status, 404);  // 4xx counts as well
  limiter.record(Bucket::status, 200);  // success does not
  EXPECT_EQ(limiter.recent_failures(), 10u);
}

TYPED_TEST(RateLimiterOn, CancelledWaiterGivesItsSlotBack) {
  asio::io_context io;
  TypeParam clock;
  RateLimiter limiter(clock, {{Bucket::create, RateLimit{1, 60s, 0s}}});
  Grants grants;
  const auto start = clock.now();
  asio::co_spawn(io, request(limiter, clock, Bucket::create, 1, start, grants), asio::detached);
  asio::cancellation_signal signal;
  asio::co_spawn(io, request(limiter, clock, Bucket::create, 2, start, grants), asio::bind_cancellation_slot(signal.slot(), asio::detached));
  io.poll();
  EXPECT_EQ(limiter.waiting(), 1u);
  signal.emit(asio::cancellation_type::terminal);
  io.poll();
  EXPECT_EQ(grants.aborted, std::vector<int>{2});
  EXPECT_EQ(limiter.waiting(), 0u);
  asio::co_spawn(io, request(limiter, clock, Bucket::create, 3, start, grants), asio::detached);
  clock.run(io);
  ASSERT_EQ(grants.at.size(), 2u);
  EXPECT_EQ(grants.at[1].first, 3);
  EXPECT_TRUE(near<TypeParam>(grants.at[1].second, 60s));  // the cancelled reservation did not push it further
}

TYPED_TEST(RateLimiterOn, PauseArrivingWhileWaitingIsHonoured) {
  asio::io_context io;
  TypeParam clock;
  RateLimiter limiter(clock, {{Bucket::create, RateLimit{1, 10s, 0s}}});
  Grants grants;
  const auto start = clock.now();
  asio::co_spawn(io, request(limiter, clock, Bucket::create, 1, start, grants), asio::detached);
  asio::co_spawn(io, request(limiter, clock, Bucket::create, 2, start, grants), asio::detached);
  io.poll();
  clock.advance(5s);
  reel::policy::ServerHints hints;
  hints.retry_after = Duration(30s);
  limiter.record(Bucket::create, 429, hints);  // at t = 5 s: paused until t = 35 s
  clock.run(io);
  ASSERT_EQ(grants.at.size(), 2u);
  EXPECT_TRUE(near<TypeParam>(grants.at[1].second, 35s));
}

}  // namespace

namespace {

// A slot that would only come after the caller's deadline is refused at once (timed_out), and
// given back: the next caller gets it.
TYPED_TEST(RateLimiterOn, ASlotPastTheDeadlineIsRefusedAtOnceAndGivenBack) {
  asio::io_context io;
  TypeParam clock;
  RateLimiter limiter(clock, {{Bucket::create, RateLimit{1, 60s, 0s}}});
  const auto start = clock.now();
  std::vector<std::pair<std::error_code, Elapsed>> results;
  auto take = [&](std::optional<reel::Clock::time_point> deadline) -> asio::awaitable<void> {
    const std::error_code ec = co_await limiter.acquire(Bucket::create, deadline);
    results.emplace_back(ec, clock.now() - start);
  };
  asio::co_spawn(io, take(std::nullopt), asio::detached);
  asio::co_spawn(io, take(start + 10s), asio::detached);
  asio::co_spawn(io, take(std::nullopt), asio::detached);
  clock.run(io);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_FALSE(results[0].first);
  EXPECT_TRUE(near<TypeParam>(results[0].second, 0s));
  EXPECT_EQ(results[1].first, std::errc::timed_out);
  EXPECT_TRUE(near<TypeParam>(results[1].second, 0s));  // refused without waiting
  EXPECT_FALSE(results[2].first);
  EXPECT_TRUE(near<TypeParam>(results[2].second, 60s));  // the refused slot did not push it to 120 s
}

}  // namespace

namespace {

// The 3/min bucket of the brief: 9 requests come in three groups of three, 61 s apart (window
// plus margin), in arrival order. A limiter that took a moving clock's wake-up for a pause would
// give every waiting slot back and requeue it until the deadline refused it.
TYPED_TEST(RateLimiterOn, NineRequestsOnThreePerMinuteComeInGroupsOfThree) {
  asio::io_context io;
  TypeParam clock;
  RateLimiter limiter(clock, {{Bucket::create, RateLimit{3, 60s, 1s}}});
  const auto start = clock.now();
  const auto deadline = start + 10min;
  std::vector<std::pair<int, Elapsed>> granted;
  std::vector<std::pair<int, std::error_code>> refused;
  auto take = [&](int id) -> asio::awaitable<void> {
    const std::error_code ec = co_await limiter.acquire(Bucket::create, deadline);
    if (ec) {
      refused.emplace_back(id, ec);
    } else {
      granted.emplace_back(id, clock.now() - start);
    }
  };
  for (int i = 0; i < 9; ++i) asio::co_spawn(io, take(i), asio::detached);
  clock.run(io);
  EXPECT_TRUE(refused.empty()) << refused.size() << " refused, the first: " << refused.front().second.message();
  ASSERT_EQ(granted.size(), 9u);
  for (std::size_t i = 0; i < granted.size(); ++i) {
    EXPECT_EQ(granted[i].first, static_cast<int>(i)) << "FIFO";
    const Elapsed expected = 61s * static_cast<int>(i / 3);
    EXPECT_TRUE(near<TypeParam>(granted[i].second, expected)) << "request " << i;
  }
  EXPECT_EQ(limiter.waiting(), 0u);
}

// A 429 may create a bucket that had no limit while a request to it waited (here: for the abuse
// guard); the pause it brings holds that request too.
TYPED_TEST(RateLimiterOn, APauseOnABucketCreatedWhileWaitingIsHonoured) {
  asio::io_context io;
  TypeParam clock;
  RateLimiter limiter(clock, {}, reel::policy::FailureGuard{2, 30s});
  const auto start = clock.now();
  limiter.record(Bucket::cleanup, 500);
  limiter.record(Bucket::cleanup, 500);  // the guard holds everything until t = 30 s
  Grants grants;
  asio::co_spawn(io, request(limiter, clock, Bucket::models, 1, start, grants), asio::detached);
  io.poll();
  EXPECT_EQ(limiter.waiting(), 1u);
  clock.advance(5s);
  reel::policy::ServerHints hints;
  hints.retry_after = Duration(60s);
  limiter.record(Bucket::models, 429, hints);  // at t = 5 s: models paused until t = 65 s
  clock.run(io);
  ASSERT_EQ(grants.at.size(), 1u);
  EXPECT_TRUE(near<TypeParam>(grants.at[0].second, 65s));
}

// Hints built by hand are not bounded by parsing; the pause they bring is, and never overflows.
TYPED_TEST(RateLimiterOn, WhenGrantedSaysWhenABatchGoesOutAndReservesNothing) {
  TypeParam clock;
  RateLimiter limiter(clock, {{Bucket::create, RateLimit{40, 60s, 1s}}});
  EXPECT_TRUE(near<TypeParam>(limiter.when_granted(Bucket::create, 40) - clock.now(), 0s));
  EXPECT_TRUE(near<TypeParam>(limiter.when_granted(Bucket::create, 41) - clock.now(), 61s));
  EXPECT_TRUE(near<TypeParam>(limiter.when_granted(Bucket::create, 100) - clock.now(), 122s));
  EXPECT_TRUE(near<TypeParam>(limiter.when_granted(Bucket::download, 1000) - clock.now(), 0s));
  // Nothing was reserved: all 40 slots of the first window are still free.
  for (int i = 0; i < 40; ++i) EXPECT_FALSE(limiter.try_acquire(Bucket::create)) << i;
  EXPECT_TRUE(limiter.try_acquire(Bucket::create));
  EXPECT_TRUE(near<TypeParam>(limiter.when_granted(Bucket::create, 1) - clock.now(), 61s));
}

TYPED_TEST(RateLimiterOn, HugeHandMadeHintsPauseForAtMostTheCap) {
  asio::io_context io;
  TypeParam clock;
  RateLimiter limiter(clock, {{Bucket::create, RateLimit{10, 60s, 0s}}});
  reel::policy::ServerHints hints;
  hints.retry_after = Duration::max();
  limiter.record(Bucket::create, 429, hints);
  reel::policy::ServerHints reset;
  reset.rate_limit_remaining = 0;
  reset.rate_limit_reset = Duration::max();
  limiter.record(Bucket::status, 200, reset);
  Grants grants;
  const auto start = clock.now();
  asio::co_spawn(io, request(limiter, clock, Bucket::create, 1, start, grants), asio::detached);
  asio::co_spawn(io, request(limiter, clock, Bucket::status, 2, start, grants), asio::detached);
  clock.run(io);
  std::map<int, Elapsed> when(grants.at.begin(), grants.at.end());
  ASSERT_EQ(when.size(), 2u);
  EXPECT_TRUE(near<TypeParam>(when.at(1), reel::policy::max_server_wait));
  EXPECT_TRUE(near<TypeParam>(when.at(2), reel::policy::max_server_wait));
}

TEST(TickingClock, EveryReadingMovesTimeOnAndSleepsJumpAhead) {
  asio::io_context io;
  reel_test::TickingClock clock(1us);
  const auto a = clock.now();
  const auto b = clock.now();
  EXPECT_EQ(b - a, 1us);
  EXPECT_EQ(clock.readings(), 2u);
  clock.advance(1s);
  EXPECT_EQ(clock.now() - b, 1s + 1us);
  std::optional<reel::Clock::duration> slept;
  auto sleeper = [&]() -> asio::awaitable<void> {
    const auto from = clock.now();
    const std::error_code ec = co_await clock.sleep_for(1h);
    if (!ec) slept = clock.now() - from;
  };
  asio::co_spawn(io, sleeper(), asio::detached);
  clock.run(io);
  ASSERT_TRUE(slept);
  EXPECT_GE(*slept, 1h);
  EXPECT_LE(*slept, 1h + 10us);
}

}  // namespace
