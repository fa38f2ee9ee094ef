// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::JobRunner`: many jobs of any providers on one executor with a bounded number of
/// steps (submit, poll, download + cleanup) in flight. A waiting job is an entry in a time-ordered
/// queue next to its `VideoJob`, not a suspended chain of coroutine frames, so 10,000 jobs that
/// wait for their provider cost little more than their `VideoJob` objects. Every job ends in
/// exactly one `Outcome` (with its handle), delivered to the callback given with it.
#pragma once

#include <reel/config.hpp>
#include <reel/job/outcome.hpp>
#include <reel/policy/bucket.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/time/clock.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace reel {

/// How a `JobRunner` runs its jobs.
struct RunnerOptions {
  /// Steps running at once (each at most one request, or one download); the other jobs wait
  /// for their turn in time order. A step starts only once its account's rate limit has a slot
  /// for it, so a job waiting for a slot never holds a place here: waiting creates never keep
  /// polls (or other accounts' jobs) from running.
  std::size_t max_in_flight = 64;
};

namespace detail {

/// One job of a runner, type-erased: its next step as a short-lived coroutine.
class RunnerEntry {
public:
  virtual ~RunnerEntry() = default;
  /// Runs the next step; true when the job ended (its outcome delivered).
  virtual asio::awaitable<bool> step() = 0;
  /// Ends the job now with `error`, delivering its outcome.
  virtual void abandon(job::JobError error) = 0;
  /// Takes the rate-limit slot of the next step's first request if it is free now (or the step
  /// needs none): empty. Otherwise when to ask again (no later than the job's deadline).
  virtual std::optional<Clock::time_point> take_slot() = 0;
  /// Among steps that wait for the same scarce slots, the earlier this, the sooner it goes: for a
  /// poll, when its video is expected to be ready; otherwise when the step was first due.
  virtual Clock::time_point rank() const { return wanted; }

  Clock::time_point due{};     ///< when the next step may run
  Clock::time_point wanted{};  ///< when it first could have (earlier waits go first)
};

template <Provider P, http::HttpClient H>
class RunnerEntryOf final : public RunnerEntry {
public:
  using Job = VideoJob<P, H>;
  using Done = std::function<void(job::Outcome)>;
  using Access = SchedulerAccess;

  RunnerEntryOf(Job& job, const typename P::Request& request, std::filesystem::path output, Done done)
      : job_(job), request_(request), output_(std::move(output)), done_(std::move(done)) {}

  asio::awaitable<bool> step() override {
    const bool ended = co_await run_step();
    Access::slot_granted(job_, std::nullopt);  // a slot the step did not use is not carried to a later one
    co_return ended;
  }

  std::optional<Clock::time_point> take_slot() override {
    std::optional<policy::Bucket> bucket;
    if (stage_ == Stage::submit) bucket = P::create_bucket;
    if (stage_ == Stage::poll) {
      // Another job may have learned the model's estimate since this one was scheduled.
      const auto replanned = Access::replan_first_poll(job_);
      if (replanned && *replanned > job_.account().clock().now()) return replanned;
      bucket = P::status_bucket;
    }
    if (!bucket) return std::nullopt;
    auto later = job_.account().limiter().try_acquire(*bucket);
    if (!later) {
      Access::slot_granted(job_, bucket);
      return std::nullopt;
    }
    if (const auto& deadline = job_.options().deadline; deadline && *later > *deadline) {
      if (stage_ == Stage::submit) {
        // Known now: the create cannot be sent before the deadline. Nothing is spent on it.
        unsent_ = *later;
        return std::nullopt;
      }
      // A poll past the deadline runs at the deadline: it ends the job with `deadline` then.
      return *deadline > due ? std::optional<Clock::time_point>(*deadline) : std::nullopt;
    }
    return later;
  }

  void abandon(job::JobError error) override { end(job_.outcome_of(std::move(error))); }

  Clock::time_point rank() const override {
    if (stage_ != Stage::poll) return wanted;
    const auto ready = Access::expected_ready_at(job_);
    return ready ? *ready : wanted;
  }

private:
  asio::awaitable<bool> run_step() {
    switch (stage_) {
      case Stage::submit: {
        if (unsent_) {
          const auto wait = std::chrono::duration_cast<std::chrono::seconds>(*unsent_ - job_.account().clock().now());
          job::JobError e{make_error_code(job::Errc::deadline_exceeded), {}};
          e.provider.message = "not submitted: the account's create limit has no slot before the job's deadline (the next "
                               "is in " + std::to_string(wait.count()) + " s); nothing was spent";
          co_return end(job_.outcome_of(std::move(e)));
        }
        if (auto refused = co_await Access::begin(job_, request_)) co_return end(std::move(*refused));
        Access::start_wait(job_, std::move(output_));  // the job keeps the path from here on
        stage_ = Stage::poll;
        due = Access::next_poll_at(job_);
        co_return false;
      }
      case Stage::poll: {
        auto next = co_await Access::poll_once(job_);
        if (!next) co_return end(job_.outcome_of(std::move(next.error())));
        if (*next == PollNext::failed) co_return end(job_.outcome_of(job_.status()->error));
        if (*next == PollNext::ready) {
          stage_ = Stage::complete;  // right away, as its own step
          due = Clock::time_point::min();
        } else {
          due = Access::next_poll_at(job_);
        }
        co_return false;
      }
      case Stage::complete: {
        job::Outcome outcome = co_await Access::complete(job_, job_.output());
        co_return end(std::move(outcome));
      }
    }
    co_return end(job_.outcome_of(job::JobError{make_error_code(job::Errc::not_supported), {}}));
  }

  enum class Stage : unsigned char { submit, poll, complete };

  bool end(job::Outcome outcome) {
    if (done_) {
      Done done = std::move(done_);
      done_ = nullptr;
      done(std::move(outcome));
    }
    return true;
  }

  Job& job_;
  const typename P::Request& request_;
  std::filesystem::path output_;
  Done done_;
  Stage stage_ = Stage::submit;
  std::optional<Clock::time_point> unsent_;  // the create's slot comes after the deadline
};

}  // namespace detail

/// Runs many jobs on one executor (see the file comment). Use from one thread; it must outlive
/// `run()`.
class JobRunner {
public:
  /// Called once per job with how it ended.
  using Done = std::function<void(job::Outcome)>;

  /// A runner whose waits are on `clock` (the clock of the jobs' accounts).
  explicit JobRunner(Clock& clock = steady_clock(), RunnerOptions options = {})
      : clock_(clock), options_(options) {
    options_.max_in_flight = std::max<std::size_t>(1, options_.max_in_flight);
    slots_ = std::make_unique<Slot[]>(options_.max_in_flight);
    free_slots_.reserve(options_.max_in_flight);
    for (std::size_t i = options_.max_in_flight; i > 0; --i) free_slots_.push_back(i - 1);
  }
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;
  ~JobRunner() {
    while (!queue_.empty()) {
      delete queue_.top().entry;
      queue_.pop();
    }
  }

  /// Adds a job that generates `request` into `output` (`VideoJob::generate`, step by step);
  /// `done` receives its outcome. The job and the request must live until then. Jobs may be
  /// added before or while `run()` runs.
  template <Provider P, http::HttpClient H>
  void add(VideoJob<P, H>& job, const typename P::Request& request, std::filesystem::path output, Done done) {
    static_assert(std::is_same_v<typename H::executor_type, asio::any_io_executor>,
                  "reel::JobRunner runs jobs whose HTTP client uses asio::any_io_executor");
    auto* entry = new detail::RunnerEntryOf<P, H>(job, request, std::move(output), std::move(done));
    entry->due = entry->wanted = clock_.now();
    push(entry);
    wake();
  }

  /// Runs until every job added ended. Cancelling it (its coroutine's cancellation slot) cancels
  /// the steps in flight and ends the waiting jobs with `cancelled`; each outcome keeps its handle.
  asio::awaitable<void> run() {
    const auto executor = co_await asio::this_coro::executor;
    co_await asio::this_coro::throw_if_cancelled(false);
    asio::steady_timer wake(executor, asio::steady_timer::time_point::max());
    wake_ = &wake;
    bool cancelling = false;
    for (;;) {
      woken_ = false;
      if (!cancelling && (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) {
        cancelling = cancelling_ = true;
        abandon_all();
        co_await asio::this_coro::reset_cancellation_state();
      }
      if (!cancelling) launch_due(executor);
      if (queue_.empty() && in_flight_ == 0) {
        if (!sleep_) break;
        sleep_->emit(asio::cancellation_type::terminal);  // nothing left to wake for
      } else if (!cancelling) {
        arm_sleep(executor);
      }
      if (!woken_) {
        std::error_code ec;
        wake.expires_at(asio::steady_timer::time_point::max());
        co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
    }
    wake_ = nullptr;
    cancelling_ = false;
  }

  /// Jobs waiting for their next step.
  std::size_t waiting() const noexcept { return queue_.size(); }
  /// Steps running now.
  std::size_t in_flight() const noexcept { return in_flight_; }

private:
  // A step in flight: its cancellation signal lives as long as the runner.
  struct Slot {
    asio::cancellation_signal cancel;
    detail::RunnerEntry* entry = nullptr;
  };

  struct Queued {
    Clock::time_point due;
    Clock::time_point wanted;
    std::uint64_t order;  // arrival: ties go first come, first served
    detail::RunnerEntry* entry;
    bool operator>(const Queued& other) const noexcept {
      if (due != other.due) return due > other.due;
      if (wanted != other.wanted) return wanted > other.wanted;
      return order > other.order;
    }
  };

  void push(detail::RunnerEntry* entry) { queue_.push(Queued{entry->due, entry->wanted, next_order_++, entry}); }

  void wake() {
    woken_ = true;
    if (wake_) wake_->cancel();
  }

  // Starts the steps that are due, as long as there is room.
  void launch_due(const asio::any_io_executor& executor) {
    const Clock::time_point now = clock_.now();
    while (!queue_.empty() && queue_.top().due <= now && in_flight_ < options_.max_in_flight) {
      detail::RunnerEntry* entry = queue_.top().entry;
      queue_.pop();
      if (const auto later = entry->take_slot(); later && *later > now) {
        // Its account has no slot yet: it waits in this queue, not in a place of max_in_flight.
        // When slots are scarce, polls whose video should be ready by now go first.
        entry->due = *later;
        entry->wanted = entry->rank();
        push(entry);
        continue;
      }
      ++in_flight_;
      const std::size_t slot = free_slots_.back();
      free_slots_.pop_back();
      slots_[slot].entry = entry;
      asio::co_spawn(executor, entry->step(),
                     asio::bind_cancellation_slot(slots_[slot].cancel.slot(), [this, entry, slot](std::exception_ptr e, bool ended) {
                       --in_flight_;
                       slots_[slot].entry = nullptr;
                       free_slots_.push_back(slot);
                       if (e) ended = abandon(entry, e);
                       if (!ended && cancelling_) ended = abandon(entry, nullptr);
                       if (ended) {
                         delete entry;
                       } else {
                         entry->wanted = entry->due;
                         push(entry);
                       }
                       wake();
                     }));
    }
  }

  static bool abandon(detail::RunnerEntry* entry, std::exception_ptr e) {
    job::JobError error{make_error_code(job::Errc::cancelled), {}};
    if (e) {
      error.code = make_error_code(std::errc::state_not_recoverable);
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        error.provider.message = std::string("exception in a job step: ") + x.what();
      } catch (...) {
        error.provider.message = "exception in a job step";
      }
    } else {
      error.provider.message = "the runner was cancelled";
    }
    entry->abandon(std::move(error));
    return true;
  }

  // Cancellation: the waiting jobs end now, the steps in flight are cancelled (they end as
  // their step reports, or as cancelled).
  void abandon_all() {
    while (!queue_.empty()) {
      detail::RunnerEntry* entry = queue_.top().entry;
      queue_.pop();
      abandon(entry, nullptr);
      delete entry;
    }
    if (sleep_) sleep_->emit(asio::cancellation_type::terminal);
    for (std::size_t i = 0; i < options_.max_in_flight; ++i) {
      if (slots_[i].entry) slots_[i].cancel.emit(asio::cancellation_type::terminal);
    }
  }

  // Sleeps on the clock until the earliest due entry (when a step could start then).
  void arm_sleep(const asio::any_io_executor& executor) {
    if (queue_.empty() || in_flight_ >= options_.max_in_flight) return;
    const Clock::time_point target = queue_.top().due;
    if (sleep_ && sleep_until_ <= target) return;
    if (sleep_) sleep_->emit(asio::cancellation_type::terminal);
    auto signal = std::make_shared<asio::cancellation_signal>();
    sleep_ = signal;
    sleep_until_ = target;
    asio::co_spawn(executor, clock_.sleep_until(target),
                   asio::bind_cancellation_slot(signal->slot(), [this, signal](std::exception_ptr, std::error_code) {
                     if (sleep_ == signal) sleep_.reset();
                     wake();
                   }));
  }

  Clock& clock_;
  RunnerOptions options_;
  std::priority_queue<Queued, std::vector<Queued>, std::greater<>> queue_;
  std::size_t in_flight_ = 0;
  asio::steady_timer* wake_ = nullptr;
  bool woken_ = false;
  bool cancelling_ = false;
  std::unique_ptr<Slot[]> slots_;
  std::vector<std::size_t> free_slots_;
  std::shared_ptr<asio::cancellation_signal> sleep_;
  Clock::time_point sleep_until_{};
  std::uint64_t next_order_ = 0;
};

}  // namespace reel
