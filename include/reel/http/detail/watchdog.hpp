// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::http::detail::Watchdog`: one timer per exchange that enforces the current step's time
/// limit and the exchange's overall deadline. When it fires it records which limit passed and runs
/// the step's abort action (closing the socket, cancelling the resolver), so the pending operation
/// completes with an error at once and nothing hangs; the caller then asks `fired()` for the cause.
#pragma once

#include <reel/config.hpp>
#include <reel/http/error.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <system_error>
#include <utility>

namespace reel::http::detail {

/// The clock of every reel deadline.
using Clock = std::chrono::steady_clock;

/// Enforces step limits and an overall deadline for one exchange; single-threaded (it runs on the
/// client's executor, which must not run its handlers concurrently).
class Watchdog {
public:
  /// A watchdog whose every step also ends by `overall` (the total timeout and the caller's
  /// deadline, whichever comes first), when set.
  Watchdog(const asio::any_io_executor& executor, std::optional<Clock::time_point> overall)
      : timer_(executor), state_(std::make_shared<State>()), overall_(overall) {}
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  ~Watchdog() { disarm(); }

  /// Starts a step limited to `limit` from now (zero: only the overall deadline applies).
  void arm(std::chrono::milliseconds limit, Errc step_error, std::function<void()> abort) {
    std::optional<Clock::time_point> end;
    if (limit.count() > 0) end = Clock::now() + limit;
    arm_until(end, step_error, std::move(abort));
  }

  /// Starts a step that ends at `end` (none: only the overall deadline applies). When the limit
  /// passes, `abort` runs once and `fired()` reports `step_error`, or `total_timeout` when the
  /// overall deadline was the earlier one.
  void arm_until(std::optional<Clock::time_point> end, Errc step_error, std::function<void()> abort) {
    disarm();
    Errc reason = step_error;
    if (overall_ && (!end || *overall_ <= *end)) {
      end = overall_;
      reason = Errc::total_timeout;
    }
    if (!end) return;
    state_->abort = std::move(abort);
    state_->reason = reason;
    const std::uint64_t generation = state_->generation;
    timer_.expires_at(*end);
    timer_.async_wait([state = state_, generation](const std::error_code& ec) {
      if (ec || generation != state->generation || !state->abort) return;
      state->fired = make_error_code(state->reason);
      auto abort_now = std::exchange(state->abort, nullptr);
      abort_now();
    });
  }

  /// Ends the current step: its limit no longer applies and its abort action is dropped.
  void disarm() noexcept {
    ++state_->generation;
    state_->abort = nullptr;
    timer_.cancel();
  }

  /// The timeout that fired (`connect_timeout`, ..., `total_timeout`), or an empty code.
  std::error_code fired() const noexcept { return state_->fired; }

  /// True when the overall deadline has already passed.
  bool overall_passed() const noexcept { return overall_ && *overall_ <= Clock::now(); }

private:
  struct State {
    std::uint64_t generation = 0;
    std::function<void()> abort;
    Errc reason = Errc::total_timeout;
    std::error_code fired;
  };

  asio::steady_timer timer_;
  std::shared_ptr<State> state_;
  std::optional<Clock::time_point> overall_;
};

}  // namespace reel::http::detail
