// SPDX-License-Identifier: BSL-1.0
// The simulator's Lumenfall API (/openai/v1) driven through reel's HTTP client: create (202,
// idempotency, dry run), status through every phase, output URL, content, cancel, errors.
#include "sim_test_support.hpp"

#include <string>

namespace {

using reel_sim::Options;
using reel_sim::test::SimFixture;
using reel_sim::test::form;
using reel_sim::test::parse;
using reel_sim::test::polls_options;
using reel_sim::test::text_at;
namespace lumenfall = reel_sim::lumenfall;

const std::string create_body = R"({"model":"sora-2","prompt":"A capybara in a hot spring","seconds":"4","size":"1280x720"})";

/// What the tests read back from a video object (nullable members as raw JSON).
struct VideoView {
  std::string id;
  std::string object;
  std::string model;
  std::string status;
  std::int64_t progress = 0;
  std::int64_t created_at = 0;
  reel::json::Value completed_at;
  reel::json::Value expires_at;
  reel::json::Value prompt;
  std::string size;
  std::string seconds;
  reel::json::Value remixed_from_video_id;
  reel::json::Value error;
  reel::json::Value output;
  reel::json::Value metadata;
};

reel::http::Response create(SimFixture& f, const std::string& body, std::string key = "test-key") {
  return f.call("POST", f.sim->lumenfall_url() + "/videos", body, std::move(key));
}
reel::http::Response status(SimFixture& f, const std::string& id, std::string key = "test-key") {
  return f.call("GET", f.sim->lumenfall_url() + "/videos/" + id, "", std::move(key));
}

TEST(Lumenfall, CreateAnswers202ThenStatusMovesToCompletedWithOutputAndCost) {
  SimFixture f(polls_options(3));
  const auto r = create(f, create_body);
  ASSERT_EQ(r.head.status, 202) << r.body;
  const auto v = parse<VideoView>(r.body);
  EXPECT_EQ(v.id.rfind("video_", 0), 0u);
  EXPECT_EQ(v.object, "video");
  EXPECT_EQ(v.model, "sora-2");
  EXPECT_EQ(v.status, "queued");
  EXPECT_EQ(v.seconds, "4");
  EXPECT_EQ(v.size, "1280x720");
  EXPECT_TRUE(v.completed_at.is_null());
  EXPECT_TRUE(v.expires_at.is_null());
  EXPECT_TRUE(v.output.is_null());
  EXPECT_TRUE(v.error.is_null());
  EXPECT_EQ(text_at(r.body, {"metadata", "cost_estimate"}), "0.4");
  EXPECT_EQ(text_at(r.body, {"metadata", "cost"}), "<absent>");

  const auto p1 = status(f, v.id);
  ASSERT_EQ(p1.head.status, 200);
  EXPECT_EQ(p1.head.headers.find("openai-poll-after-ms"), "1000");
  const auto running = parse<VideoView>(p1.body);
  EXPECT_EQ(running.status, "in_progress");
  EXPECT_GT(running.progress, 0);
  EXPECT_LT(running.progress, 100);
  EXPECT_EQ(parse<VideoView>(status(f, v.id).body).status, "in_progress");

  const auto p3 = status(f, v.id);
  const auto done = parse<VideoView>(p3.body);
  EXPECT_EQ(done.status, "completed");
  EXPECT_EQ(done.progress, 100);
  EXPECT_FALSE(done.completed_at.is_null());
  EXPECT_FALSE(done.expires_at.is_null());
  EXPECT_EQ(text_at(p3.body, {"metadata", "cost"}), "0.4");
  EXPECT_EQ(text_at(p3.body, {"metadata", "cost_estimate"}), "<absent>");
  EXPECT_EQ(text_at(p3.body, {"output", "content_type"}), "video/mp4");
  EXPECT_EQ(text_at(p3.body, {"output", "size_bytes"}), std::to_string(reel_sim::sample_mp4().size()));
  const std::string url = text_at(p3.body, {"output", "url"});
  EXPECT_EQ(url.rfind(f.sim->media_url() + "/lumenfall/", 0), 0u) << url;

  // The output URL needs no key; the content endpoint does.
  const auto video = f.call("GET", url, "", "");
  ASSERT_EQ(video.head.status, 200);
  EXPECT_EQ(video.body, std::string(reel_sim::sample_mp4()));
  const auto content = f.call("GET", f.sim->lumenfall_url() + "/videos/" + v.id + "/content");
  ASSERT_EQ(content.head.status, 200);
  EXPECT_EQ(content.head.headers.find("Content-Type"), "video/mp4");
  EXPECT_EQ(content.body, video.body);

  const auto counters = f.counters();
  EXPECT_EQ(counters.media_requests_with_authorization, 0);
  EXPECT_EQ(counters.requests.at("lumenfall.retrieve 200"), 3);
  ASSERT_EQ(counters.jobs.size(), 1u);
  EXPECT_EQ(counters.jobs[0].polls, 3);
}

TEST(Lumenfall, RepeatedIdempotencyKeyReturnsTheExistingVideo) {
  SimFixture f;
  const std::string body = R"({"model":"sora-2","prompt":"p","seconds":4,"idempotency_key":"job-1"})";
  const auto first = create(f, body);
  ASSERT_EQ(first.head.status, 202) << first.body;
  const auto again = create(f, body);
  EXPECT_EQ(again.head.status, 200);
  EXPECT_EQ(parse<VideoView>(again.body).id, parse<VideoView>(first.body).id);
  // The header form works as well; keys are per API key.
  reel::http::Fields header;
  header.set("Idempotency-Key", "job-1");
  const auto via_header = f.call("POST", f.sim->lumenfall_url() + "/videos", R"({"model":"sora-2","prompt":"p"})",
                                 "test-key", header);
  EXPECT_EQ(parse<VideoView>(via_header.body).id, parse<VideoView>(first.body).id);
  const auto other_key = create(f, body, "other-key");
  EXPECT_EQ(other_key.head.status, 202);
  EXPECT_NE(parse<VideoView>(other_key.body).id, parse<VideoView>(first.body).id);

  const auto counters = f.counters();
  EXPECT_EQ(counters.jobs_created, 2);
  EXPECT_EQ(counters.create_requests_by_idempotency_key.at("job-1"), 4);
  EXPECT_EQ(counters.jobs_created_by_idempotency_key.at("job-1"), 2);
  EXPECT_EQ(counters.jobs_created_by_prompt.at("p"), 2);
}

TEST(Lumenfall, DryRunEstimatesWithoutCreating) {
  SimFixture f;
  const auto r = f.call("POST", f.sim->lumenfall_url() + "/videos?dryRun=true",
                        R"({"model":"sora-2-pro","prompt":"p","seconds":"8"})");
  ASSERT_EQ(r.head.status, 200) << r.body;
  const auto e = parse<lumenfall::Estimate>(r.body);
  EXPECT_EQ(e.total_cost_micros, 2'400'000);
  EXPECT_EQ(e.currency, "USD");
  EXPECT_EQ(f.counters().jobs_created, 0);
}

TEST(Lumenfall, DeleteCancelsAndLaterRequestsAreCounted) {
  SimFixture f;
  const auto id = parse<VideoView>(create(f, create_body).body).id;
  const auto d = f.call("DELETE", f.sim->lumenfall_url() + "/videos/" + id);
  ASSERT_EQ(d.head.status, 200);
  const auto deleted = parse<lumenfall::Deleted>(d.body);
  EXPECT_EQ(deleted.id, id);
  EXPECT_EQ(deleted.object, "video.deleted");
  EXPECT_TRUE(deleted.deleted);
  const auto after = status(f, id);
  EXPECT_EQ(after.head.status, 404);
  EXPECT_EQ(text_at(after.body, {"error", "code"}), "VIDEO_NOT_FOUND");
  const auto counters = f.counters();
  EXPECT_EQ(counters.requests_after_cleanup, 1);
  EXPECT_TRUE(counters.jobs.at(0).cleaned);
}

TEST(Lumenfall, OutputUrlGoneAfterDeleteAndAfterExpiry) {
  SimFixture f(polls_options(1));
  const auto id = parse<VideoView>(create(f, create_body).body).id;
  const std::string url = text_at(status(f, id).body, {"output", "url"});
  EXPECT_EQ(f.call("GET", url, "", "").head.status, 200);
  EXPECT_EQ(f.call("DELETE", f.sim->lumenfall_url() + "/videos/" + id).head.status, 200);
  EXPECT_EQ(f.call("GET", url, "", "").head.status, 410);

  Options o = polls_options(1);
  o.config.download_ttl_s = 0;
  SimFixture expired(std::move(o));
  const auto id2 = parse<VideoView>(create(expired, create_body).body).id;
  const std::string url2 = text_at(status(expired, id2).body, {"output", "url"});
  EXPECT_EQ(expired.call("GET", url2, "", "").head.status, 410);
  EXPECT_EQ(expired.call("GET", expired.sim->media_url() + "/lumenfall/video_unknown.mp4", "", "").head.status, 404);
}

TEST(Lumenfall, FailedJobCarriesItsError) {
  SimFixture f(polls_options(1));
  const auto id = parse<VideoView>(create(f, R"({"model":"sora-2","prompt":"please [fail]"})").body).id;
  const auto r = status(f, id);
  ASSERT_EQ(r.head.status, 200);
  EXPECT_EQ(text_at(r.body, {"status"}), "failed");
  EXPECT_EQ(text_at(r.body, {"error", "code"}), "GENERATION_FAILED");
  EXPECT_NE(text_at(r.body, {"error", "message"}), "<absent>");
  EXPECT_EQ(text_at(r.body, {"output"}), "null");
  EXPECT_EQ(text_at(r.body, {"metadata", "cost"}), "<absent>");
  EXPECT_EQ(text_at(r.body, {"metadata", "cost_estimate"}), "<absent>");
  const auto rejected_id = parse<VideoView>(create(f, R"({"model":"sora-2","prompt":"please [reject]"})").body).id;
  EXPECT_EQ(text_at(status(f, rejected_id).body, {"error", "code"}), "CONTENT_POLICY_VIOLATION");
  EXPECT_EQ(f.call("GET", f.sim->lumenfall_url() + "/videos/" + id + "/content").head.status, 404);
}

TEST(Lumenfall, ErrorsUseTheEnvelope) {
  Options o;
  o.config.balance_usd = 0.5;
  SimFixture f(std::move(o));
  auto expect_error = [&](const reel::http::Response& r, int code, const std::string& error_code) {
    EXPECT_EQ(r.head.status, code) << r.body;
    EXPECT_EQ(text_at(r.body, {"error", "code"}), error_code) << r.body;
    EXPECT_NE(text_at(r.body, {"error", "message"}), "<absent>") << r.body;
    EXPECT_NE(text_at(r.body, {"error", "type"}), "<absent>") << r.body;
  };
  expect_error(create(f, create_body, ""), 401, "AUTHENTICATION_FAILED");
  expect_error(create(f, R"({"model":"nope","prompt":"p"})"), 404, "MODEL_NOT_FOUND");
  expect_error(create(f, R"({"model":"sora-2","prompt":"p","seconds":"5"})"), 400, "INVALID_REQUEST");
  expect_error(create(f, R"({"model":"sora-2","prompt":"p","size":"640x480"})"), 400, "INVALID_REQUEST");
  expect_error(create(f, R"({"model":"sora-2"})"), 400, "INVALID_REQUEST");
  expect_error(create(f, R"({"model":"sora-2","prompt":)"), 400, "INVALID_REQUEST");
  expect_error(create(f, R"({"model":"sora-2","prompt":"a [blocked] one"})"), 400, "CONTENT_POLICY_VIOLATION");
  expect_error(status(f, "video_missing"), 404, "VIDEO_NOT_FOUND");
  EXPECT_EQ(create(f, create_body).head.status, 202);  // 0.40 of 0.50
  expect_error(create(f, create_body), 402, "INSUFFICIENT_BALANCE");
  f.rules(R"([{"match":{"endpoint":"lumenfall.create"},"fault":{"status":502}}])");
  expect_error(create(f, create_body, "rich-key"), 502, "ALL_PROVIDERS_EXHAUSTED");
  EXPECT_EQ(f.counters().jobs_created, 1);
}

TEST(Lumenfall, SecondsAsNumberOrStringAndSizeAsAspectRatio) {
  SimFixture f;
  const auto a = parse<VideoView>(create(f, R"({"model":"veo-3.1","prompt":"p","seconds":6,"size":"16:9"})").body);
  EXPECT_EQ(a.seconds, "6");
  EXPECT_EQ(a.size, "16:9");
  const auto b = parse<VideoView>(create(f, R"({"model":"veo-3.1","prompt":"p","seconds":"8"})").body);
  EXPECT_EQ(b.seconds, "8");
  EXPECT_EQ(b.size, "1280x720");  // the model's first size
  const auto c = create(f, R"({"prompt":"p"})");
  EXPECT_EQ(c.head.status, 202) << c.body;
  EXPECT_EQ(parse<VideoView>(c.body).model, "sora-2");
  EXPECT_EQ(parse<VideoView>(c.body).seconds, "4");
}

TEST(Lumenfall, CreateWithoutModelUsesTheFirstConfiguredModel) {
  Options o;
  std::erase_if(o.config.models, [](const reel_sim::ModelConfig& m) { return m.id == "sora-2"; });
  SimFixture f(std::move(o));
  const auto r = create(f, R"({"prompt":"p"})");
  ASSERT_EQ(r.head.status, 202) << r.body;
  EXPECT_EQ(parse<VideoView>(r.body).model, "sora-2-pro");
}

TEST(Lumenfall, PromptLimitCountsCharactersNotBytes) {
  Options o;
  for (auto& m : o.config.models) m.prompt_character_limit = 10;
  SimFixture f(std::move(o));
  const std::string ten = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";  // 10 characters, 20 bytes
  EXPECT_EQ(create(f, R"({"model":"sora-2","prompt":")" + ten + R"("})").head.status, 202);
  EXPECT_EQ(create(f, R"({"model":"sora-2","prompt":")" + ten + R"(e"})").head.status, 400);
}

TEST(Lumenfall, LargeOutputsAreValidMp4sOfTheRequestedSizeWithRanges) {
  SimFixture f(polls_options(1));
  f.rules(R"([{"match":{"prompt_contains":"big"},"job":{"output_bytes":3000000}}])");
  const auto id = parse<VideoView>(create(f, R"({"model":"sora-2","prompt":"a big one"})").body).id;
  const auto s = status(f, id);
  EXPECT_EQ(text_at(s.body, {"output", "size_bytes"}), "3000000");
  const std::string url = text_at(s.body, {"output", "url"});
  const auto whole = f.call("GET", url, "", "");
  ASSERT_EQ(whole.head.status, 200);
  ASSERT_EQ(whole.body.size(), 3'000'000u);
  EXPECT_EQ(whole.body.substr(0, reel_sim::sample_mp4().size()), std::string(reel_sim::sample_mp4()));
  reel::http::Fields range;
  range.set("Range", "bytes=2999990-");
  const auto tail = f.call("GET", url, "", "", range);
  EXPECT_EQ(tail.head.status, 206);
  EXPECT_EQ(tail.head.headers.find("Content-Range"), "bytes 2999990-2999999/3000000");
  EXPECT_EQ(tail.body, whole.body.substr(2999990));
  EXPECT_GE(f.counters().bytes_served.at("lumenfall.media"), 3'000'010);
}

}  // namespace

namespace {

TEST(Lumenfall, CreateAcceptsMultipartFormData) {
  SimFixture f;
  const std::string boundary = "----reel-test-boundary";
  reel::http::Request request;
  request.method = "POST";
  request.url = f.sim->lumenfall_url() + "/videos";
  request.headers.set("Authorization", "Bearer test-key");
  request.headers.set("Content-Type", "multipart/form-data; boundary=" + boundary);
  request.body = form(boundary, {{"model", "sora-2-pro"}, {"prompt", "multi\r\npart"}, {"seconds", "8"},
                                 {"size", "1792x1024"}, {"idempotency_key", "form-1"}});
  auto r = f.client.send(request);
  ASSERT_TRUE(r) << r.error().code.message();
  ASSERT_EQ(r->head.status, 202) << r->body;
  const auto v = parse<VideoView>(r->body);
  EXPECT_EQ(v.model, "sora-2-pro");
  EXPECT_EQ(v.seconds, "8");
  EXPECT_EQ(v.size, "1792x1024");
  EXPECT_EQ(text_at(r->body, {"prompt"}), "multi\r\npart");
  EXPECT_EQ(f.counters().create_requests_by_idempotency_key.at("form-1"), 1);

  request.body = "--" + boundary + "\r\nno-colon-header\r\n\r\nx\r\n--" + boundary + "--\r\n";
  auto bad = f.client.send(request);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->head.status, 400);
  EXPECT_EQ(text_at(bad->body, {"error", "code"}), "INVALID_REQUEST");
}

TEST(Multipart, SplitsPartsWithNamesFilenamesAndTypes) {
  const std::string boundary = "b0undary";
  const auto parts = reel_sim::parse_multipart("multipart/form-data; boundary=\"b0undary\"",
                                               form(boundary, {{"a", "1"}, {"b", ""}}));
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].name, "a");
  EXPECT_EQ((*parts)[0].value, "1");
  EXPECT_EQ((*parts)[1].value, "");
  EXPECT_EQ((*parts)[2].filename, "ref.png");
  EXPECT_EQ((*parts)[2].content_type, "image/png");
  EXPECT_EQ((*parts)[2].value, "\x89PNG\r\n\x1a\n--not-the-boundary");
  EXPECT_FALSE(reel_sim::parse_multipart("multipart/form-data", "x"));
  EXPECT_FALSE(reel_sim::parse_multipart("application/json; boundary=x", "--x--"));
  EXPECT_FALSE(reel_sim::parse_multipart("multipart/form-data; boundary=x", "--x\r\nA: b\r\n\r\nunterminated"));
  EXPECT_FALSE(reel_sim::parse_multipart("multipart/form-data; boundary=x", "no delimiter"));
}

}  // namespace
