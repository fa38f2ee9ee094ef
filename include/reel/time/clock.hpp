// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::Clock`: where reel reads the time and sleeps. Jobs, policies, deadlines and rate
/// limiters take one, so the same code runs on real time (`SteadyClock`) and, in tests and
/// simulations, on a `VirtualClock` that jumps ahead instead of sleeping.
#pragma once

#include <reel/config.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>
#include <system_error>

namespace reel {

/// A source of time and of sleeps. Implementations must be used from one thread (the executor
/// of the coroutines that sleep on them).
class Clock {
public:
  using duration = std::chrono::steady_clock::duration;
  using time_point = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;

  /// The current time on this clock (monotonic).
  virtual time_point now() const = 0;
  /// The current calendar time, for server hints given as dates or Unix times.
  virtual std::chrono::system_clock::time_point system_now() const = 0;
  /// Suspends the calling coroutine until `t`. Returns an empty code once `t` is reached, or
  /// `asio::error::operation_aborted` when the coroutine's cancellation slot fired first.
  virtual asio::awaitable<std::error_code> sleep_until(time_point t) = 0;

  /// Suspends for `d` (see `sleep_until`).
  asio::awaitable<std::error_code> sleep_for(duration d) { return sleep_until(now() + d); }

  /// Converts a deadline on this clock to one on `std::chrono::steady_clock` (for APIs that take
  /// real deadlines, such as `http::RequestOptions::deadline`).
  std::chrono::steady_clock::time_point to_steady(time_point t) const {
    return std::chrono::steady_clock::now() + (t - now());
  }
};

/// Real time: `std::chrono::steady_clock` and Asio's steady timer.
class SteadyClock final : public Clock {
public:
  time_point now() const override { return std::chrono::steady_clock::now(); }
  std::chrono::system_clock::time_point system_now() const override { return std::chrono::system_clock::now(); }
  asio::awaitable<std::error_code> sleep_until(time_point t) override {
    asio::steady_timer timer(co_await asio::this_coro::executor, t);
    std::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_return ec;
  }
};

/// The process-wide real clock.
inline SteadyClock& steady_clock() {
  static SteadyClock clock;
  return clock;
}

}  // namespace reel
