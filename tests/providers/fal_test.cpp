// SPDX-License-Identifier: BSL-1.0
// reel::Fal traits against fal's queue API (shared/specs/fal/NOTES.md, @fal-ai/client 1.10.1
// queue.ts): the submit, status, result and cancel requests and every answer shape.
#include "provider_test_support.hpp"

#include <reel/providers/fal.hpp>
#include <reel/providers/provider.hpp>

#include <reel/engine/video_job.hpp>
#include <reel/testing/scripted_client.hpp>
#include <reel/testing/virtual_clock.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <gtest/gtest.h>

#include <exception>
#include <filesystem>
#include <optional>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

namespace {

using reel::Fal;
using reel::job::Errc;
using reel::job::JobHandle;
using reel::job::Phase;
using namespace reel_provider_test;

static_assert(reel::Provider<Fal>);
static_assert(reel::CancellingProvider<Fal>);
static_assert(!reel::QuotingProvider<Fal> && !reel::CleaningProvider<Fal>);

const std::string key = "fal-SECRET-1234";
const std::string base = "https://queue.fal.run";
const std::string model = "fal-ai/kling-video/v2.1/master/text-to-video";

Fal fal() { return Fal{key, base}; }

JobHandle handle() {
  JobHandle h;
  h.provider = "fal";
  h.base_url = base;
  h.model = model;
  return h;
}

const std::string submitted = R"({"request_id":"req-1","status":"IN_QUEUE","queue_position":2,)"
                              R"("status_url":"https://queue.fal.run/fal-ai/kling-video/requests/req-1/status",)"
                              R"("response_url":"https://queue.fal.run/fal-ai/kling-video/requests/req-1",)"
                              R"("cancel_url":"https://queue.fal.run/fal-ai/kling-video/requests/req-1/cancel"})";

TEST(Fal, SubmitPostsTheInputWithAKeyHeader) {
  reel::job::VideoRequest v;
  v.model = model;
  v.prompt = "a kite";
  v.duration_seconds = 5;
  const auto r = fal().create_request(Fal::native(v), handle());
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, base + "/" + model);
  EXPECT_EQ(r.headers.find("Authorization").value_or(""), "Key " + key);
  const auto body = body_json(r);
  EXPECT_EQ(str(body, "prompt"), "a kite");
  EXPECT_EQ(str(body, "duration"), "5");
  EXPECT_EQ(body.find("model"), nullptr);
}

TEST(Fal, StartTimeoutFromTheDeadline) {
  reel::http::Request r;
  Fal::bound_by_deadline(r, std::chrono::milliseconds(90'500));
  EXPECT_EQ(r.headers.find("X-Fal-Request-Timeout").value_or(""), "90");
  reel::http::Request late;
  Fal::bound_by_deadline(late, std::chrono::milliseconds(900));
  EXPECT_FALSE(late.headers.find("X-Fal-Request-Timeout"));
}

TEST(Fal, CreatedKeepsIdAndUrlsAsReturned) {
  JobHandle h = handle();
  ASSERT_TRUE(Fal::on_created(response(200, submitted), h));
  EXPECT_EQ(h.job_id, "req-1");
  EXPECT_EQ(h.status_url.value_or(""), base + "/fal-ai/kling-video/requests/req-1/status");
  EXPECT_EQ(fal().status_request(h).url, base + "/fal-ai/kling-video/requests/req-1/status?logs=0");
  EXPECT_EQ(fal().result_request(h).url, base + "/fal-ai/kling-video/requests/req-1");
  const auto cancel = fal().cancel_request(h);
  EXPECT_EQ(cancel.method, "PUT");
  EXPECT_EQ(cancel.url, base + "/fal-ai/kling-video/requests/req-1/cancel");
}

TEST(Fal, ForeignUrlIsNeverCalledWithTheKey) {
  JobHandle h = handle();
  const std::string evil = R"({"request_id":"req-2","status_url":"https://evil.example/x/status"})";
  ASSERT_TRUE(Fal::on_created(response(200, evil), h));  // the paid job is kept (the job drops the URL)
  EXPECT_EQ(h.job_id, "req-2");
  EXPECT_EQ(fal().status_request(h).url, base + "/fal-ai/kling-video/requests/req-2/status?logs=0");
  h.status_url = "http://queue.fal.run:8080/x";  // another port, e.g. from a tampered handle
  EXPECT_EQ(fal().status_request(h).url, base + "/fal-ai/kling-video/requests/req-2/status?logs=0");
}

TEST(Fal, SubmitWithoutIdIsAmbiguous) {
  JobHandle h = handle();
  const auto created = Fal::on_created(response(200, "{\"status\":"), h);
  ASSERT_FALSE(created);
  EXPECT_EQ(errc(created.error()), Errc::ambiguous_submit);
  EXPECT_FALSE(h.submitted());
}

TEST(Fal, Gateway5xxAtSubmitIsAmbiguousButFalsOwnRefusalIsNot) {
  JobHandle h = handle();
  const auto gateway = Fal::on_created(response(502, "<html>Bad Gateway</html>"), h);
  ASSERT_FALSE(gateway);
  EXPECT_EQ(errc(gateway.error()), Errc::ambiguous_submit);
  auto refused = response(503, R"({"detail":"no runner available","error_type":"runner_scheduling_failure"})");
  const auto own = Fal::on_created(refused, h);
  ASSERT_FALSE(own);
  EXPECT_EQ(errc(own.error()), Errc::at_capacity);
}

TEST(Fal, Statuses) {
  const auto q = Fal::on_status(response(202, R"({"status":"IN_QUEUE","queue_position":3})"), handle());
  ASSERT_TRUE(q);
  EXPECT_EQ(q->phase, Phase::queued);
  EXPECT_EQ(q->queue_position.value_or(-1), 3);
  const auto p = Fal::on_status(response(202, R"({"status":"IN_PROGRESS","logs":[{"message":"x","level":"INFO"}]})"), handle());
  ASSERT_TRUE(p);
  EXPECT_EQ(p->phase, Phase::running);
  const auto c = Fal::on_status(response(200, R"({"status":"COMPLETED","logs":null,"metrics":{"inference_time":2.5}})"), handle());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->phase, Phase::ready);
  EXPECT_FALSE(c->download_url);
  const auto u = Fal::on_status(response(202, R"({"status":"WARMING"})"), handle());
  ASSERT_TRUE(u);
  EXPECT_EQ(u->unknown_status.value_or(""), "WARMING");
  const auto e = Fal::on_status(response(200, R"({"status":"COMPLETED","error":"boom","error_type":"client_cancelled"})"), handle());
  ASSERT_TRUE(e);
  EXPECT_EQ(e->phase, Phase::failed);
  EXPECT_EQ(errc(e->error), Errc::cancelled_at_provider);
  EXPECT_FALSE(Fal::on_status(response(200, R"({"queue_position":"x"})"), handle()));
  EXPECT_FALSE(Fal::on_status(response(200, "not json"), handle()));
}

TEST(Fal, ResultFindsTheVideo) {
  const auto r = Fal::on_result(
      response(200, R"({"video":{"url":"https://v3.fal.media/a.mp4","content_type":"video/mp4","file_size":1234}})"), handle());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->phase, Phase::ready);
  EXPECT_EQ(r->download_url.value_or(""), "https://v3.fal.media/a.mp4");
  EXPECT_EQ(r->size_bytes.value_or(0), 1234u);
  const auto nested = Fal::on_result(response(200, R"({"out":[{"url":"https://cdn/b","content_type":"video/mp4"}]})"), handle());
  ASSERT_TRUE(nested);
  EXPECT_EQ(nested->download_url.value_or(""), "https://cdn/b");
  const auto none = Fal::on_result(response(200, R"({"seed":1})"), handle());
  ASSERT_TRUE(none);
  EXPECT_EQ(none->phase, Phase::failed);
}

TEST(Fal, ErrorShapes) {
  auto validation = response(422, R"({"detail":[{"loc":["body","prompt"],"msg":"field required","type":"missing"}]})");
  const auto v = Fal::error_of(validation);
  EXPECT_EQ(errc(v), Errc::invalid_request);
  EXPECT_TRUE(contains(v.provider.message, "prompt"));
  auto infra = response(503, R"({"detail":"no runner","error_type":"runner_scheduling_failure"})");
  EXPECT_EQ(errc(Fal::error_of(infra)), Errc::at_capacity);
  auto header = response(500, R"({"detail":"x"})");
  header.head.headers.add("X-Fal-Error-Type", "content_policy_violation");
  EXPECT_EQ(errc(Fal::error_of(header)), Errc::content_policy);
  auto user_timeout = response(504, R"({"detail":"timeout"})");
  user_timeout.head.headers.add("X-Fal-Request-Timeout-Type", "user");
  EXPECT_EQ(errc(Fal::error_of(user_timeout)), Errc::failed_at_provider);
  const auto failed = Fal::on_result(infra, handle());
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->phase, Phase::failed);
  EXPECT_FALSE(Fal::on_result(response(429, "{}"), handle()));
  EXPECT_NE(Fal::error_of(response(401, "{}")).provider.message.find("401"), std::string::npos);
}

TEST(Fal, Cancel) {
  EXPECT_TRUE(Fal::on_cancel(response(202, R"({"status":"CANCELLATION_REQUESTED"})")));
  const auto done = Fal::on_cancel(response(400, R"({"status":"ALREADY_COMPLETED"})"));
  ASSERT_FALSE(done);
  EXPECT_EQ(errc(done.error()), Errc::invalid_request);
}

TEST(Fal, AppOfEndpointIds) {
  EXPECT_EQ(Fal::app_of(model), "fal-ai/kling-video");
  EXPECT_EQ(Fal::app_of("workflows/me/flow/x"), "workflows/me/flow");
  EXPECT_EQ(Fal::app_of("nope"), "");
}

using FalJob = reel::VideoJob<Fal, reel::testing::ScriptedClient>;

asio::awaitable<reel::job::Outcome> run(FalJob& job, std::filesystem::path out) {
  reel::job::VideoRequest v;
  v.model = model;
  v.prompt = "a kite";
  const reel::job::Outcome o = co_await job.generate(v, out);
  co_return o;
}

TEST(Fal, WholeJobReadsTheResultThenDownloadsWithoutTheKey) {
  asio::io_context io;
  reel::testing::VirtualClock clock;
  reel::testing::ScriptedClient http(io.get_executor());
  reel::job::Account account(clock);
  const std::string app = base + "/fal-ai/kling-video/requests/req-1";
  const std::string cdn = "https://v3.fal.media/files/a.mp4";
  const std::string video(4000, 'v');
  http.expect("POST", base + "/" + model).header("Authorization", "Key " + key).has_header("X-Fal-Request-Timeout").respond(200, submitted);
  http.expect("GET", app + "/status?logs=0").respond(202, R"({"status":"IN_QUEUE","queue_position":1})");
  http.expect("GET", app + "/status?logs=0").respond(200, R"({"status":"COMPLETED"})");
  http.expect("GET", app).header("Authorization", "Key " + key)
      .respond(200, R"({"video":{"url":")" + cdn + R"(","content_type":"video/mp4","file_size":4000}})");
  http.expect("GET", cdn).no_header("Authorization").respond(200, video).response_header("Content-Type", "video/mp4");
  reel::JobOptions options;
  options.poll = reel::policy::FixedInterval{std::chrono::seconds(5)};
  options.deadline = clock.now() + std::chrono::minutes(10);
  std::vector<int> positions;
  options.on_progress = [&](const reel::job::JobProgress& p) {
    if (p.queue_position) positions.push_back(*p.queue_position);
  };
  FalJob job(http, fal(), account, options);
  const auto out = std::filesystem::temp_directory_path() / ("reel-fal-" + std::to_string(::getpid()) + ".mp4");
  std::optional<reel::job::Outcome> outcome;
  asio::co_spawn(io, run(job, out), [&](std::exception_ptr e, reel::job::Outcome o) {
    if (e) std::rethrow_exception(e);
    outcome = std::move(o);
  });
  clock.run(io);
  for (const auto& m : http.mismatches()) ADD_FAILURE() << m;
  ASSERT_TRUE(outcome);
  EXPECT_TRUE(outcome->ok()) << outcome->error.message();
  EXPECT_EQ(outcome->handle.job_id, "req-1");
  EXPECT_TRUE(http.done());
  EXPECT_EQ(std::filesystem::file_size(out), video.size());
  EXPECT_EQ(positions, std::vector<int>{1});  // the queue position reaches progress while queued only
  std::filesystem::remove(out);
}

}  // namespace
