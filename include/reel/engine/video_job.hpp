// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::VideoJob<Provider, Http>`: one paid video job, from submit to a verified file on disk,
/// as Asio coroutines. Steps: `submit`, `wait` (polls under a policy, rate-limited, with
/// progress), `download` (part file, Range resume, size check, fsync, atomic rename), `cleanup`
/// (only once the file is safe), `cancel` (where the provider has it), and `generate` doing all
/// of it. One deadline bounds the whole job, inside every request and sleep; cancellation works
/// through the awaiting coroutine's cancellation slot. The billable create is never sent twice by
/// accident, and every ending carries the job's handle.
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/http/client_concept.hpp>
#include <reel/http/error.hpp>
#include <reel/engine/account.hpp>
#include <reel/job/error.hpp>
#include <reel/job/outcome.hpp>
#include <reel/job/progress.hpp>
#include <reel/engine/output_file.hpp>
#include <reel/job/handle.hpp>
#include <reel/job/request.hpp>
#include <reel/job/status.hpp>
#include <reel/policy/hints.hpp>
#include <reel/policy/poll.hpp>
#include <reel/policy/retry.hpp>
#include <reel/providers/common.hpp>
#include <reel/providers/provider.hpp>

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/error.hpp>
#include <asio/this_coro.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace reel {

/// How a job behaves; every member has a sensible default.
struct JobOptions {
  /// The whole job ends by then (on the account's clock); none: no deadline.
  std::optional<Clock::time_point> deadline;
  policy::AnyPollPolicy poll = policy::EtaAware{};
  policy::PollBounds poll_bounds{};
  policy::RetryPolicy retry{};
  http::Timeouts timeouts{};
  /// Delete the provider's copy once the file is safe (Venice `/video/complete` and revoking
  /// the download link; Lumenfall `DELETE /videos/{id}`).
  bool cleanup = true;
  /// Called with progress (on the job's executor).
  std::function<void(const job::JobProgress&)> on_progress;
  /// Called once the provider accepted the job, with its handle (persist it here).
  std::function<void(const job::JobHandle&)> on_submitted;
  /// Consecutive failed polls (transport errors, 429, 5xx, unreadable answers) tolerated before
  /// `wait` gives up (the job stays resumable). A 503 "at capacity" does not count: the job waits.
  int max_failed_polls = 20;
  /// GETs of a one-time download link allowed in all (counted in the handle across `download`
  /// calls, processes and resumes): a few, never until the link dies.
  int max_link_fetches = 3;
  /// How long the cleanup may take once the video is safe (within the deadline).
  policy::Duration cleanup_timeout{std::chrono::seconds(30)};
  /// How long a job may report only statuses reel does not know (read as running) before the
  /// wait ends, resumable; the deadline, when earlier, ends it first.
  policy::Duration unknown_status_limit{std::chrono::hours(2)};
  /// Called with the handle whenever it changes after the submit (e.g. a one-time link fetch
  /// was counted), before the request that changed it is sent: persist it here.
  std::function<void(const job::JobHandle&)> on_handle_changed;
  /// `generate` first checks the request against the model's constraints (providers with model
  /// discovery; one more request), so an invalid request never reaches the billable create.
  bool validate_before_submit = false;
};

/// One video job of provider `P` over the HTTP client `H` (any `http::HttpClient`).
template <Provider P, http::HttpClient H>
class VideoJob {
public:
  using Request = typename P::Request;
  template <class T>
  using Awaitable = asio::awaitable<T, typename H::executor_type>;
  template <class T>
  using JobResult = Result<T, job::JobError>;

  /// A new job.
  VideoJob(H& http, P provider, job::Account& account, JobOptions options = {})
      : http_(http), provider_(std::move(provider)), account_(account), options_(std::move(options)) {
    handle_.provider = std::string(P::name);
    handle_.base_url = provider_.base_url;
  }
  /// A job resumed from its handle (it is never submitted again).
  VideoJob(H& http, P provider, job::Account& account, job::JobHandle handle, JobOptions options = {})
      : VideoJob(http, std::move(provider), account, std::move(options)) {
    handle_ = std::move(handle);
  }

  /// The job's handle (complete once submitted).
  const job::JobHandle& handle() const noexcept { return handle_; }
  /// The last status read.
  const std::optional<job::Status>& status() const noexcept { return status_; }
  /// Status requests made.
  int polls() const noexcept { return polls_; }
  /// Where a video that comes inline goes (the output given to `wait` or `start_wait`).
  const std::filesystem::path& output() const noexcept { return output_; }
  JobOptions& options() noexcept { return options_; }
  /// The account whose limits pace this job's requests.
  job::Account& account() noexcept { return account_; }
  /// Says that a scheduler took the rate-limit slot of the next request to `bucket` (with
  /// `RateLimiter::try_acquire`): that request does not wait for one. An empty bucket clears it.
  void slot_granted(std::string_view bucket) { granted_bucket_ = bucket; }

  /// Submits `request` (once: a submitted job returns its handle). A create that may have
  /// reached a provider without idempotency keys is not repeated: `ambiguous_submit`.
  Awaitable<JobResult<job::JobHandle>> submit(const Request& request) {
    co_await asio::this_coro::throw_if_cancelled(false);
    if (handle_.submitted()) co_return handle_;
    if (P::idempotent_create && !handle_.idempotency_key) handle_.idempotency_key = mint_key();
    handle_.model = model_of(request);
    handle_.created_at = providers::unix_seconds(clock().system_now());
    started_ = clock().now();
    report(job::Stage::submitting);
    const http::Request create = provider_.create_request(request, handle_);
    if (create.method == "POST" && create.body.empty()) {
      co_return fail(error(job::Errc::invalid_request, "the request cannot be encoded as JSON (invalid UTF-8 text?)"));
    }
    auto response = co_await call(create, P::create_bucket, P::idempotent_create ? Retry::all : Retry::unprocessed);
    if (!response) co_return fail(std::move(response.error()));
    if (auto created = P::on_created(*response, handle_); !created) co_return fail(std::move(created.error()));
    if (options_.on_submitted) options_.on_submitted(handle_);
    report(job::Stage::queued);
    co_return handle_;
  }

  /// Submits the provider-neutral `request`.
  Awaitable<JobResult<job::JobHandle>> submit(const job::VideoRequest& request)
    requires(!std::same_as<Request, job::VideoRequest>)
  {
    if constexpr (requires { P::warnings_of(request); }) {
      if (!handle_.submitted()) {
        for (std::string& w : P::warnings_of(request)) warn(std::move(w));
      }
    }
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
      if (auto slept = co_await sleep_until(next_poll_at()); !slept) co_return fail(std::move(slept.error()));
      auto next = co_await poll_once();
      if (!next) co_return fail(std::move(next.error()));
      if (*next != PollNext::poll) co_return *status_;
    }
  }

  /// What a poll found: poll again (at `next_poll_at()`), the video is ready, or the job failed.
  enum class PollNext { poll, ready, failed };

  /// Prepares `poll_once` steps (which `wait` drives); `output` receives a video that comes
  /// inline. For schedulers that run many jobs without a coroutine per waiting job.
  void start_wait(std::optional<std::filesystem::path> output) {
    if (output) {
      if (!file_ || file_->final_path() != *output) {
        file_.reset();
      }
      output_ = std::move(*output);
    }
    if (!waiting_) {
      waiting_ = true;
      failed_polls_ = 0;
      if (auto known = account_.estimate(handle_.model)) poll_.estimate = *known;
      wait_begin_ = started_.value_or(clock().now());
    }
  }

  /// When the next `poll_once` is due under the poll policy, never after the deadline.
  Clock::time_point next_poll_at() {
    poll_.since_submit = std::chrono::duration_cast<policy::Duration>(clock().now() - wait_begin_);
    const Clock::time_point at = clock().now() + policy::poll_delay(options_.poll, poll_, options_.poll_bounds);
    return options_.deadline ? std::min(at, *options_.deadline) : at;
  }

  /// When the provider's estimate says the video should be ready (the wait's start plus the
  /// estimate), if there is an estimate: a scheduler with too few polls for every job polls
  /// the jobs expected to be done first.
  std::optional<Clock::time_point> expected_ready_at() const {
    if (!poll_.estimate) return std::nullopt;
    return wait_begin_ + *poll_.estimate;
  }

  /// Before the first poll: when it is due now that another job of the account reported the
  /// model's run-time estimate (jobs submitted together then skip a poll spent learning it);
  /// empty when nothing changed.
  std::optional<Clock::time_point> replan_first_poll() {
    if (polls_ != 0 || poll_.estimate) return std::nullopt;
    const auto known = account_.estimate(handle_.model);
    if (!known) return std::nullopt;
    poll_.estimate = *known;
    return next_poll_at();
  }

  /// One status request (after `start_wait`). A transient failure (transport, 429, 5xx, a
  /// broken inline video) counts toward `max_failed_polls` and says `poll` again; `ready`
  /// means the video is downloadable (or already written to the output when it came inline);
  /// `failed` means `status()->error` says why. Errors end the wait.
  Awaitable<JobResult<PollNext>> poll_once() {
    // No Range on a poll (the status request is not a download): an inline video that broke
    // off arrives whole with the next poll.
    const http::Request poll = provider_.status_request(handle_);
    ++polls_;
    std::optional<policy::ServerHints> hints;
    // One attempt per poll: a failed poll is followed by the next one (with a fresh Range
    // header when a video answer broke off), until the deadline or too many failures.
    auto response = co_await call(poll, P::status_bucket, Retry::none, inline_chooser(), &hints);
    co_return on_poll(response, hints);
  }

  /// Downloads the ready video to `output` (a no-op when it came inline), resuming with Range
  /// after a drop and checking the size; the file appears under its name only when complete.
  Awaitable<JobResult<std::filesystem::path>> download(std::filesystem::path output) {
    co_await asio::this_coro::throw_if_cancelled(false);
    if (file_safe_) co_return file_->final_path();
    if (!file_ || file_->final_path() != output) file_ = std::make_unique<job::OutputFile>(output);
    std::optional<std::string> url;
    if (status_ && status_->download_url) url = status_->download_url;
    if (!url) url = handle_.download_url;
    if (!url) co_return fail(error(job::Errc::job_not_found, "no download URL: wait for the job to be ready first"));
    // The one-time link (Venice private models) may be fetched only a few times in all.
    const bool one_time = handle_.download_url && *url == *handle_.download_url;
    const std::optional<std::uint64_t> announced = status_ ? status_->size_bytes : std::nullopt;
    int attempt = 1;
    int rate_limited = 0;
    std::optional<job::JobError> last_failure;
    for (;;) {
      if (one_time) {
        if (handle_.link_fetches >= options_.max_link_fetches) {
          if (last_failure) {
            // This call's own GETs spent the budget: its last failure says why.
            last_failure->provider.message += " (the one-time link was fetched " + std::to_string(handle_.link_fetches) +
                                              " times, as often as allowed; the job is kept)";
            co_return fail(std::move(*last_failure));
          }
          co_return fail(error(job::Errc::link_budget_spent,
                               "the one-time link was fetched " + std::to_string(handle_.link_fetches) +
                                   " times already; the job is kept (JobOptions::max_link_fetches)"));
        }
        ++handle_.link_fetches;
        if (options_.on_handle_changed) options_.on_handle_changed(handle_);
      }
      report(job::Stage::downloading);
      http::Request get = P::download_request(*url);
      if (auto range = file_->range_header()) get.headers.set("Range", *range);
      http::BodyChooser choose = [this](const http::ResponseHead& head) { return file_->choose(head); };
      auto response = co_await call(get, "download", Retry::none, choose);
      std::optional<job::JobError> failure;
      std::optional<policy::Duration> pause;
      if (!response) {
        failure = std::move(response.error());
      } else if (response->head.status != 200 && response->head.status != 206) {
        if (response->head.status == 416 || file_->mismatched_range()) {
          file_->discard();  // the part file does not fit what the server has: start over
          failure = error(job::Errc::download_incomplete, "range not satisfiable; restarting the download");
        } else {
          failure = download_error(*response);
          if (failure->code == job::Errc::rate_limited) {
            // One paced retry at most: a link host that keeps answering 429 is not hammered.
            if (++rate_limited > 1) co_return fail(std::move(*failure));
            pause = policy::parse_hints(response->head.headers, clock().system_now()).wait();
          }
        }
      } else if (auto kept = keep(*response, announced); !kept) {
        failure = std::move(kept.error());
      } else {
        co_return file_->final_path();
      }
      const std::error_code& ec = failure->code;
      const bool retry = transient(ec) || ec == job::Errc::download_incomplete;
      if (!retry || ec == job::Errc::cancelled || ec == job::Errc::deadline_exceeded) co_return fail(std::move(*failure));
      const auto delay = options_.retry.delay(++attempt, pause);
      if (!delay) co_return fail(std::move(*failure));
      last_failure = std::move(*failure);
      if (auto slept = co_await sleep(*delay); !slept) co_return fail(std::move(slept.error()));
    }
  }

  /// Deletes the provider's copy (and revokes a one-time link), only once the file is safe.
  Awaitable<JobResult<void>> cleanup()
    requires CleaningProvider<P>
  {
    co_await asio::this_coro::throw_if_cancelled(false);
    if (!file_safe_) co_return fail(error(job::Errc::file_error, "cleanup refused: the video is not safely on disk"));
    if (cleaned_up_) co_return JobResult<void>{};
    report(job::Stage::cleaning_up);
    // The video is safe: a cleanup that cannot finish soon must not keep the caller waiting.
    const StepDeadline bound(*this, clock().now() + options_.cleanup_timeout);
    if (auto revoke = provider_.revoke_request(handle_)) {
      auto response = co_await call(*revoke, "download", Retry::all);
      // A link that cannot be revoked is a warning: the provider's copy is still deleted below.
      if (!response) {
        if (!gone(response.error().code)) warn("the one-time link was not revoked: " + response.error().message());
      } else if (const int st = response->head.status; (st < 200 || st > 299) && st != 404 && st != 410) {
        warn("the one-time link was not revoked: HTTP " + std::to_string(st));
      }
    }
    const http::Request request = provider_.cleanup_request(handle_);
    auto response = co_await call(request, "cleanup", Retry::all);
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
      auto response = co_await call(request, "cancel", Retry::all);
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
      auto response = co_await call(q, "quote", Retry::unprocessed);
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
    if (file_safe_) co_return co_await complete(std::move(output));
    auto ready = co_await wait(output);
    if (!ready) co_return outcome_of(std::move(ready.error()));
    if (ready->phase == job::Phase::failed) co_return outcome_of(ready->error);
    co_return co_await complete(std::move(output));
  }

  /// The first step of `generate`: the request checked against the model when
  /// `validate_before_submit` asks for it, then `submit`. Empty once submitted; otherwise the
  /// outcome (`refused` when the provider turned the request down).
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

  /// The last step of `generate`, once the video is ready: download to `output`, then clean up
  /// when `JobOptions::cleanup` asks for it.
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
    o.bytes = bytes_;
    if (status_) o.cost = status_->cost;
    o.cleaned_up = cleaned_up_;
    o.cleanup_settled = cleanup_settled_;
    if (mismatched_file_) o.file = *mismatched_file_;
    return o;
  }

  /// Marks a video already complete at `path` (an earlier process saved it) as safe, after the
  /// checks a download gets: `expected_size` when known, and an ISO-BMFF `ftyp` box at its
  /// start. Then `finish` and `cleanup` go on from there without downloading again.
  JobResult<void> adopt_file(const std::filesystem::path& path, std::optional<std::uint64_t> expected_size = {}) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return fail(error(job::Errc::file_error, "no saved video at " + path.string() + ": " + ec.message()));
    if (expected_size && *expected_size != size) {
      return fail(error(job::Errc::size_mismatch, "the saved file has " + std::to_string(size) + " bytes, not " +
                                                      std::to_string(*expected_size)));
    }
    if (!has_ftyp(path)) return fail(error(job::Errc::not_a_video, path.string() + " does not start with an MP4 ftyp box"));
    file_ = std::make_unique<job::OutputFile>(path);
    output_ = path;
    bytes_ = size;
    file_safe_ = true;
    return {};
  }

private:
  // Bounds the steps in its scope by `until` as well as the job's deadline.
  struct StepDeadline {
    StepDeadline(VideoJob& job, Clock::time_point until) : job_(job), saved_(job.step_deadline_) {
      job.step_deadline_ = until;
    }
    StepDeadline(const StepDeadline&) = delete;
    StepDeadline& operator=(const StepDeadline&) = delete;
    ~StepDeadline() { job_.step_deadline_ = saved_; }
    VideoJob& job_;
    std::optional<Clock::time_point> saved_;
  };

  // The earlier of the job's deadline and the current step's bound.
  std::optional<Clock::time_point> deadline() const {
    if (!step_deadline_) return options_.deadline;
    if (!options_.deadline) return step_deadline_;
    return std::min(*options_.deadline, *step_deadline_);
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
    p.bytes = bytes_;
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
      const StepDeadline bound(*this, clock().now() + options_.cleanup_timeout);
      auto response = co_await call(request, "cancel", Retry::all);
      const bool cancelled = response && static_cast<bool>(P::on_cancel(*response));
      what += cancelled ? "; it was cancelled" : "; it could NOT be cancelled: cancel it by hand";
    } else {
      what += "; this provider cannot cancel it";
    }
    job::JobError e = error(job::Errc::quote_created_job, std::move(what));
    e.provider.code = std::move(id);
    co_return fail(std::move(e));
  }

  // Whether a 500's message is the provider's documented "inference (processing) failed" (not a
  // gateway's or a passing server error, which are retried as any 5xx).
  static bool says_inference_failed(std::string_view message) {
    std::string m(message);
    for (char& c : m) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    return m.find("inference") != std::string::npos && m.find("fail") != std::string::npos;
  }

  // Whether the file starts with an ISO-BMFF box of type `ftyp` (MP4, MOV, ...).
  static bool has_ftyp(const std::filesystem::path& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return false;
    unsigned char head[8] = {};
    const std::size_t n = std::fread(head, 1, sizeof head, f);
    std::fclose(f);
    return n == sizeof head && head[4] == 'f' && head[5] == 't' && head[6] == 'y' && head[7] == 'p';
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
    auto response = co_await call(request, "models", Retry::all);
    if (!response) co_return fail(std::move(response.error()));
    co_return Q::on_models(*response);
  }

  // The longest pause between two attempts, whatever the server asked (the deadline, when
  // earlier, still ends it first).
  static constexpr policy::Duration max_pause{std::chrono::minutes(15)};

  enum class Retry {
    none,         ///< one attempt
    unprocessed,  ///< retry only answers that prove the request was not processed (429)
    all,          ///< idempotent: retry 429, 5xx and transport errors
  };

  Clock& clock() { return account_.clock(); }

  static std::string model_of(const Request& r) {
    if constexpr (requires { r.model; }) {
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

  static job::JobError error(job::Errc e, std::string message) {
    job::JobError err{make_error_code(e), {}};
    err.provider.message = std::move(message);
    return err;
  }

  // A provider that echoes the request's credentials back (in an error message, say) must not
  // put the key into errors, outcomes or logs: every occurrence in an answer is replaced.
  void redact_key(std::string& body) const {
    if constexpr (requires { provider_.api_key; }) {
      const std::string_view key = provider_.api_key;
      if (key.size() < 4 || body.size() < key.size()) return;
      for (std::size_t at = body.find(key); at != std::string::npos; at = body.find(key, at + 10)) {
        body.replace(at, key.size(), "[redacted]");
      }
    }
  }

  // Errors worth another poll or attempt.
  static bool transient(const std::error_code& ec) {
    if (ec == job::Errc::rate_limited || ec == job::Errc::at_capacity || ec == job::Errc::provider_error) return true;
    if (ec.category() == job::job_category()) return false;
    return ec != asio::error::operation_aborted;  // transport errors
  }
  static bool gone(const std::error_code& ec) { return ec == job::Errc::job_not_found || ec == job::Errc::link_expired; }

  // A media host's refusal. No key is sent there, so a 401/403/404/410 means the link expired,
  // was used up or revoked, never that the key is wrong.
  job::JobError download_error(const http::Response& r) const {
    job::JobError e = P::error_of(r);
    const int st = r.head.status;
    if (st == 401 || st == 403 || st == 404 || st == 410) {
      e.code = make_error_code(job::Errc::link_expired);
      e.provider.message = "the download link answered HTTP " + std::to_string(st) +
                           " (expired, used up or revoked); the job is kept" +
                           (e.provider.message.empty() || e.provider.message.rfind("HTTP ", 0) == 0 ? std::string()
                                                                                                 : ": " + e.provider.message);
    }
    return e;
  }

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
    p.bytes = bytes_;
    p.total_bytes = total_bytes_;
    if (status_) p.percent = status_->percent;
    const bool polling = stage == job::Stage::queued || stage == job::Stage::running;
    if (polling && poll_.estimate && poll_.elapsed) {
      p.eta = std::max(policy::Duration(0), *poll_.estimate - *poll_.elapsed);
      if (!p.percent && poll_.estimate->count() > 0) {
        p.percent = static_cast<int>(std::min<std::int64_t>(99, poll_.elapsed->count() * 100 / poll_.estimate->count()));
      }
    }
    options_.on_progress(p);
  }

  // The sink chooser of polls whose answer may be the video itself.
  // The output file is only created (and only touches the file system) once a video arrives.
  http::BodyChooser inline_chooser() {
    if (output_.empty()) return {};
    return [this](const http::ResponseHead& head) -> std::optional<http::SinkRef> {
      if (head.status != 206 && !P::status_body_is_video(head)) return std::nullopt;
      if (!file_) file_ = std::make_unique<job::OutputFile>(output_);
      return file_->choose(head);
    };
  }

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
        if (!file_) return fail(error(job::Errc::file_error, "the video came inline but no output file was set"));
        if (auto kept = keep(*response, status_->size_bytes); !kept) {
          const bool again = kept.error().code == job::Errc::download_incomplete;
          if (!again) {
            waiting_ = false;
            return fail(std::move(kept.error()));
          }
          file_->discard();  // polls carry no Range: the next answer brings the whole video
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
    const bool again = transient(ec) || ec == job::Errc::unexpected_response;
    if (again && ++failed_polls_ <= options_.max_failed_polls) return PollNext::poll;
    waiting_ = false;
    return fail(std::move(e));
  }

  // Commits a streamed video if it is complete and is the announced media: the size the
  // provider announced, and a video/* Content-Type or an ISO-BMFF `ftyp` box at its start.
  JobResult<void> keep(const http::Response& r, std::optional<std::uint64_t> announced) {
    if (file_->open_error()) return fail(error(job::Errc::file_error, file_->open_error().message()));
    if (!r.streamed) return fail(error(job::Errc::unexpected_response, "video answer was not streamed"));
    bytes_ = file_->resume_offset();
    const std::optional<std::uint64_t> framed = file_->expected_size();  // what HTTP framing promised
    const std::optional<std::uint64_t> expected = framed ? framed : announced;
    if (!has_ftyp(job::OutputFile::part_path_of(file_->final_path())) && !video_type(r.head)) {
      const auto type = r.head.headers.find("Content-Type");
      file_->discard();
      return fail(error(job::Errc::not_a_video, "the download answered 200 with " +
                                                    (type ? std::string(*type) : std::string("no Content-Type")) +
                                                    ", not a video; the provider's copy is kept"));
    }
    bool size_ok = false;
    if (const std::error_code ec = file_->commit(expected, size_ok)) {
      return fail(error(job::Errc::file_error, ec.message()));
    }
    if (!size_ok) {
      if (expected && bytes_ > *expected) file_->discard();
      return fail(error(job::Errc::download_incomplete,
                        std::to_string(bytes_) + " of " + std::to_string(expected.value_or(0)) + " bytes"));
    }
    if (announced && *announced != bytes_) {
      // Complete as HTTP framed it, but not the size announced: saved as received, reported,
      // and not treated as safe (the provider's copy is kept).
      mismatched_file_ = file_->final_path();
      return fail(error(job::Errc::size_mismatch, "received " + std::to_string(bytes_) +
                                                      " bytes (complete), the provider announced " +
                                                      std::to_string(*announced) + "; saved as received at " +
                                                      file_->final_path().string() + ", the provider's copy is kept"));
    }
    file_safe_ = true;
    return {};
  }

  static bool video_type(const http::ResponseHead& head) {
    const auto type = head.headers.find("Content-Type");
    if (!type) return false;
    std::string_view t = *type;
    return t.size() > 6 && (t.substr(0, 6) == "video/" || t.substr(0, 6) == "Video/" || t.substr(0, 6) == "VIDEO/");
  }

  // Sleeps until `until`, bounded by the deadline; errors: deadline_exceeded, cancelled.
  Awaitable<JobResult<void>> sleep(policy::Duration d) { return sleep_until(clock().now() + d); }
  Awaitable<JobResult<void>> sleep_until(Clock::time_point until) {
    bool hits_deadline = false;
    const std::optional<Clock::time_point> end = deadline();
    if (end && *end <= until) {
      until = *end;
      hits_deadline = true;
    }
    const std::error_code ec = co_await clock().sleep_until(until);
    if (ec) co_return fail(error(job::Errc::cancelled, "cancelled while waiting"));
    if (hits_deadline) {
      co_return fail(error(job::Errc::deadline_exceeded, step_deadline_ && end == step_deadline_
                                                             ? "the step's time bound passed while waiting"
                                                             : "the job's deadline passed while waiting"));
    }
    co_return JobResult<void>{};
  }

  // One call: rate limit, deadline, retries as `retry` allows. Non-2xx answers are returned as
  // responses when not retried (the caller maps them); transport failures as errors.
  Awaitable<JobResult<http::Response>> call(const http::Request& request, std::string_view bucket, Retry retry,
                                           const http::BodyChooser& choose = {},
                                           std::optional<policy::ServerHints>* hints_out = nullptr) {
    int attempt = 1;
    for (;;) {
      const std::optional<Clock::time_point> end = deadline();
      if (end && clock().now() >= *end) {
        co_return fail(error(job::Errc::deadline_exceeded, end == options_.deadline ? "the job's deadline passed"
                                                                                    : "the step's time bound passed"));
      }
      if (!granted_bucket_.empty() && granted_bucket_ == bucket) {
        granted_bucket_ = {};  // the scheduler took this request's slot
      } else if (const std::error_code ec = co_await account_.limiter().acquire(bucket, end)) {
        if (ec == std::errc::timed_out) {
          // The account's next slot comes after the bound: wait the bound out, then say so (a
          // deadline is reported only once it has passed).
          const Clock::time_point bound = *end;
          const std::error_code slept = co_await clock().sleep_until(bound);
          if (slept) co_return fail(error(job::Errc::cancelled, "cancelled while rate-limited"));
          co_return fail(error(job::Errc::deadline_exceeded,
                               std::string(bound == options_.deadline ? "the job's deadline" : "the step's time bound") +
                                   " passed while reel paced requests to this account's limits"));
        }
        co_return fail(error(job::Errc::cancelled, "cancelled while rate-limited"));
      }
      http::RequestOptions options;
      options.timeouts = options_.timeouts;
      if (end) options.deadline = clock().to_steady(*end);
      if (bucket == "download" && request.method == "GET") {
        options.max_redirects = 5;
        options.on_progress = [this](const http::Progress& p) {
          total_bytes_ = p.total;
          bytes_ = p.bytes;
          if (options_.on_progress) report(job::Stage::downloading);
        };
      }
      auto response = co_await http_.send(request, options, choose);
      if (response) redact_key(response->body);
      std::optional<job::JobError> failure;
      std::optional<policy::Duration> hint;
      if (!response) {
        account_.limiter().record(bucket, 0);
        const http::SendError& se = response.error();
        if (se.code == asio::error::operation_aborted) co_return fail(error(job::Errc::cancelled, "cancelled"));
        if (se.code == http::Errc::total_timeout && end && clock().now() >= *end - std::chrono::milliseconds(5)) {
          co_return fail(error(job::Errc::deadline_exceeded, end == options_.deadline
                                                                 ? "the job's deadline passed during a request"
                                                                 : "the step's time bound passed during a request"));
        }
        failure = error(job::Errc::ok, std::string(http::to_string(se.stage)) + ": " + se.code.message());
        failure->code = se.code;
        if (retry == Retry::unprocessed && se.request_may_have_been_sent()) {
          // The billable create may have been received: never repeat it blindly.
          failure->code = make_error_code(job::Errc::ambiguous_submit);
          co_return fail(std::move(*failure));
        }
        if (retry == Retry::none) co_return fail(std::move(*failure));
        // Retry::all (idempotent), or Retry::unprocessed when nothing was sent: try again.
      } else {
        const policy::ServerHints hints = policy::parse_hints(response->head.headers, clock().system_now());
        if (hints_out) *hints_out = hints;
        const int status = response->head.status;
        account_.limiter().record(bucket, status, hints);
        const bool retryable = retry == Retry::all ? policy::RetryPolicy::retryable_status(status)
                               : retry == Retry::unprocessed ? status == 429
                                                              : false;
        if (!retryable) co_return std::move(*response);
        failure = P::error_of(*response);
        hint = hints.wait();
      }
      auto delay = options_.retry.delay(++attempt, hint);
      if (!delay) co_return fail(std::move(*failure));
      if (*delay > max_pause) *delay = max_pause;
      if (*delay >= std::chrono::seconds(5)) {
        notice("retrying " + std::string(bucket) + " in " + std::to_string(delay->count() / 1000) + " s after " +
             failure->message());
      }
      if (auto slept = co_await sleep(*delay); !slept) co_return fail(std::move(slept.error()));
    }
  }

  H& http_;
  P provider_;
  job::Account& account_;
  JobOptions options_;
  job::JobHandle handle_;
  std::optional<job::Status> status_;
  std::unique_ptr<job::OutputFile> file_;  // created when a video arrives or a download starts
  std::filesystem::path output_;            // where an inline video goes
  std::optional<Clock::time_point> started_;
  Clock::time_point wait_begin_{};
  policy::PollState poll_;
  int polls_ = 0;
  int failed_polls_ = 0;
  bool waiting_ = false;
  std::uint64_t bytes_ = 0;
  std::optional<std::uint64_t> total_bytes_;
  bool file_safe_ = false;
  bool cleaned_up_ = false;
  bool cleanup_settled_ = false;             // the provider refused the cleanup for good
  job::Stage stage_ = job::Stage::submitting;  // the last stage reported
  int capacity_waits_ = 0;                   // consecutive 503 "at capacity" polls
  int server_errors_ = 0;                    // consecutive 500 polls
  std::optional<Clock::time_point> unknown_since_;  // first of the current run of unknown statuses
  std::optional<Clock::time_point> step_deadline_;  // the current step's bound (cleanup)
  std::optional<std::filesystem::path> mismatched_file_;
  std::vector<std::string> warnings_;
  std::string_view granted_bucket_;  // a scheduler took the slot of the next request to it
};

}  // namespace reel
