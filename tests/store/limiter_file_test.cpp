// SPDX-License-Identifier: BSL-1.0
// reel::store::LimiterFile: limiters of one account in several processes share one budget
// through a locked file. In virtual time (two limiters on one clock, each with its own file
// descriptor, as two processes would have), and across real processes (fork).
#include <reel/policy/rate_limiter.hpp>
#include <reel/store/limiter_file.hpp>
#include <reel/time/clock.hpp>
#include <reel/testing/virtual_clock.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

namespace {

using namespace std::chrono_literals;
using reel::policy::Bucket;
using reel::policy::LimiterState;
using reel::policy::RateLimit;
using reel::policy::RateLimiter;
using reel::store::LimiterFile;

std::filesystem::path scratch(const std::string& name) {
  static int n = 0;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("reel-limits-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
  std::filesystem::create_directories(dir);
  return dir / name;
}

TEST(LimiterFile, FormatAndParseRoundTripAndGarbageIsSkipped) {
  LimiterState s;
  s.buckets[Bucket::create].grants = {10, 20, 30};
  s.buckets[Bucket::create].paused_until = 99;
  s.buckets[Bucket::status].grants = {5};
  s.failures = {1, 2};
  const std::string text = LimiterFile::format(s);
  const LimiterState back = LimiterFile::parse(text);
  ASSERT_EQ(back.buckets.size(), 2u);
  EXPECT_EQ(back.buckets.at(Bucket::create).grants, (std::deque<std::int64_t>{10, 20, 30}));
  EXPECT_EQ(back.buckets.at(Bucket::create).paused_until, 99);
  EXPECT_EQ(back.buckets.at(Bucket::status).grants, (std::deque<std::int64_t>{5}));
  EXPECT_EQ(back.failures, (std::deque<std::int64_t>{1, 2}));
  for (const char* junk : {"", "\n\n", "b\n", "b queue x 1\n", "b  1 2\n", "zzz\n", "f x y\n", "b q 1 2 1x\n"}) {
    const LimiterState odd = LimiterFile::parse(junk);
    EXPECT_TRUE(odd.failures.empty()) << junk;
    for (const auto& [name, bucket] : odd.buckets) EXPECT_LE(bucket.grants.size(), 1u) << junk;
  }
}

// A file written when buckets were named by strings: Venice's names read as the buckets they
// were, other names are skipped, nothing throws.
TEST(LimiterFile, TheOlderFormatReadsAsTheSameBuckets) {
  const LimiterState old = LimiterFile::parse("b queue 7 10 20\nb retrieve 0 5\nb acme.create 0 1\nf 3\n");
  ASSERT_EQ(old.buckets.size(), 2u);
  EXPECT_EQ(old.buckets.at(Bucket::create).paused_until, 7);
  EXPECT_EQ(old.buckets.at(Bucket::create).grants, (std::deque<std::int64_t>{10, 20}));
  EXPECT_EQ(old.buckets.at(Bucket::status).grants, (std::deque<std::int64_t>{5}));
  EXPECT_EQ(old.failures, (std::deque<std::int64_t>{3}));
  EXPECT_EQ(LimiterFile::format(old), "b create 7 10 20\nb status 0 5\nf 3\n");
}

asio::awaitable<void> take(RateLimiter& limiter, reel::Clock& clock, reel::Clock::time_point start,
                           std::vector<reel::Clock::duration>& at) {
  const std::error_code ec = co_await limiter.acquire(Bucket::create);
  if (!ec) at.push_back(clock.now() - start);
}

TEST(LimiterFile, TwoLimitersOnOneFileKeepOneBudget) {
  const auto path = scratch("limits");
  asio::io_context io;
  reel::testing::VirtualClock clock;
  RateLimiter a(clock, {{Bucket::create, RateLimit{3, 60s, 1s}}});
  RateLimiter b(clock, {{Bucket::create, RateLimit{3, 60s, 1s}}});
  LimiterFile fa(path);
  LimiterFile fb(path);
  a.share_through(&fa);
  b.share_through(&fb);
  std::vector<reel::Clock::duration> at;
  const auto start = clock.now();
  for (int i = 0; i < 9; ++i) asio::co_spawn(io, take(i % 2 == 0 ? a : b, clock, start, at), asio::detached);
  clock.run(io);
  ASSERT_EQ(at.size(), 9u);
  std::sort(at.begin(), at.end());
  // Three per window in all, not three per limiter.
  for (std::size_t i = 0; i < 9; ++i) EXPECT_EQ(at[i], std::chrono::seconds(61 * static_cast<int>(i / 3))) << i;
  EXPECT_EQ(a.store_errors() + b.store_errors(), 0u);
  // A 429 one process saw pauses the other.
  reel::policy::ServerHints hints;
  hints.retry_after = std::chrono::seconds(30);
  a.record(Bucket::create, 429, hints);
  const auto later = b.try_acquire(Bucket::create);
  ASSERT_TRUE(later);
  EXPECT_GE(*later - clock.now(), 29s);
  std::filesystem::remove_all(path.parent_path());
}

TEST(LimiterFile, ProcessesOfOneMachineShareOneBudget) {
  const auto path = scratch("limits");
  constexpr int processes = 4;
  std::vector<pid_t> children;
  for (int p = 0; p < processes; ++p) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // Each process takes every slot of a 5-a-minute budget it can get in 300 ms.
      RateLimiter limiter(reel::steady_clock(), {{Bucket::create, RateLimit{5, 60s, 1s}}});
      LimiterFile file(path);
      limiter.share_through(&file);
      int taken = 0;
      const auto until = std::chrono::steady_clock::now() + 300ms;
      while (std::chrono::steady_clock::now() < until) {
        if (!limiter.try_acquire(Bucket::create)) ++taken;
        std::this_thread::sleep_for(1ms);
      }
      ::_exit(limiter.store_errors() == 0 ? taken : 100);
    }
    children.push_back(pid);
  }
  int total = 0;
  for (const pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_NE(WEXITSTATUS(status), 100) << "a store error";
    total += WEXITSTATUS(status);
  }
  EXPECT_EQ(total, 5) << "four processes, one budget";
  std::filesystem::remove_all(path.parent_path());
}

}  // namespace
