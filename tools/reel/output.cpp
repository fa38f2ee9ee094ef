// SPDX-License-Identifier: BSL-1.0
// What the reel tool prints (output.hpp): error descriptions, handles.
#include "output.hpp"

#include <reel/http/error.hpp>
#include <reel/json/read.hpp>
#include <reel/json/value.hpp>
#include <reel/json/write.hpp>

#include <optional>
#include <string>
#include <system_error>
#include <utility>

namespace reel_cli {

/// A symbolic name for any error code: reel's own codes by name, system and Asio errors by their
/// POSIX meaning ("connection_reset", "connection_refused", "timed_out", "eof", ...), others as
/// "<category>:<value>".
std::string symbolic_name(const std::error_code& ec) {
  if (ec.category() == reel::job::job_category()) return reel::job::to_name(static_cast<reel::job::Errc>(ec.value()));
  if (ec.category() == reel::http::http_category()) return reel::http::to_name(static_cast<reel::http::Errc>(ec.value()));
  const std::string category = ec.category().name();
  if (category == "asio.misc" && ec.value() == 2) return "eof";
  if (category == "asio.netdb") return ec.value() == 1 ? "host_not_found" : "host_lookup_failed";
  if (category == "asio.addrinfo") return "host_lookup_failed";
  if (category.find("ssl") != std::string::npos || category.find("tls") != std::string::npos) return "tls_error";
  static constexpr std::pair<std::errc, const char*> posix[] = {
      {std::errc::connection_reset, "connection_reset"},
      {std::errc::connection_refused, "connection_refused"},
      {std::errc::connection_aborted, "connection_aborted"},
      {std::errc::timed_out, "timed_out"},
      {std::errc::broken_pipe, "broken_pipe"},
      {std::errc::network_unreachable, "network_unreachable"},
      {std::errc::host_unreachable, "host_unreachable"},
      {std::errc::network_down, "network_down"},
      {std::errc::not_connected, "not_connected"},
      {std::errc::operation_canceled, "operation_canceled"},
      {std::errc::no_space_on_device, "no_space_on_device"},
      {std::errc::file_too_large, "file_too_large"},
      {std::errc::permission_denied, "permission_denied"},
      {std::errc::no_such_file_or_directory, "no_such_file_or_directory"},
      {std::errc::too_many_files_open, "too_many_files_open"},
      {std::errc::address_in_use, "address_in_use"},
  };
  for (const auto& [value, name] : posix) {
    if (ec == value) return name;
  }
  return category + ":" + std::to_string(ec.value());
}

ErrorInfo error_info(const reel::job::JobError& e) {
  ErrorInfo i;
  i.category = e.code.category().name();
  i.value = e.code.value();
  i.code = e.code.category() == reel::job::job_category() ? std::string(reel::job::to_name(static_cast<reel::job::Errc>(i.value)))
                                                          : i.category + ":" + std::to_string(i.value);
  i.name = symbolic_name(e.code);
  i.message = e.message();
  i.status = e.provider.status;
  i.provider_code = e.provider.code;
  i.policy_text = e.provider.more().policy_text;
  i.suggested_prompt = e.provider.more().suggested_prompt;
  i.recommended_model = e.provider.more().recommended_model;
  return i;
}

RequestEvent request_event(const reel::http::Request& r) {
  RequestEvent e;
  e.method = r.method;
  e.url = r.url;
  for (const auto& f : r.headers) e.headers[f.name] = f.value;
  e.body = r.body;
  return e;
}

/// The handle as one JSON line.
std::string handle_json(const reel::job::JobHandle& h) {
  std::string s;
  (void)reel::json::write(h, s);
  return s;
}

/// Reads a handle: the JobHandle object itself, or any object with a `handle` member (a
/// `submitted` or `result` line of --json). Empty on failure, with `why` set.
std::optional<reel::job::JobHandle> parse_handle(const std::string& text, std::string& why) {
  reel::json::Value v;
  if (const reel::json::Error e = reel::json::read(text, v)) {
    why = "the handle is not JSON: " + e.message();
    return std::nullopt;
  }
  std::string inner = text;
  if (const reel::json::Value* h = v.find("handle"); h != nullptr && h->is_object()) {
    inner.clear();
    (void)reel::json::write(*h, inner);
  }
  reel::job::JobHandle handle;
  if (const reel::json::Error e = reel::json::read(inner, handle)) {
    why = "not a job handle: " + e.message();
    return std::nullopt;
  }
  if (!handle.submitted() || handle.provider.empty()) {
    why = "the handle has no job id or provider";
    return std::nullopt;
  }
  return handle;
}

}  // namespace reel_cli
