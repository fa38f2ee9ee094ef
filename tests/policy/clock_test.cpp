// SPDX-License-Identifier: BSL-1.0
// VirtualClock: sleeps wake in time order when time is advanced, cancellation releases a
// sleeper, run() jumps to the next wake-up, and SteadyClock really sleeps.
#include <reel/testing/virtual_clock.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <system_error>
#include <vector>

namespace {

using namespace std::chrono_literals;

struct Log {
  std::vector<std::string> events;
};

asio::awaitable<void> sleeper(reel::Clock& clock, std::chrono::milliseconds d, std::string name, Log& log,
                              std::error_code* result = nullptr) {
  const auto start = clock.now();
  const std::error_code ec = co_await clock.sleep_for(d);
  if (result != nullptr) *result = ec;
  const auto slept = std::chrono::duration_cast<std::chrono::milliseconds>(clock.now() - start);
  log.events.push_back(name + "@" + std::to_string(slept.count()) + (ec ? " aborted" : ""));
}

TEST(VirtualClock, AdvanceWakesSleepersInTimeOrder) {
  asio::io_context io;
  reel::testing::VirtualClock clock;
  Log log;
  asio::co_spawn(io, sleeper(clock, 300ms, "c", log), asio::detached);
  asio::co_spawn(io, sleeper(clock, 100ms, "a", log), asio::detached);
  asio::co_spawn(io, sleeper(clock, 200ms, "b", log), asio::detached);
  asio::co_spawn(io, sleeper(clock, 0ms, "now", log), asio::detached);
  io.poll();
  EXPECT_EQ(clock.sleepers(), 3u);
  EXPECT_EQ(log.events, (std::vector<std::string>{"now@0"}));
  ASSERT_TRUE(clock.next_wake());
  clock.advance(150ms);
  io.poll();
  EXPECT_EQ(log.events, (std::vector<std::string>{"now@0", "a@150"}));
  clock.advance(1s);
  io.poll();
  EXPECT_EQ(log.events, (std::vector<std::string>{"now@0", "a@150", "b@1150", "c@1150"}));
  EXPECT_EQ(clock.sleepers(), 0u);
}

TEST(VirtualClock, RunJumpsToEachWakeUpExactly) {
  asio::io_context io;
  reel::testing::VirtualClock clock;
  Log log;
  const auto start = clock.now();
  asio::co_spawn(io, sleeper(clock, 5min, "long", log), asio::detached);
  asio::co_spawn(io, sleeper(clock, 2s, "short", log), asio::detached);
  clock.run(io);
  EXPECT_EQ(log.events, (std::vector<std::string>{"short@2000", "long@300000"}));
  EXPECT_EQ(clock.now() - start, 5min);
}

TEST(VirtualClock, CancellationReleasesTheSleeper) {
  asio::io_context io;
  reel::testing::VirtualClock clock;
  Log log;
  std::error_code ec;
  asio::cancellation_signal signal;
  asio::co_spawn(io, sleeper(clock, 10s, "cancelled", log, &ec), asio::bind_cancellation_slot(signal.slot(), asio::detached));
  io.poll();
  ASSERT_EQ(clock.sleepers(), 1u);
  signal.emit(asio::cancellation_type::terminal);
  io.poll();
  EXPECT_EQ(ec, make_error_code(asio::error::operation_aborted));
  EXPECT_EQ(clock.sleepers(), 0u);
  EXPECT_EQ(log.events, (std::vector<std::string>{"cancelled@0 aborted"}));
  clock.advance(1min);  // nothing left to wake
  io.poll();
  EXPECT_EQ(log.events.size(), 1u);
}

TEST(VirtualClock, CalendarTimeMovesWithIt) {
  reel::testing::VirtualClock clock;
  const auto calendar = clock.system_now();
  clock.advance(90s);
  EXPECT_EQ(clock.system_now() - calendar, 90s);
  const auto fixed = reel::testing::VirtualClock(reel::Clock::time_point(1h), std::chrono::system_clock::time_point(1000s));
  EXPECT_EQ(fixed.system_now(), std::chrono::system_clock::time_point(1000s));
  // A deadline 5 s ahead on the virtual clock is 5 s ahead in real time.
  const auto before = std::chrono::steady_clock::now();
  const auto real = fixed.to_steady(fixed.now() + 5s);
  const auto after = std::chrono::steady_clock::now();
  EXPECT_GE(real, before + 5s);
  EXPECT_LE(real, after + 5s);
}

TEST(SteadyClock, SleepsForReal) {
  asio::io_context io;
  Log log;
  const auto start = std::chrono::steady_clock::now();
  asio::co_spawn(io, sleeper(reel::steady_clock(), 20ms, "real", log), asio::detached);
  io.run();
  EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
  ASSERT_EQ(log.events.size(), 1u);
  EXPECT_EQ(log.events[0].rfind("real@", 0), 0u);
}

}  // namespace
