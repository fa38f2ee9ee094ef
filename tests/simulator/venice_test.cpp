// SPDX-License-Identifier: BSL-1.0
// The simulator's Venice API (/api/v1) driven through reel's HTTP client: models, quote, the
// public and private job lifecycles, cleanup, and every error the spec lists.
#include "sim_test_support.hpp"

#include <chrono>
#include <string>
#include <thread>

namespace {

using reel_sim::Options;
using reel_sim::test::SimFixture;
using reel_sim::test::parse;
using reel_sim::test::polls_options;
using reel_sim::test::text_at;
namespace venice = reel_sim::venice;

const std::string t2v = "wan-2.5-preview-text-to-video";
const std::string queue_body =
    R"({"model":"wan-2.5-preview-text-to-video","prompt":"A gondola at sunset","duration":"5s","aspect_ratio":"16:9"})";

std::string retrieve_body(const std::string& model, const std::string& id, const std::string& extra = "") {
  return R"({"model":")" + model + R"(","queue_id":")" + id + "\"" + extra + "}";
}

const reel_sim::JobCounters* job_counters(const reel_sim::Counters& c, const std::string& id) {
  for (const auto& j : c.jobs) {
    if (j.id == id) return &j;
  }
  return nullptr;
}

TEST(Venice, ModelsListsVideoModelsWithConstraints) {
  SimFixture f;
  const auto r = f.call("GET", f.sim->venice_url() + "/models?type=video", "", "");
  ASSERT_EQ(r.head.status, 200);
  const auto list = parse<venice::ModelList>(r.body);
  EXPECT_EQ(list.object, "list");
  EXPECT_EQ(list.type, "video");
  ASSERT_EQ(list.data.size(), 5u);
  for (const auto& m : list.data) {
    EXPECT_EQ(m.type, "video");
    EXPECT_FALSE(m.model_spec.constraints.durations.empty()) << m.id;
  }
  EXPECT_EQ(list.data[0].id, t2v);
  EXPECT_EQ(list.data[1].model_spec.constraints.model_type, "image-to-video");
  EXPECT_TRUE(list.data[1].model_spec.constraints.aspect_ratios.empty());
  EXPECT_EQ(list.data[2].model_spec.privacy, "private");

  const auto text = f.call("GET", f.sim->venice_url() + "/models?type=text", "", "");
  ASSERT_EQ(text.head.status, 200);
  EXPECT_TRUE(parse<venice::ModelList>(text.body).data.empty());
  const auto bad = f.call("GET", f.sim->venice_url() + "/models?type=bogus", "", "");
  EXPECT_EQ(bad.head.status, 400);
  EXPECT_NE(text_at(bad.body, {"details", "type"}), "<absent>") << bad.body;
}

TEST(Venice, QuotePricesDurationAndResolution) {
  SimFixture f;
  const auto r = f.venice("/video/quote", R"({"model":")" + t2v + R"(","duration":"10s","resolution":"1080p"})");
  ASSERT_EQ(r.head.status, 200) << r.body;
  EXPECT_DOUBLE_EQ(parse<venice::QuoteResponse>(r.body).quote, 0.05 * 10 * 1.5);
  const auto cheap = f.venice("/video/quote", R"({"model":")" + t2v + R"(","duration":"5s","resolution":"480p"})");
  EXPECT_DOUBLE_EQ(parse<venice::QuoteResponse>(cheap.body).quote, 0.05 * 5 * 0.6);
  EXPECT_EQ(f.venice("/video/quote", R"({"model":"nope","duration":"5s"})").head.status, 400);
  EXPECT_EQ(f.venice("/video/quote", R"({"model":")" + t2v + R"(","duration":"7s"})").head.status, 400);
  EXPECT_EQ(f.venice("/video/quote", R"({"model":")" + t2v + R"("})").head.status, 400);
  EXPECT_EQ(f.counters().jobs_created, 0);
}

TEST(Venice, PublicJobPollsThenStreamsTheMp4ThenCompletes) {
  SimFixture f(polls_options(3));
  const auto q = f.venice("/video/queue", queue_body);
  ASSERT_EQ(q.head.status, 200) << q.body;
  EXPECT_EQ(q.head.headers.find("x-ratelimit-limit-requests"), "40");
  EXPECT_EQ(q.head.headers.find("x-ratelimit-remaining-requests"), "39");
  const auto queued = parse<venice::QueueResponse>(q.body);
  EXPECT_EQ(queued.model, t2v);
  EXPECT_EQ(queued.queue_id.size(), 36u);
  EXPECT_FALSE(queued.download_url.has_value());

  for (int i = 0; i < 2; ++i) {
    const auto p = f.venice("/video/retrieve", retrieve_body(t2v, queued.queue_id));
    ASSERT_EQ(p.head.status, 200) << p.body;
    EXPECT_EQ(p.head.headers.find("Content-Type"), "application/json");
    const auto processing = parse<venice::ProcessingResponse>(p.body);
    EXPECT_EQ(processing.status, "PROCESSING");
    EXPECT_GE(processing.execution_duration, 0);
  }
  const auto done = f.venice("/video/retrieve", retrieve_body(t2v, queued.queue_id));
  ASSERT_EQ(done.head.status, 200);
  EXPECT_EQ(done.head.headers.find("Content-Type"), "video/mp4");
  EXPECT_EQ(done.body, std::string(reel_sim::sample_mp4()));

  const auto c = f.venice("/video/complete", retrieve_body(t2v, queued.queue_id));
  ASSERT_EQ(c.head.status, 200);
  EXPECT_TRUE(parse<venice::SuccessResponse>(c.body).success);
  const auto gone = f.venice("/video/retrieve", retrieve_body(t2v, queued.queue_id));
  EXPECT_EQ(gone.head.status, 404);
  EXPECT_NE(text_at(gone.body, {"error"}), "<absent>");

  const auto counters = f.counters();
  EXPECT_EQ(counters.jobs_created, 1);
  EXPECT_EQ(counters.jobs_created_by_prompt.at("A gondola at sunset"), 1);
  EXPECT_EQ(counters.requests.at("venice.retrieve 200"), 3);
  EXPECT_EQ(counters.requests_after_cleanup, 1);
  const auto* job = job_counters(counters, queued.queue_id);
  ASSERT_NE(job, nullptr);
  EXPECT_EQ(job->polls, 3);
  EXPECT_TRUE(job->cleaned);
  EXPECT_EQ(counters.bytes_served.at("venice.retrieve") >= static_cast<std::int64_t>(reel_sim::sample_mp4().size()), true);
}

TEST(Venice, DeleteMediaOnCompletionDeletesOnceDelivered) {
  SimFixture f(polls_options(1));
  const auto queued = parse<venice::QueueResponse>(f.venice("/video/queue", queue_body).body);
  const auto done = f.venice("/video/retrieve", retrieve_body(t2v, queued.queue_id, R"(,"delete_media_on_completion":true)"));
  ASSERT_EQ(done.head.status, 200);
  EXPECT_EQ(done.head.headers.find("Content-Type"), "video/mp4");
  EXPECT_EQ(f.venice("/video/retrieve", retrieve_body(t2v, queued.queue_id)).head.status, 404);
}

TEST(Venice, PrivateModelServesTheOneTimeDownloadUrlWithoutAuth) {
  Options o = polls_options(2);
  o.config.download_max_fetches = 2;
  SimFixture f(std::move(o));
  const std::string grok = "grok-imagine-text-to-video-private";
  const auto q = f.venice("/video/queue", R"({"model":")" + grok + R"(","prompt":"A fox","duration":"6s","aspect_ratio":"16:9"})");
  ASSERT_EQ(q.head.status, 200) << q.body;
  const auto queued = parse<venice::QueueResponse>(q.body);
  ASSERT_TRUE(queued.download_url.has_value());
  EXPECT_EQ(queued.download_url->rfind(f.sim->media_url() + "/share/read/", 0), 0u) << *queued.download_url;
  EXPECT_NE(f.sim->media_url(), f.sim->base_url());

  // Not ready yet: the object does not exist.
  EXPECT_EQ(f.call("GET", *queued.download_url, "", "").head.status, 404);
  EXPECT_EQ(parse<venice::ProcessingResponse>(f.venice("/video/retrieve", retrieve_body(grok, queued.queue_id)).body).status,
            "PROCESSING");
  const auto completed = f.venice("/video/retrieve", retrieve_body(grok, queued.queue_id));
  ASSERT_EQ(completed.head.status, 200);
  EXPECT_EQ(completed.head.headers.find("Content-Type"), "application/json");
  EXPECT_EQ(parse<venice::ProcessingResponse>(completed.body).status, "COMPLETED");

  const auto video = f.call("GET", *queued.download_url, "", "");
  ASSERT_EQ(video.head.status, 200);
  EXPECT_EQ(video.body, std::string(reel_sim::sample_mp4()));
  EXPECT_EQ(f.call("GET", *queued.download_url, "", "").head.status, 200);
  EXPECT_EQ(f.call("GET", *queued.download_url, "", "").head.status, 429);  // past download_max_fetches

  EXPECT_EQ(f.call("DELETE", *queued.download_url, "", "").head.status, 204);
  EXPECT_EQ(f.call("GET", *queued.download_url, "", "").head.status, 410);
  EXPECT_EQ(f.call("DELETE", *queued.download_url, "", "").head.status, 410);
  EXPECT_EQ(f.call("GET", f.sim->media_url() + "/share/read/unknown", "", "").head.status, 404);

  const auto counters = f.counters();
  EXPECT_EQ(counters.media_requests_with_authorization, 0);
  EXPECT_EQ(counters.requests.at("venice.download 410"), 1);
  // A client that sends its key to the download host is counted.
  EXPECT_EQ(f.call("GET", *queued.download_url, "", "leaked-key").head.status, 410);
  EXPECT_EQ(f.counters().media_requests_with_authorization, 1);
}

TEST(Venice, ExpiredDownloadUrlIsGone) {
  Options o = polls_options(1);
  o.config.download_ttl_s = 0;
  SimFixture f(std::move(o));
  const auto q = f.venice("/video/queue",
                          R"({"model":"grok-imagine-text-to-video-private","prompt":"x","duration":"6s","aspect_ratio":"9:16"})");
  const auto queued = parse<venice::QueueResponse>(q.body);
  ASSERT_TRUE(queued.download_url.has_value()) << q.body;
  EXPECT_EQ(f.call("GET", *queued.download_url, "", "").head.status, 410);
}

TEST(Venice, QueueValidationFollowsTheSpecAndTheModel) {
  SimFixture f;
  auto field_error = [&](const std::string& body, const std::string& field) {
    const auto r = f.venice("/video/queue", body);
    EXPECT_EQ(r.head.status, 400) << body << " → " << r.body;
    EXPECT_NE(text_at(r.body, {"error"}), "<absent>") << r.body;
    EXPECT_EQ(text_at(r.body, {"details", field, "_errors"}), "<structured>") << body << " → " << r.body;
  };
  field_error(R"({"model":"wan-2.5-preview-text-to-video","duration":"5s","aspect_ratio":"16:9"})", "prompt");
  field_error(R"({"model":"wan-2.5-preview-text-to-video","prompt":"","duration":"5s","aspect_ratio":"16:9"})", "prompt");
  field_error(R"({"model":"wan-2.5-preview-text-to-video","prompt":"x","aspect_ratio":"16:9"})", "duration");
  field_error(R"({"model":"wan-2.5-preview-text-to-video","prompt":"x","duration":"31s","aspect_ratio":"16:9"})", "duration");
  field_error(R"({"model":"wan-2.5-preview-text-to-video","prompt":"x","duration":"15s","aspect_ratio":"16:9"})", "duration");
  field_error(R"({"model":"wan-2.5-preview-text-to-video","prompt":"x","duration":"5s"})", "aspect_ratio");
  field_error(R"({"model":"wan-2.5-preview-text-to-video","prompt":"x","duration":"5s","aspect_ratio":"7:5"})", "aspect_ratio");
  field_error(R"({"model":"wan-2.5-preview-text-to-video","prompt":"x","duration":"5s","aspect_ratio":"16:9","resolution":"8k"})", "resolution");
  field_error(R"({"model":"wan-2.5-preview-image-to-video","prompt":"x","duration":"5s"})", "image_url");
  field_error(R"({"model":"wan-2.5-preview-image-to-video","prompt":"x","duration":"5s","image_url":"ftp://x"})", "image_url");
  field_error(R"({"model":"wan-2.5-preview-image-to-video","prompt":"x","duration":"5s","image_url":"data:image/png;base64,AA==","aspect_ratio":"16:9"})", "aspect_ratio");
  field_error(R"({"model":"grok-imagine-text-to-video-private","prompt":"x","duration":"6s","aspect_ratio":"16:9","audio":false})", "audio");
  field_error(R"({"model":"wan-2.5-preview-text-to-video","prompt":")" + std::string(2501, 'a') + R"(","duration":"5s","aspect_ratio":"16:9"})", "prompt");
  field_error(R"({"model":"wan-2.5-preview-text-to-video","prompt":7,"duration":"5s","aspect_ratio":"16:9"})", "prompt");
  field_error(R"({"model":"no-such-model","prompt":"x","duration":"5s"})", "model");
  // Not JSON at all.
  EXPECT_EQ(f.venice("/video/queue", "{\"model\":").head.status, 400);
  // Image-to-video with a data URL is fine.
  EXPECT_EQ(f.venice("/video/queue", R"({"model":"wan-2.5-preview-image-to-video","prompt":"x","duration":"5s","image_url":"data:image/png;base64,AA=="})").head.status, 200);
  // Retrieve and complete accept no other keys.
  const auto r = f.venice("/video/retrieve", R"({"model":"m","queue_id":"q","extra":1})");
  EXPECT_EQ(r.head.status, 400);
  EXPECT_EQ(text_at(r.body, {"details", "extra", "_errors"}), "<structured>") << r.body;
  EXPECT_EQ(f.venice("/video/complete", R"({"model":"m"})").head.status, 400);
  EXPECT_EQ(f.counters().jobs_created, 1);
}

TEST(Venice, AuthenticationIsRequiredExceptForModelsAndQuote) {
  Options o;
  o.config.api_keys = {"good-key"};
  SimFixture f(std::move(o));
  for (const char* path : {"/video/queue", "/video/retrieve", "/video/complete"}) {
    const auto none = f.venice(path, queue_body, "");
    EXPECT_EQ(none.head.status, 401) << path;
    EXPECT_NE(text_at(none.body, {"error"}), "<absent>");
    EXPECT_EQ(f.venice(path, queue_body, "wrong-key").head.status, 401) << path;
  }
  EXPECT_EQ(f.venice("/video/queue", queue_body, "good-key").head.status, 200);
  EXPECT_EQ(f.call("GET", f.sim->venice_url() + "/models?type=video", "", "").head.status, 200);
}

TEST(Venice, InsufficientBalanceIs402AndCreatesNoJob) {
  Options o;
  o.config.balance_usd = 0.3;  // one 5 s job at 0.05 $/s
  SimFixture f(std::move(o));
  EXPECT_EQ(f.venice("/video/queue", queue_body).head.status, 200);
  const auto r = f.venice("/video/queue", queue_body);
  EXPECT_EQ(r.head.status, 402);
  EXPECT_EQ(text_at(r.body, {"code"}), "INSUFFICIENT_BALANCE");
  EXPECT_EQ(f.venice("/video/queue", queue_body, "other-key").head.status, 200);
  EXPECT_EQ(f.counters().jobs_created, 2);
}

TEST(Venice, ConsentModelsAnswer409ForFaceMediaUntilConsentIsGiven) {
  SimFixture f;
  // swagger.yaml ties needs_consent to face-bearing media (face_media_roles): an image on a consent model.
  const std::string body =
      R"({"model":"seedance-2-0-reference-to-video","prompt":"x","duration":"5s","aspect_ratio":"16:9","image_url":"http://127.0.0.1/face.png")";
  const auto r = f.venice("/video/queue", body + "}");
  ASSERT_EQ(r.head.status, 409) << r.body;
  EXPECT_EQ(text_at(r.body, {"error", "code"}), "needs_consent");
  EXPECT_EQ(text_at(r.body, {"consent_flow"}), "seedance");
  EXPECT_NE(text_at(r.body, {"consent", "policy_text"}), "<absent>");
  EXPECT_NE(text_at(r.body, {"consent", "consent_version"}), "<absent>");
  reel::json::Value v;
  ASSERT_FALSE(reel::json::read(r.body, v));
  const auto* roles = v.find("face_media_roles");
  ASSERT_NE(roles, nullptr);
  ASSERT_NE(roles->if_array(), nullptr);
  ASSERT_EQ(roles->if_array()->size(), 1u);
  EXPECT_EQ(*(*roles->if_array())[0].if_string(), "image");
  const std::string partial = R"(,"consents":{"seedance":{"confirmed_terms_and_privacy":true}}})";
  EXPECT_EQ(f.venice("/video/queue", body + partial).head.status, 409);
  const std::string all =
      R"(,"consents":{"seedance":{"confirmed_terms_and_privacy":true,"confirmed_legal_right":true,"confirmed_screening_acknowledged":true}}})";
  EXPECT_EQ(f.venice("/video/queue", body + all).head.status, 200);
  // Reference images on the text-to-video consent model need consent too ...
  const auto refs = f.venice("/video/queue",
      R"({"model":"seedance-2-0-text-to-video-basic","prompt":"x","duration":"5s","aspect_ratio":"16:9","reference_image_urls":["data:image/png;base64,AA=="]})");
  EXPECT_EQ(refs.head.status, 409) << refs.body;
  EXPECT_NE(refs.body.find("reference_image"), std::string::npos) << refs.body;
  // ... but a text-only request to a consent model is accepted without consents.
  const auto text = f.venice("/video/queue",
      R"({"model":"seedance-2-0-text-to-video-basic","prompt":"x","duration":"5s","aspect_ratio":"16:9"})");
  EXPECT_EQ(text.head.status, 200) << text.body;
  EXPECT_EQ(f.counters().jobs_created, 2);
}

TEST(Venice, EmptyConstraintListsMeanUnsupportedAndElementsAreNotValidated) {
  Options o;
  o.config.models = {};
  reel_sim::ModelConfig m;
  m.id = "bare";
  m.provider = "venice";
  m.durations = {"5s"};
  o.config.models.push_back(m);
  SimFixture f(std::move(o));
  const std::string base = R"({"model":"bare","prompt":"x","duration":"5s")";
  EXPECT_EQ(f.venice("/video/queue", base + "}").head.status, 200);
  const auto aspect = f.venice("/video/queue", base + R"(,"aspect_ratio":"16:9"})");
  EXPECT_EQ(aspect.head.status, 400);
  EXPECT_EQ(text_at(aspect.body, {"details", "aspect_ratio", "_errors"}), "<structured>") << aspect.body;
  const auto resolution = f.venice("/video/queue", base + R"(,"resolution":"720p"})");
  EXPECT_EQ(resolution.head.status, 400);
  EXPECT_EQ(text_at(resolution.body, {"details", "resolution", "_errors"}), "<structured>") << resolution.body;
  // elements and keyframes pass as given, even in shapes the schema would not have.
  const auto given = f.venice("/video/queue", base + R"(,"elements":[{"x":1},{},{},{},{},7],"keyframes":"anything"})");
  EXPECT_EQ(given.head.status, 200) << given.body;
  EXPECT_EQ(f.counters().jobs_created, 2);
}

TEST(Venice, PromptLimitCountsCharactersNotBytes) {
  SimFixture f;
  std::string at_limit;
  for (int i = 0; i < 2500; ++i) at_limit += "\\u00e9";  // JSON escapes: 2500 characters, 5000 bytes once decoded
  std::string utf8;
  for (int i = 0; i < 2500; ++i) utf8 += "\xc3\xa9";  // raw UTF-8 é
  auto body = [](const std::string& prompt) {
    return R"({"model":"wan-2.5-preview-text-to-video","prompt":")" + prompt + R"(","duration":"5s","aspect_ratio":"16:9"})";
  };
  EXPECT_EQ(f.venice("/video/queue", body(at_limit)).head.status, 200);
  EXPECT_EQ(f.venice("/video/queue", body(utf8)).head.status, 200);
  EXPECT_EQ(f.venice("/video/queue", body(utf8 + "e")).head.status, 400);
}

TEST(Venice, ContentPolicyAtSubmitAndAtTheProvider) {
  SimFixture f(polls_options(1));
  const auto blocked = f.venice("/video/queue",
                                R"({"model":"wan-2.5-preview-text-to-video","prompt":"a [blocked] scene","duration":"5s","aspect_ratio":"16:9"})");
  ASSERT_EQ(blocked.head.status, 422);
  EXPECT_NE(text_at(blocked.body, {"error"}), "<absent>");
  EXPECT_NE(text_at(blocked.body, {"suggested_prompt"}), "<absent>");
  EXPECT_EQ(f.counters().jobs_created, 0);

  const auto q = f.venice("/video/queue",
                          R"({"model":"wan-2.5-preview-text-to-video","prompt":"a [reject] scene","duration":"5s","aspect_ratio":"16:9"})");
  const auto queued = parse<venice::QueueResponse>(q.body);
  const auto r = f.venice("/video/retrieve", retrieve_body(t2v, queued.queue_id));
  ASSERT_EQ(r.head.status, 422);
  EXPECT_EQ(text_at(r.body, {"error", "type"}), "provider_content_policy");
  EXPECT_EQ(text_at(r.body, {"error", "credits_refunded"}), "true");

  // The older retrieve fragment's shape: {"error": "..."}.
  const auto legacy = parse<venice::QueueResponse>(f.venice("/video/queue",
      R"({"model":"wan-2.5-preview-text-to-video","prompt":"a [reject-legacy] scene","duration":"5s","aspect_ratio":"16:9"})").body);
  const auto old_shape = f.venice("/video/retrieve", retrieve_body(t2v, legacy.queue_id));
  ASSERT_EQ(old_shape.head.status, 422);
  EXPECT_NE(text_at(old_shape.body, {"error"}), "<absent>");
  EXPECT_NE(text_at(old_shape.body, {"error"}), "<structured>");
}

TEST(Venice, FailedJobAnswers500OnRetrieve) {
  SimFixture f(polls_options(1));
  const auto q = f.venice("/video/queue",
                          R"({"model":"wan-2.5-preview-text-to-video","prompt":"this will [fail]","duration":"5s","aspect_ratio":"16:9"})");
  const auto queued = parse<venice::QueueResponse>(q.body);
  const auto r = f.venice("/video/retrieve", retrieve_body(t2v, queued.queue_id));
  EXPECT_EQ(r.head.status, 500);
  EXPECT_NE(text_at(r.body, {"error"}).find("Inference processing failed"), std::string::npos) << r.body;
}

TEST(Venice, AtCapacityRetrieveAnswers503UntilASlotFrees) {
  Options o;
  o.config.job = reel_sim::JobSpec{};
  o.config.job.duration_ms = 200;
  for (auto& m : o.config.models) {
    if (m.id == t2v) m.capacity = 1;
  }
  SimFixture f(std::move(o));
  const auto first = parse<venice::QueueResponse>(f.venice("/video/queue", queue_body).body);
  const auto second = parse<venice::QueueResponse>(f.venice("/video/queue", queue_body).body);
  const auto busy = f.venice("/video/retrieve", retrieve_body(t2v, second.queue_id));
  EXPECT_EQ(busy.head.status, 503);
  EXPECT_NE(text_at(busy.body, {"error"}), "<absent>");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(f.venice("/video/retrieve", retrieve_body(t2v, first.queue_id)).head.headers.find("Content-Type"), "video/mp4");
  const auto running = f.venice("/video/retrieve", retrieve_body(t2v, second.queue_id));
  EXPECT_EQ(running.head.status, 200);
  EXPECT_EQ(parse<venice::ProcessingResponse>(running.body).status, "PROCESSING");
}

TEST(Venice, ReportedEstimateFollowsTheEtaFactor) {
  Options o;
  o.config.job = reel_sim::JobSpec{};
  o.config.job.duration_ms = 10000;
  o.config.job.eta_factor = 0.5;
  SimFixture f(std::move(o));
  const auto queued = parse<venice::QueueResponse>(f.venice("/video/queue", queue_body).body);
  const auto p = parse<venice::ProcessingResponse>(f.venice("/video/retrieve", retrieve_body(t2v, queued.queue_id)).body);
  EXPECT_EQ(p.average_execution_time, 5000);
}

TEST(Venice, SeededDurationsRepeat) {
  auto estimates = [](std::uint64_t seed) {
    Options o;
    o.config.seed = seed;
    o.config.job = reel_sim::JobSpec{};
    o.config.job.duration_min_ms = 10000;
    o.config.job.duration_max_ms = 90000;
    SimFixture f(std::move(o));
    std::vector<std::int64_t> out;
    for (int i = 0; i < 4; ++i) {
      const auto queued = parse<venice::QueueResponse>(f.venice("/video/queue", queue_body).body);
      out.push_back(parse<venice::ProcessingResponse>(f.venice("/video/retrieve", retrieve_body(t2v, queued.queue_id)).body)
                        .average_execution_time);
    }
    return out;
  };
  const auto a = estimates(7);
  EXPECT_EQ(a, estimates(7));
  EXPECT_NE(a, estimates(8));
  for (auto ms : a) {
    EXPECT_GE(ms, 10000);
    EXPECT_LE(ms, 90000);
  }
}

TEST(Venice, RulesShapeJobsPerModelAndPrompt) {
  SimFixture f;
  f.rules(R"([{"match":{"model":"wan-2.5-preview-text-to-video","prompt_contains":"quick"},"job":{"polls":1}}])");
  const auto quick = parse<venice::QueueResponse>(f.venice("/video/queue",
      R"({"model":"wan-2.5-preview-text-to-video","prompt":"a quick one","duration":"5s","aspect_ratio":"16:9"})").body);
  const auto slow = parse<venice::QueueResponse>(f.venice("/video/queue", queue_body).body);
  EXPECT_EQ(f.venice("/video/retrieve", retrieve_body(t2v, quick.queue_id)).head.headers.find("Content-Type"), "video/mp4");
  EXPECT_EQ(f.venice("/video/retrieve", retrieve_body(t2v, slow.queue_id)).head.headers.find("Content-Type"), "application/json");
}

TEST(Venice, AdminConfigResetAndBadRules) {
  SimFixture f;
  EXPECT_EQ(f.venice("/video/queue", queue_body).head.status, 200);
  EXPECT_EQ(f.counters().jobs_created, 1);
  EXPECT_EQ(f.call("POST", f.sim->base_url() + "/__sim/reset", "{}", "").head.status, 200);
  EXPECT_EQ(f.counters().jobs_created, 0);
  const auto bad = f.call("POST", f.sim->base_url() + "/__sim/rules", R"([{"match":{"nope":1}}])", "");
  EXPECT_EQ(bad.head.status, 400);
  EXPECT_NE(bad.body.find("nope"), std::string::npos) << bad.body;
  const auto config = f.call("POST", f.sim->base_url() + "/__sim/config",
                             R"({"models":[{"id":"only-one","provider":"venice","durations":["5s"]}]})", "");
  ASSERT_EQ(config.head.status, 200) << config.body;
  const auto list = parse<venice::ModelList>(f.call("GET", f.sim->venice_url() + "/models?type=video", "", "").body);
  ASSERT_EQ(list.data.size(), 1u);
  EXPECT_EQ(list.data[0].id, "only-one");
  EXPECT_EQ(f.call("GET", f.sim->base_url() + "/__sim/health", "", "").head.status, 200);
}

}  // namespace
