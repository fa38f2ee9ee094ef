// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::testing::VirtualClock`: a `Clock` whose time only moves when told to, so polling policies,
/// deadlines and rate limiters are tested and benchmarked without sleeping. `run(io)` drives an
/// io_context and jumps to the next wake-up whenever nothing else is runnable.
#pragma once

#include <reel/config.hpp>
#include <reel/time/clock.hpp>

#include <asio/error.hpp>
#include <asio/io_context.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <system_error>

namespace reel::testing {

/// Virtual time. Sleeping coroutines wait on a timer that never expires by itself; `advance_to`
/// wakes every sleeper whose time has come, in time order.
class VirtualClock final : public Clock {
public:
  /// A clock at `start` (a fixed, arbitrary point by default) and `system_start` in calendar time.
  explicit VirtualClock(time_point start = time_point(std::chrono::hours(24)),
                        std::chrono::system_clock::time_point system_start =
                            std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000)))
      : now_(start), system_offset_(system_start.time_since_epoch() - std::chrono::duration_cast<std::chrono::system_clock::duration>(start.time_since_epoch())) {}

  time_point now() const override { return now_; }
  std::chrono::system_clock::time_point system_now() const override {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(now_.time_since_epoch()) + system_offset_);
  }

  asio::awaitable<std::error_code> sleep_until(time_point t) override {
    if (t <= now_) co_return std::error_code();
    auto sleeper = std::make_shared<Sleeper>(co_await asio::this_coro::executor);
    const auto it = sleepers_.emplace(t, sleeper);
    std::error_code ec;
    co_await sleeper->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (sleeper->woken) co_return std::error_code();
    sleepers_.erase(it);  // cancelled through the coroutine's slot: still registered
    co_return ec ? ec : make_error_code(asio::error::operation_aborted);
  }

  /// Moves time forward to `t` (never backwards), waking every sleeper due by then.
  void advance_to(time_point t) {
    while (!sleepers_.empty() && sleepers_.begin()->first <= t) {
      const auto it = sleepers_.begin();
      now_ = std::max(now_, it->first);
      it->second->woken = true;
      it->second->timer.cancel();
      sleepers_.erase(it);
    }
    now_ = std::max(now_, t);
  }
  /// Moves time forward by `d`.
  void advance(duration d) { advance_to(now_ + d); }

  /// Number of coroutines sleeping on this clock.
  std::size_t sleepers() const noexcept { return sleepers_.size(); }
  /// When the next sleeper wakes, if any sleeps.
  std::optional<time_point> next_wake() const {
    if (sleepers_.empty()) return std::nullopt;
    return sleepers_.begin()->first;
  }

  /// Runs `io` until it has no work left, jumping to the next wake-up whenever no handler is
  /// ready. With real I/O pending and no sleeper, it blocks for that I/O. Returns handlers run.
  std::size_t run(asio::io_context& io) {
    std::size_t handled = 0;
    for (;;) {
      io.restart();
      std::size_t n = 0;
      while ((n = io.poll()) > 0) handled += n;
      if (!sleepers_.empty()) {
        advance_to(sleepers_.begin()->first);
        continue;
      }
      io.restart();
      n = io.run_one();
      if (n == 0) return handled;
      handled += n;
    }
  }

private:
  struct Sleeper {
    explicit Sleeper(const asio::any_io_executor& executor) : timer(executor, std::chrono::steady_clock::time_point::max()) {}
    asio::steady_timer timer;
    bool woken = false;
  };

  time_point now_;
  std::chrono::system_clock::duration system_offset_;
  std::multimap<time_point, std::shared_ptr<Sleeper>> sleepers_;
};

}  // namespace reel::testing
