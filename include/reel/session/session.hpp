// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::Session<P, H>`: one provider and API key bound to one account with that provider's
/// own limits, and the short way to make videos through it: `generate` (an awaitable),
/// `async_generate` (any Asio completion token), `resume`, `quote`, and, with the durable
/// journal turned on (`SessionOptions::journal`), `resume_unfinished` after a crash.
///
/// Sessions of one process on one key share one rate budget (and, with a journal, every
/// process of the machine whose journal is in the same directory does). A session is neither
/// copyable nor movable: its jobs refer to it. Use it from one thread (its executor's).
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/engine/account.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/job/error.hpp>
#include <reel/job/handle.hpp>
#include <reel/job/limits.hpp>
#include <reel/job/outcome.hpp>
#include <reel/job/request.hpp>
#include <reel/providers/provider.hpp>
#include <reel/session/detail/shared_limits.hpp>
#include <reel/session/detail/spawn_outcome.hpp>
#include <reel/store/account_tag.hpp>
#include <reel/store/journal.hpp>
#include <reel/store/journaled.hpp>
#include <reel/store/limiter_file.hpp>
#include <reel/time/clock.hpp>

#if REEL_HAS_OPENSSL
#include <reel/http/client.hpp>
#endif

#include <asio/any_io_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>

#include <chrono>
#include <concepts>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace reel {

/// How a session's jobs behave; every member has a sensible default.
struct SessionOptions {
  /// Options of every job. Its `deadline`, when set, is used as is; otherwise each call's
  /// deadline is `timeout` from its start.
  JobOptions job;
  /// How long one `generate` or `resume` may take in all; none: no deadline.
  std::optional<std::chrono::milliseconds> timeout = std::chrono::minutes(30);
  /// Record every job durably in this journal file (created when missing): a crash loses no
  /// paid job, and `resume_unfinished` finishes them. Empty: no journal.
  std::filesystem::path journal;
  /// The account's client-side limits; none: the provider's own (`P::default_limits()`).
  std::optional<job::AccountLimits> limits;
  /// The clock of the account and the deadlines; null: `reel::steady_clock()`. Sessions on
  /// another clock (a `VirtualClock` in tests) do not share their budget with other sessions.
  Clock* clock = nullptr;
};

#if REEL_HAS_OPENSSL
/// The HTTP client sessions use by default.
using DefaultClient = http::Client;
#else
/// Without OpenSSL there is no default client: name one (`Session<P, MyClient>`).
struct DefaultClient;
#endif

/// Jobs of provider `P` over the HTTP client `H` (its executor `asio::any_io_executor`), on one account
/// (see the file comment).
template <Provider P, http::HttpClient H = DefaultClient>
class Session {
  static_assert(std::is_same_v<typename H::executor_type, asio::any_io_executor>,
                "reel::Session: the HTTP client's executor_type must be asio::any_io_executor (as for VideoJob)");

public:
  using provider_type = P;
  using client_type = H;
  using executor_type = typename H::executor_type;
  using Request = typename P::Request;
  using Job = VideoJob<P, H>;
  template <class T>
  using Awaitable = asio::awaitable<T, executor_type>;
  /// What `async_generate` and `async_resume` complete with when no token is given: a
  /// `std::future<job::Outcome>` (run the executor's context, then `get()` it).
  using DefaultToken = asio::use_future_t<>;

  /// A session with its own HTTP client on `executor`.
  Session(const executor_type& executor, P provider, SessionOptions options = {})
    requires std::constructible_from<H, executor_type>
      : owned_(std::make_unique<H>(executor)), http_(*owned_), provider_(std::move(provider)),
        options_(std::move(options)), account_(clock(), limits()) {
    open_account();
  }
  /// A session with its own HTTP client on `io`.
  Session(asio::io_context& io, P provider, SessionOptions options = {})
    requires std::constructible_from<H, executor_type> && std::convertible_to<asio::io_context::executor_type, executor_type>
      : Session(executor_type(io.get_executor()), std::move(provider), std::move(options)) {}
  /// A session over `http`, which must outlive it.
  Session(H& http, P provider, SessionOptions options = {})
      : http_(http), provider_(std::move(provider)), options_(std::move(options)), account_(clock(), limits()) {
    open_account();
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// The provider's traits (its base URL; the key is only ever sent there).
  const P& provider() const noexcept { return provider_; }
  /// The HTTP client.
  H& http() noexcept { return http_; }
  executor_type get_executor() const { return http_.get_executor(); }
  /// The account every job of this session shares.
  job::Account& account() noexcept { return account_; }
  const SessionOptions& options() const noexcept { return options_; }
  /// The name of the account (a digest of provider, base URL and key), never the key.
  const std::string& account_tag() const noexcept { return tag_; }

  /// A new job on this session's account (guaranteed elision: `auto job = session.make_job();`).
  Job make_job() { return Job(http_, provider_, account_, fresh_handle(), job_options()); }
  /// A job resumed from `handle`, if the handle belongs to this session's provider and API.
  Result<std::unique_ptr<Job>, job::JobError> adopt(job::JobHandle handle) {
    if (auto mismatch = check(handle)) return fail(std::move(*mismatch));
    return std::make_unique<Job>(http_, provider_, account_, std::move(handle), job_options());
  }

  /// Submits `request`, waits within the session's timeout, streams the video to `output` and
  /// cleans up. The outcome says how it ended and always carries the handle.
  Awaitable<job::Outcome> generate(const Request& request, std::filesystem::path output) {
    if (auto refused = precheck()) co_return std::move(*refused);
    Job job = make_job();
    if (!journal_) co_return co_await job.generate(request, std::move(output));
    store::JournaledOutcome journaled = co_await store::journaled_generate(*journal_, job, request, std::move(output));
    co_return journaled_outcome(std::move(journaled));
  }
  /// `generate` for the provider-neutral request (its fields the provider cannot take are
  /// reported in `Outcome::warnings`).
  Awaitable<job::Outcome> generate(const job::VideoRequest& request, std::filesystem::path output)
    requires(!std::same_as<Request, job::VideoRequest>)
  {
    if (auto refused = precheck()) co_return std::move(*refused);
    Job job = make_job();
    if (!journal_) co_return co_await job.generate(request, std::move(output));
    const store::RunOptions run;
    store::JournaledOutcome journaled = co_await store::journaled_generate(*journal_, job, request, std::move(output), run);
    co_return journaled_outcome(std::move(journaled));
  }

  /// Finishes the job of `handle` (poll, download to `output`, clean up); it is never
  /// submitted again. With a journal, the job's record is used and completed.
  Awaitable<job::Outcome> resume(job::JobHandle handle, std::filesystem::path output) {
    if (auto mismatch = check(handle)) co_return refused_outcome(std::move(*mismatch), std::move(handle));
    if (journal_) {
      const std::vector<store::JobRecord> records = journal_->unfinished();
      for (const store::JobRecord& record : records) {
        if (record.handle && record.handle->job_id == handle.job_id && record.provider() == P::name) {
          Job job(http_, provider_, account_, store::handle_of(record), job_options());
          const store::RunOptions run;
          store::JournaledOutcome journaled = co_await store::resume(*journal_, record, job, run, output);
          co_return journaled_outcome(std::move(journaled));
        }
      }
    }
    Job job(http_, provider_, account_, std::move(handle), job_options());
    co_return co_await job.finish(std::move(output));
  }

  /// The unfinished jobs of this session's provider and API in the journal (none without one).
  std::vector<store::JobRecord> unfinished() const {
    std::vector<store::JobRecord> mine;
    if (!journal_) return mine;
    for (store::JobRecord& record : journal_->unfinished()) {
      if (record.provider() == P::name && base_url_of(record) == provider_.base_url) mine.push_back(std::move(record));
    }
    return mine;
  }
  /// Finishes every unfinished job of `unfinished()`, one after the other, each to its
  /// recorded output: submitted jobs are polled and downloaded, never submitted again; an
  /// intent is resubmitted with its idempotency key where the provider has keys, and reported
  /// `ambiguous` otherwise.
  Awaitable<std::vector<job::Outcome>> resume_unfinished() {
    std::vector<job::Outcome> outcomes;
    const std::vector<store::JobRecord> records = unfinished();
    for (const store::JobRecord& record : records) {
      Job job(http_, provider_, account_, store::handle_of(record), job_options());
      const store::RunOptions run;
      store::JournaledOutcome journaled = co_await store::resume(*journal_, record, job, run);
      outcomes.push_back(journaled_outcome(std::move(journaled)));
    }
    co_return outcomes;
  }

  /// The price of `request` in USD, before anything is submitted.
  Awaitable<Result<double, job::JobError>> quote(const Request& request)
    requires QuotingProvider<P>
  {
    Job job = make_job();
    co_return co_await job.quote(request);
  }
  /// `quote` for the provider-neutral request.
  Awaitable<Result<double, job::JobError>> quote(const job::VideoRequest& request)
    requires QuotingProvider<P> && (!std::same_as<Request, job::VideoRequest>)
  {
    const Request native = P::native(request);
    co_return co_await quote(native);
  }

  /// `generate` with any Asio completion token of signature `void(job::Outcome)`: a callback,
  /// `asio::use_awaitable`, `asio::use_future` (the default). The session must outlive it;
  /// the token's cancellation slot cancels the job (which keeps its handle).
  template <class Token = DefaultToken>
  auto async_generate(job::VideoRequest request, std::filesystem::path output, Token&& token = {}) {
    return async_run(generate_owned(std::move(request), std::move(output)), std::forward<Token>(token));
  }
  /// `async_generate` for the native request.
  template <class Token = DefaultToken>
  auto async_generate(Request request, std::filesystem::path output, Token&& token = {})
    requires(!std::same_as<Request, job::VideoRequest>)
  {
    return async_run(generate_native_owned(std::move(request), std::move(output)), std::forward<Token>(token));
  }
  /// `resume` with any Asio completion token of signature `void(job::Outcome)`.
  template <class Token = DefaultToken>
  auto async_resume(job::JobHandle handle, std::filesystem::path output, Token&& token = {}) {
    return async_run(resume(std::move(handle), std::move(output)), std::forward<Token>(token));
  }

private:
  Clock& clock() noexcept { return options_.clock != nullptr ? *options_.clock : steady_clock(); }
  job::AccountLimits limits() const { return options_.limits ? *options_.limits : P::default_limits(); }

  // Opens the journal, if any, and shares the account's budget: through the limiter file next
  // to the journal (every process of the machine), else in memory (every session of this
  // process). Not on a custom clock.
  void open_account() {
    tag_ = store::account_tag(P::name, provider_.base_url, key_of(provider_));
    if (!options_.journal.empty()) {
      auto opened = store::Journal::open(options_.journal);
      if (opened) {
        journal_.emplace(std::move(*opened));
      } else {
        journal_error_ = opened.error();
      }
    }
    if (options_.clock != nullptr) return;
    if (journal_) {
      limiter_file_ = std::make_unique<store::LimiterFile>(store::limits_path(options_.journal, tag_));
      account_.limiter().share_through(limiter_file_.get());
    } else {
      process_limits_ = detail::process_limits(tag_);
      account_.limiter().share_through(process_limits_.get());
    }
  }

  template <class Q>
  static std::string_view key_of(const Q& provider) {
    if constexpr (requires { provider.api_key; }) {
      return provider.api_key;
    } else {
      return {};
    }
  }

  JobOptions job_options() {
    JobOptions o = options_.job;
    if (!o.deadline && options_.timeout) o.deadline = clock().now() + *options_.timeout;
    return o;
  }
  job::JobHandle fresh_handle() const { return store::fresh_handle(provider_); }

  static std::string base_url_of(const store::JobRecord& record) {
    if (record.handle && !record.handle->base_url.empty()) return record.handle->base_url;
    return record.intent ? record.intent->base_url : std::string();
  }

  std::optional<job::JobError> check(const job::JobHandle& handle) const {
    if (handle.provider == P::name && handle.base_url == provider_.base_url) return std::nullopt;
    job::JobError e{make_error_code(job::Errc::wrong_account), {}};
    e.provider.message = "the handle is a \"" + handle.provider + "\" job at " + handle.base_url + ", this session is \"" +
                         std::string(P::name) + "\" at " + provider_.base_url;
    return e;
  }

  // What ends a call before anything is sent: no key, or a journal that did not open.
  std::optional<job::Outcome> precheck() const {
    if (key_of(provider_).empty()) {
      job::JobError e{make_error_code(job::Errc::missing_api_key), {}};
      e.provider.message = "no API key for " + std::string(P::name) + " (see " + std::string(P::name) + "::from_env())";
      return refused_outcome(std::move(e), {});
    }
    if (journal_error_) {
      job::JobError e{journal_error_->code, {}};
      e.provider.message = "the journal " + options_.journal.string() + " could not be opened: " + journal_error_->message();
      job::Outcome o = refused_outcome(std::move(e), {});
      o.kind = job::OutcomeKind::error;
      return o;
    }
    return std::nullopt;
  }

  static job::Outcome refused_outcome(job::JobError e, job::JobHandle handle) {
    job::Outcome o;
    o.kind = job::OutcomeKind::refused;
    o.error = std::move(e);
    o.handle = std::move(handle);
    return o;
  }

  static job::Outcome journaled_outcome(store::JournaledOutcome journaled) {
    job::Outcome o = std::move(journaled.outcome);
    if (journaled.store_error) o.warnings.push_back("journal: " + journaled.store_error->message());
    return o;
  }

  Awaitable<job::Outcome> generate_owned(job::VideoRequest request, std::filesystem::path output) {
    co_return co_await generate(request, std::move(output));
  }
  Awaitable<job::Outcome> generate_native_owned(Request request, std::filesystem::path output) {
    co_return co_await generate(request, std::move(output));
  }

  template <class Token>
  auto async_run(Awaitable<job::Outcome> work, Token&& token) {
    return asio::async_initiate<Token, void(job::Outcome)>(
        [this](auto handler, Awaitable<job::Outcome> w) {
          detail::spawn_outcome(get_executor(), std::move(w), std::move(handler));
        },
        token, std::move(work));
  }

  std::unique_ptr<H> owned_;
  H& http_;
  P provider_;
  SessionOptions options_;
  job::Account account_;
  std::string tag_;
  std::optional<store::Journal> journal_;
  std::optional<store::StoreError> journal_error_;
  std::unique_ptr<store::LimiterFile> limiter_file_;
  std::shared_ptr<policy::MemoryLimiterStore> process_limits_;
};

template <Provider P, http::HttpClient H>
Session(H&, P, SessionOptions = {}) -> Session<P, H>;
template <Provider P>
Session(asio::io_context&, P, SessionOptions = {}) -> Session<P>;
template <Provider P>
Session(const asio::any_io_executor&, P, SessionOptions = {}) -> Session<P>;

}  // namespace reel
