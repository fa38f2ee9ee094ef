// SPDX-License-Identifier: BSL-1.0
// The dry-run client and the redaction of secrets (dry_run_client.hpp).
#include "dry_run_client.hpp"

#include <reel/http/detail/chars.hpp>

#include <asio/error.hpp>

#include <string>
#include <string_view>

namespace reel_cli {

/// Headers whose values are secrets.
bool secret_header(std::string_view name) {
  using reel::http::detail::iequals;
  return iequals(name, "Authorization") || iequals(name, "Proxy-Authorization") || iequals(name, "Cookie") ||
         iequals(name, "X-Api-Key") || iequals(name, "X-Goog-Api-Key");
}

/// `request` with secret header values replaced (the scheme word of Authorization is kept).
reel::http::Request redacted(const reel::http::Request& request) {
  reel::http::Request copy;
  copy.method = request.method;
  copy.url = request.url;
  copy.body = request.body;
  for (const auto& field : request.headers) {
    if (!secret_header(field.name)) {
      copy.headers.add(field.name, field.value);
      continue;
    }
    const std::string_view v = field.value;
    const auto space = v.find(' ');
    copy.headers.add(field.name, space == std::string_view::npos ? "REDACTED" : std::string(v.substr(0, space)) + " REDACTED");
  }
  return copy;
}

reel::http::SendResult<DryRunClient::executor_type> DryRunClient::send(const reel::http::Request& request,
                                                                     const reel::http::RequestOptions&,
                                                                     const reel::http::BodyChooser&) {
  requests_.push_back(redacted(request));
  if (print_) print_(requests_.back());
  co_return reel::fail(reel::http::SendError{asio::error::operation_aborted, reel::http::Stage::prepare});
}

}  // namespace reel_cli
