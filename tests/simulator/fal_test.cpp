// SPDX-License-Identifier: BSL-1.0
// The simulator's fal queue API (/fal): its wire format checked with raw HTTP (submit, status
// through every phase, logs, result, media, cancel, start timeout, capacity, error shapes), then
// whole reel::Fal jobs against it: VideoJob (progress, download, cancel, deadline, the start
// timeout), Session<reel::Fal>, and several jobs through JobRunner.
#include "sim_test_support.hpp"

#include <job/run_support.hpp>

#include <reel/engine/runner.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/http/client.hpp>
#include <reel/providers/fal.hpp>
#include <reel/session/session.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace {

using namespace std::chrono_literals;
using reel::job::OutcomeKind;
using reel_sim::Options;
using reel_sim::test::SimFixture;
using reel_sim::test::parse;
using reel_sim::test::polls_options;
using reel_sim::test::text_at;

const std::string kling = "fal-ai/kling-video/v2.1/master/text-to-video";
const std::string kling_app = "fal-ai/kling-video";
const std::string create_body = R"({"prompt":"A capybara in a hot spring","duration":"5","aspect_ratio":"16:9"})";

/// What the tests read back from a status answer.
struct StatusView {
  std::string status;
  std::string request_id;
  std::string response_url;
  std::string status_url;
  std::string cancel_url;
  std::optional<std::int64_t> queue_position;
  std::optional<reel::json::Value> logs;
  std::optional<reel::json::Value> metrics;
  std::optional<std::string> error;
  std::optional<std::string> error_type;
};

reel::http::Fields keyed(std::string key = "test-key") {
  reel::http::Fields f;
  if (!key.empty()) f.set("Authorization", "Key " + key);
  return f;
}
reel::http::Response submit(SimFixture& f, const std::string& model, const std::string& body,
                            reel::http::Fields headers = keyed()) {
  return f.call("POST", f.sim->fal_url() + "/" + model, body, "", std::move(headers));
}
reel::http::Response get(SimFixture& f, const std::string& url, std::string key = "test-key") {
  return f.call("GET", url, "", "", keyed(std::move(key)));
}
std::string request_url(SimFixture& f, const std::string& id, const std::string& tail = "") {
  return f.sim->fal_url() + "/" + kling_app + "/requests/" + id + tail;
}
std::string submitted_id(SimFixture& f, const std::string& body = create_body, reel::http::Fields headers = keyed()) {
  const auto r = submit(f, kling, body, std::move(headers));
  EXPECT_EQ(r.head.status, 200) << r.body;
  return parse<StatusView>(r.body).request_id;
}

TEST(Fal, SubmitAnswersTheQueueUrlsThenStatusMovesToCompletedAndTheResultHoldsTheVideo) {
  SimFixture f(polls_options(3));
  const auto r = submit(f, kling, create_body);
  ASSERT_EQ(r.head.status, 200) << r.body;
  const auto s = parse<StatusView>(r.body);
  EXPECT_EQ(s.status, "IN_QUEUE");
  EXPECT_EQ(s.queue_position, 0);
  ASSERT_FALSE(s.request_id.empty());
  EXPECT_EQ(r.head.headers.find("x-fal-request-id"), s.request_id);
  // Status, result and cancel use owner/app only, never the endpoint's subpath.
  EXPECT_EQ(s.response_url, request_url(f, s.request_id));
  EXPECT_EQ(s.status_url, request_url(f, s.request_id, "/status"));
  EXPECT_EQ(s.cancel_url, request_url(f, s.request_id, "/cancel"));

  const auto p1 = get(f, s.status_url + "?logs=0");
  EXPECT_EQ(p1.head.status, 202);
  const auto running = parse<StatusView>(p1.body);
  EXPECT_EQ(running.status, "IN_PROGRESS");
  EXPECT_EQ(text_at(p1.body, {"logs"}), "null");
  const auto p2 = get(f, s.status_url + "?logs=1");
  EXPECT_EQ(p2.head.status, 202);
  const auto with_logs = parse<StatusView>(p2.body);
  ASSERT_TRUE(with_logs.logs && with_logs.logs->if_array() != nullptr) << p2.body;
  ASSERT_FALSE(with_logs.logs->if_array()->empty());
  const reel::json::Value& line = with_logs.logs->if_array()->front();
  EXPECT_NE(line.find_string("message"), nullptr);
  EXPECT_EQ(*line.find_string("level"), "INFO");
  EXPECT_EQ(*line.find_string("source"), "USER");
  EXPECT_NE(line.find_string("timestamp"), nullptr);

  EXPECT_EQ(get(f, s.response_url).head.status, 400);  // not done yet
  const auto p3 = get(f, s.status_url);
  ASSERT_EQ(p3.head.status, 200) << p3.body;
  const auto done = parse<StatusView>(p3.body);
  EXPECT_EQ(done.status, "COMPLETED");
  EXPECT_FALSE(done.error);
  ASSERT_TRUE(done.metrics.has_value()) << p3.body;
  EXPECT_NE(done.metrics->find("inference_time"), nullptr);

  const auto result = get(f, s.response_url);
  ASSERT_EQ(result.head.status, 200) << result.body;
  EXPECT_EQ(result.head.headers.find("x-fal-request-id"), s.request_id);
  EXPECT_EQ(text_at(result.body, {"video", "content_type"}), "video/mp4");
  EXPECT_EQ(text_at(result.body, {"video", "file_name"}), "output.mp4");
  EXPECT_EQ(text_at(result.body, {"video", "file_size"}), std::to_string(reel_sim::sample_mp4().size()));
  const std::string url = text_at(result.body, {"video", "url"});
  EXPECT_EQ(url.rfind(f.sim->media_url() + "/fal/files/", 0), 0u) << url;

  const auto video = f.call("GET", url, "", "");
  ASSERT_EQ(video.head.status, 200);
  EXPECT_TRUE(video.body == reel_sim::sample_mp4());
  reel::http::Fields range;
  range.set("Range", "bytes=10-19");
  const auto part = f.call("GET", url, "", "", range);
  EXPECT_EQ(part.head.status, 206);
  EXPECT_TRUE(part.body == video.body.substr(10, 10));

  const auto c = f.counters();
  EXPECT_EQ(c.media_requests_with_authorization, 0);
  EXPECT_EQ(c.requests.at("fal.create 200"), 1);
  EXPECT_EQ(c.requests.at("fal.status 202"), 2);
  EXPECT_EQ(c.requests.at("fal.status 200"), 1);
  EXPECT_EQ(c.jobs_created_by_prompt.at("A capybara in a hot spring"), 1);
  ASSERT_EQ(c.jobs.size(), 1u);
  EXPECT_EQ(c.jobs[0].provider, "fal");
  EXPECT_EQ(c.jobs[0].model, kling);
  EXPECT_EQ(c.jobs[0].polls, 3);
}

TEST(Fal, KeysErrorsAndValidationUseFalsShapes) {
  Options o;
  o.config.balance_usd = 1.5;  // one 5 s Kling request (1.40)
  SimFixture f(std::move(o));
  auto detail_error = [&](const reel::http::Response& r, int status) {
    EXPECT_EQ(r.head.status, status) << r.body;
    EXPECT_NE(text_at(r.body, {"detail"}), "<absent>") << r.body;
  };
  detail_error(submit(f, kling, create_body, keyed("")), 401);
  reel::http::Fields bearer;
  bearer.set("Authorization", "Bearer test-key");  // fal's scheme is Key, not Bearer
  detail_error(submit(f, kling, create_body, bearer), 401);
  detail_error(submit(f, "fal-ai/no-such-app", create_body), 404);
  detail_error(f.call("GET", f.sim->fal_url() + "/" + kling, "", "", keyed()), 405);

  auto invalid = [&](const reel::http::Response& r, const std::string& field, const std::string& type) {
    EXPECT_EQ(r.head.status, 422) << r.body;
    reel::json::Value v;
    ASSERT_FALSE(reel::json::read(r.body, v));
    const reel::json::Value* detail = v.find("detail");
    ASSERT_TRUE(detail != nullptr && detail->if_array() != nullptr && !detail->if_array()->empty()) << r.body;
    const reel::json::Value& first = detail->if_array()->front();
    EXPECT_EQ(*first.find_string("type"), type) << r.body;
    EXPECT_NE(first.find_string("msg"), nullptr);
    const reel::json::Value* loc = first.find("loc");
    ASSERT_TRUE(loc != nullptr && loc->if_array() != nullptr && loc->if_array()->size() == 2u) << r.body;
    EXPECT_EQ(*loc->if_array()->at(0).if_string(), "body");
    EXPECT_EQ(*loc->if_array()->at(1).if_string(), field);
  };
  invalid(submit(f, kling, R"({"duration":"5"})"), "prompt", "missing");
  invalid(submit(f, kling, R"({"prompt":"p","duration":"7"})"), "duration", "literal_error");
  invalid(submit(f, kling, R"({"prompt":"p","aspect_ratio":"4:3"})"), "aspect_ratio", "literal_error");
  invalid(submit(f, "fal-ai/veo3", R"({"prompt":"p","duration":"8s","resolution":"480p"})"), "resolution", "literal_error");
  invalid(submit(f, kling, R"({"prompt":"a [blocked] one"})"), "prompt", "content_policy_violation");
  EXPECT_EQ(submit(f, kling, R"({"prompt":)").head.status, 422);
  const auto bad_timeout = submit(f, kling, create_body, [] {
    auto h = keyed();
    h.set("X-Fal-Request-Timeout", "0");
    return h;
  }());
  EXPECT_EQ(bad_timeout.head.status, 400);
  EXPECT_EQ(bad_timeout.head.headers.find("X-Fal-Error-Type"), "bad_request");
  EXPECT_EQ(text_at(bad_timeout.body, {"error_type"}), "bad_request");

  const std::string id = submitted_id(f);
  detail_error(get(f, request_url(f, id, "/status"), "other-key"), 404);  // another account's request
  detail_error(get(f, f.sim->fal_url() + "/fal-ai/veo3/requests/" + id + "/status"), 404);  // another app
  detail_error(get(f, request_url(f, "no-such-id", "/status")), 404);
  detail_error(get(f, request_url(f, id, "/status/stream")), 404);  // not simulated
  detail_error(submit(f, kling, create_body), 403);  // the balance is spent
  f.rules(R"([{"match":{"endpoint":"fal.create"},"times":1,"fault":{"status":503,"message":"busy"}}])");
  const auto injected = submit(f, kling, create_body, keyed("rich-key"));
  EXPECT_EQ(injected.head.status, 503);
  EXPECT_EQ(text_at(injected.body, {"detail"}), "busy");
  EXPECT_EQ(f.counters().jobs_created, 1);
}

TEST(Fal, CancelAnswersCancellationRequestedThenAlreadyCompleted) {
  Options o;
  o.config.job.duration_ms = 60'000;
  SimFixture f(std::move(o));
  const std::string id = submitted_id(f);
  const auto cancel = f.call("PUT", request_url(f, id, "/cancel"), "", "", keyed());
  EXPECT_EQ(cancel.head.status, 202) << cancel.body;
  EXPECT_EQ(text_at(cancel.body, {"status"}), "CANCELLATION_REQUESTED");
  const auto s = get(f, request_url(f, id, "/status"));
  EXPECT_EQ(s.head.status, 200);
  EXPECT_EQ(text_at(s.body, {"status"}), "COMPLETED");
  EXPECT_EQ(text_at(s.body, {"error_type"}), "client_cancelled");
  const auto again = f.call("PUT", request_url(f, id, "/cancel"), "", "", keyed());
  EXPECT_EQ(again.head.status, 400);
  EXPECT_EQ(text_at(again.body, {"status"}), "ALREADY_COMPLETED");
  const auto unknown = f.call("PUT", request_url(f, "nope", "/cancel"), "", "", keyed());
  EXPECT_EQ(unknown.head.status, 404);
  EXPECT_EQ(text_at(unknown.body, {"status"}), "NOT_FOUND");
  EXPECT_EQ(f.call("GET", request_url(f, id, "/cancel"), "", "", keyed()).head.status, 405);
  const auto c = f.counters();
  EXPECT_EQ(c.jobs_cancelled, 1);
  EXPECT_TRUE(c.jobs.at(0).cancelled);
}

TEST(Fal, CapacityQueuesWithPositionsAndTheStartTimeoutExpires) {
  Options o;
  o.config.job.duration_ms = 60'000;
  for (auto& m : o.config.models) {
    if (m.provider == "fal") m.capacity = 1;
  }
  SimFixture f(std::move(o));
  const std::string a = submitted_id(f);
  const auto second = submit(f, kling, create_body);
  EXPECT_EQ(parse<StatusView>(second.body).queue_position, 1);
  const std::string b = parse<StatusView>(second.body).request_id;
  auto timeout = keyed();
  timeout.set("X-Fal-Request-Timeout", "0.3");
  const std::string c = submitted_id(f, create_body, timeout);

  EXPECT_EQ(text_at(get(f, request_url(f, a, "/status")).body, {"status"}), "IN_PROGRESS");
  const auto waiting = get(f, request_url(f, b, "/status"));
  EXPECT_EQ(waiting.head.status, 202);
  EXPECT_EQ(parse<StatusView>(waiting.body).status, "IN_QUEUE");
  EXPECT_EQ(parse<StatusView>(waiting.body).queue_position, 0);
  EXPECT_EQ(parse<StatusView>(get(f, request_url(f, c, "/status")).body).queue_position, 1);

  // c did not start within its 0.3 s: it fails with request_timeout (the user's start timeout).
  std::this_thread::sleep_for(400ms);
  const auto expired = get(f, request_url(f, c, "/status"));
  EXPECT_EQ(expired.head.status, 200);
  EXPECT_EQ(parse<StatusView>(expired.body).status, "COMPLETED");
  EXPECT_EQ(parse<StatusView>(expired.body).error_type, "request_timeout");
  const auto result = get(f, request_url(f, c));
  EXPECT_EQ(result.head.status, 504);
  EXPECT_EQ(result.head.headers.find("X-Fal-Request-Timeout-Type"), "user");
  EXPECT_EQ(result.head.headers.find("X-Fal-Error-Type"), "request_timeout");
  EXPECT_EQ(text_at(result.body, {"error_type"}), "request_timeout");
  // b, which had no start timeout, still waits.
  EXPECT_EQ(parse<StatusView>(get(f, request_url(f, b, "/status")).body).status, "IN_QUEUE");
}

TEST(Fal, FailedRequestsCarryTheirErrorTypeInStatusAndResult) {
  Options o = polls_options(1);
  reel_sim::Rule runner_rule;
  runner_rule.match.prompt_contains = "[runner]";
  runner_rule.job = reel_sim::JobSpec{};
  runner_rule.job->outcome = "fail";
  runner_rule.job->fail_code = "runner_disconnected";
  runner_rule.job->fail_message = "The runner disconnected";
  o.config.rules.push_back(runner_rule);
  SimFixture f(std::move(o));
  auto finished = [&](const std::string& prompt) {
    const std::string id = submitted_id(f, R"({"prompt":")" + prompt + R"("})");
    const auto s = get(f, request_url(f, id, "/status"));
    EXPECT_EQ(s.head.status, 200);
    EXPECT_EQ(text_at(s.body, {"status"}), "COMPLETED");
    return std::pair{parse<StatusView>(s.body), get(f, request_url(f, id))};
  };
  const auto [failed, failed_result] = finished("please [fail]");
  EXPECT_EQ(failed.error_type, "internal_error");
  EXPECT_TRUE(failed.error && !failed.error->empty());
  EXPECT_EQ(failed_result.head.status, 500);
  EXPECT_EQ(failed_result.head.headers.find("X-Fal-Error-Type"), "internal_error");
  EXPECT_EQ(text_at(failed_result.body, {"detail"}), *failed.error);

  const auto [runner, runner_result] = finished("a [runner] crash");
  EXPECT_EQ(runner.error_type, "runner_disconnected");
  EXPECT_EQ(runner_result.head.status, 503);
  EXPECT_EQ(text_at(runner_result.body, {"error_type"}), "runner_disconnected");

  const auto [rejected, rejected_result] = finished("please [reject]");
  EXPECT_EQ(rejected.error_type, "content_policy_violation");
  EXPECT_EQ(rejected_result.head.status, 422);
  reel::json::Value v;
  ASSERT_FALSE(reel::json::read(rejected_result.body, v));
  ASSERT_NE(v.find("detail"), nullptr);
  ASSERT_NE(v.find("detail")->if_array(), nullptr) << rejected_result.body;
  EXPECT_EQ(*v.find("detail")->if_array()->front().find_string("type"), "content_policy_violation");
}

TEST(Fal, OutputUrlExpiresAndUnknownFilesAreNotFound) {
  Options o = polls_options(1);
  o.config.download_ttl_s = 0;
  SimFixture f(std::move(o));
  const std::string id = submitted_id(f);
  EXPECT_EQ(get(f, request_url(f, id, "/status")).head.status, 200);
  const std::string url = text_at(get(f, request_url(f, id)).body, {"video", "url"});
  EXPECT_EQ(f.call("GET", url, "", "").head.status, 410);
  EXPECT_EQ(f.call("GET", f.sim->media_url() + "/fal/files/unknown/output.mp4", "", "").head.status, 404);
}

// ---- whole reel::Fal jobs ------------------------------------------------------------------------

using FalJob = reel::VideoJob<reel::Fal, reel::http::Client>;

/// A simulator, a client on this thread's io_context, an account, a directory.
struct World {
  explicit World(Options options = polls_options(2)) : sim(std::move(options)) {
    static int n = 0;
    dir = std::filesystem::temp_directory_path() / ("reel-fal-sim-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::create_directories(dir);
  }
  ~World() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  static reel::JobOptions options(std::chrono::milliseconds deadline = 60s) {
    reel::JobOptions o;
    o.poll = reel::policy::FixedInterval{50ms};
    o.poll_bounds = {10ms, 1s};
    o.retry = reel::policy::RetryPolicy{5, 50ms, 2.0, 400ms, 0.0};
    o.deadline = reel::steady_clock().now() + deadline;
    return o;
  }
  reel::Fal fal() { return reel::Fal{"test-key", sim.sim->fal_url()}; }

  template <class T>
  T run(asio::awaitable<T> task) {
    std::optional<T> out;
    asio::co_spawn(io, std::move(task), reel_test::store_into(out));
    io.restart();
    io.run();
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }

  SimFixture sim;
  asio::io_context io;
  reel::http::Client http{io.get_executor()};
  reel::job::Account account{reel::steady_clock(), reel::Fal::default_limits()};
  std::filesystem::path dir;
};

reel::fal::SubmitRequest fal_request(std::string prompt = "A capybara in a hot spring") {
  reel::fal::SubmitRequest r;
  r.model = kling;
  r.input.prompt = std::move(prompt);
  r.input.duration = "5";
  r.input.aspect_ratio = "16:9";
  return r;
}

asio::awaitable<reel::job::Outcome> go(FalJob& job, reel::fal::SubmitRequest r, std::filesystem::path out) {
  co_return co_await job.generate(r, out);
}

std::int64_t count(const reel_sim::Counters& c, const std::string& key) {
  const auto it = c.requests.find(key);
  return it == c.requests.end() ? 0 : it->second;
}

TEST(FalJob, GenerateSubmitsPollsReadsTheResultAndDownloadsWithoutTheKey) {
  World w(polls_options(3));
  std::vector<reel::job::JobProgress> reports;
  reel::JobOptions options = World::options();
  options.on_progress = [&](const reel::job::JobProgress& p) { reports.push_back(p); };
  FalJob job(w.http, w.fal(), w.account, options);
  const auto o = w.run(go(job, fal_request(), w.dir / "f.mp4"));
  ASSERT_EQ(o.kind, OutcomeKind::succeeded) << o.error.message();
  EXPECT_TRUE(reel_test::read_file(o.file) == reel_sim::sample_mp4());
  EXPECT_EQ(o.bytes, reel_sim::sample_mp4().size());
  EXPECT_EQ(o.polls, 3);
  EXPECT_EQ(o.handle.provider, "fal");
  EXPECT_EQ(o.handle.model, kling);
  EXPECT_EQ(o.handle.status_url, w.sim.sim->fal_url() + "/" + kling_app + "/requests/" + o.handle.job_id + "/status");

  bool queued = false;
  bool running = false;
  bool downloading = false;
  for (const auto& p : reports) {
    queued = queued || p.stage == reel::job::Stage::queued;
    running = running || p.stage == reel::job::Stage::running;
    downloading = downloading || p.stage == reel::job::Stage::downloading;
  }
  EXPECT_TRUE(queued && running && downloading);
  ASSERT_FALSE(reports.empty());
  EXPECT_EQ(reports.back().stage, reel::job::Stage::done);

  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(count(c, "fal.create 200"), 1);
  EXPECT_EQ(count(c, "fal.status 202"), 2);
  EXPECT_EQ(count(c, "fal.status 200"), 1);
  EXPECT_EQ(count(c, "fal.result 200"), 1);
  EXPECT_EQ(count(c, "fal.media 200"), 1);
  EXPECT_EQ(c.media_requests_with_authorization, 0);
  EXPECT_EQ(c.jobs.at(0).download_fetches, 1);
}

TEST(FalJob, QueuePositionIsReported) {
  Options o;
  o.config.job.duration_ms = 300;
  for (auto& m : o.config.models) {
    if (m.provider == "fal") m.capacity = 1;
  }
  World w(std::move(o));
  // Another request holds the only runner first.
  const auto blocker = submit(w.sim, kling, create_body);
  ASSERT_EQ(blocker.head.status, 200);
  ASSERT_EQ(get(w.sim, parse<StatusView>(blocker.body).status_url).head.status, 202);
  std::vector<std::optional<int>> positions;
  reel::JobOptions options = World::options();
  options.on_progress = [&](const reel::job::JobProgress& p) {
    if (p.stage == reel::job::Stage::queued) positions.push_back(p.queue_position);
  };
  FalJob job(w.http, w.fal(), w.account, options);
  const auto out = w.run(go(job, fal_request("waits its turn"), w.dir / "q.mp4"));
  ASSERT_EQ(out.kind, OutcomeKind::succeeded) << out.error.message();
  EXPECT_NE(std::find(positions.begin(), positions.end(), std::optional<int>(0)), positions.end());
}

TEST(FalJob, CancelStopsTheRequestAtFal) {
  Options o;
  o.config.job.duration_ms = 60'000;
  World w(std::move(o));
  FalJob job(w.http, w.fal(), w.account, World::options());
  const bool cancelled = w.run([&]() -> asio::awaitable<bool> {
    const reel::fal::SubmitRequest request = fal_request("to be cancelled");
    auto submitted = co_await job.submit(request);
    if (!submitted) co_return false;
    auto done = co_await job.cancel();
    co_return static_cast<bool>(done);
  }());
  EXPECT_TRUE(cancelled);
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_cancelled, 1);
  EXPECT_EQ(count(c, "fal.cancel 202"), 1);
  EXPECT_TRUE(c.jobs.at(0).cancelled);
}

TEST(FalJob, DeadlineKeepsTheHandle) {
  Options o;
  o.config.job.duration_ms = 60'000;
  World w(std::move(o));
  FalJob job(w.http, w.fal(), w.account, World::options(700ms));
  const auto out = w.run(go(job, fal_request(), w.dir / "d.mp4"));
  EXPECT_EQ(out.kind, OutcomeKind::deadline);
  EXPECT_FALSE(out.handle.job_id.empty());
  EXPECT_GE(out.polls, 1);
  EXPECT_FALSE(std::filesystem::exists(w.dir / "d.mp4"));
  EXPECT_EQ(w.sim.counters().jobs_created, 1);
}

// The deadline goes to fal as X-Fal-Request-Timeout: a request that cannot start by then fails
// at fal (request_timeout) instead of starting later and being paid for.
TEST(FalJob, TheDeadlineIsSentAsTheStartTimeout) {
  Options o;
  o.config.job.duration_ms = 60'000;
  for (auto& m : o.config.models) {
    if (m.provider == "fal") m.capacity = 1;
  }
  World w(std::move(o));
  const auto blocker = submit(w.sim, kling, create_body);
  ASSERT_EQ(get(w.sim, parse<StatusView>(blocker.body).status_url).head.status, 202);
  FalJob job(w.http, w.fal(), w.account, World::options(3900ms));  // X-Fal-Request-Timeout: 3
  const auto out = w.run(go(job, fal_request("never starts"), w.dir / "t.mp4"));
  EXPECT_EQ(out.kind, OutcomeKind::failed) << out.error.message();
  EXPECT_EQ(out.error.code, reel::job::Errc::failed_at_provider) << out.error.message();
  EXPECT_EQ(out.error.provider.code, "request_timeout");
  EXPECT_FALSE(out.handle.job_id.empty());
}

TEST(FalJob, FailedAndRejectedRequestsEndAsTypedFailures) {
  World w(polls_options(1));
  FalJob failed(w.http, w.fal(), w.account, World::options());
  const auto a = w.run(go(failed, fal_request("please [fail]"), w.dir / "a.mp4"));
  EXPECT_EQ(a.kind, OutcomeKind::failed);
  EXPECT_EQ(a.error.code, reel::job::Errc::failed_at_provider) << a.error.message();
  EXPECT_EQ(a.error.provider.code, "internal_error");
  FalJob rejected(w.http, w.fal(), w.account, World::options());
  const auto b = w.run(go(rejected, fal_request("please [reject]"), w.dir / "b.mp4"));
  EXPECT_EQ(b.error.code, reel::job::Errc::content_policy) << b.error.message();
  EXPECT_FALSE(std::filesystem::exists(w.dir / "a.mp4"));
  EXPECT_FALSE(std::filesystem::exists(w.dir / "b.mp4"));
}

TEST(FalSession, GeneratesFromTheNeutralRequest) {
  World w;
  reel::SessionOptions options;
  options.job = World::options();
  reel::Session<reel::Fal> session(w.io.get_executor(), w.fal(), options);
  reel::VideoRequest request;
  request.model = kling;
  request.prompt = "A lighthouse in a storm";
  request.duration_seconds = 5;
  request.aspect_ratio = "9:16";
  const reel::Outcome o = w.run(session.generate(request, w.dir / "s.mp4"));
  ASSERT_TRUE(o.ok()) << o.error.message();
  EXPECT_TRUE(reel_test::read_file(o.file) == reel_sim::sample_mp4());
  EXPECT_EQ(o.handle.provider, "fal");
  EXPECT_EQ(o.handle.base_url, w.sim.sim->fal_url());
  EXPECT_EQ(w.sim.counters().jobs_created_by_prompt.at("A lighthouse in a storm"), 1);
}

TEST(FalRunner, SeveralJobsEndOnceEachWithTheirVideos) {
  World w;
  reel::JobRunner runner(reel::steady_clock(), reel::RunnerOptions{8});
  constexpr std::size_t n = 6;
  std::vector<std::unique_ptr<FalJob>> jobs;
  std::vector<reel::fal::SubmitRequest> requests;  // the runner holds them by reference
  for (std::size_t i = 0; i < n; ++i) requests.push_back(fal_request("runner job " + std::to_string(i)));
  std::vector<std::optional<reel::job::Outcome>> outcomes(n);
  for (std::size_t i = 0; i < n; ++i) {
    jobs.push_back(std::make_unique<FalJob>(w.http, w.fal(), w.account, World::options()));
    runner.add(*jobs.back(), requests[i], w.dir / ("r" + std::to_string(i) + ".mp4"),
               [&outcomes, i](reel::job::Outcome out) {
                 EXPECT_FALSE(outcomes[i].has_value()) << "ended twice";
                 outcomes[i] = std::move(out);
               });
  }
  w.run([&]() -> asio::awaitable<int> {
    co_await runner.run();
    co_return 0;
  }());
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_TRUE(outcomes[i].has_value()) << i;
    EXPECT_EQ(outcomes[i]->kind, OutcomeKind::succeeded) << outcomes[i]->error.message();
    EXPECT_TRUE(reel_test::read_file(w.dir / ("r" + std::to_string(i) + ".mp4")) == reel_sim::sample_mp4()) << i;
  }
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, static_cast<std::int64_t>(n));
  for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(c.jobs_created_by_prompt.at("runner job " + std::to_string(i)), 1);
  EXPECT_EQ(count(c, "fal.result 200"), static_cast<std::int64_t>(n));
  EXPECT_EQ(c.media_requests_with_authorization, 0);
}

}  // namespace
