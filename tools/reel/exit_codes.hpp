// SPDX-License-Identifier: BSL-1.0
// The reel tool's exit codes, and how job outcomes and error codes map onto them (exit_codes.cpp).
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
Exit exit_for(const std::error_code& ec);

/// The exit code of a job's outcome (a succeeded job whose cleanup failed is still a success).
Exit exit_for(const reel::job::Outcome& o);

/// Whether the job may still be running or finish at the provider (so its handle matters).
inline bool resumable(Exit e) { return e == Exit::deadline || e == Exit::cancelled; }

/// How severe an exit code is, for the exit code of many jobs (the most severe wins): jobs
/// that may still finish, then ambiguous ones, then failures, rejections, errors, keys.
int severity(Exit e);

}  // namespace reel_cli
