// SPDX-License-Identifier: BSL-1.0
// The simulator's HTTP/1.1 server over Asio: accepts on 127.0.0.1 (optionally TLS), reads requests
// with keep-alive, hands each to a synchronous handler, and writes the reply, carrying out its wire
// faults (reset at a byte offset, stall, truncated chunked body, slow trickle).
#pragma once

#include <reel_sim/http.hpp>
#include <reel_sim/request_parser.hpp>

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/ssl.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <linux/sockios.h>
#include <sys/ioctl.h>

namespace reel_sim {

/// Certificate chain and private key files for TLS.
struct TlsFiles {
  std::string certificate_chain;
  std::string private_key;
};

/// Called for every request; returns the reply to write.
using Handler = std::function<Reply(Request&)>;
/// Counts body bytes of a reply as they are written (negative: taken back after a failed write).
using WrittenHook = std::function<void(const Reply&, std::int64_t body_bytes)>;

namespace detail {

/// One accepted connection.
class Connection {
public:
  Connection(asio::ip::tcp::socket socket, asio::ssl::context* tls) : socket_(std::move(socket)) {
    if (tls != nullptr) tls_ = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(socket_, *tls);
    std::error_code ec;
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  }

  asio::awaitable<void> run(const Handler& handler, const WrittenHook& written, const RequestLimits& limits) {
    std::error_code ec;
    if (tls_) {
      co_await tls_->async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
    }
    std::string in;
    std::array<char, 16 * 1024> chunk{};
    bool continued = false;
    for (;;) {
      Request request;
      // Nothing buffered (the usual case between keep-alive requests): read before parsing.
      const ParseResult parsed = in.empty() ? ParseResult{} : parse_request(in, request, limits);
      if (parsed.kind == ParseResult::need_more) {
        if (parsed.expect_continue && !continued) {
          continued = true;
          if (!co_await raw_write("HTTP/1.1 100 Continue\r\n\r\n")) co_return;
        }
        const std::size_t n = co_await read_some(chunk);
        if (n == 0) co_return;
        in.append(chunk.data(), n);
        continue;
      }
      continued = false;
      Reply reply;
      if (parsed.kind == ParseResult::error) {
        // The handler words the error for the API the path belongs to (as far as it was read).
        request.parse_status = parsed.status;
        request.parse_error = parsed.message;
        reply = handler(request);
        reply.close = true;
      } else {
        in.erase(0, parsed.consumed);
        request.tls = static_cast<bool>(tls_);
        reply = handler(request);
        if (!request.keep_alive) reply.close = true;
        if (request.method == "HEAD") {
          reply.headers.set("Content-Length", std::to_string(reply.body_size()));
          reply.body.clear();
          reply.media.reset();
        }
      }
      const bool ok = co_await write_reply(reply, written);
      if (!ok || reply.close) {
        if (ok) shutdown();
        co_return;
      }
    }
  }

private:
  asio::awaitable<std::size_t> read_some(std::array<char, 16 * 1024>& chunk) {
    std::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    std::size_t n = 0;
    if (tls_) {
      n = co_await tls_->async_read_some(asio::buffer(chunk), token);
    } else {
      n = co_await socket_.async_read_some(asio::buffer(chunk), token);
    }
    co_return ec ? 0 : n;
  }

  asio::awaitable<bool> raw_write(std::string_view bytes) {
    std::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    if (tls_) {
      co_await asio::async_write(*tls_, asio::buffer(bytes), token);
    } else {
      co_await asio::async_write(socket_, asio::buffer(bytes), token);
    }
    co_return !ec;
  }

  asio::awaitable<void> sleep(std::uint64_t ms) {
    asio::steady_timer timer(socket_.get_executor(), std::chrono::milliseconds(ms));
    std::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }

  // A TCP reset once the peer has received every byte written so far: SO_LINGER 0 discards
  // what the kernel has not sent, so first wait (up to 2 s) for the send queue to drain.
  asio::awaitable<void> reset() {
    for (int i = 0; i < 2000 && socket_.is_open(); ++i) {
      int unsent = 0;
      if (::ioctl(socket_.native_handle(), SIOCOUTQ, &unsent) != 0 || unsent <= 0) break;
      co_await sleep(1);
    }
    std::error_code ec;
    socket_.set_option(asio::socket_base::linger(true, 0), ec);
    socket_.close(ec);
  }

public:
  /// Closes the connection at once (the simulator is stopping).
  void close() {
    std::error_code ec;
    socket_.close(ec);
  }

private:

  void shutdown() {
    std::error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

  // Writes `bytes` as part of the current reply, honouring its fault; false once the connection is gone.
  asio::awaitable<bool> emit(std::string_view bytes, const WireFault& f) {
    while (!bytes.empty()) {
      if (f.stall_ms && !stalled_ && written_ >= f.stall_at) {
        stalled_ = true;
        co_await sleep(*f.stall_ms);
      }
      std::size_t n = bytes.size();
      if (f.stall_ms && !stalled_) n = std::min<std::uint64_t>(n, f.stall_at - written_);
      if (f.reset_at) {
        if (written_ >= *f.reset_at) {
          co_await reset();
          co_return false;
        }
        n = std::min<std::uint64_t>(n, *f.reset_at - written_);
      }
      if (f.trickle_bps) n = std::min<std::uint64_t>(n, std::max<std::uint64_t>(1, *f.trickle_bps / 20));
      if (!co_await raw_write(bytes.substr(0, n))) co_return false;
      written_ += n;
      bytes.remove_prefix(n);
      if (f.trickle_bps) co_await sleep(std::max<std::uint64_t>(1, n * 1000 / *f.trickle_bps));
    }
    co_return true;
  }

  asio::awaitable<bool> write_reply(Reply& reply, const WrittenHook& account) {
    const WireFault& f = reply.fault;
    written_ = 0;
    stalled_ = false;
    const bool chunked = f.truncate_at.has_value();
    const std::uint64_t size = reply.body_size();
    // One allocation for the head and, on the fast path below, the body after it.
    std::string head;
    head.reserve(256 + (reply.media ? 0 : reply.body.size()));
    head.append("HTTP/1.1 ").append(std::to_string(reply.status)).append(" ").append(reason(reply.status)).append("\r\n");
    for (const auto& field : reply.headers) head.append(field.name).append(": ").append(field.value).append("\r\n");
    if (chunked) {
      head += "Transfer-Encoding: chunked\r\n";
    } else if (!reply.headers.find("Content-Length")) {
      head += "Content-Length: " + std::to_string(size) + "\r\n";
    }
    if (reply.close) head += "Connection: close\r\n";
    head += "\r\n";

    // Body bytes are counted before they are written, so a client that has read them never
    // sees counters without them; bytes that could not be written are taken back.
    std::uint64_t body_written = 0;
    auto count = [&](std::int64_t delta) {
      if (account && delta != 0) account(reply, delta);
    };
    auto finish = [&](bool ok) {
      if (reply.on_written) reply.on_written(ok && body_written == size);
      return ok;
    };
    if (f.empty() && !reply.media && size < 64 * 1024) {
      // Fast path: head and body in one write.
      head += reply.body;
      count(static_cast<std::int64_t>(size));
      const bool ok = co_await raw_write(head);
      if (!ok) count(-static_cast<std::int64_t>(size));
      body_written = ok ? size : 0;
      co_return finish(ok);
    }
    if (!co_await emit(head, f)) co_return finish(false);

    std::vector<char> buffer(reply.media ? std::min<std::uint64_t>(size, 256 * 1024) : 0);
    const std::uint64_t limit = chunked ? std::min(size, *f.truncate_at) : size;
    while (body_written < limit) {
      const std::uint64_t n = std::min<std::uint64_t>(limit - body_written, 256 * 1024);
      std::string_view piece;
      if (reply.media) {
        reply.media->fill(body_written, std::span<char>(buffer.data(), n));
        piece = std::string_view(buffer.data(), n);
      } else {
        piece = std::string_view(reply.body).substr(body_written, n);
      }
      if (chunked) {
        char size_line[32];
        const int len = std::snprintf(size_line, sizeof size_line, "%llx\r\n", static_cast<unsigned long long>(n));
        const std::string_view line(size_line, static_cast<std::size_t>(len));
        if (!co_await emit(line, f)) co_return finish(false);
      }
      count(static_cast<std::int64_t>(n));
      const std::uint64_t before = written_;
      if (!co_await emit(piece, f)) {
        const std::uint64_t sent = written_ - before;
        body_written += sent;
        count(-static_cast<std::int64_t>(n - sent));
        co_return finish(false);
      }
      body_written += n;
      if (chunked && !co_await emit("\r\n", f)) co_return finish(false);
    }
    if (chunked) {
      if (*f.truncate_at < size) {
        shutdown();  // cut: no terminating chunk
        co_return finish(false);
      }
      if (!co_await emit("0\r\n\r\n", f)) co_return finish(false);
    }
    if (f.reset_at && written_ >= *f.reset_at) {
      co_await reset();
      co_return finish(false);
    }
    co_return finish(true);
  }

  asio::ip::tcp::socket socket_;
  std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket&>> tls_;
  std::uint64_t written_ = 0;
  bool stalled_ = false;
};

}  // namespace detail

/// Accepts connections on 127.0.0.1:`port` (0: ephemeral) and serves them with `handler`.
class Server {
public:
  Server(asio::io_context& io, std::uint16_t port, Handler handler, WrittenHook written,
         const std::optional<TlsFiles>& tls = std::nullopt, RequestLimits limits = {})
      : io_(io), acceptor_(io), handler_(std::move(handler)), written_(std::move(written)), limits_(limits) {
    if (tls) {
      tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
      tls_->use_certificate_chain_file(tls->certificate_chain);
      tls_->use_private_key_file(tls->private_key, asio::ssl::context::pem);
    }
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(io_, accept_loop(), asio::detached);
  }

  /// The bound port.
  std::uint16_t port() const { return port_; }
  /// Whether this server speaks TLS.
  bool tls() const { return static_cast<bool>(tls_); }
  /// Stops accepting and closes every open connection.
  void close() {
    std::error_code ec;
    acceptor_.close(ec);
    for (detail::Connection* c : connections_) c->close();
  }

private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      std::error_code ec;
      asio::ip::tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (!acceptor_.is_open()) co_return;
        continue;
      }
      asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> serve(asio::ip::tcp::socket socket) {
    auto connection = std::make_unique<detail::Connection>(std::move(socket), tls_.get());
    connections_.insert(connection.get());
    try {
      co_await connection->run(handler_, written_, limits_);
    } catch (const std::exception&) {
      // A handler bug must not take the whole simulator down; the connection just ends.
    }
    connections_.erase(connection.get());
  }

  asio::io_context& io_;
  asio::ip::tcp::acceptor acceptor_;
  std::unique_ptr<asio::ssl::context> tls_;
  Handler handler_;
  WrittenHook written_;
  RequestLimits limits_;
  std::uint16_t port_ = 0;
  std::set<detail::Connection*> connections_;
};

}  // namespace reel_sim
