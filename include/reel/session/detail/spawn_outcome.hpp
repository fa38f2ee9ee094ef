// SPDX-License-Identifier: BSL-1.0
/// @file
/// Runs an `awaitable<job::Outcome>` for a completion handler of signature `void(job::Outcome)`:
/// the handler's executor and cancellation slot are honoured; an escaped exception becomes an
/// `internal_error` outcome.
#pragma once

#include <reel/config.hpp>
#include <reel/job/error.hpp>
#include <reel/job/outcome.hpp>

#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/bind_executor.hpp>
#include <asio/co_spawn.hpp>

#include <exception>
#include <string>
#include <utility>

namespace reel::detail {

/// The outcome that stands for an exception `e` escaping a job.
inline job::Outcome outcome_of_exception(const std::exception_ptr& e) {
  job::Outcome o;
  o.kind = job::OutcomeKind::error;
  o.error.code = make_error_code(job::Errc::internal_error);
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    o.error.provider.message = x.what();
  } catch (...) {
    o.error.provider.message = "unknown exception";
  }
  return o;
}

/// Spawns `work` on `executor`; `handler(outcome)` is called once on its associated executor.
template <class Executor, class Handler>
void spawn_outcome(const Executor& executor, asio::awaitable<job::Outcome, Executor> work, Handler handler) {
  auto slot = asio::get_associated_cancellation_slot(handler);
  auto handler_executor = asio::get_associated_executor(handler, executor);
  auto done = [h = std::move(handler)](std::exception_ptr e, job::Outcome o) mutable {
    if (e) o = outcome_of_exception(e);
    std::move(h)(std::move(o));
  };
  asio::co_spawn(executor, std::move(work),
                 asio::bind_cancellation_slot(slot, asio::bind_executor(handler_executor, std::move(done))));
}

}  // namespace reel::detail
