// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::http::AnyClient`: any `HttpClient` on an `asio::any_io_executor` behind one type (a
/// logging wrapper, a dry run, the real client), so code over it is compiled once.
#pragma once

#include <reel/config.hpp>
#include <reel/http/client_concept.hpp>

#include <asio/any_io_executor.hpp>

#include <concepts>
#include <functional>

namespace reel::http {

/// Any HttpClient on an `asio::any_io_executor`, behind one type. The client must outlive it.
class AnyClient {
public:
  using executor_type = asio::any_io_executor;

  template <HttpClient C>
    requires(!std::same_as<C, AnyClient>)
  /// Wraps `client`, which must outlive this object.
  explicit AnyClient(C& client)
      : executor_(client.get_executor()),
        send_([&client](const Request& r, const RequestOptions& o,
                        const BodyChooser& b) { return client.send(r, o, b); }) {
    static_assert(std::same_as<typename C::executor_type, executor_type>);
  }

  /// The wrapped client's executor.
  executor_type get_executor() const noexcept { return executor_; }

  /// Sends `request` through the wrapped client.
  SendResult<executor_type> send(const Request& request, const RequestOptions& options, const BodyChooser& choose) {
    return send_(request, options, choose);
  }

private:
  executor_type executor_;
  std::function<SendResult<executor_type>(const Request&, const RequestOptions&, const BodyChooser&)> send_;
};

static_assert(check_http_client<AnyClient>());

}  // namespace reel::http
