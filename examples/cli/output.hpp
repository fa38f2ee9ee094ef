// What the reel tool prints. With --json, stdout carries one JSON object per line, each a
// reflected struct below written by reel's json layer: `submitted`, `progress`, `request`
// (--dry-run), `status`, `quote`, `models`, and last the `result`. Without --json, stdout gets
// only what a script wants (a handle, a file name, a price) and messages go to stderr.
#pragma once

#include "exit_codes.hpp"

#include <reel/http/message.hpp>
#include <reel/job/outcome.hpp>
#include <reel/job/types.hpp>
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
#include <vector>

namespace reel_cli {

/// A job error as printed (never containing the key: reel's errors do not hold it).
struct ErrorInfo {
  std::string code;      ///< reel.job codes by name ("content_policy", "deadline_exceeded", ...), others "<category>:<value>"
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
};

/// The name of a reel.job error code, as in `reel::job::Errc`.
inline std::string_view errc_name(reel::job::Errc e) {
  using reel::job::Errc;
  switch (e) {
    case Errc::ok: return "ok";
    case Errc::invalid_request: return "invalid_request";
    case Errc::unauthorized: return "unauthorized";
    case Errc::insufficient_balance: return "insufficient_balance";
    case Errc::needs_consent: return "needs_consent";
    case Errc::payload_too_large: return "payload_too_large";
    case Errc::content_policy: return "content_policy";
    case Errc::model_not_found: return "model_not_found";
    case Errc::job_not_found: return "job_not_found";
    case Errc::link_expired: return "link_expired";
    case Errc::rate_limited: return "rate_limited";
    case Errc::at_capacity: return "at_capacity";
    case Errc::provider_error: return "provider_error";
    case Errc::failed_at_provider: return "failed_at_provider";
    case Errc::unexpected_response: return "unexpected_response";
    case Errc::deadline_exceeded: return "deadline_exceeded";
    case Errc::cancelled: return "cancelled";
    case Errc::ambiguous_submit: return "ambiguous_submit";
    case Errc::download_incomplete: return "download_incomplete";
    case Errc::file_error: return "file_error";
    case Errc::not_supported: return "not_supported";
  }
  return "unknown";
}

inline ErrorInfo error_info(const reel::job::JobError& e) {
  ErrorInfo i;
  i.category = e.code.category().name();
  i.value = e.code.value();
  i.code = e.code.category() == reel::job::job_category() ? std::string(errc_name(static_cast<reel::job::Errc>(i.value)))
                                                          : i.category + ":" + std::to_string(i.value);
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
