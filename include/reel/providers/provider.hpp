// SPDX-License-Identifier: BSL-1.0
/// @file
/// The `Provider` concept: what `VideoJob` needs from a provider's traits (how each HTTP call is
/// built, how answers map onto a common status and typed errors), and the optional operations
/// (`has_quote`, `has_cleanup`, `has_cancel`, `has_models`) a provider may offer.
///
/// | member | meaning |
/// |---|---|
/// | `static constexpr std::string_view name` | "venice", "lumenfall", ... |
/// | `static constexpr bool idempotent_create` | a repeated create returns the same job (an idempotency key); optional `bool honours_idempotency_key() const` narrows it at run time |
/// | `static constexpr policy::Bucket create_bucket, status_bucket` | rate-limit buckets of create and status calls (usually `Bucket::create`, `Bucket::status`) |
/// | `using Request` | the native create request (a reflected struct) |
/// | `std::string base_url` | the API's base URL; the API key is only sent there |
/// | `static Request native(const job::VideoRequest&)` | the common request mapped onto the native one |
/// | `http::Request create_request(const Request&, const job::JobHandle&) const` | the billable create |
/// | `static Result<void, job::JobError> on_created(const http::Response&, job::JobHandle&)` | fills the handle |
/// | `http::Request status_request(const job::JobHandle&) const` | one poll |
/// | `static bool status_body_is_video(const http::ResponseHead&)` | the poll's answer is the video itself |
/// | `static Result<job::Status, job::JobError> on_status(const http::Response&, const job::JobHandle&)` | reads a poll |
/// | `static http::Request download_request(const std::string& url)` | GET of the video, no Authorization |
/// | optional: `http::Request download_request(const std::string& url, const job::JobHandle&) const` | used instead when present: may carry the key to `base_url`'s own origin |
/// | `std::optional<http::Request> revoke_request(const job::JobHandle&) const` | after the download, if any |
/// | `static job::JobError error_of(const http::Response&)` | the typed error of a non-success answer |
/// | with `has_cleanup`: `cleanup_request(handle)`, `on_cleanup(response)` | delete the provider's copy |
/// | with `has_cancel`: `cancel_request(handle)`, `on_cancel(response)` | stop a running job |
/// | with `has_quote`: `quote_request(request)`, `on_quote(response) -> Result<double, JobError>` | price in USD |
/// | with `has_models`: `models_request()`, `on_models(response)`, `validate(request, model)` | discovery, validation |
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/http/message.hpp>
#include <reel/job/handle.hpp>
#include <reel/job/request.hpp>
#include <reel/job/status.hpp>
#include <reel/policy/bucket.hpp>

#include <concepts>
#include <optional>
#include <string>
#include <string_view>

namespace reel {

/// A provider's traits, as `VideoJob` uses them.
template <class P>
concept Provider = requires(const P& p, const typename P::Request& request, job::JobHandle& handle,
                            const job::JobHandle& const_handle, const http::Response& response,
                            const http::ResponseHead& head, const job::VideoRequest& common) {
  { P::name } -> std::convertible_to<std::string_view>;
  { P::idempotent_create } -> std::convertible_to<bool>;
  { P::create_bucket } -> std::convertible_to<policy::Bucket>;
  { P::status_bucket } -> std::convertible_to<policy::Bucket>;
  { p.base_url } -> std::convertible_to<std::string>;
  { P::native(common) } -> std::same_as<typename P::Request>;
  { p.create_request(request, const_handle) } -> std::same_as<http::Request>;
  { P::on_created(response, handle) } -> std::same_as<Result<void, job::JobError>>;
  { p.status_request(const_handle) } -> std::same_as<http::Request>;
  { P::status_body_is_video(head) } -> std::same_as<bool>;
  { P::on_status(response, const_handle) } -> std::same_as<Result<job::Status, job::JobError>>;
  { P::download_request(std::string()) } -> std::same_as<http::Request>;
  { p.revoke_request(const_handle) } -> std::same_as<std::optional<http::Request>>;
  { P::error_of(response) } -> std::same_as<job::JobError>;
};

/// Whether `p`'s creates carry an idempotency key the API honours: `P::idempotent_create`, and,
/// for a provider that is told at run time (`OpenAiVideos`, per gateway), `p.honours_idempotency_key()`
/// as well. Without it, a create that may have been received is never repeated.
template <Provider P>
constexpr bool creates_are_idempotent(const P& p) noexcept {
  if constexpr (requires { { p.honours_idempotency_key() } -> std::convertible_to<bool>; }) {
    return P::idempotent_create && p.honours_idempotency_key();
  } else {
    return P::idempotent_create;
  }
}

/// The rate-limit bucket of `P`'s cancels: `P::cancel_bucket` when it names one (Replicate counts
/// cancels with its other non-create calls), else `policy::Bucket::cancel`.
template <Provider P>
constexpr policy::Bucket cancel_bucket_of() noexcept {
  if constexpr (requires { { P::cancel_bucket } -> std::convertible_to<policy::Bucket>; }) {
    return P::cancel_bucket;
  } else {
    return policy::Bucket::cancel;
  }
}

/// A provider that can price a request before it is submitted.
template <class P>
concept QuotingProvider = Provider<P> && P::has_quote && requires(const P& p, const typename P::Request& r,
                                                                  const http::Response& response) {
  { p.quote_request(r) } -> std::same_as<http::Request>;
  { P::on_quote(response) } -> std::same_as<Result<double, job::JobError>>;
};

/// A provider that can delete its copy of a finished job.
template <class P>
concept CleaningProvider = Provider<P> && P::has_cleanup && requires(const P& p, const job::JobHandle& h,
                                                                     const http::Response& response) {
  { p.cleanup_request(h) } -> std::same_as<http::Request>;
  { P::on_cleanup(response) } -> std::same_as<Result<void, job::JobError>>;
};

/// A provider that can stop a running job.
template <class P>
concept CancellingProvider = Provider<P> && P::has_cancel && requires(const P& p, const job::JobHandle& h,
                                                                      const http::Response& response) {
  { p.cancel_request(h) } -> std::same_as<http::Request>;
  { P::on_cancel(response) } -> std::same_as<Result<void, job::JobError>>;
};

/// A provider that lists its models and checks a request against a model's constraints.
template <class P>
concept DiscoveringProvider = Provider<P> && P::has_models && requires(const P& p, const typename P::Request& r,
                                                                       const http::Response& response) {
  { p.models_request() } -> std::same_as<http::Request>;
  { P::on_models(response) };
  { P::validate(r, *P::on_models(response)->begin()) } -> std::same_as<Result<void, job::JobError>>;
};

}  // namespace reel
