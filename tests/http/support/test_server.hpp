// SPDX-License-Identifier: BSL-1.0
// An in-process HTTP(S) server for the client's integration tests: bound to 127.0.0.1 on an
// ephemeral port, running its own io_context on its own thread, and scripted per test by a
// coroutine that gets each accepted connection (`Peer`). It counts accepted connections and keeps
// every raw request it reads.
#pragma once

#include <reel/config.hpp>

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/read_until.hpp>
#include <asio/ssl.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <sys/socket.h>

namespace reel::test {

class TestServer;

/// One accepted connection, seen from the server.
class Peer {
public:
  Peer(TestServer& server, asio::ip::tcp::socket socket, asio::ssl::context* tls)
      : server_(server), socket_(std::move(socket)) {
    if (tls != nullptr) tls_ = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(socket_, *tls);
  }

  /// Performs the server side of the TLS handshake (when TLS); false on failure.
  asio::awaitable<bool> handshake() {
    if (!tls_) co_return true;
    std::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    co_await tls_->async_handshake(asio::ssl::stream_base::server, token);
    co_return !ec;
  }

  /// Reads one request (head, and a Content-Length body); empty at end of stream or on error.
  /// The request is recorded in the server.
  asio::awaitable<std::string> read_request();

  /// Writes `bytes`; errors are ignored (the client may have gone).
  asio::awaitable<void> write(std::string bytes) {
    std::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    const auto buffer = asio::buffer(bytes);
    if (tls_) {
      co_await asio::async_write(*tls_, buffer, token);
    } else {
      co_await asio::async_write(socket_, buffer, token);
    }
  }

  /// Waits `duration` (the server's io_context keeps serving other connections).
  asio::awaitable<void> sleep(std::chrono::milliseconds duration) {
    asio::steady_timer timer(socket_.get_executor(), duration);
    std::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    co_await timer.async_wait(token);
  }

  /// Closes with a TCP reset (SO_LINGER 0).
  void reset() {
    std::error_code ec;
    socket_.set_option(asio::socket_base::linger(true, 0), ec);
    socket_.close(ec);
  }

  /// Closes normally (FIN).
  void close() {
    std::error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

private:
  asio::awaitable<std::size_t> read_some(std::string& into) {
    char chunk[16 * 1024];
    std::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    const auto buffer = asio::buffer(chunk);
    std::size_t n = 0;
    if (tls_) {
      n = co_await tls_->async_read_some(buffer, token);
    } else {
      n = co_await socket_.async_read_some(buffer, token);
    }
    if (ec) co_return 0;
    into.append(chunk, n);
    co_return n;
  }

  TestServer& server_;
  asio::ip::tcp::socket socket_;
  std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket&>> tls_;
  std::string pending_;
};

/// Certificate and key for a TLS test server.
struct TlsFiles {
  std::string certificate_chain;
  std::string private_key;
};

/// The server. Its handler runs once per accepted connection.
class TestServer {
public:
  using Handler = std::function<asio::awaitable<void>(Peer&)>;

  /// Starts serving at once; TLS when `tls` is given.
  explicit TestServer(Handler handler, std::optional<TlsFiles> tls = std::nullopt)
      : handler_(std::move(handler)), acceptor_(io_) {
    if (tls) {
      tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
      tls_->use_certificate_chain_file(tls->certificate_chain);
      tls_->use_private_key_file(tls->private_key, asio::ssl::context::pem);
    }
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(io_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;
  ~TestServer() {
    io_.stop();
    thread_.join();
  }

  /// The port it listens on.
  std::uint16_t port() const { return port_; }
  /// "http://127.0.0.1:<port><path>" (https when TLS; `host` replaces the IP when given).
  std::string url(std::string_view path = "/", std::string_view host = "127.0.0.1") const {
    return std::string(tls_ ? "https://" : "http://") + std::string(host) + ":" + std::to_string(port_) +
           std::string(path);
  }
  /// Connections accepted so far.
  int accepted() const { return accepted_.load(); }
  /// The raw requests read so far, in order.
  std::vector<std::string> requests() const {
    const std::lock_guard lock(mutex_);
    return requests_;
  }
  /// Records a request (called by `Peer`).
  void record(const std::string& request) {
    const std::lock_guard lock(mutex_);
    requests_.push_back(request);
  }

  /// A handler answering every request on a connection with `response` (keep-alive).
  static Handler canned(std::string response) {
    return [response = std::move(response)](Peer& peer) -> asio::awaitable<void> {
      for (;;) {
        const std::string request = co_await peer.read_request();
        if (request.empty()) co_return;
        co_await peer.write(response);
      }
    };
  }

private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      std::error_code ec;
      auto token = asio::redirect_error(asio::use_awaitable, ec);
      asio::ip::tcp::socket socket = co_await acceptor_.async_accept(token);
      if (ec) co_return;
      ++accepted_;
      asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> serve(asio::ip::tcp::socket socket) {
    auto peer = std::make_unique<Peer>(*this, std::move(socket), tls_.get());
    try {
      if (!co_await peer->handshake()) co_return;
      co_await handler_(*peer);
    } catch (...) {
    }
  }

  Handler handler_;
  std::unique_ptr<asio::ssl::context> tls_;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<int> accepted_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

inline asio::awaitable<std::string> Peer::read_request() {
  std::size_t end = std::string::npos;
  while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
    if (co_await read_some(pending_) == 0) co_return std::string();
  }
  std::size_t length = 0;
  std::string head = pending_.substr(0, end + 4);
  std::string lower = head;
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (const auto at = lower.find("\r\ncontent-length:"); at != std::string::npos) {
    length = std::stoul(lower.substr(at + 17));
  }
  while (pending_.size() < end + 4 + length) {
    if (co_await read_some(pending_) == 0) co_return std::string();
  }
  std::string request = pending_.substr(0, end + 4 + length);
  pending_.erase(0, end + 4 + length);
  server_.record(request);
  co_return request;
}

}  // namespace reel::test
