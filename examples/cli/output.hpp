// SPDX-License-Identifier: BSL-1.0
// What the reel tool prints. With --json, stdout carries one JSON object per line, each a
// reflected struct below written by reel's json layer: `submitted`, `progress`, `request`
// (--dry-run), `status`, `quote`, `models`, and last the `result`. Without --json, stdout gets
// only what a script wants (a handle, a file name, a price) and messages go to stderr.
#pragma once

#include "exit_codes.hpp"

#include <reel/http/error.hpp>
#include <reel/http/message.hpp>
#include <reel/job/outcome.hpp>
#include <reel/job/handle.hpp>
#include <reel/job/request.hpp>
#include <reel/job/status.hpp>
#include <reel/json/read.hpp>
#include <reel/json/value.hpp>
#include <reel/json/write.hpp>
#include <reel/providers/venice_types.hpp>

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace reel_cli {

/// A job error as printed (never containing the key: reel's errors do not hold it).
struct ErrorInfo {
  std::string code;      ///< reel.job codes by name ("content_policy", "deadline_exceeded", ...), others "<category>:<value>"
  std::string name;      ///< the symbolic name of any code: "link_expired", "connection_reset", "unexpected_eof", ...
  std::string category;  ///< "reel.job", "reel.http", "asio.misc", ...
  int value = 0;
  std::string message;
  int status = 0;                 ///< HTTP status, when the provider answered
  std::string provider_code;      ///< the provider's own code
  std::optional<std::string> policy_text;
  std::optional<std::string> suggested_prompt;
  std::optional<std::string> recommended_model;
};

/// `{"event":"submitted"}`: the provider accepted the job; persist the handle.
struct SubmittedEvent {
  std::string event = "submitted";
  reel::job::JobHandle handle;
};

/// `{"event":"progress"}`.
struct ProgressEvent {
  std::string event = "progress";
  std::string stage;
  std::optional<int> percent;
  std::optional<std::int64_t> eta_ms;
  std::uint64_t bytes = 0;
  std::optional<std::uint64_t> total_bytes;
  int polls = 0;
  std::optional<std::string> warning;  ///< once per new warning (an unknown status, a long retry pause, ...)
};

/// `{"event":"request"}`: a request --dry-run did not send (Authorization redacted).
struct RequestEvent {
  std::string event = "request";
  std::string method;
  std::string url;
  std::map<std::string, std::string> headers;
  std::string body;
};

/// `{"event":"status"}`: one status read.
struct StatusEvent {
  std::string event = "status";
  std::string phase;  ///< queued, running, ready, failed
  std::optional<int> percent;
  std::optional<std::int64_t> estimate_ms;
  std::optional<std::int64_t> elapsed_ms;
  std::optional<std::uint64_t> size_bytes;
  std::optional<std::int64_t> expires_at;
  std::optional<double> cost;
  std::optional<double> cost_estimate;
  std::optional<std::string> unknown_status;  ///< the provider's word when reel does not know it (read as running)
  std::optional<ErrorInfo> error;
};

/// `{"event":"quote"}`.
struct QuoteEvent {
  std::string event = "quote";
  std::string provider;
  std::string model;
  double usd = 0;
};

/// `{"event":"models"}`.
struct ModelsEvent {
  std::string event = "models";
  std::string provider;
  std::vector<reel::venice::Model> models;
};

/// `{"event":"result"}`: always the last line; `exit_code` is the process's exit status.
struct ResultEvent {
  std::string event = "result";
  std::string command;
  std::string outcome;  ///< succeeded, refused, failed, deadline, cancelled, ambiguous, error, usage
  int exit_code = 0;
  std::optional<std::string> file;
  std::optional<std::uint64_t> size_bytes;  ///< of the file on disk
  std::optional<std::uint64_t> bytes;       ///< video bytes received
  std::optional<int> polls;
  std::optional<double> cost;
  std::optional<bool> cleaned_up;
  std::optional<bool> dry_run;
  std::optional<reel::job::JobHandle> handle;
  std::optional<ErrorInfo> error;
  std::optional<std::vector<std::string>> warnings;  ///< what did not go as asked without ending the job
};

/// The name of a reel.job error code, as in `reel::job::Errc`.
inline std::string_view errc_name(reel::job::Errc e) { return reel::job::to_name(e); }

/// A symbolic name for any error code: reel's own codes by name, system and Asio errors by their
/// POSIX meaning ("connection_reset", "connection_refused", "timed_out", "eof", ...), others as
/// "<category>:<value>".
inline std::string symbolic_name(const std::error_code& ec) {
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

inline ErrorInfo error_info(const reel::job::JobError& e) {
  ErrorInfo i;
  i.category = e.code.category().name();
  i.value = e.code.value();
  i.code = e.code.category() == reel::job::job_category() ? std::string(errc_name(static_cast<reel::job::Errc>(i.value)))
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

inline RequestEvent request_event(const reel::http::Request& r) {
  RequestEvent e;
  e.method = r.method;
  e.url = r.url;
  for (const auto& f : r.headers) e.headers[f.name] = f.value;
  e.body = r.body;
  return e;
}

/// Writes one event as a JSON line on stdout (flushed, so a reader sees it at once).
template <class Event>
void emit(const Event& event) {
  std::string line;
  if (const reel::json::Error e = reel::json::write(event, line)) {
    std::fprintf(stderr, "reel: cannot write an event as JSON: %s\n", e.message().c_str());
    return;
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

/// The handle as one JSON line.
inline std::string handle_json(const reel::job::JobHandle& h) {
  std::string s;
  (void)reel::json::write(h, s);
  return s;
}

/// Reads a handle: the JobHandle object itself, or any object with a `handle` member (a
/// `submitted` or `result` line of --json). Empty on failure, with `why` set.
inline std::optional<reel::job::JobHandle> parse_handle(const std::string& text, std::string& why) {
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
