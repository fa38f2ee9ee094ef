// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::http::detail::Connection`: one TCP connection, optionally wrapped in TLS, with the few
/// coroutine operations the client needs (resolve+connect, handshake, write, read). Errors are
/// returned through an `std::error_code&`, never thrown.
#pragma once

#include <reel/config.hpp>
#include <reel/http/detail/tls.hpp>
#include <reel/http/detail/watchdog.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/buffer.hpp>
#include <asio/connect.hpp>
#include <asio/ip/address.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/ssl/host_name_verification.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <openssl/ssl.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

#include <sys/socket.h>

namespace reel::http::detail {

/// One connection to one origin; plain TCP until `start_tls`.
class Connection {
public:
  /// An unconnected socket on `executor`.
  explicit Connection(const asio::any_io_executor& executor) : socket_(executor) {}

  /// The TCP socket (under TLS: the layer below it).
  asio::ip::tcp::socket& socket() noexcept { return tls_ ? tls_->next_layer() : socket_; }
  /// True once `start_tls` was called.
  bool is_tls() const noexcept { return tls_ != nullptr; }
  /// The time the connection went idle in the pool.
  Clock::time_point idle_since{};

  /// Resolves `host`:`port` and connects to the first endpoint that accepts; the last error when
  /// none does. `resolver` is the caller's. Asio's resolver can neither be cancelled nor time out
  /// while `getaddrinfo` runs, so the coroutine waits on a timer the lookup wakes instead: `close()`
  /// (a timeout) or cancelling the coroutine ends the wait at once and the late result is dropped.
  asio::awaitable<void> connect(asio::ip::tcp::resolver& resolver, const std::string& host, std::uint16_t port,
                                const Watchdog& watchdog, std::error_code& ec) {
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    auto lookup = std::make_shared<Lookup>();
    asio::steady_timer wake(socket_.get_executor(), Clock::time_point::max());
    lookup->wake = &wake;
    const LookupGuard guard(lookup, resolving_);
    resolving_ = &wake;
    resolver.async_resolve(host, std::to_string(port),
                           [lookup](const std::error_code& resolve_ec, asio::ip::tcp::resolver::results_type results) {
                             lookup->ec = resolve_ec;
                             lookup->results = std::move(results);
                             lookup->done = true;
                             if (lookup->wake != nullptr) lookup->wake->cancel();
                           });
    co_await wake.async_wait(token);
    if (!lookup->done) {
      if (!ec) ec = asio::error::operation_aborted;  // woken by close()
      co_return;
    }
    if (lookup->ec) {
      ec = lookup->ec;
      co_return;
    }
    const auto endpoints = std::move(lookup->results);
    ec = asio::error::host_not_found;
    for (const auto& entry : endpoints) {
      std::error_code ignored;
      socket_.close(ignored);
      socket_.open(entry.endpoint().protocol(), ec);
      if (ec) continue;
      const asio::ip::tcp::endpoint endpoint = entry.endpoint();
      co_await socket_.async_connect(endpoint, token);
      if (!ec || watchdog.fired() || ec == asio::error::operation_aborted) break;
    }
    if (!ec) {
      std::error_code ignored;
      socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
    }
  }

  /// Wraps the connected socket in TLS for `host` (SNI unless it is an IP literal; certificate
  /// and host name verification always) and performs the handshake.
  asio::awaitable<void> handshake(asio::ssl::context& context, const std::string& host, std::error_code& ec) {
    tls_ = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket>>(std::move(socket_), context);
    std::error_code parse_ec;
    (void)asio::ip::make_address(host, parse_ec);
    if (parse_ec && SSL_set_tlsext_host_name(tls_->native_handle(), host.c_str()) != 1) {
      ec = Errc::tls_verification_failed;
      co_return;
    }
    tls_->set_verify_mode(asio::ssl::verify_peer, ec);
    if (!ec) tls_->set_verify_callback(asio::ssl::host_name_verification(host), ec);
    if (ec) co_return;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    co_await tls_->async_handshake(asio::ssl::stream_base::client, token);
    if (ec) ec = map_handshake_error(ec, tls_->native_handle());
  }

  /// Writes `head` then `body`; returns the bytes written (also on error).
  asio::awaitable<std::size_t> write(const std::string& head, const std::string& body, std::error_code& ec) {
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(body)};
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    if (tls_) co_return co_await asio::async_write(*tls_, buffers, token);
    co_return co_await asio::async_write(socket_, buffers, token);
  }

  /// Reads some bytes into `buffer`.
  asio::awaitable<std::size_t> read_some(asio::mutable_buffer buffer, std::error_code& ec) {
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    if (tls_) co_return co_await tls_->async_read_some(buffer, token);
    co_return co_await socket_.async_read_some(buffer, token);
  }

  /// Closes the socket (and abandons a name lookup); pending operations complete with
  /// `operation_aborted`.
  void close() noexcept {
    if (resolving_ != nullptr) resolving_->cancel();
    std::error_code ignored;
    socket().close(ignored);
  }

  /// True when an idle connection still looks usable: open, and the server has neither closed it
  /// nor sent anything unasked (a non-blocking peek).
  bool idle_and_open() noexcept {
    auto& s = socket();
    if (!s.is_open()) return false;
    char byte = 0;
    const auto n = ::recv(s.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

private:
  // A name lookup in flight: its result, and the timer its waiter sleeps on.
  struct Lookup {
    std::error_code ec;
    asio::ip::tcp::resolver::results_type results;
    bool done = false;
    asio::steady_timer* wake = nullptr;
  };
  // Detaches the waiter when the wait ends however it ends.
  struct LookupGuard {
    std::shared_ptr<Lookup> lookup;
    asio::steady_timer*& resolving;
    LookupGuard(std::shared_ptr<Lookup> l, asio::steady_timer*& r) : lookup(std::move(l)), resolving(r) {}
    LookupGuard(const LookupGuard&) = delete;
    LookupGuard& operator=(const LookupGuard&) = delete;
    ~LookupGuard() {
      lookup->wake = nullptr;
      resolving = nullptr;
    }
  };

  asio::ip::tcp::socket socket_;
  asio::steady_timer* resolving_ = nullptr;
  std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket>> tls_;
};

}  // namespace reel::http::detail
