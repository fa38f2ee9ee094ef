// SPDX-License-Identifier: BSL-1.0
// How job outcomes and error codes map onto the reel tool's exit codes (exit_codes.hpp).
#include "exit_codes.hpp"

namespace reel_cli {

/// The exit code of an error code (from any step).
Exit exit_for(const std::error_code& ec) {
  using reel::job::Errc;
  if (!ec) return Exit::ok;
  if (ec.category() != reel::job::job_category()) return Exit::error;  // transport (reel.http, asio)
  switch (static_cast<Errc>(ec.value())) {
    case Errc::ok: return Exit::ok;
    case Errc::unauthorized:
    case Errc::insufficient_balance: return Exit::auth;
    case Errc::invalid_request:
    case Errc::needs_consent:
    case Errc::payload_too_large:
    case Errc::content_policy:
    case Errc::model_not_found: return Exit::rejected;
    case Errc::failed_at_provider: return Exit::failed;
    case Errc::deadline_exceeded: return Exit::deadline;
    case Errc::cancelled: return Exit::cancelled;
    case Errc::ambiguous_submit: return Exit::ambiguous;
    case Errc::not_supported: return Exit::usage;
    default: return Exit::error;
  }
}

/// The exit code of a job's outcome (a succeeded job whose cleanup failed is still a success).
Exit exit_for(const reel::job::Outcome& o) {
  using reel::job::OutcomeKind;
  if (o.kind == OutcomeKind::succeeded) return Exit::ok;
  if (const Exit e = exit_for(o.error.code); e != Exit::ok) return e;
  switch (o.kind) {
    case OutcomeKind::refused: return Exit::rejected;
    case OutcomeKind::failed: return Exit::failed;
    case OutcomeKind::deadline: return Exit::deadline;
    case OutcomeKind::cancelled: return Exit::cancelled;
    case OutcomeKind::ambiguous: return Exit::ambiguous;
    default: return Exit::error;
  }
}

int severity(Exit e) {
  switch (e) {
    case Exit::ok: return 0;
    case Exit::deadline: return 1;
    case Exit::cancelled: return 2;
    case Exit::ambiguous: return 3;
    case Exit::failed: return 4;
    case Exit::rejected: return 5;
    case Exit::error: return 6;
    case Exit::auth: return 7;
    case Exit::usage: return 8;
  }
  return 6;
}

}  // namespace reel_cli
