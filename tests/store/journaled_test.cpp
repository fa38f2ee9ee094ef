// SPDX-License-Identifier: BSL-1.0
// Journaled VideoJob runs against the provider simulator over loopback sockets: the journal
// records intent, handle, states and the end; a job left running is resumed from a new Journal
// instance without a second create (simulator counters); an intent without a handle is
// resubmitted with the same idempotency key (Lumenfall) or reported as ambiguous (Venice); the
// remote job is cancelled or detached when a run ends early, as asked; the API key never
// reaches the journal file.
#include <job/run_support.hpp>

#include <reel/http/client.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/providers/lumenfall.hpp>
#include <reel/providers/venice.hpp>
#include <reel/store/journal.hpp>
#include <reel/store/journaled.hpp>

#include <simulator/sim_test_support.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

using namespace std::chrono_literals;
using reel::job::OutcomeKind;
using reel::store::JobState;
using reel::store::Journal;
using reel::store::RunKind;
using reel_sim::test::SimFixture;
using reel_test::read_file;
using reel_test::store_into;

using VeniceJob = reel::VideoJob<reel::Venice, reel::http::Client>;
using LumenfallJob = reel::VideoJob<reel::Lumenfall, reel::http::Client>;
using Journaled = reel::store::JournaledOutcome;

/// A key that must never appear in the journal file.
constexpr const char* secret_key = "sk-journal-SECRET-7f3a9c";

struct World {
  explicit World(reel_sim::Options options = reel_sim::test::polls_options(2)) : sim(std::move(options)) {
    static int n = 0;
    dir = std::filesystem::temp_directory_path() / ("reel-store-sim-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::create_directories(dir);
  }
  ~World() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  reel::JobOptions options(std::chrono::milliseconds deadline = 60s) {
    reel::JobOptions o;
    o.poll = reel::policy::FixedInterval{50ms};
    o.poll_bounds = {10ms, 1s};
    o.retry = reel::policy::RetryPolicy{5, 50ms, 2.0, 400ms, 0.0};
    o.deadline = reel::steady_clock().now() + deadline;
    return o;
  }
  reel::Venice venice() { return reel::Venice{secret_key, sim.sim->venice_url()}; }
  reel::Lumenfall lumenfall() { return reel::Lumenfall{secret_key, sim.sim->lumenfall_url()}; }

  Journal journal() {
    auto j = Journal::open(dir / "jobs.journal");
    if (!j) ADD_FAILURE() << j.error().message();
    return std::move(j).value();
  }

  template <class T>
  T run(asio::awaitable<T> task) {
    std::optional<T> out;
    asio::co_spawn(io, std::move(task), store_into(out));
    io.restart();
    io.run();
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }
  template <class T>
  T run_and_cancel(asio::awaitable<T> task, std::chrono::milliseconds after) {
    std::optional<T> out;
    asio::cancellation_signal signal;
    asio::co_spawn(io, std::move(task), asio::bind_cancellation_slot(signal.slot(), store_into(out)));
    asio::steady_timer timer(io, after);
    timer.async_wait([&signal](std::error_code) { signal.emit(asio::cancellation_type::terminal); });
    io.restart();
    io.run();
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }

  /// The journal file holds no API key (nor its bearer header).
  void expect_no_key_in_journal() {
    const std::string bytes = read_file(dir / "jobs.journal");
    EXPECT_FALSE(bytes.empty());
    EXPECT_EQ(bytes.find(secret_key), std::string::npos);
    EXPECT_EQ(bytes.find("Bearer"), std::string::npos);
  }

  SimFixture sim;
  asio::io_context io;
  reel::http::Client http{io.get_executor()};
  reel::job::Account venice_account{reel::steady_clock(), reel::job::AccountLimits::none()};
  reel::job::Account lumenfall_account{reel::steady_clock(), reel::job::AccountLimits::none()};
  std::filesystem::path dir;
};

reel::venice::QueueRequest venice_request(std::string prompt) {
  reel::venice::QueueRequest r;
  r.model = "wan-2.5-preview-text-to-video";
  r.prompt = std::move(prompt);
  r.duration = "5s";
  r.aspect_ratio = "16:9";
  return r;
}
reel::lumenfall::CreateRequest lumenfall_request(std::string prompt) {
  reel::lumenfall::CreateRequest r;
  r.model = "sora-2";
  r.prompt = std::move(prompt);
  r.seconds = "4";
  return r;
}

template <class Job, class Request>
asio::awaitable<Journaled> run_generate(Journal& store, Job& job, Request request, std::filesystem::path out,
                                    reel::store::RunOptions options) {
  co_return co_await reel::store::journaled_generate(store, job, request, out, options);
}
template <class Job>
asio::awaitable<Journaled> run_resume(Journal& store, reel::store::JobRecord record, Job& job) {
  co_return co_await reel::store::resume(store, record, job);
}

std::int64_t count(const reel_sim::Counters& c, const std::string& key) {
  const auto it = c.requests.find(key);
  return it == c.requests.end() ? 0 : it->second;
}
std::int64_t at(const std::map<std::string, std::int64_t>& m, const std::string& key) {
  const auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

/// Jobs that run 1.5 s.
reel_sim::Options slow_jobs() {
  reel_sim::Options o;
  o.config.job.duration_ms = 1500;
  return o;
}

// The states the journal recorded for job `id`, in order.
std::vector<JobState> states_of(const std::filesystem::path& path, const std::string& id) {
  std::vector<JobState> out;
  auto parsed = reel::store::inspect_journal(path);
  EXPECT_TRUE(parsed);
  if (!parsed) return out;
  for (const auto& e : parsed->entries) {
    if (e.job == id) out.push_back(e.state);
  }
  return out;
}

TEST(JournaledOnSimulator, LumenfallRunRecordsEveryStepAndFinishes) {
  World w;
  Journal store = w.journal();
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, reel::store::fresh_handle(w.lumenfall()), w.options());
  const auto key = *job.handle().idempotency_key;
  const auto done = w.run(run_generate(store, job, lumenfall_request("journaled capybara"), w.dir / "l.mp4", {}));
  ASSERT_EQ(done.outcome.kind, OutcomeKind::succeeded) << done.outcome.error.message();
  EXPECT_EQ(done.kind, RunKind::submitted);
  EXPECT_TRUE(done.finished);
  EXPECT_FALSE(done.store_error);
  EXPECT_EQ(read_file(done.outcome.file), std::string(reel_sim::sample_mp4()));
  const auto states = states_of(store.path(), done.id);
  const std::vector<JobState> expected{JobState::intent, JobState::submitted, JobState::queued, JobState::ready,
                                       JobState::downloaded, JobState::cleaned, JobState::ended, JobState::finished};
  // Polls may report running between queued and ready.
  std::vector<JobState> without_running;
  for (JobState s : states) {
    if (s != JobState::running) without_running.push_back(s);
  }
  EXPECT_EQ(without_running, expected);
  const auto record = store.find(done.id);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->intent->idempotency_key, key);  // the intent carried the key before the create
  EXPECT_EQ(record->intent->output, (w.dir / "l.mp4").string());
  EXPECT_EQ(record->file, (w.dir / "l.mp4").string());
  EXPECT_EQ(record->handle->job_id, done.outcome.handle.job_id);
  EXPECT_TRUE(store.unfinished().empty());
  w.expect_no_key_in_journal();
  ASSERT_TRUE(store.compact());
  EXPECT_TRUE(store.jobs().empty());
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(at(c.create_requests_by_idempotency_key, key), 1);
}

TEST(JournaledOnSimulator, VeniceRunRecordsTheHandleAndNeverTheKey) {
  World w;
  Journal store = w.journal();
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
  const auto done = w.run(run_generate(store, job, venice_request("journaled gondola"), w.dir / "v.mp4", {}));
  ASSERT_EQ(done.outcome.kind, OutcomeKind::succeeded) << done.outcome.error.message();
  EXPECT_TRUE(done.finished);
  const auto record = store.find(done.id);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->state, JobState::finished);
  EXPECT_EQ(record->handle->job_id, done.outcome.handle.job_id);
  EXPECT_FALSE(record->intent->idempotency_key);
  EXPECT_EQ(record->intent->provider, "venice");
  EXPECT_NE(record->intent->request.text.find("journaled gondola"), std::string::npos);
  w.expect_no_key_in_journal();
  EXPECT_EQ(w.sim.counters().jobs_created, 1);
}

TEST(JournaledOnSimulator, VenicePrivateOneTimeLinkIsRecordedAndUsedOnceOnResume) {
  World w(slow_jobs());
  std::string link;
  {
    Journal store = w.journal();
    reel::venice::QueueRequest request = venice_request("a private fox");
    request.model = "grok-imagine-text-to-video-private";
    request.duration = "6s";
    VeniceJob job(w.http, w.venice(), w.venice_account, w.options(400ms));
    const auto first = w.run(run_generate(store, job, request, w.dir / "p.mp4", {}));
    ASSERT_EQ(first.outcome.kind, OutcomeKind::deadline) << first.outcome.error.message();
    // The submitted entry already carries the one-time link.
    auto parsed = reel::store::inspect_journal(store.path());
    ASSERT_TRUE(parsed);
    ASSERT_GE(parsed->entries.size(), 2u);
    ASSERT_EQ(parsed->entries[1].state, JobState::submitted);
    ASSERT_TRUE(parsed->entries[1].handle->download_url);
    link = *parsed->entries[1].handle->download_url;
  }
  Journal store = w.journal();
  const auto record = store.unfinished().at(0);
  EXPECT_EQ(record.handle->download_url, link);
  VeniceJob job(w.http, w.venice(), w.venice_account, reel::store::handle_of(record), w.options());
  const auto done = w.run(run_resume(store, record, job));
  ASSERT_EQ(done.outcome.kind, OutcomeKind::succeeded) << done.outcome.error.message();
  EXPECT_TRUE(done.finished);
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(c.jobs.at(0).download_fetches, 1);
  EXPECT_EQ(c.media_requests_with_authorization, 0);
  w.expect_no_key_in_journal();
}

TEST(JournaledOnSimulator, KeyMintedByVideoJobIsRecordedBeforeTheCreate) {
  World w;
  Journal store = w.journal();
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, w.options());  // no fresh_handle
  const auto done = w.run(run_generate(store, job, lumenfall_request("late key"), w.dir / "k.mp4", {}));
  ASSERT_EQ(done.outcome.kind, OutcomeKind::succeeded) << done.outcome.error.message();
  auto parsed = reel::store::inspect_journal(store.path());
  ASSERT_TRUE(parsed);
  ASSERT_GE(parsed->entries.size(), 3u);
  EXPECT_EQ(parsed->entries[1].state, JobState::intent);  // the key, before the handle
  EXPECT_EQ(parsed->entries[1].idempotency_key, done.outcome.handle.idempotency_key);
  EXPECT_EQ(parsed->entries[2].state, JobState::submitted);
}

// A run that ends at its deadline leaves the job running and its handle in the journal; a new
// process (a new Journal instance) finishes it without creating it again.
template <class Job, class Request, class MakeProvider>
void resume_after_deadline(World& w, reel::job::Account& account, MakeProvider provider, Request request) {
  std::string id;
  {
    Journal store = w.journal();
    Job job(w.http, provider(), account, reel::store::fresh_handle(provider()), w.options(400ms));
    const auto first = w.run(run_generate(store, job, request, w.dir / "r.mp4", {}));
    ASSERT_EQ(first.outcome.kind, OutcomeKind::deadline) << first.outcome.error.message();
    EXPECT_FALSE(first.finished);
    EXPECT_FALSE(first.cancelled_remotely);
    id = first.id;
  }
  Journal store = w.journal();
  const auto open_jobs = store.unfinished();
  ASSERT_EQ(open_jobs.size(), 1u);
  const auto& record = open_jobs[0];
  EXPECT_EQ(record.id, id);
  EXPECT_EQ(record.state, JobState::ended);
  EXPECT_EQ(record.outcome, OutcomeKind::deadline);
  ASSERT_TRUE(record.submitted());
  Job job(w.http, provider(), account, reel::store::handle_of(record), w.options());
  const auto done = w.run(run_resume(store, record, job));
  ASSERT_EQ(done.outcome.kind, OutcomeKind::succeeded) << done.outcome.error.message();
  EXPECT_EQ(done.kind, RunKind::resumed);
  EXPECT_TRUE(done.finished);
  EXPECT_EQ(done.outcome.file, w.dir / "r.mp4");
  EXPECT_EQ(read_file(w.dir / "r.mp4"), std::string(reel_sim::sample_mp4()));
  EXPECT_TRUE(store.unfinished().empty());
  w.expect_no_key_in_journal();
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);  // zero duplicate creates
  for (const auto& [prompt, n] : c.jobs_created_by_prompt) EXPECT_EQ(n, 1) << prompt;
  ASSERT_EQ(c.jobs.size(), 1u);
  EXPECT_TRUE(c.jobs[0].cleaned);
}

TEST(JournaledOnSimulator, LumenfallResumedAfterTheDeadlineWithoutASecondCreate) {
  World w(slow_jobs());
  resume_after_deadline<LumenfallJob>(w, w.lumenfall_account, [&] { return w.lumenfall(); }, lumenfall_request("resume me"));
  for (const auto& [key, n] : w.sim.counters().create_requests_by_idempotency_key) EXPECT_EQ(n, 1) << key;
}

TEST(JournaledOnSimulator, VeniceResumedAfterTheDeadlineWithoutASecondCreate) {
  World w(slow_jobs());
  resume_after_deadline<VeniceJob>(w, w.venice_account, [&] { return w.venice(); }, venice_request("resume me too"));
  EXPECT_EQ(count(w.sim.counters(), "venice.queue 200"), 1);
}

TEST(JournaledOnSimulator, LumenfallIntentWithoutHandleIsResubmittedWithTheSameKey) {
  World w;
  // Every create reaches the simulator (which creates the job) but the answer is lost.
  w.sim.rules(R"([{"match":{"endpoint":"lumenfall.create"},"fault":{"reset_at":0}}])");
  std::string key;
  {
    Journal store = w.journal();
    LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, reel::store::fresh_handle(w.lumenfall()), w.options());
    key = *job.handle().idempotency_key;
    const auto first = w.run(run_generate(store, job, lumenfall_request("lost answer"), w.dir / "i.mp4", {}));
    EXPECT_NE(first.outcome.kind, OutcomeKind::succeeded);
    EXPECT_FALSE(first.outcome.handle.submitted());
    EXPECT_FALSE(first.finished);
  }
  const auto before = w.sim.counters();
  EXPECT_EQ(before.jobs_created, 1);
  const auto lost_creates = at(before.create_requests_by_idempotency_key, key);
  EXPECT_GE(lost_creates, 2);  // retried with the same key: still one job
  w.sim.rules("[]");

  Journal store = w.journal();
  const auto open_jobs = store.unfinished();
  ASSERT_EQ(open_jobs.size(), 1u);
  const auto record = open_jobs[0];
  EXPECT_FALSE(record.submitted());
  EXPECT_EQ(record.idempotency_key(), key);
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, reel::store::handle_of(record), w.options());
  const auto done = w.run(run_resume(store, record, job));
  ASSERT_EQ(done.outcome.kind, OutcomeKind::succeeded) << done.outcome.error.message();
  EXPECT_EQ(done.kind, RunKind::resubmitted);
  EXPECT_TRUE(done.finished);
  EXPECT_EQ(read_file(w.dir / "i.mp4"), std::string(reel_sim::sample_mp4()));
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);  // the simulator returned the existing job
  EXPECT_EQ(at(c.jobs_created_by_idempotency_key, key), 1);
  EXPECT_EQ(at(c.create_requests_by_idempotency_key, key), lost_creates + 1);
  EXPECT_EQ(done.outcome.handle.job_id, c.jobs.at(0).id);
  w.expect_no_key_in_journal();
}

TEST(JournaledOnSimulator, VeniceIntentWithoutHandleIsAmbiguousAndNeverResubmitted) {
  World w;
  w.sim.rules(R"([{"match":{"endpoint":"venice.queue"},"times":1,"fault":{"reset_at":0}}])");
  {
    Journal store = w.journal();
    VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
    const auto first = w.run(run_generate(store, job, venice_request("maybe twice"), w.dir / "a.mp4", {}));
    EXPECT_EQ(first.outcome.kind, OutcomeKind::ambiguous);
    EXPECT_FALSE(first.finished);
  }
  const auto before = w.sim.counters();
  EXPECT_EQ(before.jobs_created, 1);
  Journal store = w.journal();
  const auto open_jobs = store.unfinished();
  ASSERT_EQ(open_jobs.size(), 1u);
  const auto record = open_jobs[0];
  EXPECT_FALSE(record.submitted());
  EXPECT_EQ(record.outcome, OutcomeKind::ambiguous);
  VeniceJob job(w.http, w.venice(), w.venice_account, reel::store::handle_of(record), w.options());
  const auto done = w.run(run_resume(store, record, job));
  EXPECT_EQ(done.kind, RunKind::ambiguous);
  EXPECT_EQ(done.outcome.kind, OutcomeKind::ambiguous);
  EXPECT_EQ(done.outcome.error.code, reel::job::Errc::ambiguous_submit);
  EXPECT_FALSE(done.finished);
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(c.requests, before.requests);  // nothing at all was sent
  EXPECT_FALSE(std::filesystem::exists(w.dir / "a.mp4"));
  // The user decides: forget it, and compaction drops it.
  ASSERT_TRUE(reel::store::forget(store, record.id));
  EXPECT_TRUE(store.unfinished().empty());
  ASSERT_TRUE(store.compact());
  EXPECT_TRUE(store.jobs().empty());
}

TEST(JournaledOnSimulator, OnAbandonCancelStopsALumenfallJobAtTheDeadline) {
  reel_sim::Options o;
  o.config.job.duration_ms = 60'000;
  World w(std::move(o));
  Journal store = w.journal();
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, reel::store::fresh_handle(w.lumenfall()), w.options(300ms));
  reel::store::RunOptions options;
  options.on_abandon = reel::store::OnAbandon::cancel;
  const auto done = w.run(run_generate(store, job, lumenfall_request("stop me"), w.dir / "s.mp4", options));
  EXPECT_EQ(done.outcome.kind, OutcomeKind::deadline);
  EXPECT_TRUE(done.cancelled_remotely);
  EXPECT_TRUE(done.finished);
  EXPECT_TRUE(store.unfinished().empty());
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "lumenfall.delete 200"), 1);
  EXPECT_EQ(c.jobs_created, 1);
}

TEST(JournaledOnSimulator, OnAbandonCancelWorksAfterTheCallerCancelled) {
  reel_sim::Options o;
  o.config.job.duration_ms = 60'000;
  World w(std::move(o));
  Journal store = w.journal();
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, reel::store::fresh_handle(w.lumenfall()), w.options());
  reel::store::RunOptions options;
  options.on_abandon = reel::store::OnAbandon::cancel;
  const auto done = w.run_and_cancel(run_generate(store, job, lumenfall_request("cancel me"), w.dir / "c.mp4", options), 300ms);
  EXPECT_EQ(done.outcome.kind, OutcomeKind::cancelled);
  EXPECT_TRUE(done.cancelled_remotely);
  EXPECT_TRUE(done.finished);
  EXPECT_EQ(count(w.sim.counters(), "lumenfall.delete 200"), 1);
}

TEST(JournaledOnSimulator, OnAbandonDetachKeepsTheJobAndVeniceCannotCancel) {
  reel_sim::Options o;
  o.config.job.duration_ms = 60'000;
  World w(std::move(o));
  Journal store = w.journal();
  LumenfallJob detached(w.http, w.lumenfall(), w.lumenfall_account, reel::store::fresh_handle(w.lumenfall()), w.options(300ms));
  const auto a = w.run(run_generate(store, detached, lumenfall_request("keep me"), w.dir / "d.mp4", {}));
  EXPECT_EQ(a.outcome.kind, OutcomeKind::deadline);
  EXPECT_FALSE(a.cancelled_remotely);
  EXPECT_FALSE(a.finished);
  // Venice has no cancel: OnAbandon::cancel detaches.
  VeniceJob venice(w.http, w.venice(), w.venice_account, w.options(300ms));
  reel::store::RunOptions options;
  options.on_abandon = reel::store::OnAbandon::cancel;
  const auto b = w.run(run_generate(store, venice, venice_request("keep me too"), w.dir / "e.mp4", options));
  EXPECT_EQ(b.outcome.kind, OutcomeKind::deadline);
  EXPECT_FALSE(b.cancelled_remotely);
  EXPECT_FALSE(b.finished);
  EXPECT_EQ(store.unfinished().size(), 2u);
  EXPECT_EQ(count(w.sim.counters(), "lumenfall.delete 200"), 0);
}

TEST(JournaledOnSimulator, ResumeRefusesAJobThatIsNotTheRecords) {
  World w;
  Journal store = w.journal();
  reel::store::JobRecord record;
  record.id = "j-someone-else";
  record.state = JobState::ended;
  reel::job::JobHandle h;
  h.provider = "lumenfall";
  h.job_id = "video_elsewhere";
  record.handle = h;
  reel::store::Intent intent;
  intent.provider = "lumenfall";
  intent.output = (w.dir / "x.mp4").string();
  intent.request.text = "null";
  record.intent = intent;
  LumenfallJob other(w.http, w.lumenfall(), w.lumenfall_account, w.options());  // not from handle_of(record)
  const auto done = w.run(run_resume(store, record, other));
  EXPECT_EQ(done.kind, RunKind::skipped);
  EXPECT_EQ(done.outcome.error.code, reel::store::Errc::mismatched_job);
  VeniceJob venice(w.http, w.venice(), w.venice_account, w.options());
  const auto wrong = w.run(run_resume(store, record, venice));
  EXPECT_EQ(wrong.outcome.error.code, reel::store::Errc::mismatched_job);
  EXPECT_TRUE(w.sim.counters().requests.empty());
}

}  // namespace
