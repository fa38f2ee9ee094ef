// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::http::detail::ConnectionPool`: keep-alive connections per origin, at most
/// `max_per_origin` open at a time (idle and in use together), idle ones dropped after
/// `idle_expiry` or when the server has closed them. A request that finds its origin at the cap
/// waits (first come, first served) until a connection is returned or discarded. `Lease` is the
/// RAII handle of one connection in use: unless `release(true)` is called, the connection is
/// closed and its slot freed. Single-threaded, like the client.
#pragma once

#include <reel/config.hpp>
#include <reel/http/detail/connection.hpp>
#include <reel/http/detail/watchdog.hpp>
#include <reel/http/error.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

namespace reel::http::detail {

/// Connections per origin ("scheme://host:port").
class ConnectionPool {
public:
  /// A request waiting for a free slot.
  struct Waiter {
    asio::steady_timer* timer = nullptr;
    bool notified = false;
    bool queued = false;                 ///< still in its origin's queue (at `place`)
    std::list<Waiter*>::iterator place;  ///< O(1) removal: no walk through a long queue
  };

  /// A pool allowing `max_per_origin` connections per origin, idle ones for `idle_expiry`.
  ConnectionPool(std::size_t max_per_origin, std::chrono::milliseconds idle_expiry) noexcept
      : max_per_origin_(std::max<std::size_t>(max_per_origin, 1)), idle_expiry_(idle_expiry) {}

  /// Takes the most recently used live idle connection of `origin` into `out` (returns true), or
  /// reserves a slot for a new one (`out` stays empty, returns true); false when at the cap.
  bool try_take(const std::string& origin, std::unique_ptr<Connection>& out) {
    sweep();
    Origin& o = origins_[origin];
    const auto now = Clock::now();
    while (!o.idle.empty()) {
      std::unique_ptr<Connection> c = std::move(o.idle.back());
      o.idle.pop_back();
      if (now - c->idle_since < idle_expiry_ && c->idle_and_open()) {
        out = std::move(c);
        ++o.in_use;
        return true;
      }
      c->close();
    }
    if (o.in_use >= max_per_origin_) return false;
    ++o.in_use;
    return true;
  }

  /// Returns a connection taken with `try_take` (or the slot reserved for it): kept idle when
  /// `reusable`, else closed. Wakes the first waiter of the origin.
  void give_back(const std::string& origin, std::unique_ptr<Connection> connection, bool reusable) {
    Origin& o = origins_[origin];
    --o.in_use;
    if (connection) {
      if (reusable && connection->idle_and_open()) {
        connection->idle_since = Clock::now();
        o.idle.push_back(std::move(connection));
      } else {
        connection->close();
      }
    }
    wake_one(origin);
  }

  /// Wakes the first waiter of `origin`, if any, to try again.
  void wake_one(const std::string& origin) {
    Origin& o = origins_[origin];
    if (o.waiters.empty()) return;
    Waiter* w = o.waiters.front();
    o.waiters.pop_front();
    w->queued = false;
    w->notified = true;
    w->timer->cancel();
  }

  /// Closes idle connections that expired or that the server closed, in every origin, and forgets
  /// origins with nothing left, so neither descriptors nor entries pile up across many origins.
  void sweep() {
    const auto now = Clock::now();
    for (auto it = origins_.begin(); it != origins_.end();) {
      auto& idle = it->second.idle;
      for (auto c = idle.begin(); c != idle.end();) {
        if (now - (*c)->idle_since < idle_expiry_ && (*c)->idle_and_open()) {
          ++c;
        } else {
          (*c)->close();
          c = idle.erase(c);
        }
      }
      if (idle.empty() && it->second.in_use == 0 && it->second.waiters.empty()) {
        it = origins_.erase(it);
      } else {
        ++it;
      }
    }
  }

  /// Queues `waiter` for `origin`.
  void add_waiter(const std::string& origin, Waiter& waiter) {
    auto& waiters = origins_[origin].waiters;
    waiter.place = waiters.insert(waiters.end(), &waiter);
    waiter.queued = true;
  }
  /// Removes `waiter` (if still queued).
  void remove_waiter(const std::string& origin, Waiter& waiter) {
    if (!waiter.queued) return;
    origins_[origin].waiters.erase(waiter.place);
    waiter.queued = false;
  }

  /// Connections of `origin` now idle in the pool (for tests and diagnostics).
  std::size_t idle_count(const std::string& origin) const {
    const auto it = origins_.find(origin);
    return it == origins_.end() ? 0 : it->second.idle.size();
  }

private:
  struct Origin {
    std::deque<std::unique_ptr<Connection>> idle;
    std::size_t in_use = 0;  // leased or being connected
    std::list<Waiter*> waiters;
  };

  std::size_t max_per_origin_;
  std::chrono::milliseconds idle_expiry_;
  std::map<std::string, Origin> origins_;
};

/// One connection in use: returned to the pool with `release(true)`, else closed.
class Lease {
public:
  /// Holds no connection.
  Lease() = default;
  /// Holds `connection` (new when `reused` is false) taken from `pool` for `origin`.
  Lease(std::shared_ptr<ConnectionPool> pool, std::string origin, std::unique_ptr<Connection> connection, bool reused)
      : pool_(std::move(pool)), origin_(std::move(origin)), connection_(std::move(connection)), reused_(reused) {}
  Lease(Lease&& other) noexcept
      : pool_(std::move(other.pool_)), origin_(std::move(other.origin_)),
        connection_(std::move(other.connection_)), reused_(other.reused_) {}
  Lease& operator=(Lease&& other) noexcept {
    if (this != &other) {
      release(false);
      pool_ = std::move(other.pool_);
      origin_ = std::move(other.origin_);
      connection_ = std::move(other.connection_);
      reused_ = other.reused_;
    }
    return *this;
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease() { release(false); }

  /// The connection.
  Connection& connection() noexcept { return *connection_; }
  /// True when the connection came from the pool (it carried an earlier exchange).
  bool reused() const noexcept { return reused_; }

  /// Gives the connection back: kept for reuse when `reusable`, else closed.
  void release(bool reusable) noexcept {
    if (!pool_) return;
    auto pool = std::move(pool_);
    pool_ = nullptr;
    try {
      pool->give_back(origin_, std::move(connection_), reusable);
    } catch (...) {  // std::map allocation: the slot is then lost, never the process
    }
    connection_.reset();
  }

private:
  std::shared_ptr<ConnectionPool> pool_;
  std::string origin_;
  std::unique_ptr<Connection> connection_;
  bool reused_ = false;
};

/// Unqueues a waiter however its wait ends; a notification it got but cannot use goes to the next.
class WaiterGuard {
public:
  WaiterGuard(ConnectionPool& pool, const std::string& origin, ConnectionPool::Waiter& waiter)
      : pool_(pool), origin_(origin), waiter_(waiter) {
    pool_.add_waiter(origin_, waiter_);
  }
  WaiterGuard(const WaiterGuard&) = delete;
  WaiterGuard& operator=(const WaiterGuard&) = delete;
  ~WaiterGuard() {
    pool_.remove_waiter(origin_, waiter_);
    if (waiter_.notified) pool_.wake_one(origin_);
  }

private:
  ConnectionPool& pool_;
  const std::string& origin_;
  ConnectionPool::Waiter& waiter_;
};

/// Takes a connection for `origin` from `pool` (a new one is created on `executor`), waiting
/// while the origin is at its cap; the wait ends by `connect_end` (then the watchdog reports
/// `connect_timeout`) or by the overall deadline. On error `ec` is set (the watchdog's cause, or
/// `operation_aborted` on cancellation).
inline asio::awaitable<Lease> acquire(asio::any_io_executor executor, std::shared_ptr<ConnectionPool> pool,
                                      std::string origin, std::optional<Clock::time_point> connect_end,
                                      Watchdog& watchdog, std::error_code& ec) {
  for (;;) {
    std::unique_ptr<Connection> connection;
    if (pool->try_take(origin, connection)) {
      const bool reused = connection != nullptr;
      if (!connection) connection = std::make_unique<Connection>(executor);
      co_return Lease(pool, origin, std::move(connection), reused);
    }
    asio::steady_timer timer(executor, Clock::time_point::max());
    ConnectionPool::Waiter waiter;
    waiter.timer = &timer;
    const WaiterGuard guard(*pool, origin, waiter);
    watchdog.arm_until(connect_end, Errc::connect_timeout, [&timer] { timer.cancel(); });
    std::error_code wait_ec;
    auto token = asio::redirect_error(asio::use_awaitable, wait_ec);
    co_await timer.async_wait(token);
    watchdog.disarm();
    if (watchdog.fired() || !waiter.notified) {
      ec = watchdog.fired() ? watchdog.fired() : std::error_code(asio::error::operation_aborted);
      co_return Lease();
    }
    waiter.notified = false;  // used now: try again
  }
}

}  // namespace reel::http::detail
