// RateLimiter on a VirtualClock: sliding-window limits in arrival order, every fixed minute
// within the limit, pauses from 429s and x-ratelimit headers, the abuse guard, cancellation.
#include <reel/policy/rate_limiter.hpp>
#include <reel/time/virtual_clock.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using reel::policy::Duration;
using reel::policy::RateLimit;
using reel::policy::RateLimiter;

struct Grants {
  std::vector<std::pair<int, Duration>> at;  // (request id, time since start)
  std::vector<int> aborted;
};

asio::awaitable<void> request(RateLimiter& limiter, reel::VirtualClock& clock, std::string bucket, int id,
                              reel::Clock::time_point start, Grants& grants) {
  const std::error_code ec = co_await limiter.acquire(bucket);
  if (ec) {
    grants.aborted.push_back(id);
    co_return;
  }
  grants.at.emplace_back(id, std::chrono::duration_cast<Duration>(clock.now() - start));
}

TEST(RateLimiter, NeverMoreThanTheLimitInAnyWindowAndInArrivalOrder) {
  asio::io_context io;
  reel::VirtualClock clock;
  RateLimiter limiter(clock, {{"queue", RateLimit{40, 60s, 1s}}});
  Grants grants;
  const auto start = clock.now();
  for (int i = 0; i < 130; ++i) asio::co_spawn(io, request(limiter, clock, "queue", i, start, grants), asio::detached);
  clock.run(io);
  ASSERT_EQ(grants.at.size(), 130u);
  for (std::size_t i = 0; i < grants.at.size(); ++i) EXPECT_EQ(grants.at[i].first, static_cast<int>(i)) << "FIFO";
  // Sliding: any 61 s span holds at most 40 grants; so does every fixed minute, wherever it starts.
  for (std::size_t i = 0; i + 40 < grants.at.size(); ++i) {
    EXPECT_GE(grants.at[i + 40].second - grants.at[i].second, 61s) << i;
  }
  for (Duration offset : {0s, 17s, 59s}) {
    std::map<std::int64_t, int> per_minute;
    for (const auto& [id, t] : grants.at) ++per_minute[(t + offset) / 60s];
    for (const auto& [minute, n] : per_minute) EXPECT_LE(n, 40) << "offset " << offset.count() << " minute " << minute;
  }
  EXPECT_EQ(grants.at[39].second, 0s);
  EXPECT_EQ(grants.at[40].second, 61s);
  EXPECT_EQ(grants.at[129].second, 183s);
}

TEST(RateLimiter, BucketsAreIndependentAndUnknownOnesUnlimited) {
  asio::io_context io;
  reel::VirtualClock clock;
  RateLimiter limiter(clock, {{"queue", RateLimit{1, 60s, 0s}}, {"retrieve", RateLimit{2, 60s, 0s}}});
  Grants grants;
  const auto start = clock.now();
  asio::co_spawn(io, request(limiter, clock, "queue", 1, start, grants), asio::detached);
  asio::co_spawn(io, request(limiter, clock, "queue", 2, start, grants), asio::detached);
  asio::co_spawn(io, request(limiter, clock, "retrieve", 3, start, grants), asio::detached);
  asio::co_spawn(io, request(limiter, clock, "retrieve", 4, start, grants), asio::detached);
  for (int i = 0; i < 5; ++i) asio::co_spawn(io, request(limiter, clock, "download", 10 + i, start, grants), asio::detached);
  clock.run(io);
  std::map<int, Duration> when(grants.at.begin(), grants.at.end());
  EXPECT_EQ(when.at(1), 0s);
  EXPECT_EQ(when.at(2), 60s);
  EXPECT_EQ(when.at(3), 0s);
  EXPECT_EQ(when.at(4), 0s);
  for (int i = 10; i < 15; ++i) EXPECT_EQ(when.at(i), 0s);
}

TEST(RateLimiter, A429PausesTheBucketForTheServersWait) {
  asio::io_context io;
  reel::VirtualClock clock;
  RateLimiter limiter(clock, reel::policy::venice_default_limits());
  reel::policy::ServerHints hints;
  hints.rate_limit_reset = Duration(20s);
  hints.rate_limit_remaining = 0;
  limiter.record("retrieve", 429, hints);
  Grants grants;
  const auto start = clock.now();
  asio::co_spawn(io, request(limiter, clock, "retrieve", 1, start, grants), asio::detached);
  asio::co_spawn(io, request(limiter, clock, "queue", 2, start, grants), asio::detached);
  clock.run(io);
  std::map<int, Duration> when(grants.at.begin(), grants.at.end());
  EXPECT_EQ(when.at(1), 20s);
  EXPECT_EQ(when.at(2), 0s);  // the pause is per bucket
  // A 429 without hints pauses for pause_after_429 (5 s); no requests remaining pauses until reset.
  limiter.record("queue", 429);
  reel::policy::ServerHints empty;
  empty.rate_limit_remaining = 0;
  empty.rate_limit_reset = Duration(7s);
  limiter.record("retrieve", 200, empty);
  Grants later;
  const auto t1 = clock.now();
  asio::co_spawn(io, request(limiter, clock, "queue", 3, t1, later), asio::detached);
  asio::co_spawn(io, request(limiter, clock, "retrieve", 4, t1, later), asio::detached);
  clock.run(io);
  std::map<int, Duration> when2(later.at.begin(), later.at.end());
  EXPECT_EQ(when2.at(3), 5s);
  EXPECT_EQ(when2.at(4), 7s);
}

TEST(RateLimiter, A429WithRequestsRemainingIgnoresTheWindowReset) {
  asio::io_context io;
  reel::VirtualClock clock;
  RateLimiter limiter(clock, {{"retrieve", RateLimit{120, 60s, 1s, 2s}}});
  reel::policy::ServerHints hints;
  hints.rate_limit_reset = Duration(50s);  // the end of the minute...
  hints.rate_limit_remaining = 100;        // ...but the limit is not what refused it
  limiter.record("retrieve", 429, hints);
  Grants grants;
  const auto start = clock.now();
  asio::co_spawn(io, request(limiter, clock, "retrieve", 1, start, grants), asio::detached);
  clock.run(io);
  EXPECT_EQ(grants.at.at(0).second, 2s);
}

TEST(RateLimiter, AbuseGuardPausesEverythingAfterTooManyFailures) {
  asio::io_context io;
  reel::VirtualClock clock;
  RateLimiter limiter(clock, {}, reel::policy::FailureGuard{10, 30s});
  for (int i = 0; i < 9; ++i) {
    limiter.record("retrieve", i % 2 == 0 ? 500 : 0);
    clock.advance(1s);
  }
  Grants grants;
  auto start = clock.now();
  asio::co_spawn(io, request(limiter, clock, "retrieve", 1, start, grants), asio::detached);
  clock.run(io);
  EXPECT_EQ(grants.at.at(0).second, 0s);  // 9 failures: still fine
  limiter.record("queue", 503);           // the 10th, at t = 9 s
  EXPECT_EQ(limiter.recent_failures(), 10u);
  start = clock.now();
  asio::co_spawn(io, request(limiter, clock, "anything", 2, start, grants), asio::detached);
  clock.run(io);
  // The first failure (t = 0) leaves the 30 s window at t = 30 s: 21 s from now.
  EXPECT_EQ(grants.at.at(1).second, 21s);
  limiter.record("retrieve", 404);  // 4xx counts as well
  limiter.record("retrieve", 200);  // success does not
  EXPECT_EQ(limiter.recent_failures(), 10u);
}

TEST(RateLimiter, CancelledWaiterGivesItsSlotBack) {
  asio::io_context io;
  reel::VirtualClock clock;
  RateLimiter limiter(clock, {{"queue", RateLimit{1, 60s, 0s}}});
  Grants grants;
  const auto start = clock.now();
  asio::co_spawn(io, request(limiter, clock, "queue", 1, start, grants), asio::detached);
  asio::cancellation_signal signal;
  asio::co_spawn(io, request(limiter, clock, "queue", 2, start, grants), asio::bind_cancellation_slot(signal.slot(), asio::detached));
  io.poll();
  EXPECT_EQ(limiter.waiting(), 1u);
  signal.emit(asio::cancellation_type::terminal);
  io.poll();
  EXPECT_EQ(grants.aborted, std::vector<int>{2});
  EXPECT_EQ(limiter.waiting(), 0u);
  asio::co_spawn(io, request(limiter, clock, "queue", 3, start, grants), asio::detached);
  clock.run(io);
  ASSERT_EQ(grants.at.size(), 2u);
  EXPECT_EQ(grants.at[1].first, 3);
  EXPECT_EQ(grants.at[1].second, 60s);  // the cancelled reservation did not push it further
}

TEST(RateLimiter, PauseArrivingWhileWaitingIsHonoured) {
  asio::io_context io;
  reel::VirtualClock clock;
  RateLimiter limiter(clock, {{"queue", RateLimit{1, 10s, 0s}}});
  Grants grants;
  const auto start = clock.now();
  asio::co_spawn(io, request(limiter, clock, "queue", 1, start, grants), asio::detached);
  asio::co_spawn(io, request(limiter, clock, "queue", 2, start, grants), asio::detached);
  io.poll();
  clock.advance(5s);
  reel::policy::ServerHints hints;
  hints.retry_after = Duration(30s);
  limiter.record("queue", 429, hints);  // at t = 5 s: paused until t = 35 s
  clock.run(io);
  ASSERT_EQ(grants.at.size(), 2u);
  EXPECT_EQ(grants.at[1].second, 35s);
}

}  // namespace

namespace {

// A slot that would only come after the caller's deadline is refused at once (timed_out), and
// given back: the next caller gets it.
TEST(RateLimiter, ASlotPastTheDeadlineIsRefusedAtOnceAndGivenBack) {
  asio::io_context io;
  reel::VirtualClock clock;
  RateLimiter limiter(clock, {{"queue", RateLimit{1, 60s, 0s}}});
  const auto start = clock.now();
  std::vector<std::pair<std::error_code, Duration>> results;
  auto take = [&](std::optional<reel::Clock::time_point> deadline) -> asio::awaitable<void> {
    const std::error_code ec = co_await limiter.acquire("queue", deadline);
    results.emplace_back(ec, std::chrono::duration_cast<Duration>(clock.now() - start));
  };
  asio::co_spawn(io, take(std::nullopt), asio::detached);
  asio::co_spawn(io, take(start + 10s), asio::detached);
  asio::co_spawn(io, take(std::nullopt), asio::detached);
  clock.run(io);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_FALSE(results[0].first);
  EXPECT_EQ(results[0].second, 0s);
  EXPECT_EQ(results[1].first, std::errc::timed_out);
  EXPECT_EQ(results[1].second, 0s);  // refused without waiting
  EXPECT_FALSE(results[2].first);
  EXPECT_EQ(results[2].second, 60s);  // the refused slot did not push it to 120 s
}

}  // namespace
