// SPDX-License-Identifier: BSL-1.0
// The reel tool's exit codes, and how job outcomes and error codes map onto them.
// docs/cli.md and `reel --help` show the same table.
#pragma once

#include <reel/job/error.hpp>
#include <reel/job/outcome.hpp>

#include <string_view>
#include <system_error>

namespace reel_cli {

/// What the process exit status says.
enum class Exit : int {
  ok = 0,         ///< success
  error = 1,      ///< transport or other error (job unknown, link expired, file, unexpected answer)
  usage = 2,      ///< the command line is wrong, or the provider lacks the operation
  auth = 3,       ///< no API key, the key was refused, or the balance is insufficient
  rejected = 4,   ///< the provider refused the request: invalid input, content policy, consent, size, model
  failed = 5,     ///< the job ran and failed at the provider
  deadline = 6,   ///< --timeout passed; the job may still finish: `reel wait --handle` resumes it
  cancelled = 7,  ///< interrupted (SIGINT/SIGTERM); the job may still run: the handle is printed
  ambiguous = 8,  ///< the create may have reached the provider and was not repeated: check before resubmitting
};

inline constexpr std::string_view exit_code_table =
    "exit codes:\n"
    "  0  success\n"
    "  1  transport or other error (job unknown or deleted, link expired, file error)\n"
    "  2  usage error (bad flags, or an operation the provider lacks)\n"
    "  3  authentication or balance (API key missing or refused, insufficient balance)\n"
    "  4  rejected by the provider (invalid input, content policy, needs consent, too large, no such model)\n"
    "  5  failed at the provider (the job ran and failed)\n"
    "  6  deadline (--timeout) reached; the job may still finish: resume with reel wait --handle\n"
    "  7  cancelled (SIGINT/SIGTERM); the job may still run at the provider; the handle is printed\n"
    "  8  ambiguous submit: the create may have reached the provider; check before resubmitting\n";

/// The exit code of an error code (from any step).
inline Exit exit_for(const std::error_code& ec) {
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
inline Exit exit_for(const reel::job::Outcome& o) {
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

/// Whether the job may still be running or finish at the provider (so its handle matters).
inline bool resumable(Exit e) { return e == Exit::deadline || e == Exit::cancelled; }

}  // namespace reel_cli
