// SPDX-License-Identifier: BSL-1.0
/// @file
/// How a job ended (`Outcome`), provider-neutral. Every outcome carries the job's handle: no
/// path loses it.
#pragma once

#include <reel/config.hpp>
#include <reel/job/error.hpp>
#include <reel/job/handle.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reel::job {

/// Why `generate` (or a step) ended.
enum class OutcomeKind {
  succeeded,  ///< the video is at `Outcome::file`, complete and synced
  refused,    ///< the provider refused the create (invalid, auth, balance, consent, policy); nothing was generated.
              ///< Once a job was accepted, a refusal of a later step (a rotated key, say) is `error`: resumable
  failed,     ///< the job ran and failed at the provider (`error` says why)
  deadline,   ///< the deadline passed; the job may still finish: resume from `handle`
  cancelled,  ///< the caller cancelled (the job may still run), or the provider reports it cancelled
  ambiguous,  ///< the create may have reached the provider and was not repeated: check before resubmitting
  error,      ///< another failure (transport, expired link, file); `error` says which
};

/// A short name for an outcome kind ("succeeded", "deadline", ...).
constexpr std::string_view to_string(OutcomeKind k) noexcept {
  switch (k) {
    case OutcomeKind::succeeded: return "succeeded";
    case OutcomeKind::refused: return "refused";
    case OutcomeKind::failed: return "failed";
    case OutcomeKind::deadline: return "deadline";
    case OutcomeKind::cancelled: return "cancelled";
    case OutcomeKind::ambiguous: return "ambiguous";
    case OutcomeKind::error: return "error";
  }
  return "unknown";
}

/// The end of a job, with everything known about it.
struct Outcome {
  OutcomeKind kind = OutcomeKind::error;
  JobError error;              ///< empty code on success
  JobHandle handle;            ///< always set once the job was submitted; resume from it
  std::filesystem::path file;  ///< the video, on success
  std::uint64_t bytes = 0;     ///< video bytes received
  int polls = 0;               ///< status requests made
  std::optional<double> cost;  ///< final cost (USD) when the provider reported it
  bool cleaned_up = false;     ///< the provider's copy was deleted
  bool cleanup_settled = false;  ///< the provider refused the cleanup for good (4xx): nothing left to retry
  /// What did not go as asked without ending the job: a neutral field the provider cannot take,
  /// a status reel does not know, a cleanup step the provider refused.
  std::vector<std::string> warnings;

  bool ok() const noexcept { return kind == OutcomeKind::succeeded; }
};

/// The outcome kind an error code means, at the step where it happened.
inline OutcomeKind outcome_kind_of(const std::error_code& ec) {
  if (ec.category() != job_category()) return OutcomeKind::error;
  switch (static_cast<Errc>(ec.value())) {
    case Errc::invalid_request:
    case Errc::unauthorized:
    case Errc::insufficient_balance:
    case Errc::needs_consent:
    case Errc::payload_too_large:
    case Errc::model_not_found:
    case Errc::wrong_account:
    case Errc::unknown_provider:
    case Errc::missing_api_key: return OutcomeKind::refused;
    case Errc::content_policy:
    case Errc::failed_at_provider: return OutcomeKind::failed;
    case Errc::deadline_exceeded: return OutcomeKind::deadline;
    case Errc::cancelled:
    case Errc::cancelled_at_provider: return OutcomeKind::cancelled;
    case Errc::ambiguous_submit: return OutcomeKind::ambiguous;
    default: return OutcomeKind::error;
  }
}

}  // namespace reel::job

namespace reel {
using job::Outcome;  ///< `reel::job::Outcome`, also as `reel::Outcome`
using job::OutcomeKind;  ///< `reel::job::OutcomeKind`, also as `reel::OutcomeKind`
}  // namespace reel
