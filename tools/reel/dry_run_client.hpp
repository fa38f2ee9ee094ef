// SPDX-License-Identifier: BSL-1.0
// HttpClient adapters of the reel tool:
// - `DryRunClient` records every request (handing a redacted copy to a printer) and answers none:
//   each `send` ends with `operation_aborted` at stage `prepare` (nothing was sent), which a job
//   reads as "cancelled" and never retries.
// - `VerboseClient<Inner>` logs each request line and the status to stderr.
// `reel::http::AnyClient` holds any of them behind one type, so each provider's job is compiled once.
// None of them ever prints an Authorization value. DryRunClient is defined in dry_run_client.cpp.
#pragma once

#include <reel/http/any_client.hpp>
#include <reel/http/client_concept.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/error.hpp>

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reel_cli {

/// Headers whose values are secrets.
bool secret_header(std::string_view name);

/// `request` with secret header values replaced (the scheme word of Authorization is kept).
reel::http::Request redacted(const reel::http::Request& request);

/// Records requests instead of sending them.
class DryRunClient {
public:
  using executor_type = asio::any_io_executor;
  using Printer = std::function<void(const reel::http::Request&)>;

  /// `print` gets each request, already redacted.
  DryRunClient(executor_type executor, Printer print) : executor_(std::move(executor)), print_(std::move(print)) {}

  executor_type get_executor() const noexcept { return executor_; }
  /// The requests seen so far (redacted).
  const std::vector<reel::http::Request>& requests() const noexcept { return requests_; }

  reel::http::SendResult<executor_type> send(const reel::http::Request& request, const reel::http::RequestOptions&,
                                             const reel::http::BodyChooser&);

private:
  executor_type executor_;
  Printer print_;
  std::vector<reel::http::Request> requests_;
};

/// Logs `> METHOD url` and `< status (bytes, ms)` of each exchange to stderr (no query string,
/// which may hold a download token; no header values).
template <reel::http::HttpClient Inner>
class VerboseClient {
public:
  using executor_type = typename Inner::executor_type;

  explicit VerboseClient(Inner& inner) : inner_(inner) {}

  executor_type get_executor() const { return inner_.get_executor(); }

  reel::http::SendResult<executor_type> send(const reel::http::Request& request,
                                             const reel::http::RequestOptions& options,
                                             const reel::http::BodyChooser& choose) {
    const std::string url = request.url.substr(0, request.url.find('?'));
    std::fprintf(stderr, "> %s %s\n", request.method.c_str(), url.c_str());
    const auto start = std::chrono::steady_clock::now();
    auto result = co_await inner_.send(request, options, choose);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    if (result) {
      std::fprintf(stderr, "< %d %s (%llu bytes, %lld ms)\n", result->head.status, result->head.reason.c_str(),
                   static_cast<unsigned long long>(result->body_bytes), static_cast<long long>(ms.count()));
    } else {
      std::fprintf(stderr, "< failed at %s: %s (%lld ms)\n", reel::http::to_string(result.error().stage),
                   result.error().code.message().c_str(), static_cast<long long>(ms.count()));
    }
    co_return std::move(result);
  }

private:
  Inner& inner_;
};

static_assert(reel::http::check_http_client<DryRunClient>());

}  // namespace reel_cli
