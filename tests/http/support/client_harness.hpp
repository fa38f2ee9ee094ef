// SPDX-License-Identifier: BSL-1.0
// Runs `reel::http::Client::send` to completion on a test's io_context, with a stopwatch.
#pragma once

#include <reel/http/client.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <optional>
#include <utility>

namespace reel::test {

using SendOutcome = reel::Result<reel::http::Response, reel::http::SendError>;

/// The coroutine the harness spawns (a named function: no lambda captures to dangle).
inline asio::awaitable<void> send_into(reel::http::Client& client, const reel::http::Request& request,
                                       const reel::http::RequestOptions& options,
                                       const reel::http::BodyChooser& choose, std::optional<SendOutcome>& out) {
  auto result = co_await client.send(request, options, choose);
  out.emplace(std::move(result));
}

/// One client on one io_context, sending requests one at a time.
class Harness {
public:
  explicit Harness(reel::http::ClientOptions options = {}) : client(io.get_executor(), std::move(options)) {}

  /// Sends and runs the io_context until the exchange is over; `elapsed` is how long it took.
  SendOutcome send(const reel::http::Request& request, const reel::http::RequestOptions& options = {},
                   const reel::http::BodyChooser& choose = {}) {
    std::optional<SendOutcome> out;
    const auto start = std::chrono::steady_clock::now();
    asio::co_spawn(io, send_into(client, request, options, choose, out), asio::detached);
    io.restart();
    io.run();
    elapsed = std::chrono::steady_clock::now() - start;
    return std::move(*out);
  }

  /// Sends, and triggers the coroutine's cancellation slot after `after`.
  SendOutcome send_and_cancel(const reel::http::Request& request, const reel::http::RequestOptions& options,
                              std::chrono::milliseconds after) {
    std::optional<SendOutcome> out;
    const reel::http::BodyChooser none;
    asio::cancellation_signal signal;
    const auto start = std::chrono::steady_clock::now();
    asio::co_spawn(io, send_into(client, request, options, none, out),
                   asio::bind_cancellation_slot(signal.slot(), asio::detached));
    asio::steady_timer timer(io, after);
    timer.async_wait([&signal](std::error_code) { signal.emit(asio::cancellation_type::terminal); });
    io.restart();
    io.run();
    elapsed = std::chrono::steady_clock::now() - start;
    return std::move(*out);
  }

  asio::io_context io;
  reel::http::Client client;
  std::chrono::steady_clock::duration elapsed{};
};

}  // namespace reel::test
