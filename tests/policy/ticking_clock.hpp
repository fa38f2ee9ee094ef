// SPDX-License-Identifier: BSL-1.0
// A test double: a virtual clock on which every reading of `now()` moves time on by a tick, as
// a real clock does between two readings. Code that reads the clock twice for one decision (and
// assumes both readings agree) behaves on it as it would on real time, while sleeps still jump
// ahead as on `VirtualClock`.
#pragma once

#include <reel/time/clock.hpp>
#include <reel/testing/virtual_clock.hpp>

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <system_error>

namespace reel_test {

/// Virtual time that advances by `tick` on every `now()` (and `system_now()`) reading.
class TickingClock final : public reel::Clock {
public:
  /// A clock at `VirtualClock`'s default start that ticks by `tick` per reading.
  explicit TickingClock(duration tick = std::chrono::microseconds(1)) : tick_(tick) {}

  time_point now() const override {
    ++readings_;
    inner_.advance(tick_);
    return inner_.now();
  }
  std::chrono::system_clock::time_point system_now() const override {
    ++readings_;
    inner_.advance(tick_);
    return inner_.system_now();
  }
  asio::awaitable<std::error_code> sleep_until(time_point t) override { return inner_.sleep_until(t); }

  /// Moves time forward by `d` (no reading: no tick).
  void advance(duration d) { inner_.advance(d); }
  /// Moves time to `t` (no reading: no tick), as `VirtualClock::advance_to`.
  void advance_to(time_point t) { inner_.advance_to(t); }
  /// The earliest wake-up of a sleeper, as `VirtualClock::next_wake`.
  std::optional<time_point> next_wake() const { return inner_.next_wake(); }
  /// Runs `io` as `VirtualClock::run` does.
  std::size_t run(asio::io_context& io) { return inner_.run(io); }
  /// Coroutines sleeping on this clock.
  std::size_t sleepers() const noexcept { return inner_.sleepers(); }
  /// Readings of the time so far.
  std::uint64_t readings() const noexcept { return readings_; }

private:
  duration tick_;
  mutable reel::testing::VirtualClock inner_;
  mutable std::uint64_t readings_ = 0;
};

}  // namespace reel_test
