// SPDX-License-Identifier: BSL-1.0
// The CLI's job journal against the simulator program: generate records the job, `reel jobs`
// lists what is unfinished (--json parsed), a job whose CLI stopped at its deadline is finished by
// `reel resume --all` without a second create, a Lumenfall intent without a handle is resubmitted
// with its idempotency key (one job), a Venice intent without a handle is reported as ambiguous
// (exit 8) and never resubmitted until `reel forget` drops it, and no API key reaches the journal.
#include "cli_support.hpp"


#include <algorithm>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace reel_cli_test;

constexpr const char* venice_key = "vk-SECRET-journal-cli-4d2c";
constexpr const char* lumenfall_key = "lk-SECRET-journal-cli-9a1e";


class Journal : public ::testing::Test {
protected:
  void SetUp() override {
    static int n = 0;
    dir_ = fs::temp_directory_path() / ("reel-cli-journal-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    expect_no_key_in_journal();
    sim_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void start_sim(const std::string& config, const std::string& rules = "") {
    sim_ = std::make_unique<Simulator>(REEL_SIM_BINARY, dir_, config, rules);
    ASSERT_NE(sim_->port(), 0);
  }
  fs::path journal() const { return dir_ / "state" / "journal"; }

  /// `reel args... --journal J`, to its end; the keys appear in none of its output.
  ProcessRun reel(std::vector<std::string> args) {
    std::vector<std::string> argv = {REEL_CLI_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--journal", journal().string()});
    const std::string n = std::to_string(runs_++);
    const pid_t pid = spawn(argv, environment({{"VENICE_API_KEY", venice_key}, {"LUMENFALL_API_KEY", lumenfall_key}}), {},
                            dir_ / ("out-" + n), dir_ / ("err-" + n));
    ProcessRun r;
    r.code = wait_exit(pid);
    r.out = read_file(dir_ / ("out-" + n));
    r.err = read_file(dir_ / ("err-" + n));
    parse_lines(r);
    for (const char* key : {venice_key, lumenfall_key}) {
      EXPECT_EQ(r.out.find(key), std::string::npos) << "API key on stdout";
      EXPECT_EQ(r.err.find(key), std::string::npos) << "API key on stderr";
    }
    return r;
  }

  std::vector<const reel::json::Value*> job_lines(const ProcessRun& r) const {
    std::vector<const reel::json::Value*> out;
    for (const auto& e : r.events) {
      if (str(&e, "event") == "job") out.push_back(&e);
    }
    return out;
  }

  reel::json::Value counters() const {
    reel::json::Value v;
    EXPECT_FALSE(reel::json::read(http_get(sim_->port(), "/__sim/counters"), v));
    return v;
  }
  static std::int64_t count_in(const reel::json::Value& counters, std::string_view map, const std::string& key) {
    return num(member(&counters, map), key);
  }

  /// Neither key, nor a bearer header, in any journal file.
  void expect_no_key_in_journal() {
    std::error_code ec;
    if (!fs::exists(journal().parent_path(), ec)) return;
    for (const auto& entry : fs::directory_iterator(journal().parent_path(), ec)) {
      const std::string bytes = read_file(entry.path());
      EXPECT_EQ(bytes.find(venice_key), std::string::npos) << entry.path();
      EXPECT_EQ(bytes.find(lumenfall_key), std::string::npos) << entry.path();
      EXPECT_EQ(bytes.find("Bearer"), std::string::npos) << entry.path();
    }
  }

  std::vector<std::string> lumenfall_generate(const std::string& prompt, const std::string& out) {
    return {"generate", "--provider", "lumenfall", "--base-url", sim_->lumenfall_url(), "--model", "sora-2", "--prompt",
            prompt, "--duration", "4", "--poll", "fixed:20ms", "--output", (dir_ / out).string(), "--json"};
  }

  fs::path dir_;
  std::unique_ptr<Simulator> sim_;
  int runs_ = 0;
};

TEST_F(Journal, GenerateIsRecordedAndFinished) {
  start_sim(R"({"job":{"polls":2},"poll_after_ms":20})");
  const ProcessRun gen = reel(lumenfall_generate("journal cat", "a.mp4"));
  ASSERT_EQ(gen.code, 0) << gen.text();
  EXPECT_TRUE(fs::exists(journal()));
  const ProcessRun unfinished = reel({"jobs", "--json"});
  ASSERT_EQ(unfinished.code, 0) << unfinished.text();
  EXPECT_TRUE(unfinished.all_lines_json);
  EXPECT_TRUE(job_lines(unfinished).empty());
  const ProcessRun all = reel({"jobs", "--json", "--all"});
  ASSERT_EQ(all.code, 0) << all.text();
  const auto lines = job_lines(all);
  ASSERT_EQ(lines.size(), 1u) << all.out;
  EXPECT_EQ(str(lines[0], "state"), "finished");
  EXPECT_EQ(str(lines[0], "provider"), "lumenfall");
  EXPECT_EQ(str(lines[0], "model"), "sora-2");
  EXPECT_EQ(str(lines[0], "outcome"), "succeeded");
  EXPECT_EQ(str(lines[0], "output"), (dir_ / "a.mp4").string());
  EXPECT_EQ(str(lines[0], "job_id"), str(member(gen.result(), "handle"), "job_id"));
  const ProcessRun plain = reel({"jobs", "--all"});
  EXPECT_EQ(plain.code, 0);
  EXPECT_NE(plain.out.find(str(lines[0], "id")), std::string::npos) << plain.out;
}

TEST_F(Journal, NoJournalWritesNothing) {
  start_sim(R"({"job":{"polls":2},"poll_after_ms":20})");
  std::vector<std::string> args = lumenfall_generate("no journal cat", "n.mp4");
  args.push_back("--no-journal");
  const ProcessRun gen = reel(args);
  ASSERT_EQ(gen.code, 0) << gen.text();
  EXPECT_FALSE(fs::exists(journal()));
}

TEST_F(Journal, DeadlineThenResumeAllWithoutASecondCreate) {
  start_sim(R"({"job":{"duration_ms":1500},"poll_after_ms":20})");
  std::vector<std::string> args = lumenfall_generate("late capybara", "late.mp4");
  args.insert(args.end(), {"--timeout", "600ms"});
  const ProcessRun late = reel(args);
  ASSERT_EQ(late.code, 6) << late.text();
  EXPECT_FALSE(fs::exists(dir_ / "late.mp4"));
  const ProcessRun jobs = reel({"jobs", "--json"});
  const auto lines = job_lines(jobs);
  ASSERT_EQ(lines.size(), 1u) << jobs.out;
  EXPECT_EQ(str(lines[0], "outcome"), "deadline");
  EXPECT_FALSE(str(lines[0], "job_id").empty());
  const std::string id = str(lines[0], "id");

  const ProcessRun resumed = reel({"resume", "--all", "--json"});
  ASSERT_EQ(resumed.code, 0) << resumed.text();
  const auto results = job_lines(resumed);
  ASSERT_EQ(results.size(), 1u) << resumed.out;
  EXPECT_EQ(str(results[0], "id"), id);
  EXPECT_EQ(str(results[0], "kind"), "resumed");
  EXPECT_EQ(str(results[0], "outcome"), "succeeded");
  EXPECT_EQ(num(results[0], "exit_code"), 0);
  EXPECT_EQ(str(resumed.result(), "outcome"), "succeeded");
  EXPECT_EQ(read_file(dir_ / "late.mp4").substr(4, 4), "ftyp");

  const reel::json::Value c = counters();
  EXPECT_EQ(count_in(c, "jobs_created_by_prompt", "late capybara"), 1);
  EXPECT_EQ(num(&c, "jobs_created"), 1);
  const auto* keys = member(&c, "create_requests_by_idempotency_key");
  ASSERT_TRUE(keys != nullptr && keys->if_object() != nullptr && keys->if_object()->size() == 1u);
  EXPECT_EQ(keys->if_object()->front().second.if_number()->to_int64().value_or(0), 1);  // one create request
  // Compacted: nothing left, a small file.
  const ProcessRun after = reel({"jobs", "--json", "--all"});
  EXPECT_TRUE(job_lines(after).empty()) << after.out;
  EXPECT_LE(fs::file_size(journal()), 64u);
}

TEST_F(Journal, ASafeFileOnlyGetsItsCleanupOnResume) {
  // The cleanup stalls past the deadline: the video is safe, the provider's copy is not deleted.
  start_sim(R"({"job":{"polls":2},"poll_after_ms":20})",
            R"([{"match":{"endpoint":"lumenfall.delete"},"times":1,"fault":{"stall_ms":4000,"stall_at":0}}])");
  std::vector<std::string> args = lumenfall_generate("tidy lynx", "t.mp4");
  args.insert(args.end(), {"--timeout", "1500ms"});
  const ProcessRun gen = reel(args);
  ASSERT_EQ(gen.code, 0) << gen.text();  // a safe video whose cleanup failed is a success
  ASSERT_TRUE(member(gen.result(), "error") != nullptr) << gen.out;
  const std::string video = read_file(dir_ / "t.mp4");
  const ProcessRun jobs = reel({"jobs", "--json"});
  const auto lines = job_lines(jobs);
  ASSERT_EQ(lines.size(), 1u) << jobs.out;  // the cleanup is still due
  EXPECT_EQ(str(lines[0], "outcome"), "succeeded");

  const ProcessRun resumed = reel({"resume", "--all", "--json"});
  ASSERT_EQ(resumed.code, 0) << resumed.text();
  const auto results = job_lines(resumed);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(str(results[0], "outcome"), "succeeded");
  EXPECT_EQ(str(results[0], "file"), (dir_ / "t.mp4").string());
  EXPECT_EQ(read_file(dir_ / "t.mp4"), video);
  const reel::json::Value c = counters();
  EXPECT_EQ(num(member(&c, "bytes_served"), "lumenfall.media"), static_cast<std::int64_t>(video.size()));  // one download
  const auto* sim_jobs = member(&c, "jobs");
  ASSERT_TRUE(sim_jobs != nullptr && sim_jobs->if_array() != nullptr && sim_jobs->if_array()->size() == 1u);
  EXPECT_EQ(sim_jobs->if_array()->front().find("cleaned")->if_bool() != nullptr &&
                *sim_jobs->if_array()->front().find("cleaned")->if_bool(),
            true);
  const ProcessRun after = reel({"jobs", "--json", "--all"});
  EXPECT_TRUE(job_lines(after).empty()) << after.out;
}

TEST_F(Journal, LumenfallIntentWithoutHandleIsResubmittedWithItsKey) {
  // The create's answer stalls past the deadline: the job exists, the CLI never saw its handle.
  start_sim(R"({"job":{"polls":2},"poll_after_ms":20})",
            R"([{"match":{"endpoint":"lumenfall.create"},"times":1,"fault":{"stall_ms":3000,"stall_at":0}}])");
  std::vector<std::string> args = lumenfall_generate("stalled otter", "s.mp4");
  args.insert(args.end(), {"--timeout", "700ms"});
  const ProcessRun stalled = reel(args);
  ASSERT_EQ(stalled.code, 6) << stalled.text();
  const ProcessRun jobs = reel({"jobs", "--json"});
  const auto lines = job_lines(jobs);
  ASSERT_EQ(lines.size(), 1u) << jobs.out;
  EXPECT_TRUE(str(lines[0], "job_id").empty());  // an intent: no handle

  const ProcessRun resumed = reel({"resume", "--all", "--json"});
  ASSERT_EQ(resumed.code, 0) << resumed.text();
  const auto results = job_lines(resumed);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(str(results[0], "kind"), "resubmitted");
  EXPECT_EQ(str(results[0], "outcome"), "succeeded");
  const reel::json::Value c = counters();
  EXPECT_EQ(count_in(c, "jobs_created_by_prompt", "stalled otter"), 1);  // the same job came back
  const auto* keys = member(&c, "create_requests_by_idempotency_key");
  ASSERT_TRUE(keys != nullptr && keys->if_object() != nullptr && keys->if_object()->size() == 1u);
  EXPECT_EQ(keys->if_object()->front().second.if_number()->to_int64().value_or(0), 2);  // sent twice, one key
}

TEST_F(Journal, VeniceAmbiguousIsReportedNeverResubmittedAndForgotten) {
  start_sim(R"({"job":{"polls":2}})", R"([{"match":{"endpoint":"venice.queue"},"times":1,"fault":{"reset_at":0}}])");
  const ProcessRun gen = reel({"generate", "--base-url", sim_->venice_url(), "--model", "wan-2.5-preview-text-to-video",
                               "--prompt", "ambiguous heron", "--duration", "5", "--aspect-ratio", "16:9", "--resolution",
                               "720p", "--output", (dir_ / "v.mp4").string(), "--json"});
  ASSERT_EQ(gen.code, 8) << gen.text();
  const ProcessRun jobs = reel({"jobs", "--json"});
  const auto lines = job_lines(jobs);
  ASSERT_EQ(lines.size(), 1u) << jobs.out;
  EXPECT_EQ(str(lines[0], "provider"), "venice");
  const std::string id = str(lines[0], "id");

  for (int round = 0; round < 2; ++round) {
    const ProcessRun resumed = reel({"resume", "--all", "--json"});
    EXPECT_EQ(resumed.code, 8) << resumed.text();
    const auto results = job_lines(resumed);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(str(results[0], "kind"), "ambiguous");
    EXPECT_EQ(num(results[0], "exit_code"), 8);
  }
  const reel::json::Value c = counters();
  EXPECT_EQ(count_in(c, "jobs_created_by_prompt", "ambiguous heron"), 1);  // the reset create made it
  std::int64_t queue_requests = 0;
  if (const auto* requests = member(&c, "requests"); requests != nullptr && requests->if_object() != nullptr) {
    for (const auto& [name, n] : *requests->if_object()) {
      if (name.rfind("venice.queue", 0) == 0) queue_requests += n.if_number()->to_int64().value_or(0);
    }
  }
  EXPECT_EQ(queue_requests, 1);  // never resubmitted
  EXPECT_FALSE(fs::exists(dir_ / "v.mp4"));

  const ProcessRun forgot = reel({"forget", id, "--json"});
  EXPECT_EQ(forgot.code, 0) << forgot.text();
  const ProcessRun left = reel({"jobs", "--json"});
  EXPECT_TRUE(job_lines(left).empty()) << left.out;
  EXPECT_EQ(reel({"resume", "--all"}).code, 0);
  EXPECT_EQ(reel({"forget", "j-0000000000000000"}).code, 1);
}

TEST_F(Journal, AKeyRefusedAfterTheSubmitKeepsTheJobUnfinishedAndResumeFinishesIt) {
  // The key is rotated (or the balance runs out) while the job runs: every poll answers 401.
  start_sim(R"({"job":{"polls":2},"poll_after_ms":20})",
            R"([{"match":{"endpoint":"lumenfall.retrieve"},"fault":{"status":401}}])");
  const ProcessRun gen = reel(lumenfall_generate("rotated key otter", "rotated.mp4"));
  ASSERT_EQ(gen.code, 3) << gen.text();
  EXPECT_EQ(str(gen.result(), "outcome"), "error") << "not refused: the job was accepted and may still finish";
  EXPECT_FALSE(str(member(gen.result(), "handle"), "job_id").empty()) << "the handle is printed";
  const ProcessRun jobs = reel({"jobs", "--json"});
  const auto lines = job_lines(jobs);
  ASSERT_EQ(lines.size(), 1u) << jobs.out;
  EXPECT_FALSE(str(lines[0], "job_id").empty());

  // The key is fixed: resume finishes the same job.
  http_call(sim_->port(), "POST", "/__sim/rules", "[]");
  const ProcessRun resumed = reel({"resume", "--all", "--json"});
  ASSERT_EQ(resumed.code, 0) << resumed.text();
  EXPECT_EQ(read_file(dir_ / "rotated.mp4").substr(4, 4), "ftyp");
  const reel::json::Value c = counters();
  EXPECT_EQ(num(&c, "jobs_created"), 1);
  EXPECT_TRUE(job_lines(reel({"jobs", "--json"})).empty());
}

TEST_F(Journal, AMediaUrlAnswering410IsAnExpiredLinkWithItsOwnName) {
  start_sim(R"({"job":{"polls":2},"poll_after_ms":20,"drift":{"media_status":410}})");
  const ProcessRun gen = reel(lumenfall_generate("gone heron", "gone.mp4"));
  ASSERT_EQ(gen.code, 1) << gen.text();
  const auto* error = member(gen.result(), "error");
  EXPECT_EQ(str(error, "name"), "link_expired") << gen.out;
  EXPECT_NE(str(error, "message").find("expired"), std::string::npos) << gen.out;
  EXPECT_FALSE(fs::exists(dir_ / "gone.mp4"));
  const reel::json::Value c = counters();
  EXPECT_EQ(num(&c, "jobs_deleted"), 0) << "the provider's copy is kept";
  const ProcessRun plain = reel({"resume", "--all"});
  EXPECT_NE(plain.err.find("expired"), std::string::npos) << plain.text();
}

TEST_F(Journal, AOneTimeLinksFetchBudgetIsCountedAcrossRunsAndResumes) {
  // The storage bucket behind Venice's one-time link fails every GET (503).
  start_sim(R"({"job":{"polls":2},"poll_after_ms":20,"drift":{"media_status":503}})");
  const ProcessRun gen = reel({"generate", "--base-url", sim_->venice_url(), "--model",
                               "grok-imagine-text-to-video-private", "--prompt", "flaky link", "--duration", "6",
                               "--aspect-ratio", "16:9", "--poll", "fixed:20ms", "--output",
                               (dir_ / "f.mp4").string(), "--json"});
  ASSERT_EQ(gen.code, 1) << gen.text();
  for (int round = 0; round < 2; ++round) {
    const ProcessRun resumed = reel({"resume", "--all", "--json"});
    EXPECT_EQ(resumed.code, 1) << resumed.text();
    const auto results = job_lines(resumed);
    ASSERT_EQ(results.size(), 1u) << resumed.out;
  }
  const reel::json::Value c = counters();
  std::int64_t gets = 0;
  if (const auto* requests = member(&c, "requests"); requests != nullptr && requests->if_object() != nullptr) {
    for (const auto& [name, n] : *requests->if_object()) {
      if (name.rfind("venice.download", 0) == 0) gets += n.if_number()->to_int64().value_or(0);
    }
  }
  EXPECT_EQ(gets, 3) << "three GETs of the one-time link in all (JobOptions::max_link_fetches)";
  EXPECT_EQ(num(&c, "jobs_created"), 1);
  EXPECT_EQ(num(&c, "jobs_deleted"), 0) << "the provider's copy is kept";
  EXPECT_EQ(job_lines(reel({"jobs", "--json"})).size(), 1u) << "still listed: the handle is kept";
}

// Fifty `reel generate` processes on one Venice key at once (a shell loop): their limiters share
// one budget through the file next to the journal, so together they stay inside Venice's limits
// (40 creates a minute, the abuse block on): no 429, every job done, one create each.
TEST_F(Journal, FiftyProcessesOnOneKeyShareItsLimits) {
  start_sim(R"({"job":{"duration_ms":2000},"poll_after_ms":20})");
  constexpr int n = 50;
  std::vector<pid_t> pids;
  for (int i = 0; i < n; ++i) {
    std::vector<std::string> argv = {REEL_CLI_BINARY, "generate", "--base-url", sim_->venice_url(), "--model",
                                     "wan-2.5-preview-text-to-video", "--prompt", "crowd " + std::to_string(i),
                                     "--duration", "5", "--aspect-ratio", "16:9", "--output",
                                     (dir_ / ("crowd-" + std::to_string(i) + ".mp4")).string(), "--json",
                                     "--journal", journal().string()};
    pids.push_back(spawn(argv, environment({{"VENICE_API_KEY", venice_key}}), {}, dir_ / ("crowd-out-" + std::to_string(i)),
                         dir_ / ("crowd-err-" + std::to_string(i))));
    ASSERT_GT(pids.back(), 0);
  }
  int ok = 0;
  for (int i = 0; i < n; ++i) {
    const int code = wait_exit(pids[static_cast<std::size_t>(i)]);
    if (code == 0) ++ok;
    EXPECT_EQ(code, 0) << read_file(dir_ / ("crowd-err-" + std::to_string(i)));
  }
  EXPECT_EQ(ok, n);
  const reel::json::Value c = counters();
  EXPECT_EQ(num(&c, "jobs_created"), n);
  std::int64_t too_many = 0;
  if (const auto* requests = member(&c, "requests"); requests != nullptr && requests->if_object() != nullptr) {
    for (const auto& [name, count] : *requests->if_object()) {
      if (name.size() > 4 && name.compare(name.size() - 4, 4, " 429") == 0) too_many += count.if_number()->to_int64().value_or(0);
    }
  }
  EXPECT_EQ(too_many, 0) << "429s: the processes did not share the key's budget";
  // The shared state names the account by a digest: the key is in no file.
  expect_no_key_in_journal();
}

TEST_F(Journal, ABatchFileRunsEveryJobThroughOneProcessAndTheJournal) {
  start_sim(R"({"job":{"polls":2},"poll_after_ms":20})");
  write_file(dir_ / "batch.txt", "# three jobs\n"
                                 "a heron at dawn\n"
                                 "\n"
                                 R"({"prompt":"a heron at dusk","duration":5,"output":")" + (dir_ / "dusk.mp4").string() + "\"}\n"
                                 R"({"prompt":"a heron at noon","aspect_ratio":"16:9"})" "\n");
  const ProcessRun run = reel({"generate", "--base-url", sim_->venice_url(), "--model", "wan-2.5-preview-text-to-video",
                               "--duration", "5", "--aspect-ratio", "16:9", "--poll", "fixed:20ms", "--batch",
                               (dir_ / "batch.txt").string(), "--output", dir_.string(), "--json"});
  ASSERT_EQ(run.code, 0) << run.text();
  const auto lines = job_lines(run);
  ASSERT_EQ(lines.size(), 3u) << run.out;
  std::vector<std::int64_t> numbers;
  for (const auto* l : lines) {
    EXPECT_EQ(str(l, "outcome"), "succeeded") << run.out;
    EXPECT_EQ(read_file(fs::path(str(l, "file"))).substr(4, 4), "ftyp");
    numbers.push_back(num(l, "line"));
  }
  std::sort(numbers.begin(), numbers.end());
  EXPECT_EQ(numbers, (std::vector<std::int64_t>{2, 4, 5}));
  EXPECT_TRUE(fs::exists(dir_ / "dusk.mp4"));
  EXPECT_TRUE(fs::exists(dir_ / "reel-venice-0002.mp4"));
  const reel::json::Value c = counters();
  EXPECT_EQ(num(&c, "jobs_created"), 3);
  EXPECT_TRUE(job_lines(reel({"jobs", "--json"})).empty()) << "every job finished in the journal";
  // Without --json: a start line and a line per submit and per end on stderr.
  write_file(dir_ / "one.txt", "a heron at night\n");
  const ProcessRun plain = reel({"generate", "--base-url", sim_->venice_url(), "--model", "wan-2.5-preview-text-to-video",
                                 "--duration", "5", "--aspect-ratio", "16:9", "--poll", "fixed:20ms", "--batch",
                                 (dir_ / "one.txt").string(), "--output", dir_.string()});
  ASSERT_EQ(plain.code, 0) << plain.text();
  EXPECT_NE(plain.err.find("batch of 1 venice jobs"), std::string::npos) << plain.err;
  EXPECT_NE(plain.err.find("[1/1 submitted] line 1"), std::string::npos) << plain.err;
  EXPECT_NE(plain.err.find("[1/1 done] line 1: succeeded"), std::string::npos) << plain.err;
}

TEST_F(Journal, ABatchWithABadLineSendsNothing) {
  start_sim(R"({"job":{"polls":2}})");
  write_file(dir_ / "bad.txt", "a good prompt\n{\"prompt\":\"x\",\"colour\":\"red\"}\n");
  const ProcessRun run = reel({"generate", "--base-url", sim_->venice_url(), "--model", "wan-2.5-preview-text-to-video",
                               "--duration", "5", "--batch", (dir_ / "bad.txt").string(), "--json"});
  EXPECT_EQ(run.code, 2) << run.text();
  EXPECT_NE(run.out.find("line 2"), std::string::npos) << run.out;
  const reel::json::Value c = counters();
  EXPECT_EQ(num(&c, "jobs_created"), 0);
}

TEST_F(Journal, UsageErrors) {
  EXPECT_EQ(reel({"resume"}).code, 2);                    // neither --all nor an id
  EXPECT_EQ(reel({"resume", "--all", "j-1"}).code, 2);    // both
  EXPECT_EQ(reel({"forget"}).code, 2);
  EXPECT_EQ(reel({"jobs", "extra"}).code, 2);
  EXPECT_EQ(reel({"resume", "--all", "--concurrency", "0"}).code, 2);
}

}  // namespace
