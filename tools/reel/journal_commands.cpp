// SPDX-License-Identifier: BSL-1.0
// The job journal in the CLI: `generate` and `submit` record through it (intent before the
// create, the handle right after, states, outcome: reel::store's journaled helpers), `wait`,
// `download` and `cleanup` update a job that is in it, and `jobs`, `resume` and `forget` work on
// it (resume_commands.cpp). journal_file.hpp says where it lives and how processes share it.
#include "commands.hpp"
#include "context.hpp"
#include "journal_file.hpp"

#include <reel/json/write.hpp>
#include <reel/store/journal.hpp>
#include <reel/store/journaled.hpp>

#include <asio/awaitable.hpp>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace reel_cli {

namespace {

/// `generate` through the journal: an intent before the create, then every step.
template <class P>
asio::awaitable<Exit> generate_journaled_typed(Context& c, Session<P>& s) {
  const typename P::Request request = native_request<P>(c.args, true);
  const std::filesystem::path output =
      std::filesystem::absolute(c.args.output ? std::filesystem::path(*c.args.output) : default_output(P::name, ""));
  std::string error;
  std::optional<JournalShard> shard = take_free_shard(*c.journal, error);
  if (!shard) co_return end_with(c, journal_error(error + " (--no-journal runs without it)"));
  ProgressView view(std::string(P::name), c.args.json);
  const reel::job::JobHandle fresh = reel::store::fresh_handle(s.provider());
  Job<P> job(s.http(), s.provider(), s.account(), fresh, job_options(c, view, false));
  const reel::store::JournaledOutcome done =
      co_await reel::store::journaled_generate(shard->journal(), job, request, output, detach_options());
  view.done();
  if (done.store_error && !c.args.json) {
    std::fprintf(stderr, "reel: warning: the journal: %s\n", done.store_error->message().c_str());
  }
  co_return end_with(c, done.outcome);
}

/// `submit` through the journal: the intent before the create, the handle right after it.
template <class P>
asio::awaitable<Exit> submit_journaled_typed(Context& c, Session<P>& s) {
  const typename P::Request request = native_request<P>(c.args, true);
  std::string error;
  std::optional<JournalShard> shard = take_free_shard(*c.journal, error);
  if (!shard) co_return end_with(c, journal_error(error + " (--no-journal runs without it)"));
  reel::store::Journal& store = shard->journal();
  ProgressView view(std::string(P::name), false);
  const reel::job::JobHandle fresh = reel::store::fresh_handle(s.provider());
  Job<P> job(s.http(), s.provider(), s.account(), fresh, job_options(c, view, false));
  reel::store::Entry first;
  first.job = store.new_id();
  first.state = reel::store::JobState::intent;
  reel::store::Intent& intent = first.intent.emplace();
  intent.provider = std::string(P::name);
  intent.base_url = fresh.base_url;
  intent.model = reel::store::detail::model_of(request);
  intent.idempotency_key = fresh.idempotency_key;
  intent.output = std::filesystem::absolute(default_output(P::name, first.job)).string();
  if (reel::json::write(request, intent.request.text)) intent.request.text = "null";
  intent.request_hash = reel::store::request_hash(intent.request.text);
  const std::string id = first.job;
  if (auto r = store.append(std::move(first)); !r) co_return end_with(c, journal_error("nothing was sent: " + r.error().message()));
  auto submitted = co_await job.submit(request);
  reel::store::Entry e;
  e.job = id;
  if (!submitted) {
    const reel::job::OutcomeKind kind = reel::job::outcome_kind_of(submitted.error().code);
    if (kind != reel::job::OutcomeKind::deadline && kind != reel::job::OutcomeKind::cancelled) {
      e.state = reel::store::JobState::ended;
      e.outcome = std::string(reel::job::to_string(kind));
      e.error = submitted.error().message();
      (void)store.append(e);
      if (kind == reel::job::OutcomeKind::refused || kind == reel::job::OutcomeKind::failed) {
        e = reel::store::Entry{};
        e.job = id;
        e.state = reel::store::JobState::finished;
        (void)store.append(std::move(e));
      }
    }
    co_return end_with(c, submitted.error(), job.handle());
  }
  e.state = reel::store::JobState::submitted;
  e.handle = *submitted;
  if (auto r = store.append(std::move(e)); !r && !c.args.json) {
    std::fprintf(stderr, "reel: warning: the handle is not in the journal: %s\n", r.error().message().c_str());
  }
  if (c.args.json) {
    ResultEvent r = result_of(c, Exit::ok);
    r.handle = *submitted;
    emit(r);
  } else {
    std::printf("%s\n", handle_json(*submitted).c_str());
    std::fprintf(stderr, "journal id %s\n", id.c_str());
  }
  co_return Exit::ok;
}

/// The journal's unfinished record of the handle's job (same provider, API and job id), with its
/// shard held; none when the job is not in the journal (or a live reel process holds its shard).
std::optional<JournalShard> shard_of_job(const Context& c, const reel::job::JobHandle& h,
                                                std::optional<reel::store::JobRecord>& record) {
  if (!c.journal) return std::nullopt;
  std::vector<std::string> problems;
  for (const ListedJob& j : list_jobs(*c.journal, problems)) {
    if (j.record.finished() || !j.record.submitted() || j.record.handle->job_id != h.job_id ||
        j.record.provider() != h.provider || j.record.handle->base_url != h.base_url) {
      continue;
    }
    std::optional<JournalShard> shard;
    std::string error;
    if (take_shard(*c.journal, j.shard, shard, error) != TakeResult::taken) return std::nullopt;
    record = shard->journal().find(j.record.id);
    if (!record || record->finished()) return std::nullopt;
    return shard;
  }
  return std::nullopt;
}

/// `wait` / `download` of a job in the journal: `resume` with the handle's record.
template <class P>
asio::awaitable<Exit> finish_journaled_typed(Context& c, Session<P>& s, bool cleanup, JournalShard shard,
                                             reel::store::JobRecord record) {
  std::optional<std::filesystem::path> output;
  if (c.args.output) output = std::filesystem::absolute(*c.args.output);
  ProgressView view(std::string(P::name), c.args.json);
  reel::JobOptions options = job_options(c, view, true);
  options.cleanup = cleanup && !c.args.no_cleanup;
  Job<P> job(s.http(), s.provider(), s.account(), *record.handle, std::move(options));
  const reel::store::JournaledOutcome done =
      co_await reel::store::resume(shard.journal(), record, job, detach_options(), output);
  view.done();
  co_return end_with(c, done.outcome);
}

/// `cleanup` of a job in the journal: as without it, then the job is marked cleaned and finished.
asio::awaitable<Exit> cleanup_journaled(Context& c, JournalShard shard, reel::store::JobRecord record) {
  const Exit code = co_await cleanup_plain(c);
  if (code == Exit::ok) {
    for (const reel::store::JobState s : {reel::store::JobState::cleaned, reel::store::JobState::finished}) {
      reel::store::Entry e;
      e.job = record.id;
      e.state = s;
      (void)shard.journal().append(std::move(e));
    }
  }
  co_return code;
}

}  // namespace

// The commands' entries: the journaled variant when the journal is on (and, for a handle, the
// job is in it), else the plain one.

asio::awaitable<Exit> generate_journaled(Context& c) {
  return with_session(c, [&c](auto& s) { return generate_journaled_typed(c, s); });
}
asio::awaitable<Exit> submit_command(Context& c) {
  if (!c.journal) return submit_plain(c);
  return with_session(c, [&c](auto& s) { return submit_journaled_typed(c, s); });
}
asio::awaitable<Exit> finish_command(Context& c, bool cleanup) {
  std::optional<reel::store::JobRecord> record;
  std::optional<JournalShard> shard = shard_of_job(c, *c.handle, record);
  if (!shard) return finish_plain(c, cleanup);
  return with_session(c, [&c, cleanup, &shard, &record](auto& s) {
    return finish_journaled_typed(c, s, cleanup, std::move(*shard), std::move(*record));
  });
}
asio::awaitable<Exit> cleanup_command(Context& c) {
  std::optional<reel::store::JobRecord> record;
  std::optional<JournalShard> shard = shard_of_job(c, *c.handle, record);
  if (!shard) return cleanup_plain(c);
  return cleanup_journaled(c, std::move(*shard), std::move(*record));
}

}  // namespace reel_cli
