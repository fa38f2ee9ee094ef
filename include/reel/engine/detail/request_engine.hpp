// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::detail::RequestEngine<P, H>`: how a `VideoJob` sends one request: the account's rate
/// limit (or the slot a scheduler took for it), the job's deadline and the current step's bound,
/// timeouts, retries with backoff under the server's hints, and which failures are transient.
/// Also the job's sleeps, bounded the same way.
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/engine/account.hpp>
#include <reel/engine/job_options.hpp>
#include <reel/http/client_concept.hpp>
#include <reel/http/error.hpp>
#include <reel/http/message.hpp>
#include <reel/job/error.hpp>
#include <reel/policy/bucket.hpp>
#include <reel/policy/hints.hpp>
#include <reel/policy/retry.hpp>
#include <reel/providers/provider.hpp>
#include <reel/time/clock.hpp>

#include <asio/awaitable.hpp>
#include <asio/error.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace reel::detail {

/// Which failures of a request may be repeated.
enum class Retry : unsigned char {
  none,         ///< one attempt
  unprocessed,  ///< retry only answers that prove the request was not processed (429)
  all,          ///< idempotent: retry 429, 5xx and transport errors
};

/// A job error whose provider message is `message`.
inline job::JobError job_error(job::Errc e, std::string message) {
  job::JobError err{make_error_code(e), {}};
  err.provider.message = std::move(message);
  return err;
}

/// Errors worth another poll or attempt.
inline bool transient(const std::error_code& ec) {
  if (ec == job::Errc::rate_limited || ec == job::Errc::at_capacity || ec == job::Errc::provider_error) return true;
  if (ec.category() == job::job_category()) return false;
  return ec != asio::error::operation_aborted;  // transport errors
}

/// The requests and sleeps of one job of provider `P` over `H` (see the file comment). Refers to
/// the job's client, provider, account and options, which must outlive it.
template <Provider P, http::HttpClient H>
class RequestEngine {
public:
  template <class T>
  using Awaitable = asio::awaitable<T, typename H::executor_type>;
  template <class T>
  using JobResult = Result<T, job::JobError>;
  /// Receives news worth reporting (a long pause before a retry).
  using Notice = std::function<void(std::string)>;
  /// Receives a download's progress.
  using OnProgress = std::function<void(const http::Progress&)>;

  /// An engine for the job that owns `provider` and `options`.
  RequestEngine(H& http, const P& provider, job::Account& account, JobOptions& options, Notice notice)
      : http_(http), provider_(provider), account_(account), options_(options), notice_(std::move(notice)) {}
  RequestEngine(const RequestEngine&) = delete;
  RequestEngine& operator=(const RequestEngine&) = delete;

  /// The account's clock.
  Clock& clock() noexcept { return account_.clock(); }
  /// The job's provider traits.
  const P& provider() const noexcept { return provider_; }

  /// The earlier of the job's deadline and the current step's bound.
  std::optional<Clock::time_point> deadline() const {
    if (!step_deadline_) return options_.deadline;
    if (!options_.deadline) return step_deadline_;
    return std::min(*options_.deadline, *step_deadline_);
  }

  /// Bounds the requests and sleeps in its scope by `until` as well as the job's deadline.
  class StepDeadline {
  public:
    StepDeadline(RequestEngine& engine, Clock::time_point until) : engine_(engine), saved_(engine.step_deadline_) {
      engine.step_deadline_ = until;
    }
    StepDeadline(const StepDeadline&) = delete;
    StepDeadline& operator=(const StepDeadline&) = delete;
    ~StepDeadline() { engine_.step_deadline_ = saved_; }

  private:
    RequestEngine& engine_;
    std::optional<Clock::time_point> saved_;
  };

  /// A scheduler took the rate-limit slot of the next request to `bucket`; none clears it.
  void slot_granted(std::optional<policy::Bucket> bucket) noexcept { granted_ = bucket; }

  /// Sleeps for `d`, bounded by the deadline; errors: deadline_exceeded, cancelled.
  Awaitable<JobResult<void>> sleep(policy::Duration d) { return sleep_until(clock().now() + d); }
  /// Sleeps until `until`, bounded by the deadline; errors: deadline_exceeded, cancelled.
  Awaitable<JobResult<void>> sleep_until(Clock::time_point until) {
    bool hits_deadline = false;
    const std::optional<Clock::time_point> end = deadline();
    if (end && *end <= until) {
      until = *end;
      hits_deadline = true;
    }
    const std::error_code ec = co_await clock().sleep_until(until);
    if (ec) co_return fail(job_error(job::Errc::cancelled, "cancelled while waiting"));
    if (hits_deadline) {
      co_return fail(job_error(job::Errc::deadline_exceeded, step_deadline_ && end == step_deadline_
                                                                 ? "the step's time bound passed while waiting"
                                                                 : "the job's deadline passed while waiting"));
    }
    co_return JobResult<void>{};
  }

  /// One call: rate limit, deadline, retries as `retry` allows. Non-2xx answers are returned as
  /// responses when not retried (the caller maps them); transport failures as errors. A GET to
  /// the download bucket follows redirects and reports its progress to `on_progress`.
  Awaitable<JobResult<http::Response>> call(const http::Request& request, policy::Bucket bucket, Retry retry,
                                           const http::BodyChooser& choose = {},
                                           std::optional<policy::ServerHints>* hints_out = nullptr,
                                           const OnProgress& on_progress = {}) {
    int attempt = 1;
    for (;;) {
      const std::optional<Clock::time_point> end = deadline();
      if (end && clock().now() >= *end) {
        co_return fail(job_error(job::Errc::deadline_exceeded, end == options_.deadline ? "the job's deadline passed"
                                                                                        : "the step's time bound passed"));
      }
      if (granted_ && *granted_ == bucket) {
        granted_.reset();  // the scheduler took this request's slot
      } else if (const std::error_code ec = co_await account_.limiter().acquire(bucket, end)) {
        if (ec == std::errc::timed_out) {
          // The account's next slot comes after the bound: wait the bound out, then say so (a
          // deadline is reported only once it has passed).
          const Clock::time_point bound = *end;
          const std::error_code slept = co_await clock().sleep_until(bound);
          if (slept) co_return fail(job_error(job::Errc::cancelled, "cancelled while rate-limited"));
          co_return fail(job_error(job::Errc::deadline_exceeded,
                                   std::string(bound == options_.deadline ? "the job's deadline" : "the step's time bound") +
                                       " passed while reel paced requests to this account's limits"));
        }
        co_return fail(job_error(job::Errc::cancelled, "cancelled while rate-limited"));
      }
      http::RequestOptions options;
      options.timeouts = options_.timeouts;
      if (end) options.deadline = clock().to_steady(*end);
      if (bucket == policy::Bucket::download && request.method == "GET") {
        options.max_redirects = 5;
        options.on_progress = on_progress;
      }
      auto response = co_await http_.send(request, options, choose);
      if (response) redact_key(response->body);
      std::optional<job::JobError> failure;
      std::optional<policy::Duration> hint;
      if (!response) {
        account_.limiter().record(bucket, 0);
        const http::SendError& se = response.error();
        if (se.code == asio::error::operation_aborted) co_return fail(job_error(job::Errc::cancelled, "cancelled"));
        if (se.code == http::Errc::total_timeout && end && clock().now() >= *end - std::chrono::milliseconds(5)) {
          co_return fail(job_error(job::Errc::deadline_exceeded, end == options_.deadline
                                                                     ? "the job's deadline passed during a request"
                                                                     : "the step's time bound passed during a request"));
        }
        failure = job_error(job::Errc::ok, std::string(http::to_string(se.stage)) + ": " + se.code.message());
        failure->code = se.code;
        if (retry == Retry::unprocessed && se.request_may_have_been_sent()) {
          // The billable create may have been received: never repeat it blindly.
          failure->code = make_error_code(job::Errc::ambiguous_submit);
          co_return fail(std::move(*failure));
        }
        if (retry == Retry::none) co_return fail(std::move(*failure));
        // Retry::all (idempotent), or Retry::unprocessed when nothing was sent: try again.
      } else {
        policy::ServerHints hints = policy::parse_hints(response->head.headers, clock().system_now());
        if constexpr (requires { P::hints_of(*response, hints); }) P::hints_of(*response, hints);  // hints in the body
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
      if (*delay >= std::chrono::seconds(5) && notice_) {
        notice_("retrying " + std::string(policy::to_string(bucket)) + " in " + std::to_string(delay->count() / 1000) +
                " s after " + failure->message());
      }
      if (auto slept = co_await sleep(*delay); !slept) co_return fail(std::move(slept.error()));
    }
  }

private:
  // The longest pause between two attempts, whatever the server asked (the deadline, when
  // earlier, still ends it first).
  static constexpr policy::Duration max_pause{std::chrono::minutes(15)};

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

  H& http_;
  const P& provider_;
  job::Account& account_;
  JobOptions& options_;
  Notice notice_;
  std::optional<Clock::time_point> step_deadline_;  // the current step's bound (cleanup)
  std::optional<policy::Bucket> granted_;           // a scheduler took the slot of the next request to it
};

}  // namespace reel::detail
