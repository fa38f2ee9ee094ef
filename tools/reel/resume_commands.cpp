// SPDX-License-Identifier: BSL-1.0
// `reel jobs`, `reel resume` and `reel forget`: the commands that work on the job journal and
// need no provider on the command line (each job names its own, one of `reel::Providers`; its
// key comes from that provider's environment variable, `P::from_env()`, its base URL from the
// journal).
#include "commands.hpp"
#include "context.hpp"
#include "journal_file.hpp"

#include <reel/session/any_session.hpp>
#include <reel/store/journal.hpp>
#include <reel/store/journaled.hpp>

#include <asio/awaitable.hpp>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reel_cli {

namespace {

JobEvent job_event(const reel::store::JobRecord& r, std::int64_t first_at) {
  JobEvent e;
  e.id = r.id;
  e.provider = r.provider();
  e.model = r.handle && !r.handle->model.empty() ? r.handle->model : r.intent ? r.intent->model : std::string();
  e.state = std::string(reel::store::to_string(r.state));
  if (r.submitted()) e.job_id = r.handle->job_id;
  if (r.intent) e.output = r.intent->output;
  if (first_at > 0) e.age_seconds = std::max<std::int64_t>(0, static_cast<std::int64_t>(std::time(nullptr)) - first_at);
  if (r.outcome) e.outcome = std::string(reel::job::to_string(*r.outcome));
  e.file = r.file;
  if (!r.error.empty()) e.error = r.error;
  return e;
}

std::string age_text(std::optional<std::int64_t> s) {
  if (!s) return "-";
  if (*s < 120) return std::to_string(*s) + "s";
  if (*s < 7200) return std::to_string(*s / 60) + "m";
  if (*s < 172800) return std::to_string(*s / 3600) + "h";
  return std::to_string(*s / 86400) + "d";
}

/// One job to resume, and how it ended.
struct ResumeItem {
  reel::store::JobRecord record;
  reel::store::Journal* store = nullptr;
  JobEvent result;
  Exit code = Exit::ok;
};

/// One account per provider of `reel::Providers`, with the provider's own limits.
template <class List>
struct Accounts;
template <class P>
struct AccountOf {
  reel::job::Account account{reel::steady_clock(), P::default_limits()};
};
template <class... Ps>
struct Accounts<reel::ProviderList<Ps...>> : AccountOf<Ps>... {
  template <class P>
  reel::job::Account& of() noexcept {
    return static_cast<AccountOf<P>&>(*this).account;
  }
  /// Calls `f.template operator()<P>()` for the provider named `name`; false when none is.
  template <class F>
  static bool with_provider(std::string_view name, F&& f) {
    return ((Ps::name == name ? (f.template operator()<Ps>(), true) : false) || ...);
  }
};
using ProviderAccounts = Accounts<reel::Providers>;

/// Resumes one job with provider `P`: key (and base URL) as `P::from_env()` reads them, the
/// base URL from the journal (or --base-url).
template <class P>
asio::awaitable<void> resume_with(Context& c, ResumeItem& item, reel::job::Account& account) {
  P provider = P::from_env();
  const reel::job::JobHandle handle = reel::store::handle_of(item.record);
  if (!handle.base_url.empty()) provider.base_url = handle.base_url;
  if (c.args.base_url) provider.base_url = *c.args.base_url;
  const bool needs_key = item.record.submitted() || P::idempotent_create;
  if (needs_key && provider.api_key.empty()) {
    item.code = Exit::auth;
    item.result.outcome = "error";
    item.result.error = key_variable(P::name) + " is not set";
    co_return;
  }
  item.result.error.reset();
  // A video already safe is not downloaded again: reel::store::resume only cleans it up.
  ProgressView view(std::string(P::name), false);
  reel::JobOptions options = job_options(c, view, true);
  options.on_progress = nullptr;  // many jobs at once: one line each at the end
  options.on_submitted = nullptr;
  Job<P> job(c.http, std::move(provider), account, handle, std::move(options));
  const std::optional<std::filesystem::path> recorded_output;
  const reel::store::JournaledOutcome done =
      co_await reel::store::resume(*item.store, item.record, job, detach_options(), recorded_output);
  static constexpr const char* kinds[] = {"submitted", "resumed", "resubmitted", "ambiguous", "skipped"};
  item.result.kind = kinds[static_cast<int>(done.kind)];
  item.result.outcome = std::string(reel::job::to_string(done.outcome.kind));
  item.code = exit_for(done.outcome);
  if (done.kind == reel::store::RunKind::skipped && done.outcome.error.code) item.code = Exit::error;
  item.result.state = done.finished ? "finished" : "ended";
  if (done.outcome.ok()) item.result.file = done.outcome.file.string();
  if (done.outcome.error.code) item.result.error = done.outcome.error.message();
  if (done.outcome.handle.submitted()) item.result.job_id = done.outcome.handle.job_id;
  if (done.store_error) item.result.error = item.result.error.value_or("") + " (journal: " + done.store_error->message() + ")";
}

/// A job of a provider reel does not know.
asio::awaitable<void> unknown_provider(ResumeItem& item) {
  item.code = Exit::error;
  item.result.outcome = "error";
  item.result.error = "unknown provider \"" + item.record.provider() + "\"";
  co_return;
}

/// Resumes one job with the provider its record names. Not a coroutine.
asio::awaitable<void> resume_one(Context& c, ResumeItem& item, ProviderAccounts& accounts) {
  std::optional<asio::awaitable<void>> work;
  const std::string provider = item.record.provider();
  ProviderAccounts::with_provider(provider, [&]<class P>() { work.emplace(resume_with<P>(c, item, accounts.of<P>())); });
  if (!work) return unknown_provider(item);
  return std::move(*work);
}

/// Takes the next job until none is left.
asio::awaitable<void> resume_worker(Context& c, std::vector<ResumeItem>& items, std::size_t& next,
                                    ProviderAccounts& accounts) {
  while (next < items.size()) {
    ResumeItem& item = items[next++];
    co_await resume_one(c, item, accounts);
  }
}

}  // namespace

/// `reel jobs [--all]`: the journal's unfinished jobs (and finished ones not yet compacted).
asio::awaitable<Exit> jobs_command(Context& c) {
  if (!c.journal) throw UsageError{"reel jobs reads the journal: not with --no-journal or --dry-run"};
  std::vector<std::string> problems;
  const std::vector<ListedJob> jobs = list_jobs(*c.journal, problems);
  if (!c.args.json) std::printf("%-18s  %-9s  %-30s  %-10s  %-28s  %-5s  %s\n", "ID", "PROVIDER", "MODEL", "STATE", "JOB", "AGE", "OUTPUT");
  for (const ListedJob& j : jobs) {
    if (j.record.finished() && !c.args.all) continue;
    const JobEvent e = job_event(j.record, j.first_at);
    if (c.args.json) {
      emit(e);
    } else {
      std::string state = e.state;
      if (e.outcome && j.record.state == reel::store::JobState::ended) state += ":" + *e.outcome;
      std::printf("%-18s  %-9s  %-30s  %-10s  %-28s  %-5s  %s\n", e.id.c_str(), e.provider.c_str(), e.model.c_str(),
                  state.c_str(), e.job_id.value_or("-").c_str(), age_text(e.age_seconds).c_str(),
                  e.output.value_or("-").c_str());
    }
  }
  for (const std::string& p : problems) std::fprintf(stderr, "reel: warning: %s\n", p.c_str());
  if (c.args.json) emit(result_of(c, problems.empty() ? Exit::ok : Exit::error));
  std::fflush(stdout);
  co_return problems.empty() ? Exit::ok : Exit::error;
}

/// `reel resume --all | ID`: finishes unfinished jobs, `--concurrency` at a time, without
/// submitting again; then compacts the journal.
asio::awaitable<Exit> resume_command(Context& c) {
  if (!c.journal) throw UsageError{"reel resume reads the journal: not with --no-journal or --dry-run"};
  if (c.args.all == c.args.id.has_value()) throw UsageError{"give reel resume --all or a job's id (see reel jobs)"};
  // Take every shard no live process holds (a held shard's jobs are running in that process).
  std::vector<std::unique_ptr<JournalShard>> shards;
  int held = 0;
  for (int k = 0; k < max_shards; ++k) {
    std::error_code ec;
    if (k > 0 && !std::filesystem::exists(shard_path(*c.journal, k), ec)) continue;
    std::optional<JournalShard> shard;
    std::string error;
    const TakeResult r = take_shard(*c.journal, k, shard, error);
    if (r == TakeResult::held) ++held;
    if (r == TakeResult::failed) co_return end_with(c, journal_error(error));
    if (r == TakeResult::taken) shards.push_back(std::make_unique<JournalShard>(std::move(*shard)));
  }
  std::vector<ResumeItem> items;
  for (auto& s : shards) {
    for (reel::store::JobRecord& r : s->journal().unfinished()) {
      if (c.args.id && r.id != *c.args.id) continue;
      ResumeItem item;
      item.result = job_event(r, 0);
      item.record = std::move(r);
      item.store = &s->journal();
      items.push_back(std::move(item));
    }
  }
  if (c.args.id && items.empty()) {
    co_return end_with(c, journal_error("no unfinished job " + *c.args.id + " in a journal shard this process can take"));
  }
  if (held > 0 && !c.args.json) {
    std::fprintf(stderr, "reel: %d journal shard(s) in use by other reel processes: their jobs are left to them\n", held);
  }
  ProviderAccounts accounts;
  // Workers take jobs in turn; the last one to finish wakes this coroutine.
  auto executor = co_await asio::this_coro::executor;
  std::size_t next = 0;
  const std::size_t workers = std::min<std::size_t>(items.size(), static_cast<std::size_t>(c.args.concurrency));
  std::size_t running = workers;
  asio::steady_timer all_done(executor, asio::steady_timer::time_point::max());
  std::vector<asio::cancellation_signal> signals(workers);
  for (std::size_t w = 0; w < workers; ++w) {
    asio::co_spawn(executor, resume_worker(c, items, next, accounts), asio::bind_cancellation_slot(signals[w].slot(), [&running, &all_done](std::exception_ptr) {
                     if (--running == 0) all_done.cancel();
                   }));
  }
  while (running > 0) {
    std::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    co_await all_done.async_wait(token);
    if (running > 0) {  // interrupted: cancel every job (each keeps its journal record), then wait for them
      for (auto& s : signals) s.emit(asio::cancellation_type::terminal);
      co_await asio::this_coro::reset_cancellation_state();
    }
  }
  // Report, compact, and the most severe code.
  Exit worst = Exit::ok;
  int done = 0;
  for (ResumeItem& item : items) {
    if (severity(item.code) > severity(worst)) worst = item.code;
    if (item.code == Exit::ok) ++done;
    item.result.exit_code = static_cast<int>(item.code);
    if (c.args.json) {
      emit(item.result);
    } else {
      std::fprintf(stderr, "%s %s %s: %s%s%s\n", item.result.id.c_str(), item.result.provider.c_str(),
                   item.result.kind.value_or("-").c_str(), item.result.outcome.value_or("-").c_str(),
                   item.result.error ? ": " : "", item.result.error.value_or("").c_str());
      if (item.result.file) std::printf("%s\n", item.result.file->c_str());
    }
  }
  std::string compact_error;
  for (auto& s : shards) {
    if (auto r = s->journal().compact(); !r && compact_error.empty()) compact_error = r.error().message();
  }
  if (!compact_error.empty()) {
    std::fprintf(stderr, "reel: warning: compacting the journal failed: %s\n", compact_error.c_str());
    if (worst == Exit::ok) worst = Exit::error;
  }
  if (c.args.json) {
    emit(result_of(c, worst));
  } else {
    std::fprintf(stderr, "resumed %zu job(s): %d done\n", items.size(), done);
  }
  std::fflush(stdout);
  co_return worst;
}

/// `reel forget ID`: marks a job finished (e.g. an ambiguous Venice intent checked by hand).
asio::awaitable<Exit> forget_command(Context& c) {
  if (!c.journal) throw UsageError{"reel forget edits the journal: not with --no-journal or --dry-run"};
  if (!c.args.id) throw UsageError{"give the id of the job to forget (see reel jobs)"};
  std::vector<std::string> problems;
  for (const ListedJob& j : list_jobs(*c.journal, problems)) {
    if (j.record.id != *c.args.id) continue;
    std::optional<JournalShard> shard;
    std::string error;
    const TakeResult r = take_shard(*c.journal, j.shard, shard, error);
    if (r == TakeResult::held) co_return end_with(c, journal_error("job " + j.record.id + " is in use by a running reel process"));
    if (r == TakeResult::failed) co_return end_with(c, journal_error(error));
    if (auto done = reel::store::forget(shard->journal(), j.record.id); !done) co_return end_with(c, journal_error(done.error().message()));
    (void)shard->journal().compact();
    if (c.args.json) {
      emit(result_of(c, Exit::ok));
    } else {
      std::fprintf(stderr, "forgot job %s\n", j.record.id.c_str());
    }
    co_return Exit::ok;
  }
  co_return end_with(c, journal_error("no job " + *c.args.id + " in the journal"));
}

}  // namespace reel_cli
