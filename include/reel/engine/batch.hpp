// SPDX-License-Identifier: BSL-1.0
/// @file
/// Jobs of different providers side by side: `AnyJob` holds any `VideoJob` with its request and
/// output path behind one type, and `run_batch` runs many with bounded concurrency on one
/// executor. Cancelling the batch cancels every running job; each outcome keeps its handle.
#pragma once

#include <reel/config.hpp>
#include <reel/job/outcome.hpp>
#include <reel/engine/video_job.hpp>

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
#include <exception>
#include <string_view>
#include <filesystem>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace reel {

/// One job of any provider, with what it should generate and where the video goes.
class AnyJob {
public:
  /// Takes the job; `generate(request, output)` runs when the batch gets to it.
  template <Provider P, http::HttpClient H>
  AnyJob(std::unique_ptr<VideoJob<P, H>> job, typename P::Request request, std::filesystem::path output)
      : provider_(P::name) {
    auto state = std::make_shared<State<P, H>>(State<P, H>{std::move(job), std::move(request), std::move(output)});
    run_ = [state]() -> asio::awaitable<job::Outcome> {
      co_return co_await state->job->generate(state->request, state->output);
    };
    handle_ = [state]() -> const job::JobHandle& { return state->job->handle(); };
  }

  /// Runs the whole job (`VideoJob::generate`).
  asio::awaitable<job::Outcome> run() { return run_(); }
  /// The job's handle so far.
  const job::JobHandle& handle() const { return handle_(); }
  /// The provider's name.
  std::string_view provider() const noexcept { return provider_; }

private:
  template <class P, class H>
  struct State {
    std::unique_ptr<VideoJob<P, H>> job;
    typename P::Request request;
    std::filesystem::path output;
  };

  std::string_view provider_;
  std::function<asio::awaitable<job::Outcome>()> run_;
  std::function<const job::JobHandle&()> handle_;
};

namespace detail {

inline asio::awaitable<void> batch_worker(std::vector<AnyJob>& jobs, std::vector<job::Outcome>& outcomes,
                                          std::size_t& next) {
  while (next < jobs.size()) {
    const std::size_t i = next++;
    try {
      outcomes[i] = co_await jobs[i].run();
    } catch (const std::exception& e) {
      outcomes[i].kind = job::OutcomeKind::error;
      outcomes[i].error.provider.message = e.what();
    }
  }
}

}  // namespace detail

/// Runs `jobs` with at most `concurrency` at a time on the calling coroutine's executor and
/// returns their outcomes in the same order. Cancelling the calling coroutine cancels the
/// running jobs (their outcomes say so) and skips the others (outcome `cancelled`).
inline asio::awaitable<std::vector<job::Outcome>> run_batch(std::vector<AnyJob>& jobs, std::size_t concurrency) {
  const auto executor = co_await asio::this_coro::executor;
  co_await asio::this_coro::throw_if_cancelled(false);
  std::vector<job::Outcome> outcomes(jobs.size());
  for (auto& o : outcomes) o.kind = job::OutcomeKind::cancelled;
  std::size_t next = 0;
  std::size_t running = std::max<std::size_t>(1, std::min(concurrency, jobs.size()));
  if (jobs.empty()) co_return outcomes;
  asio::steady_timer all_done(executor, asio::steady_timer::time_point::max());
  std::vector<asio::cancellation_signal> signals(running);
  for (std::size_t w = 0; w < signals.size(); ++w) {
    asio::co_spawn(executor, detail::batch_worker(jobs, outcomes, next),
                   asio::bind_cancellation_slot(signals[w].slot(), [&running, &all_done](std::exception_ptr) {
                     if (--running == 0) all_done.cancel();
                   }));
  }
  std::error_code ec;
  co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  if (running > 0) {
    // The batch itself was cancelled: stop the workers, skip the rest, and wait for them.
    next = jobs.size();
    for (auto& s : signals) s.emit(asio::cancellation_type::terminal);
    co_await asio::this_coro::reset_cancellation_state();
    co_await asio::this_coro::throw_if_cancelled(false);
    while (running > 0) {
      all_done.expires_at(asio::steady_timer::time_point::max());
      co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }
  for (std::size_t i = 0; i < jobs.size(); ++i) outcomes[i].handle = jobs[i].handle();
  co_return outcomes;
}

}  // namespace reel
