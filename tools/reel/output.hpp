// SPDX-License-Identifier: BSL-1.0
// What the reel tool prints. With --json, stdout carries one JSON object per line, each a
// reflected struct below written by reel's json layer: `submitted`, `progress`, `request`
// (--dry-run), `status`, `quote`, `models`, and last the `result`. Without --json, stdout gets
// only what a script wants (a handle, a file name, a price) and messages go to stderr.
// The functions are defined in output.cpp.
#pragma once

#include "exit_codes.hpp"

#include <reel/http/message.hpp>
#include <reel/job/outcome.hpp>
#include <reel/job/handle.hpp>
#include <reel/job/request.hpp>
#include <reel/job/status.hpp>
#include <reel/json/write.hpp>
#include <reel/providers/venice_types.hpp>

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
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

/// `{"event":"job"}`: one job of `reel jobs --json`, or how `reel resume` or
/// `reel generate --batch` ended it.
struct JobEvent {
  std::string event = "job";
  std::string id;        ///< the local id (for `resume ID`, `forget ID`)
  std::string provider;
  std::string model;
  std::string state;     ///< the journal state (intent, submitted, running, ..., ended, finished)
  std::optional<std::string> job_id;
  std::optional<std::string> output;
  std::optional<std::int64_t> age_seconds;
  std::optional<std::string> outcome;  ///< how the last run ended (jobs) or this one (resume)
  std::optional<std::string> kind;     ///< resume: resumed, resubmitted, ambiguous, skipped; generate --batch: submitted
  std::optional<int> line;             ///< generate --batch: the job's line in the batch file
  std::optional<int> exit_code;        ///< resume: this job's exit code
  std::optional<std::string> file;
  std::optional<std::string> error;
};

/// A symbolic name for any error code: reel's own codes by name, system and Asio errors by their
/// POSIX meaning ("connection_reset", "connection_refused", "timed_out", "eof", ...), others as
/// "<category>:<value>".
std::string symbolic_name(const std::error_code& ec);

/// A job error as printed.
ErrorInfo error_info(const reel::job::JobError& e);

/// A request --dry-run did not send, as an event.
RequestEvent request_event(const reel::http::Request& r);

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
std::string handle_json(const reel::job::JobHandle& h);

/// Reads a handle: the JobHandle object itself, or any object with a `handle` member (a
/// `submitted` or `result` line of --json). Empty on failure, with `why` set.
std::optional<reel::job::JobHandle> parse_handle(const std::string& text, std::string& why);

}  // namespace reel_cli
