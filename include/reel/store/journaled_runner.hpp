// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::store::journaled_add`: a job added to a `JobRunner` and journaled in a `JobStore` as
/// `journaled_generate` journals it (the intent durable before the create, the handle right
/// after, each state change and the outcome), for batches of many jobs in one process.
#pragma once

#include <reel/config.hpp>
#include <reel/engine/runner.hpp>
#include <reel/store/journaled.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <utility>

namespace reel::store {

/// Records the intent of `job` (not submitted yet; build it from `fresh_handle(provider)`) in
/// `store`, then adds it to `runner`; `done` receives how it ended, after the journal recorded
/// it (`finished` when nothing is left for `resume`). If the intent cannot be recorded, the job
/// is not added and `done` is called at once (nothing was sent). `store`, `job` and `request`
/// must outlive the job's end. Early ends (deadline, cancellation) detach: `resume` finishes them.
template <JobStore S, Provider P, http::HttpClient H>
void journaled_add(JobRunner& runner, S& store, VideoJob<P, H>& job, const typename P::Request& request,
                   std::filesystem::path output, std::function<void(JournaledOutcome)> done) {
  JournaledOutcome intent = detail::record_intent(store, job, request, output);
  if (intent.id.empty() || intent.store_error) {
    done(std::move(intent));
    return;
  }
  auto rec = std::make_shared<detail::Recorder<S, P, H>>(store, job, intent.id, JobState::intent,
                                                         job.handle().idempotency_key);
  runner.add(job, request, std::move(output), [rec, done = std::move(done)](job::Outcome outcome) mutable {
    JournaledOutcome out;
    out.id = rec->id();
    out.kind = RunKind::submitted;
    out.finished = rec->end(outcome, false);
    out.store_error = rec->error();
    out.outcome = std::move(outcome);
    rec.reset();  // the job's callbacks are its own again
    done(std::move(out));
  });
}

}  // namespace reel::store
