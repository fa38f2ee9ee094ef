// SPDX-License-Identifier: BSL-1.0
/// @file
/// Job error codes (`reel::job::Errc`, category "reel.job"): what a provider answered, mapped
/// onto one vocabulary for every provider, and what can end a job on the client's side. A
/// `ProviderError` keeps the provider's own words (status, code, message, details).
#pragma once

#include <reel/config.hpp>
#include <reel/core/error_category.hpp>

#include <memory>
#include <optional>
#include <string>
#include <system_error>

namespace reel::job {

/// Why a provider call or a job did not succeed.
enum class Errc {
  ok = 0,
  // The request, as the provider judged it
  invalid_request = 1,   ///< 400: parameters the provider refuses
  unauthorized,          ///< 401 (403): bad key, or the model is not available to the account
  insufficient_balance,  ///< 402: add funds
  needs_consent,         ///< 409 (Venice): the model needs consents; see `ProviderDetails::policy_text`
  payload_too_large,     ///< 413: image, audio or video inputs too large
  content_policy,        ///< 422 (Venice) or CONTENT_POLICY_VIOLATION: the prompt or media was refused
  model_not_found,       ///< 404 on create: no such model
  // The provider's state
  job_not_found,         ///< 404: unknown, expired or deleted job
  link_expired,          ///< 410: a download link expired, was used up or revoked
  rate_limited,          ///< 429
  at_capacity,           ///< 503: the model is at capacity
  provider_error,        ///< 5xx other than 503: the provider failed
  failed_at_provider,    ///< the job ran and failed (`ProviderError` says why)
  // The client
  unexpected_response,   ///< an answer that matches no documented shape
  deadline_exceeded,     ///< the job's deadline passed
  cancelled,             ///< the caller cancelled
  ambiguous_submit,      ///< a create may have reached the provider, and cannot be safely repeated
  download_incomplete,   ///< the file is shorter or longer than the provider said
  file_error,            ///< the output file could not be written
  not_supported,         ///< the provider lacks this operation
  // Added later (values are stable: new codes go at the end)
  link_budget_spent,     ///< a one-time link was fetched as often as allowed (`JobOptions::max_link_fetches`)
  not_a_video,           ///< a download answered 200 with something that is not the announced video
  size_mismatch,         ///< a complete download's size differs from the size the provider announced
  quote_created_job,     ///< a price quote created a job at the provider (see the message for its id)
  cancelled_at_provider, ///< the provider reports the job as cancelled
  wrong_account,         ///< a handle or record of another provider or base URL than the session's
  unknown_provider,      ///< no provider of that name (`reel::connect`)
  missing_api_key,       ///< no API key was configured (e.g. the environment variable is unset)
  internal_error,        ///< an exception escaped reel's job code (out of memory, ...): a bug or exhaustion
};

/// The error category of `Errc`, named "reel.job".
const std::error_category& job_category() noexcept;

/// Makes a `std::error_code` from an `Errc`.
inline std::error_code make_error_code(Errc e) noexcept { return {static_cast<int>(e), job_category()}; }

namespace detail {
inline constexpr char job_category_name[] = "reel.job";
/// The message of each `Errc` value (null for a value it does not know).
constexpr const char* job_message(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "success";
    case Errc::invalid_request: return "the provider refused the request's parameters";
    case Errc::unauthorized: return "authentication failed or the model is not available to this account";
    case Errc::insufficient_balance: return "insufficient balance";
    case Errc::needs_consent: return "the model needs consent before it accepts this request";
    case Errc::payload_too_large: return "the request's media inputs are too large";
    case Errc::content_policy: return "refused under the content policy";
    case Errc::model_not_found: return "no such model";
    case Errc::job_not_found: return "the job is unknown, expired or deleted";
    case Errc::link_expired: return "the download link expired, was used up or was revoked";
    case Errc::rate_limited: return "rate limited";
    case Errc::at_capacity: return "the model is at capacity";
    case Errc::provider_error: return "the provider failed";
    case Errc::failed_at_provider: return "the job failed at the provider";
    case Errc::unexpected_response: return "the provider's answer matches no documented shape";
    case Errc::deadline_exceeded: return "the job's deadline passed";
    case Errc::cancelled: return "cancelled";
    case Errc::ambiguous_submit: return "the create request may have reached the provider and cannot be repeated safely";
    case Errc::download_incomplete: return "the downloaded file does not have the announced size";
    case Errc::file_error: return "the output file could not be written";
    case Errc::not_supported: return "the provider does not offer this operation";
    case Errc::link_budget_spent: return "the one-time download link was fetched as often as allowed";
    case Errc::not_a_video: return "the download is not the announced video";
    case Errc::size_mismatch: return "the download is complete but its size differs from the announced size";
    case Errc::quote_created_job: return "the price quote created a job at the provider";
    case Errc::cancelled_at_provider: return "the job was cancelled at the provider";
    case Errc::wrong_account: return "the handle belongs to another provider or API than this session's";
    case Errc::unknown_provider: return "no provider of that name";
    case Errc::missing_api_key: return "no API key is configured";
    case Errc::internal_error: return "an internal error ended the job";
  }
  return nullptr;
}
}  // namespace detail

inline const std::error_category& job_category() noexcept {
  return ErrorCategory<Errc, detail::job_category_name, detail::job_message>::instance();
}

/// The symbolic name of a job error code ("content_policy", "link_expired", ...).
constexpr const char* to_name(Errc e) noexcept {
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
    case Errc::link_budget_spent: return "link_budget_spent";
    case Errc::not_a_video: return "not_a_video";
    case Errc::size_mismatch: return "size_mismatch";
    case Errc::quote_created_job: return "quote_created_job";
    case Errc::cancelled_at_provider: return "cancelled_at_provider";
    case Errc::wrong_account: return "wrong_account";
    case Errc::unknown_provider: return "unknown_provider";
    case Errc::missing_api_key: return "missing_api_key";
    case Errc::internal_error: return "internal_error";
  }
  return "unknown";
}

/// The further fields a few provider errors carry (Venice's 409 and 422).
struct ProviderDetails {
  std::optional<std::string> policy_text;        ///< Venice 409: the consent policy to accept
  std::optional<std::string> consent_version;    ///< Venice 409
  std::optional<std::string> suggested_prompt;   ///< Venice 422 on queue
  std::optional<std::string> recommended_model;  ///< Venice 422 on retrieve
  std::optional<bool> credits_refunded;          ///< Venice 422 on retrieve
};

/// What the provider said about a failure, in its own words (never containing the API key).
/// Small to copy: every job outcome carries one.
struct ProviderError {
  int status = 0;        ///< HTTP status (0: none, e.g. a job's `failed` status)
  std::string code;      ///< provider's code, e.g. "INSUFFICIENT_BALANCE", "needs_consent"
  std::string message;   ///< provider's message
  /// The further fields, when the provider sent any (shared, immutable).
  std::shared_ptr<const ProviderDetails> details;

  /// `details`, or an empty set of fields when there are none.
  const ProviderDetails& more() const noexcept {
    static const ProviderDetails none{};
    return details ? *details : none;
  }
};

/// An error code with the provider's details, when the provider gave any.
struct JobError {
  std::error_code code;
  ProviderError provider;
  /// "<code message>: <provider message>".
  std::string message() const {
    std::string m = code.message();
    if (!provider.message.empty()) m += ": " + provider.message;
    return m;
  }
};

}  // namespace reel::job

template <>
struct std::is_error_code_enum<reel::job::Errc> : std::true_type {};
