// SPDX-License-Identifier: BSL-1.0
/// @file
/// Journaled runs of a `VideoJob`: `journaled_generate` records the intent before the billable
/// create, the handle right after it, each state change and the outcome in a `JobStore`;
/// `resume` finishes an unfinished record without submitting again (an intent without a handle
/// is resubmitted with the same idempotency key where the provider has keys, and reported as
/// ambiguous otherwise). What happens to the remote job when a run ends early (deadline,
/// cancellation) is a per-call choice: `OnAbandon::detach` keeps the handle for a later resume,
/// `OnAbandon::cancel` stops the job at providers that can (`CancellingProvider`).
#pragma once

#include <reel/config.hpp>
#include <reel/job/outcome.hpp>
#include <reel/job/progress.hpp>
#include <reel/job/handle.hpp>
#include <reel/job/request.hpp>
#include <reel/job/status.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/json/read.hpp>
#include <reel/json/write.hpp>
#include <reel/providers/provider.hpp>
#include <reel/store/job_store.hpp>
#include <reel/store/journal_format.hpp>
#include <reel/store/record.hpp>

#include <asio/awaitable.hpp>
#include <asio/this_coro.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <utility>

namespace reel::store {

/// What happens to the remote job when a run ends early (deadline passed or cancelled).
enum class OnAbandon {
  detach,  ///< leave it running; the handle stays in the store for `resume`
  cancel,  ///< stop it at the provider where it can (`CancellingProvider`), else detach
};

/// Per-call options of the journaled helpers.
struct RunOptions {
  OnAbandon on_abandon = OnAbandon::detach;
  /// The deadline of the remote cancel (on the account's clock); none: only the retry policy
  /// and the HTTP timeouts bound it (the run's own deadline has passed by then).
  std::optional<Clock::time_point> cancel_deadline;
};

/// How a journaled helper handled the job.
enum class RunKind {
  submitted,    ///< `journaled_generate`: a new job
  resumed,      ///< `resume` of a submitted job: no create was sent
  resubmitted,  ///< `resume` of an intent: the create was sent again with the same idempotency key
  ambiguous,    ///< `resume` of an intent whose create cannot be repeated safely: nothing was sent
  skipped,      ///< `resume` of a finished job, or of a record the job does not match (see `outcome.error`)
};

/// The end of a journaled run.
struct JournaledOutcome {
  std::string id;                         ///< the job's local id in the store
  RunKind kind = RunKind::submitted;
  job::Outcome outcome;                   ///< as `VideoJob` reported it (store errors use `reel.store` codes)
  bool cancelled_remotely = false;        ///< `OnAbandon::cancel` stopped the job at the provider
  bool finished = false;                  ///< the store marks the job finished
  std::optional<StoreError> store_error;  ///< the first store write that failed, if any
};

/// A pre-submit handle for `provider`, with an idempotency key minted now when the provider
/// has keys, so that the intent records the key the create will carry. Build the `VideoJob`
/// from it (`VideoJob(http, provider, account, fresh_handle(provider), options)`).
template <Provider P>
job::JobHandle fresh_handle(const P& provider) {
  job::JobHandle h;
  h.provider = std::string(P::name);
  h.base_url = provider.base_url;
  if (creates_are_idempotent(provider)) {
    static constexpr char hex[] = "0123456789abcdef";
    std::random_device rd;
    std::string key = "reel-";
    for (int word = 0; word < 4; ++word) {
      const std::uint32_t v = rd();
      for (int i = 7; i >= 0; --i) key.push_back(hex[(v >> (4 * i)) & 0xFu]);
    }
    h.idempotency_key = std::move(key);
  }
  return h;
}

/// The handle to build a `VideoJob` from for `resume(store, record, job)`: the recorded handle,
/// or, for an intent, a pre-submit handle with the recorded idempotency key.
inline job::JobHandle handle_of(const JobRecord& record) {
  if (record.handle) return *record.handle;
  job::JobHandle h;
  if (record.intent) {
    h.provider = record.intent->provider;
    h.base_url = record.intent->base_url;
    h.model = record.intent->model;
    h.idempotency_key = record.intent->idempotency_key;
  }
  return h;
}

/// Marks job `id` finished (e.g. an ambiguous intent the user checked by hand).
template <JobStore S>
Result<void, StoreError> forget(S& store, std::string id) {
  if (!store.find(id)) return fail(StoreError{make_error_code(Errc::unknown_job), 0, id});
  Entry e;
  e.job = std::move(id);
  e.state = JobState::finished;
  return store.append(std::move(e));
}

namespace detail {

inline job::JobError store_job_error(Errc code, std::string message) {
  job::JobError e{make_error_code(code), {}};
  e.provider.message = std::move(message);
  return e;
}

// Chains the job's on_submitted / on_progress to record the handle and each state change, and
// records the end. Lives in the helper's coroutine frame; restores the callbacks when destroyed.
template <JobStore S, Provider P, http::HttpClient H>
class Recorder {
public:
  Recorder(S& store, VideoJob<P, H>& job, std::string id, JobState last, std::optional<std::string> key)
      : store_(store), job_(job), id_(std::move(id)), last_(last), key_(std::move(key)) {
    saved_submitted_ = job_.options().on_submitted;
    saved_progress_ = job_.options().on_progress;
    saved_changed_ = job_.options().on_handle_changed;
    job_.options().on_handle_changed = [this](const job::JobHandle& h) {
      // e.g. a one-time link fetch counted: durable before the GET is sent.
      Entry e = entry(last_);
      e.handle = h;
      note(store_.append(std::move(e)));
      if (saved_changed_) saved_changed_(h);
    };
    job_.options().on_submitted = [this](const job::JobHandle& h) {
      Entry e = entry(JobState::submitted);
      e.handle = h;
      note(store_.append(std::move(e)));
      if (saved_submitted_) saved_submitted_(h);
    };
    job_.options().on_progress = [this](const job::JobProgress& p) {
      progress(p);
      if (saved_progress_) saved_progress_(p);
    };
  }
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;
  ~Recorder() {
    job_.options().on_submitted = std::move(saved_submitted_);
    job_.options().on_progress = std::move(saved_progress_);
    job_.options().on_handle_changed = std::move(saved_changed_);
  }

  const std::string& id() const noexcept { return id_; }
  void note(Result<void, StoreError> r) {
    if (!r && !error_) error_ = r.error();
  }

  // Records how the run ended; returns whether the job is finished.
  bool end(const job::Outcome& o, bool cancelled_remotely) {
    using K = job::OutcomeKind;
    if (o.ok()) {
      if (last_ != JobState::downloaded) note(store_.append(entry(JobState::downloaded)));
      if (o.cleaned_up) note(store_.append(entry(JobState::cleaned)));
    }
    Entry e = entry(JobState::ended);
    if (o.ok()) e.file = o.file.string();
    e.outcome = std::string(job::to_string(o.kind));
    if (o.error.code) e.error = o.error.message();
    if (cancelled_remotely) e.error = e.error.value_or("") + (e.error ? "; " : "") + "cancelled at the provider";
    if (o.handle.submitted()) e.handle = o.handle;
    note(store_.append(std::move(e)));
    // Finished: nothing more can come of it. A job refused or failed at the provider, cancelled
    // there, or saved and cleaned up (or whose cleanup the provider refused for good). Anything
    // else (a deadline, an error, even a rotated key) stays for `resume`.
    bool finished = o.kind == K::refused || o.kind == K::failed || cancelled_remotely ||
                    o.error.code == job::Errc::cancelled_at_provider;
    if (o.ok()) {
      bool cleanup_due = false;
      if constexpr (CleaningProvider<P>) cleanup_due = job_.options().cleanup;
      finished = o.cleaned_up || !cleanup_due || o.cleanup_settled;
    }
    if (finished) note(store_.append(entry(JobState::finished)));
    return finished;
  }

  std::optional<StoreError> error() const { return error_; }

private:
  Entry entry(JobState s) {
    Entry e;
    e.job = id_;
    e.state = s;
    last_ = s;
    return e;
  }

  void progress(const job::JobProgress& p) {
    if (!p.warning.empty()) return;  // a warning repeats the stage; it changes nothing
    if (p.stage == job::Stage::submitting) {
      // VideoJob mints an idempotency key just before it sends the create: keep it.
      const auto& key = job_.handle().idempotency_key;
      if (key && key != key_) {
        key_ = key;
        Entry e = entry(last_);
        e.idempotency_key = key;
        note(store_.append(std::move(e)));
      }
      return;
    }
    std::optional<JobState> s;
    switch (p.stage) {
      case job::Stage::queued: s = JobState::queued; break;
      case job::Stage::running: s = JobState::running; break;
      case job::Stage::downloading: s = JobState::ready; break;
      case job::Stage::cleaning_up: s = JobState::downloaded; break;
      default: break;
    }
    if (s && *s != last_) note(store_.append(entry(*s)));
  }

  S& store_;
  VideoJob<P, H>& job_;
  std::string id_;
  JobState last_;
  std::optional<std::string> key_;
  std::function<void(const job::JobHandle&)> saved_submitted_;
  std::function<void(const job::JobProgress&)> saved_progress_;
  std::function<void(const job::JobHandle&)> saved_changed_;
  std::optional<StoreError> error_;
};

// Cancels the remote job after an early end when asked and possible; then records the end.
template <JobStore S, Provider P, http::HttpClient H>
asio::awaitable<JournaledOutcome, typename H::executor_type> conclude(Recorder<S, P, H>& rec, VideoJob<P, H>& job,
                                                                     job::Outcome& outcome, RunKind kind,
                                                                     const RunOptions& options) {
  JournaledOutcome out;
  out.id = rec.id();
  out.kind = kind;
  const bool early = outcome.kind == job::OutcomeKind::deadline || outcome.kind == job::OutcomeKind::cancelled;
  if constexpr (CancellingProvider<P>) {
    if (early && options.on_abandon == OnAbandon::cancel && outcome.handle.submitted()) {
      co_await asio::this_coro::reset_cancellation_state();  // the caller's cancellation is spent
      job.options().deadline = options.cancel_deadline;
      auto cancelled = co_await job.cancel();
      out.cancelled_remotely = static_cast<bool>(cancelled);
    }
  }
  out.finished = rec.end(outcome, out.cancelled_remotely);
  out.outcome = std::move(outcome);
  out.store_error = rec.error();
  co_return out;
}

template <class Request>
std::string model_of(const Request& r) {
  if constexpr (requires { r.model; }) {
    return std::string(r.model);
  } else {
    return {};
  }
}

// Records the intent of a new job (before its create is sent): `out.id` is its id; on a
// failure, `out` is the outcome to report (nothing may be sent).
template <JobStore S, Provider P, http::HttpClient H>
JournaledOutcome record_intent(S& store, VideoJob<P, H>& job, const typename P::Request& request,
                               const std::filesystem::path& output) {
  JournaledOutcome out;
  out.outcome.handle = job.handle();
  if (job.handle().submitted()) {
    out.kind = RunKind::skipped;
    out.outcome.error = store_job_error(Errc::mismatched_job, "the job is already submitted: use resume");
    return out;
  }
  Intent intent;
  intent.provider = std::string(P::name);
  intent.base_url = job.handle().base_url;
  intent.model = model_of(request);
  intent.idempotency_key = job.handle().idempotency_key;
  intent.output = output.string();
  if (json::write(request, intent.request.text)) intent.request.text = "null";  // VideoJob refuses it too
  intent.request_hash = request_hash(intent.request.text);
  out.id = store.new_id();
  Entry first;
  first.job = out.id;
  first.state = JobState::intent;
  first.intent = std::move(intent);
  if (auto recorded = store.append(std::move(first)); !recorded) {
    out.outcome.error = store_job_error(Errc::io_error, "the intent could not be recorded; nothing was sent: " +
                                                            recorded.error().message());
    out.outcome.error.code = recorded.error().code;
    out.store_error = std::move(recorded.error());
  }
  return out;
}

}  // namespace detail

/// Runs `job.generate(request, output)` journaled in `store`: the intent (provider, model,
/// request hash, idempotency key, output path, the native request) is durable before the
/// create is sent, the handle right after, then each state change and the outcome. `job` must
/// not be submitted yet; build it from `fresh_handle(provider)` so that the intent carries the
/// idempotency key (otherwise the key is recorded as soon as VideoJob mints it, still before
/// the create). If the intent cannot be recorded, nothing is sent (`outcome.kind` error, with
/// the store's error code).
template <JobStore S, Provider P, http::HttpClient H>
asio::awaitable<JournaledOutcome, typename H::executor_type> journaled_generate(S& store, VideoJob<P, H>& job,
                                                                               const typename P::Request& request,
                                                                               std::filesystem::path output,
                                                                               const RunOptions& options) {
  JournaledOutcome out = detail::record_intent(store, job, request, output);
  if (out.id.empty() || out.store_error) co_return out;
  detail::Recorder<S, P, H> rec(store, job, out.id, JobState::intent, job.handle().idempotency_key);
  job::Outcome outcome = co_await job.generate(request, output);
  co_return co_await detail::conclude(rec, job, outcome, RunKind::submitted, options);
}

/// `journaled_generate` with the default `RunOptions` (detach on an early end).
template <JobStore S, Provider P, http::HttpClient H>
asio::awaitable<JournaledOutcome, typename H::executor_type> journaled_generate(S& store, VideoJob<P, H>& job,
                                                                               const typename P::Request& request,
                                                                               std::filesystem::path output) {
  static const RunOptions defaults{};
  return journaled_generate(store, job, request, std::move(output), defaults);
}

/// `journaled_generate` for the provider-neutral request (mapped with `P::native`).
template <JobStore S, Provider P, http::HttpClient H>
  requires(!std::same_as<typename P::Request, job::VideoRequest>)
asio::awaitable<JournaledOutcome, typename H::executor_type> journaled_generate(S& store, VideoJob<P, H>& job,
                                                                               const job::VideoRequest& request,
                                                                               std::filesystem::path output,
                                                                               const RunOptions& options) {
  const typename P::Request native = P::native(request);
  co_return co_await journaled_generate(store, job, native, std::move(output), options);
}

/// Finishes the unfinished `record` with `job`, built from `handle_of(record)`:
/// - submitted: `job.finish(output)` (poll, download, clean up), never a second create;
/// - an intent of a provider with idempotency keys: the recorded native request is submitted
///   again with the recorded key, so the provider returns the job it may already have;
/// - an intent otherwise (Venice): nothing is sent; `RunKind::ambiguous` with an `ambiguous`
///   outcome, for the user to check (then `forget` it or submit a new job).
/// `output` replaces the recorded path when set. `record` and `options` must outlive the call.
template <JobStore S, Provider P, http::HttpClient H>
asio::awaitable<JournaledOutcome, typename H::executor_type> resume(S& store, const JobRecord& record, VideoJob<P, H>& job,
                                                                   const RunOptions& options,
                                                                   std::optional<std::filesystem::path> output = std::nullopt) {
  JournaledOutcome out;
  out.id = record.id;
  out.kind = RunKind::skipped;
  out.outcome.handle = job.handle();
  const std::string provider = record.provider();
  if (record.finished()) {
    out.finished = true;
    out.outcome.kind = record.outcome.value_or(job::OutcomeKind::succeeded);
    co_return out;
  }
  if (provider != P::name) {
    out.outcome.error = detail::store_job_error(Errc::mismatched_job, "the record is a " + provider + " job");
    co_return out;
  }
  if (!output && record.intent) output = std::filesystem::path(record.intent->output);
  if (!output) {
    out.outcome.error = detail::store_job_error(Errc::not_resumable, "no output path recorded");
    co_return out;
  }
  if (record.submitted()) {
    if (job.handle().job_id != record.handle->job_id) {
      out.outcome.error = detail::store_job_error(Errc::mismatched_job, "build the job from handle_of(record)");
      co_return out;
    }
    detail::Recorder<S, P, H> rec(store, job, record.id, record.state, record.idempotency_key());
    // A video saved before the process stopped is never downloaded again: only its cleanup is left.
    const bool saved = record.state == JobState::downloaded || record.state == JobState::cleaned ||
                       (record.state == JobState::ended && record.outcome == job::OutcomeKind::succeeded);
    std::error_code exists_ec;
    const std::filesystem::path saved_file = record.file ? std::filesystem::path(*record.file) : *output;
    if (saved && std::filesystem::is_regular_file(saved_file, exists_ec)) (void)job.adopt_file(saved_file);
    job::Outcome outcome = co_await job.finish(saved ? saved_file : *output);
    co_return co_await detail::conclude(rec, job, outcome, RunKind::resumed, options);
  }
  const std::optional<std::string> key = record.idempotency_key();
  if (!P::idempotent_create || !key || !record.intent || record.intent->request.text == "null") {
    out.kind = RunKind::ambiguous;
    out.outcome.kind = job::OutcomeKind::ambiguous;
    out.outcome.error.code = make_error_code(job::Errc::ambiguous_submit);
    out.outcome.error.provider.message = "the create may have reached " + provider +
                                         ", which has no idempotency key: check before submitting again";
    if (record.outcome != job::OutcomeKind::ambiguous) {
      Entry e;
      e.job = record.id;
      e.state = JobState::ended;
      e.outcome = std::string(job::to_string(job::OutcomeKind::ambiguous));
      e.error = out.outcome.error.message();
      if (auto r = store.append(std::move(e)); !r) out.store_error = std::move(r.error());
    }
    co_return out;
  }
  if (job.handle().submitted() || job.handle().idempotency_key != key) {
    out.outcome.error = detail::store_job_error(Errc::mismatched_job, "build the job from handle_of(record)");
    co_return out;
  }
  typename P::Request native{};
  const std::string& text = record.intent->request.text;
  if (request_hash(text) != record.intent->request_hash || json::read(text, native)) {
    out.outcome.error = detail::store_job_error(Errc::bad_record, "the recorded request does not match its hash or type");
    co_return out;
  }
  detail::Recorder<S, P, H> rec(store, job, record.id, record.state, key);
  job::Outcome outcome = co_await job.generate(native, *output);
  co_return co_await detail::conclude(rec, job, outcome, RunKind::resubmitted, options);
}

/// `resume` with the default `RunOptions` (detach on an early end) and the recorded output.
template <JobStore S, Provider P, http::HttpClient H>
asio::awaitable<JournaledOutcome, typename H::executor_type> resume(S& store, const JobRecord& record, VideoJob<P, H>& job) {
  static const RunOptions defaults{};
  return resume(store, record, job, defaults);
}

}  // namespace reel::store
