// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::VideoJob<Provider, Http>`: one paid video job, from submit to a verified file on disk,
/// as Asio coroutines. Steps: `submit`, `wait` (polls under a policy, rate-limited, with
/// progress), `download` (part file, Range resume, size check, fsync, atomic rename), `cleanup`
/// (only once the file is safe), `cancel` (where the provider has it), and `generate` doing all
/// of it. One deadline bounds the whole job, inside every request and sleep; cancellation works
/// through the awaiting coroutine's cancellation slot. The billable create is never sent twice by
/// accident, and every ending carries the job's handle.
///
/// How a request is sent (rate limits, retries, the deadline) is `detail::RequestEngine`
/// (engine/detail/request_engine.hpp); the file side (download, resume, checks, inline videos)
/// is `detail::Download` (engine/detail/download.hpp). This file is the job's orchestration.
/// The executor is `asio::any_io_executor`: the account's clock and rate limiter wait on it.
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/engine/account.hpp>
#include <reel/engine/detail/download.hpp>
#include <reel/engine/detail/request_engine.hpp>
#include <reel/engine/job_options.hpp>
#include <reel/http/client_concept.hpp>
#include <reel/http/url.hpp>
#include <reel/job/error.hpp>
#include <reel/job/handle.hpp>
#include <reel/job/outcome.hpp>
#include <reel/job/progress.hpp>
#include <reel/job/request.hpp>
#include <reel/job/status.hpp>
#include <reel/policy/bucket.hpp>
#include <reel/policy/hints.hpp>
#include <reel/policy/poll.hpp>
#include <reel/providers/common.hpp>
#include <reel/providers/provider.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/this_coro.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace reel {

namespace detail {
struct SchedulerAccess;

/// What a poll found: poll again (at the next poll time), the video is ready, or the job failed.
enum class PollNext : unsigned char { poll, ready, failed };
}  // namespace detail

/// One video job of provider `P` over the HTTP client `H` (any `http::HttpClient` whose
/// executor is `asio::any_io_executor`). Neither copyable nor movable: a job may be in flight
/// (make one in place, or hold it in a `std::unique_ptr` or a `std::deque`).
template <Provider P, http::HttpClient H>
class VideoJob {
  static_assert(std::is_same_v<typename H::executor_type, asio::any_io_executor>,
                "reel::VideoJob: the HTTP client's executor_type must be asio::any_io_executor (the account's "
                "clock and rate limiter wait on it)");

public:
  using Request = typename P::Request;
  template <class T>
  using Awaitable = asio::awaitable<T, typename H::executor_type>;
  template <class T>
  using JobResult = Result<T, job::JobError>;

  /// A new job.
  VideoJob(H& http, P provider, job::Account& account, JobOptions options = {})
      : http_(http), provider_(std::move(provider)), account_(account), options_(std::move(options)),
        engine_(http_, provider_, account_, options_, [this](std::string w) { notice(std::move(w)); }),
        download_(engine_, handle_, options_, [this](job::Stage stage) { report(stage); }) {
    handle_.provider = std::string(P::name);
    handle_.base_url = provider_.base_url;
  }
  /// A job resumed from its handle (it is never submitted again).
  VideoJob(H& http, P provider, job::Account& account, job::JobHandle handle, JobOptions options = {})
      : VideoJob(http, std::move(provider), account, std::move(options)) {
    handle_ = std::move(handle);
  }
  VideoJob(const VideoJob&) = delete;
  VideoJob& operator=(const VideoJob&) = delete;

  /// The job's handle (complete once submitted).
  const job::JobHandle& handle() const noexcept { return handle_; }
  /// The last status read.
  const std::optional<job::Status>& status() const noexcept { return status_; }
  /// Status requests made.
  int polls() const noexcept { return polls_; }
  /// Where a video that comes inline goes (the output given to `wait`).
  const std::filesystem::path& output() const noexcept { return download_.output(); }
  /// The job's options (changes apply to the steps that follow).
  JobOptions& options() noexcept { return options_; }
  /// The account whose limits pace this job's requests.
  job::Account& account() noexcept { return account_; }

  /// Submits `request` (once: a submitted job returns its handle). A create that may have
  /// reached a provider without idempotency keys is not repeated: `ambiguous_submit`.
  Awaitable<JobResult<job::JobHandle>> submit(const Request& request) {
    co_await asio::this_coro::throw_if_cancelled(false);
    if (handle_.submitted()) co_return handle_;
    if (creates_are_idempotent(provider_) && !handle_.idempotency_key) handle_.idempotency_key = mint_key();
    handle_.model = model_of(request);
    handle_.created_at = providers::unix_seconds(clock().system_now());
    started_ = clock().now();
    report(job::Stage::submitting);
    http::Request create = provider_.create_request(request, handle_);
    if constexpr (requires { P::bound_by_deadline(create, std::chrono::milliseconds()); }) {
      // A provider that stops the job by itself at the deadline (fal's start timeout, Replicate's
      // Cancel-After) is told it.
      if (options_.deadline) {
        P::bound_by_deadline(create, std::chrono::duration_cast<std::chrono::milliseconds>(*options_.deadline - clock().now()));
      }
    }
    if (create.method == "POST" && create.body.empty()) {
      co_return fail(error(job::Errc::invalid_request, "the request cannot be encoded as JSON (invalid UTF-8 text?)"));
    }
    auto response = co_await engine_.call(create, P::create_bucket, creates_are_idempotent(provider_) ? Retry::all : Retry::unprocessed);
    if (!response) co_return fail(std::move(response.error()));
    if (auto created = P::on_created(*response, handle_); !created) co_return fail(std::move(created.error()));
    drop_foreign_urls();
    if constexpr (requires { P::status_of_created(*response); }) {
      // A create answered finished (Replicate's `Prefer: wait`): the first poll is not needed.
      if (std::optional<job::Status> known = P::status_of_created(*response);
          known && (known->phase == job::Phase::failed || (known->phase == job::Phase::ready && known->download_url))) {
        status_ = std::move(known);
        settled_at_submit_ = true;
      }
    }
    if (options_.on_submitted) options_.on_submitted(handle_);
    report(job::Stage::queued);
    co_return handle_;
  }

  /// Submits the provider-neutral `request`.
  Awaitable<JobResult<job::JobHandle>> submit(const job::VideoRequest& request)
    requires(!std::same_as<Request, job::VideoRequest>)
  {
    warn_about(request);
    const Request native = P::native(request);
    co_return co_await submit(native);
  }

  /// Polls until the video is ready (then `download`) or the job failed (a `failed` status,
  /// not an error). Where the provider answers a poll with the video itself, it is written to
  /// `output` (which must then be set). Errors: deadline_exceeded (the job may still finish),
  /// cancelled, job_not_found, transport and provider errors that retries did not overcome.
  Awaitable<JobResult<job::Status>> wait(std::optional<std::filesystem::path> output = std::nullopt) {
    co_await asio::this_coro::throw_if_cancelled(false);
    if (!handle_.submitted()) co_return fail(error(job::Errc::job_not_found, "wait before submit"));
    start_wait(std::move(output));
    for (;;) {
      if (auto slept = co_await engine_.sleep_until(next_poll_at()); !slept) co_return fail(std::move(slept.error()));
      auto next = co_await poll_once();
      if (!next) co_return fail(std::move(next.error()));
      if (*next != PollNext::poll) co_return *status_;
    }
  }

  /// Downloads the ready video to `output` (a no-op when it came inline), resuming with Range
  /// after a drop and checking the size; the file appears under its name only when complete.
  Awaitable<JobResult<std::filesystem::path>> download(std::filesystem::path output) {
    co_await asio::this_coro::throw_if_cancelled(false);
    co_return co_await download_.run(std::move(output), status_);
  }

  /// Deletes the provider's copy (and revokes a one-time link), only once the file is safe.
  Awaitable<JobResult<void>> cleanup()
    requires CleaningProvider<P>
  {
    co_await asio::this_coro::throw_if_cancelled(false);
    if (!download_.safe()) co_return fail(error(job::Errc::file_error, "cleanup refused: the video is not safely on disk"));
    if (cleaned_up_) co_return JobResult<void>{};
    report(job::Stage::cleaning_up);
    // The video is safe: a cleanup that cannot finish soon must not keep the caller waiting.
    const StepDeadline bound(engine_, clock().now() + options_.cleanup_timeout);
    if (auto revoke = provider_.revoke_request(handle_)) {
      auto response = co_await engine_.call(*revoke, policy::Bucket::download, Retry::all);
      // A link that cannot be revoked is a warning: the provider's copy is still deleted below.
      if (!response) {
        if (!gone(response.error().code)) warn("the one-time link was not revoked: " + response.error().message());
      } else if (const int st = response->head.status; (st < 200 || st > 299) && st != 404 && st != 410) {
        warn("the one-time link was not revoked: HTTP " + std::to_string(st));
      }
    }
    const http::Request request = provider_.cleanup_request(handle_);
    auto response = co_await engine_.call(request, policy::Bucket::cleanup, Retry::all);
    if (!response) co_return fail(std::move(response.error()));
    if (auto done = P::on_cleanup(*response); !done) {
      const int st = response->head.status;
      if (st >= 400 && st < 500 && st != 408 && st != 429) {
        // The provider will not delete it (asking again would not change that): settled, with a warning.
        cleanup_settled_ = true;
        warn("the provider refused the cleanup: " + done.error().message());
      }
      co_return fail(std::move(done.error()));
    }
    cleaned_up_ = true;
    co_return JobResult<void>{};
  }

  /// Stops the job at the provider (its handle stays valid for status reads).
  Awaitable<JobResult<void>> cancel() {
    static_assert(CancellingProvider<P>, "reel::VideoJob::cancel: this provider cannot cancel a running job "
                                         "(it has no cancel operation; let the job finish or detach from it)");
    if constexpr (CancellingProvider<P>) {
      co_await asio::this_coro::throw_if_cancelled(false);
      if (!handle_.submitted()) co_return JobResult<void>{};
      const http::Request request = provider_.cancel_request(handle_);
      auto response = co_await engine_.call(request, cancel_bucket_of<P>(), Retry::all);
      if (!response) co_return fail(std::move(response.error()));
      if (auto done = P::on_cancel(*response); !done) co_return fail(std::move(done.error()));
    }
    co_return JobResult<void>{};
  }

  /// Prices `request` before any money is spent.
  Awaitable<JobResult<double>> quote(const Request& request) {
    static_assert(QuotingProvider<P>, "reel::VideoJob::quote: this provider offers no price quote");
    if constexpr (QuotingProvider<P>) {
      co_await asio::this_coro::throw_if_cancelled(false);
      const http::Request q = provider_.quote_request(request);
      // Never repeated once it may have reached the server: a quote must not buy a video.
      auto response = co_await engine_.call(q, policy::Bucket::quote, Retry::unprocessed);
      if (!response) {
        job::JobError e = response.error();
        if (e.code == job::Errc::ambiguous_submit) {
          e.code = make_error_code(job::Errc::unexpected_response);
          e.provider.message = "the quote got no answer (not repeated): " + e.provider.message;
        }
        co_return fail(std::move(e));
      }
      auto quoted = P::on_quote(*response);
      if constexpr (requires { P::created_by_quote(*response); }) {
        if (auto id = P::created_by_quote(*response)) co_return co_await undo_quote_job(*id);
      }
      co_return quoted;
    } else {
      co_return fail(error(job::Errc::not_supported, "no quote"));
    }
  }

  /// The provider-neutral request's fields this provider cannot take (also in the outcome's
  /// warnings once submitted).
  const std::vector<std::string>& warnings() const noexcept { return warnings_; }

  /// The provider's models (Venice: `/models?type=video` with each model's constraints).
  auto models()
    requires DiscoveringProvider<P>
  {
    return models_impl();
  }

  /// Checks `request` against its model's constraints (fetched from the provider) before any
  /// money is spent: `model_not_found`, or `invalid_request` saying what does not fit.
  Awaitable<JobResult<void>> validate(const Request& request)
    requires DiscoveringProvider<P>
  {
    auto list = co_await models_impl();
    if (!list) co_return fail(std::move(list.error()));
    for (const auto& model : *list) {
      if (model.id == model_of(request)) co_return P::validate(request, model);
    }
    co_return fail(error(job::Errc::model_not_found, "no model \"" + model_of(request) + "\" in the provider's list"));
  }

  /// Submit, wait, download to `output` and clean up, in one call. The outcome says how it
  /// ended and always carries the handle.
  Awaitable<job::Outcome> generate(const Request& request, std::filesystem::path output) {
    co_await asio::this_coro::throw_if_cancelled(false);
    if (auto refused = co_await begin(request)) co_return std::move(*refused);
    co_return co_await finish(std::move(output));
  }

  /// `generate` for a provider-neutral request.
  Awaitable<job::Outcome> generate(const job::VideoRequest& request, std::filesystem::path output)
    requires(!std::same_as<Request, job::VideoRequest>)
  {
    warn_about(request);
    const Request native = P::native(request);
    co_return co_await generate(native, std::move(output));
  }

  /// `generate` with any Asio completion token: a callback `void(std::exception_ptr,
  /// job::Outcome)`, `asio::use_future`, `asio::use_awaitable`, ... The job must outlive it.
  template <class CompletionToken>
  auto async_generate(Request request, std::filesystem::path output, CompletionToken&& token) {
    return asio::co_spawn(http_.get_executor(), generate_owned(std::move(request), std::move(output)),
                          std::forward<CompletionToken>(token));
  }

  /// Wait, download to `output` and clean up a submitted (or resumed) job.
  Awaitable<job::Outcome> finish(std::filesystem::path output) {
    co_await asio::this_coro::throw_if_cancelled(false);
    if (download_.safe()) co_return co_await complete(std::move(output));
    auto ready = co_await wait(output);
    if (!ready) co_return outcome_of(std::move(ready.error()));
    if (ready->phase == job::Phase::failed) co_return outcome_of(ready->error);
    co_return co_await complete(std::move(output));
  }

  /// The outcome of ending the job with `error` now (its kind from `outcome_kind_of`), with
  /// everything known about the job.
  job::Outcome outcome_of(job::JobError error) const {
    job::Outcome o;
    o.kind = job::outcome_kind_of(error.code);
    // Once the provider accepted the job, nothing means "refused, nothing was generated": a key
    // rotated or a balance spent while it ran leaves it resumable (`error`, with the cause).
    if (o.kind == job::OutcomeKind::refused && handle_.submitted()) o.kind = job::OutcomeKind::error;
    o.error = std::move(error);
    o.warnings = warnings_;
    o.handle = handle_;
    o.polls = polls_;
    o.bytes = download_.bytes();
    if (status_) o.cost = status_->cost;
    o.cleaned_up = cleaned_up_;
    o.cleanup_settled = cleanup_settled_;
    if (download_.mismatched_file()) o.file = *download_.mismatched_file();
    return o;
  }

  /// Marks a video already complete at `path` (an earlier process saved it) as safe, after the
  /// checks a download gets: `expected_size` when known, and an ISO-BMFF `ftyp` box at its
  /// start. Then `finish` and `cleanup` go on from there without downloading again.
  JobResult<void> adopt_file(const std::filesystem::path& path, std::optional<std::uint64_t> expected_size = {}) {
    return download_.adopt(path, expected_size);
  }

private:
  friend struct detail::SchedulerAccess;
  using Retry = detail::Retry;
  using PollNext = detail::PollNext;
  using StepDeadline = typename detail::RequestEngine<P, H>::StepDeadline;

  // ---- scheduler steps (`generate` is made of them; `JobRunner` drives them through
  // `detail::SchedulerAccess` without a coroutine per waiting job) ---------------------------

  // A scheduler took the rate-limit slot of the next request to `bucket` (with
  // `RateLimiter::try_acquire`): that request does not wait for one. None clears it.
  void slot_granted(std::optional<policy::Bucket> bucket) { engine_.slot_granted(bucket); }

  // Prepares `poll_once` steps (which `wait` drives); `output` receives a video that comes inline.
  void start_wait(std::optional<std::filesystem::path> output) {
    if (output) download_.set_output(std::move(*output));
    if (!waiting_) {
      waiting_ = true;
      failed_polls_ = 0;
      if (auto known = account_.estimate(handle_.model)) poll_.estimate = *known;
      wait_begin_ = started_.value_or(clock().now());
    }
  }

  // When the next `poll_once` is due under the poll policy, never after the deadline.
  Clock::time_point next_poll_at() {
    if (settled_at_submit_) return clock().now();
    poll_.since_submit = std::chrono::duration_cast<policy::Duration>(clock().now() - wait_begin_);
    const Clock::time_point at = clock().now() + policy::poll_delay(options_.poll, poll_, options_.poll_bounds);
    return options_.deadline ? std::min(at, *options_.deadline) : at;
  }

  // When the provider's estimate says the video should be ready (the wait's start plus the
  // estimate), if there is an estimate: a scheduler with too few polls for every job polls the
  // jobs expected to be done first.
  std::optional<Clock::time_point> expected_ready_at() const {
    if (!poll_.estimate) return std::nullopt;
    return wait_begin_ + *poll_.estimate;
  }

  // Before the first poll: when it is due now that another job of the account reported the
  // model's run-time estimate (jobs submitted together then skip a poll spent learning it);
  // empty when nothing changed.
  std::optional<Clock::time_point> replan_first_poll() {
    if (polls_ != 0 || poll_.estimate) return std::nullopt;
    const auto known = account_.estimate(handle_.model);
    if (!known) return std::nullopt;
    poll_.estimate = *known;
    return next_poll_at();
  }

  // One status request (after `start_wait`). A transient failure (transport, 429, 5xx, a broken
  // inline video) counts toward `max_failed_polls` and says `poll` again; `ready` means the video
  // is downloadable (or already written to the output when it came inline); `failed` means
  // `status()->error` says why. Errors end the wait.
  Awaitable<JobResult<PollNext>> poll_once() {
    // No Range on a poll (the status request is not a download): an inline video that broke
    // off arrives whole with the next poll.
    if (settled_at_submit_) {
      settled_at_submit_ = false;
      co_return status_->phase == job::Phase::ready ? PollNext::ready : PollNext::failed;
    }
    const http::Request poll = provider_.status_request(handle_);
    ++polls_;
    std::optional<policy::ServerHints> hints;
    // One attempt per poll: a failed poll is followed by the next one, until the deadline or
    // too many failures.
    auto response = co_await engine_.call(poll, P::status_bucket, Retry::none, download_.inline_chooser(), &hints);
    JobResult<PollNext> next = on_poll(response, hints);
    if constexpr (requires { P::has_result; provider_.result_request(handle_); }) {
      // Ready without a URL (fal COMPLETED): the video's URL is in the result, read next.
      if (next && *next == PollNext::ready && !status_->video_inline && !status_->download_url) {
        const http::Request read = provider_.result_request(handle_);
        auto result = co_await engine_.call(read, P::status_bucket, Retry::all);
        JobResult<job::Status> status = result ? P::on_result(*result, handle_) : JobResult<job::Status>(fail(std::move(result.error())));
        if (!status) {
          waiting_ = true;
          co_return poll_again_or_fail(std::move(status.error()));
        }
        status_ = std::move(*status);
        co_return status_->phase == job::Phase::ready ? PollNext::ready : PollNext::failed;
      }
    }
    co_return next;
  }

  // The first step of `generate`: the request checked against the model when
  // `validate_before_submit` asks for it, then `submit`. Empty once submitted; otherwise the
  // outcome (`refused` when the provider turned the request down).
  Awaitable<std::optional<job::Outcome>> begin(const Request& request) {
    if constexpr (DiscoveringProvider<P>) {
      if (options_.validate_before_submit && !handle_.submitted()) {
        if (auto valid = co_await validate(request); !valid) co_return refused(std::move(valid.error()));
      }
    }
    auto submitted = co_await submit(request);
    if (!submitted) co_return refused(std::move(submitted.error()));
    co_return std::nullopt;
  }

  // The last step of `generate`, once the video is ready: download to `output`, then clean up
  // when `JobOptions::cleanup` asks for it.
  Awaitable<job::Outcome> complete(std::filesystem::path output) {
    auto path = co_await download(std::move(output));
    if (!path) co_return outcome_of(std::move(path.error()));
    if constexpr (CleaningProvider<P>) {
      if (options_.cleanup) {
        auto cleaned = co_await cleanup();
        // A failed cleanup does not undo a safe video; it is reported in `error` with success.
        if (!cleaned) co_return succeeded(std::move(*path), std::move(cleaned.error()));
      }
    }
    co_return succeeded(std::move(*path), job::JobError{});
  }

  // ---- polls ---------------------------------------------------------------------------------

  // What a status answer means for the wait (see poll_once).
  JobResult<PollNext> on_poll(JobResult<http::Response>& response, const std::optional<policy::ServerHints>& hints) {
    poll_.polls = polls_;
    poll_.hint.reset();
    if (hints) poll_.hint = hints->poll_after ? hints->poll_after : hints->retry_after;
    if (!response) return poll_again_or_fail(std::move(response.error()));
    JobResult<job::Status> status = job::Status{};
    if (response->streamed) {
      // The answer was the video (a 200, or a 206 continuing a broken one).
      status->phase = job::Phase::ready;
      status->video_inline = true;
    } else {
      status = P::on_status(*response, handle_);
    }
    if (!status) return poll_again_or_fail(std::move(status.error()));
    failed_polls_ = 0;
    capacity_waits_ = 0;
    server_errors_ = 0;
    status_ = std::move(*status);
    if (status_->estimate) {
      poll_.estimate = status_->estimate;
      account_.learn_estimate(handle_.model, *status_->estimate);
    }
    poll_.elapsed = status_->elapsed;
    poll_.percent = status_->percent;
    if (status_->expires_at) handle_.expires_at = status_->expires_at;
    if (status_->unknown_status) {
      // A status word reel does not know: still running, reported once, bounded.
      warn("unknown status \"" + *status_->unknown_status + "\" read as running");
      const Clock::time_point now = clock().now();
      if (!unknown_since_) unknown_since_ = now;
      if (now - *unknown_since_ >= options_.unknown_status_limit) {
        waiting_ = false;
        return fail(error(job::Errc::unexpected_response,
                          "only unknown statuses (\"" + *status_->unknown_status + "\") for " +
                              std::to_string(std::chrono::duration_cast<std::chrono::minutes>(now - *unknown_since_).count()) +
                              " min (JobOptions::unknown_status_limit); the job is kept: resume it later"));
      }
    } else {
      unknown_since_.reset();
    }
    if (status_->phase == job::Phase::ready) {
      handle_.completed_at = providers::unix_seconds(clock().system_now());
      if (status_->video_inline) {
        if (!download_.has_file()) return fail(error(job::Errc::file_error, "the video came inline but no output file was set"));
        if (auto kept = download_.keep(*response, status_->size_bytes); !kept) {
          const bool again = kept.error().code == job::Errc::download_incomplete;
          if (!again) {
            waiting_ = false;
            return fail(std::move(kept.error()));
          }
          download_.discard();  // polls carry no Range: the next answer brings the whole video
          return poll_again_or_fail(std::move(kept.error()));
        }
      }
      waiting_ = false;
      return PollNext::ready;
    }
    if (status_->phase == job::Phase::failed) {
      waiting_ = false;
      return PollNext::failed;
    }
    report(status_->phase == job::Phase::queued ? job::Stage::queued : job::Stage::running);
    return PollNext::poll;
  }

  // A poll that read no status. At capacity (503): wait, backing off, without counting it as a
  // failure. The provider's documented "inference failed" 500, repeated: the job failed.
  // Unreadable or transient answers count toward `max_failed_polls`; others end the wait.
  JobResult<PollNext> poll_again_or_fail(job::JobError e) {
    const std::error_code ec = e.code;
    if (ec == job::Errc::at_capacity) {
      ++capacity_waits_;
      // Backing off from the poll floor (doubling, up to the ceiling); a server hint still wins.
      const policy::Duration floor = std::max(options_.poll_bounds.floor, policy::Duration(10));
      const policy::Duration backoff = std::min(options_.poll_bounds.ceiling, policy::Duration(floor.count() << std::min(capacity_waits_, 10)));
      if (!poll_.hint || *poll_.hint < backoff) poll_.hint = backoff;
      report(job::Stage::running);
      return PollNext::poll;
    }
    if constexpr (requires { P::failed_after_500s; }) {
      if (e.provider.status == 500 && says_inference_failed(e.provider.message)) {
        if (++server_errors_ >= P::failed_after_500s) {
          waiting_ = false;
          job::Status failed;
          failed.phase = job::Phase::failed;
          failed.error = std::move(e);
          failed.error.code = make_error_code(job::Errc::failed_at_provider);
          if (failed.error.provider.message.empty() || failed.error.provider.message.rfind("HTTP", 0) == 0) {
            failed.error.provider.message = "inference processing failed";
          }
          failed.error.provider.message += " (HTTP 500, " + std::to_string(server_errors_) + " times in a row)";
          status_ = std::move(failed);
          return PollNext::failed;
        }
      } else {
        server_errors_ = 0;
      }
    }
    const bool again = detail::transient(ec) || ec == job::Errc::unexpected_response;
    if (again && ++failed_polls_ <= options_.max_failed_polls) return PollNext::poll;
    waiting_ = false;
    return fail(std::move(e));
  }

  // Whether a 500's message is the provider's documented "inference (processing) failed" (not a
  // gateway's or a passing server error, which are retried as any 5xx).
  static bool says_inference_failed(std::string_view message) {
    std::string m(message);
    for (char& c : m) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    return m.find("inference") != std::string::npos && m.find("fail") != std::string::npos;
  }

  // ---- the rest ------------------------------------------------------------------------------

  // A job URL the provider returned on another origin than its API is dropped, with a warning:
  // the key is never sent there, and the provider's documented URL is used instead.
  void drop_foreign_urls() {
    for (std::optional<std::string>* url : {&handle_.status_url, &handle_.result_url, &handle_.cancel_url}) {
      if (!*url) continue;
      if ((*url)->empty() || !http::same_origin(**url, handle_.base_url)) {
        if (!(*url)->empty()) warn("a job URL on another origin than the provider's API was ignored (the key is not sent there)");
        url->reset();
      }
    }
  }

  // Records the fields of a neutral request the provider's model cannot take, before it is submitted.
  void warn_about(const job::VideoRequest& request) {
    if constexpr (requires { P::warnings_of(request); }) {
      if (!handle_.submitted()) {
        for (std::string& w : P::warnings_of(request)) warn(std::move(w));
      }
    }
  }

  // Records a warning (kept for the outcome) and reports it once in progress.
  void warn(std::string w) {
    if (std::find(warnings_.begin(), warnings_.end(), w) != warnings_.end()) return;
    warnings_.push_back(w);
    notice(std::move(w));
  }
  // Reports `w` in progress only (a long pause: news, not something that went wrong).
  void notice(std::string w) {
    if (!options_.on_progress) return;
    job::JobProgress p;
    p.stage = stage_;
    p.polls = polls_;
    p.bytes = download_.bytes();
    p.warning = std::move(w);
    options_.on_progress(p);
  }

  // A quote that created a job: stop it where the provider can, and say so with its id.
  Awaitable<JobResult<double>> undo_quote_job(std::string id) {
    std::string what = "the price quote created job " + id + " at the provider";
    if constexpr (CancellingProvider<P>) {
      job::JobHandle h = handle_;
      h.job_id = id;
      const http::Request request = provider_.cancel_request(h);
      const StepDeadline bound(engine_, clock().now() + options_.cleanup_timeout);
      auto response = co_await engine_.call(request, cancel_bucket_of<P>(), Retry::all);
      const bool cancelled = response && static_cast<bool>(P::on_cancel(*response));
      what += cancelled ? "; it was cancelled" : "; it could NOT be cancelled: cancel it by hand";
    } else {
      what += "; this provider cannot cancel it";
    }
    job::JobError e = error(job::Errc::quote_created_job, std::move(what));
    e.provider.code = std::move(id);
    co_return fail(std::move(e));
  }

  // generate() with its arguments owned by the coroutine frame (for async_generate).
  Awaitable<job::Outcome> generate_owned(Request request, std::filesystem::path output) {
    co_return co_await generate(request, output);
  }

  // A template so that its return type is only formed for providers with discovery.
  template <class Q = P>
  auto models_impl() -> Awaitable<std::remove_cvref_t<decltype(Q::on_models(std::declval<const http::Response&>()))>> {
    co_await asio::this_coro::throw_if_cancelled(false);
    const http::Request request = provider_.models_request();
    auto response = co_await engine_.call(request, policy::Bucket::models, Retry::all);
    if (!response) co_return fail(std::move(response.error()));
    co_return Q::on_models(*response);
  }

  Clock& clock() { return account_.clock(); }

  static std::string model_of(const Request& r) {
    if constexpr (requires { P::model_of(r); }) {
      // A request whose model is inside its body (Runway's JSON) names it through the traits.
      return std::string(P::model_of(r));
    } else if constexpr (requires { r.model; }) {
      return std::string(r.model);
    } else {
      return {};
    }
  }

  std::string mint_key() {
    std::random_device rd;
    std::mt19937_64 rng((static_cast<std::uint64_t>(rd()) << 32) ^ rd() ^
                        static_cast<std::uint64_t>(clock().system_now().time_since_epoch().count()));
    char buf[40];
    std::snprintf(buf, sizeof buf, "reel-%016llx%016llx", static_cast<unsigned long long>(rng()),
                  static_cast<unsigned long long>(rng()));
    return buf;
  }

  static job::JobError error(job::Errc e, std::string message) { return detail::job_error(e, std::move(message)); }
  static bool gone(const std::error_code& ec) { return ec == job::Errc::job_not_found || ec == job::Errc::link_expired; }

  // An error before the job ran: `failed` there means the provider refused the request.
  job::Outcome refused(job::JobError error) const {
    job::Outcome o = outcome_of(std::move(error));
    if (o.kind == job::OutcomeKind::failed) o.kind = job::OutcomeKind::refused;
    return o;
  }

  job::Outcome succeeded(std::filesystem::path file, job::JobError cleanup_error) {
    report(job::Stage::done);
    job::Outcome o = outcome_of(std::move(cleanup_error));
    o.kind = job::OutcomeKind::succeeded;
    o.file = std::move(file);
    return o;
  }

  void report(job::Stage stage) {
    stage_ = stage;
    if (!options_.on_progress) return;
    job::JobProgress p;
    p.stage = stage;
    p.polls = polls_;
    p.bytes = download_.bytes();
    p.total_bytes = download_.total_bytes();
    if (status_) {
      p.percent = status_->percent;
      if (stage == job::Stage::queued) p.queue_position = status_->queue_position;
    }
    const bool polling = stage == job::Stage::queued || stage == job::Stage::running;
    if (polling && poll_.estimate && poll_.elapsed) {
      p.eta = std::max(policy::Duration(0), *poll_.estimate - *poll_.elapsed);
      if (!p.percent && poll_.estimate->count() > 0) {
        p.percent = static_cast<int>(std::min<std::int64_t>(99, poll_.elapsed->count() * 100 / poll_.estimate->count()));
      }
    }
    options_.on_progress(p);
  }

  H& http_;
  P provider_;
  job::Account& account_;
  JobOptions options_;
  job::JobHandle handle_;
  detail::RequestEngine<P, H> engine_;  // refers to http_, provider_, account_ and options_
  detail::Download<P, H> download_;     // refers to engine_, handle_ and options_
  std::optional<job::Status> status_;
  std::optional<Clock::time_point> started_;
  Clock::time_point wait_begin_{};
  policy::PollState poll_;
  int polls_ = 0;
  int failed_polls_ = 0;
  bool waiting_ = false;
  bool cleaned_up_ = false;
  bool cleanup_settled_ = false;             // the provider refused the cleanup for good
  job::Stage stage_ = job::Stage::submitting;  // the last stage reported
  int capacity_waits_ = 0;                   // consecutive 503 "at capacity" polls
  int server_errors_ = 0;                    // consecutive 500 polls
  std::optional<Clock::time_point> unknown_since_;  // first of the current run of unknown statuses
  std::vector<std::string> warnings_;
  bool settled_at_submit_ = false;  // the create answer was final (status_ holds it)
};

namespace detail {

/// The scheduler steps of a `VideoJob` (private: `generate` is made of them), for `JobRunner`,
/// which runs waiting jobs without a coroutine each; not for users.
struct SchedulerAccess {
  /// The scheduler took the rate-limit slot of the job's next request to `bucket` (none clears it).
  template <class Job>
  static void slot_granted(Job& job, std::optional<policy::Bucket> bucket) { job.slot_granted(bucket); }
  /// Prepares poll steps; `output` receives a video that comes inline.
  template <class Job>
  static void start_wait(Job& job, std::optional<std::filesystem::path> output) { job.start_wait(std::move(output)); }
  /// When the next poll is due.
  template <class Job>
  static Clock::time_point next_poll_at(Job& job) { return job.next_poll_at(); }
  /// When the job's video is expected to be ready, if there is an estimate.
  template <class Job>
  static std::optional<Clock::time_point> expected_ready_at(const Job& job) { return job.expected_ready_at(); }
  /// The first poll's time again, once another job of the account learned the model's estimate.
  template <class Job>
  static std::optional<Clock::time_point> replan_first_poll(Job& job) { return job.replan_first_poll(); }
  /// One status request.
  template <class Job>
  static auto poll_once(Job& job) { return job.poll_once(); }
  /// Validation (if asked for) and submit: empty once submitted, else the outcome.
  template <class Job>
  static auto begin(Job& job, const typename Job::Request& request) { return job.begin(request); }
  /// Download and cleanup of a ready job.
  template <class Job>
  static auto complete(Job& job, std::filesystem::path output) { return job.complete(std::move(output)); }
};

}  // namespace detail

}  // namespace reel
