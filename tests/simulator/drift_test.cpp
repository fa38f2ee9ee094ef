// SPDX-License-Identifier: BSL-1.0
// The drift section (Config::drift): answers the providers' documents allow or leave open that the
// simulator's defaults never send. Each member is checked on the wire, and the admin API (counters,
// GET /__sim/jobs/{id}) must stay truthful about what was created, billed, deleted or cancelled.
#include "sim_test_support.hpp"

#include <string>
#include <vector>

namespace {

using reel_sim::Options;
using reel_sim::test::SimFixture;
using reel_sim::test::parse;
using reel_sim::test::polls_options;
using reel_sim::test::text_at;
namespace venice = reel_sim::venice;

const std::string t2v = "wan-2.5-preview-text-to-video";
const std::string grok = "grok-imagine-text-to-video-private";
const std::string queue_body =
    R"({"model":"wan-2.5-preview-text-to-video","prompt":"A gondola at sunset","duration":"5s","aspect_ratio":"16:9"})";
const std::string grok_body = R"({"model":"grok-imagine-text-to-video-private","prompt":"A fox","duration":"6s","aspect_ratio":"16:9"})";
const std::string create_body = R"({"model":"sora-2","prompt":"A capybara","seconds":"4","size":"1280x720"})";

std::string retrieve_body(const std::string& model, const std::string& id) {
  return R"({"model":")" + model + R"(","queue_id":")" + id + "\"}";
}

reel::http::Response create(SimFixture& f, const std::string& body, const std::string& query = "") {
  return f.call("POST", f.sim->lumenfall_url() + "/videos" + query, body);
}
reel::http::Response status(SimFixture& f, const std::string& id) {
  return f.call("GET", f.sim->lumenfall_url() + "/videos/" + id);
}
std::string created_id(SimFixture& f, const std::string& body = create_body) {
  const auto r = create(f, body);
  EXPECT_EQ(r.head.status, 202) << r.body;
  return text_at(r.body, {"id"});
}
std::string queued_id(SimFixture& f, const std::string& body = queue_body) {
  const auto r = f.venice("/video/queue", body);
  EXPECT_EQ(r.head.status, 200) << r.body;
  return text_at(r.body, {"queue_id"});
}

/// GET /__sim/jobs/{id}.
reel_sim::JobState job_state(SimFixture& f, const std::string& id) {
  const auto r = f.call("GET", f.sim->base_url() + "/__sim/jobs/" + id, "", "");
  EXPECT_EQ(r.head.status, 200) << r.body;
  return parse<reel_sim::JobState>(r.body);
}

/// The raw JSON text of the number at `key` of a top-level object, or "" when it is not a number.
std::string number_text(const std::string& body, std::string_view key) {
  reel::json::Value v;
  if (reel::json::read(body, v)) return "";
  const reel::json::Value* m = v.find(key);
  return m != nullptr && m->if_number() != nullptr ? m->if_number()->text : "";
}

Options with(Options o, auto set) {
  set(o.config.drift);
  return o;
}

TEST(Drift, OffByDefaultAndConfigurableAsJson) {
  const reel_sim::Drift d;
  EXPECT_FALSE(d.status_case || d.completed_status || d.cancelled_status || d.create_error_status || d.media_status ||
               d.media_body || d.link_delete_status || d.cleanup_status);
  EXPECT_TRUE(d.extra_statuses.empty() && d.models_missing_keys.empty() && d.models_malformed.empty());
  EXPECT_FALSE(d.fractional_numbers || d.nulls || d.omit_optional || d.dry_run_creates || d.create_truncated_body ||
               d.inference_failed_500);
  EXPECT_EQ(d.create_error_times, 1);
  EXPECT_EQ(d.capacity_503_polls, 0);
  EXPECT_EQ(d.announce_size_delta, 0);

  SimFixture f;
  const auto ok = f.call("POST", f.sim->base_url() + "/__sim/config",
                         R"({"job":{"polls":1},"drift":{"status_case":"lower","extra_statuses":["preprocessing"]}})", "");
  ASSERT_EQ(ok.head.status, 200) << ok.body;
  const auto config = f.call("GET", f.sim->base_url() + "/__sim/config", "", "");
  EXPECT_EQ(text_at(config.body, {"drift", "status_case"}), "lower") << config.body;
  EXPECT_EQ(text_at(config.body, {"drift", "create_error_times"}), "1") << config.body;
  const auto bad = f.call("POST", f.sim->base_url() + "/__sim/config", R"({"drift":{"no_such_drift":true}})", "");
  EXPECT_EQ(bad.head.status, 400);
  EXPECT_NE(bad.body.find("no_such_drift"), std::string::npos) << bad.body;
  EXPECT_EQ(f.call("GET", f.sim->base_url() + "/__sim/jobs/unknown", "", "").head.status, 404);
}

TEST(Drift, StatusCaseRewritesEveryStatusWord) {
  SimFixture lower(with(polls_options(2), [](reel_sim::Drift& d) { d.status_case = "lower"; }));
  const std::string grok_id = queued_id(lower, grok_body);
  EXPECT_EQ(text_at(lower.venice("/video/retrieve", retrieve_body(grok, grok_id)).body, {"status"}), "processing");
  EXPECT_EQ(text_at(lower.venice("/video/retrieve", retrieve_body(grok, grok_id)).body, {"status"}), "completed");

  SimFixture upper(with(polls_options(2), [](reel_sim::Drift& d) { d.status_case = "upper"; }));
  const auto created = create(upper, create_body);
  EXPECT_EQ(text_at(created.body, {"status"}), "QUEUED");
  const std::string id = text_at(created.body, {"id"});
  EXPECT_EQ(text_at(status(upper, id).body, {"status"}), "IN_PROGRESS");
  EXPECT_EQ(text_at(status(upper, id).body, {"status"}), "COMPLETED");
  const std::string failed = created_id(upper, R"({"model":"sora-2","prompt":"[fail]"})");
  status(upper, failed);
  EXPECT_EQ(text_at(status(upper, failed).body, {"status"}), "FAILED");

  SimFixture title(with(polls_options(2), [](reel_sim::Drift& d) { d.status_case = "title"; }));
  const std::string tid = created_id(title);
  EXPECT_EQ(text_at(status(title, tid).body, {"status"}), "In_Progress");
  const std::string vid = queued_id(title);
  EXPECT_EQ(text_at(title.venice("/video/retrieve", retrieve_body(t2v, vid)).body, {"status"}), "Processing");
}

TEST(Drift, ExtraStatusesComeFirstAndDoNotCountAsPolls) {
  const std::vector<std::string> extra = {"preprocessing", "QUEUED", "finalizing"};
  SimFixture f(with(polls_options(1), [&](reel_sim::Drift& d) { d.extra_statuses = extra; }));
  const std::string id = queued_id(f);
  for (const auto& s : extra) {
    const auto r = f.venice("/video/retrieve", retrieve_body(t2v, id));
    ASSERT_EQ(r.head.status, 200);
    EXPECT_EQ(r.head.headers.find("Content-Type"), "application/json");
    EXPECT_EQ(text_at(r.body, {"status"}), s);
    EXPECT_NE(text_at(r.body, {"average_execution_time"}), "<absent>");
  }
  const auto done = f.venice("/video/retrieve", retrieve_body(t2v, id));  // the one poll of `polls: 1`
  EXPECT_EQ(done.head.headers.find("Content-Type"), "video/mp4");
  const auto state = job_state(f, id);
  EXPECT_EQ(state.polls, 4);
  EXPECT_EQ(state.drift_polls, 3);

  const std::string lid = created_id(f);
  for (const auto& s : extra) {
    const auto r = status(f, lid);
    EXPECT_EQ(text_at(r.body, {"status"}), s);
    EXPECT_EQ(text_at(r.body, {"output"}), "null");
    EXPECT_EQ(text_at(r.body, {"completed_at"}), "null");
  }
  EXPECT_EQ(text_at(status(f, lid).body, {"status"}), "completed");
  EXPECT_EQ(job_state(f, lid).drift_polls, 3);
}

TEST(Drift, CompletedAndCancelledSpellings) {
  SimFixture f(with(polls_options(1), [](reel_sim::Drift& d) {
    d.completed_status = "succeeded";
    d.cancelled_status = "canceled";
  }));
  const std::string id = created_id(f);
  const auto done = status(f, id);
  EXPECT_EQ(text_at(done.body, {"status"}), "succeeded");
  EXPECT_NE(text_at(done.body, {"output", "url"}), "<absent>");

  const std::string running = created_id(f);
  const auto cancel = f.call("DELETE", f.sim->lumenfall_url() + "/videos/" + running);
  ASSERT_EQ(cancel.head.status, 200) << cancel.body;
  EXPECT_EQ(text_at(cancel.body, {"status"}), "canceled");
  EXPECT_EQ(text_at(cancel.body, {"object"}), "video");
  const auto later = status(f, running);
  ASSERT_EQ(later.head.status, 200) << later.body;
  EXPECT_EQ(text_at(later.body, {"status"}), "canceled");
  EXPECT_EQ(text_at(later.body, {"output"}), "null");
  const auto state = job_state(f, running);
  EXPECT_TRUE(state.cancelled);
  EXPECT_FALSE(state.deleted);
  EXPECT_EQ(state.phase, "cancelled");
  const auto counters = f.counters();
  EXPECT_EQ(counters.jobs_cancelled, 1);
  EXPECT_EQ(counters.jobs_deleted, 0);
  EXPECT_EQ(counters.requests_after_cleanup, 1);  // the GET after the cancel
}

TEST(Drift, FractionalNumbers) {
  SimFixture f(with(polls_options(2), [](reel_sim::Drift& d) { d.fractional_numbers = true; }));
  const std::string id = created_id(f);
  const auto running = status(f, id);
  EXPECT_EQ(number_text(running.body, "progress"), "50.5") << running.body;
  const std::string created_at = number_text(running.body, "created_at");
  EXPECT_EQ(created_at.substr(created_at.size() - 3), ".25") << running.body;
  EXPECT_EQ(number_text(running.body, "seconds"), "4.5") << running.body;
  const auto done = status(f, id);
  EXPECT_EQ(number_text(done.body, "progress"), "100.0") << done.body;
  const std::string completed_at = number_text(done.body, "completed_at");
  const std::string expires_at = number_text(done.body, "expires_at");
  ASSERT_GT(completed_at.size(), 3u) << done.body;
  EXPECT_EQ(completed_at.substr(completed_at.size() - 3), ".75");
  EXPECT_EQ(expires_at.substr(expires_at.size() - 3), ".75");
  EXPECT_NE(text_at(done.body, {"output", "url"}), "<absent>");
}

TEST(Drift, NullsForOptionalFields) {
  SimFixture f(with(polls_options(1), [](reel_sim::Drift& d) { d.nulls = true; }));
  const auto created = create(f, create_body);
  for (const char* key : {"metadata", "model", "size", "error", "output", "completed_at"}) {
    EXPECT_EQ(text_at(created.body, {key}), "null") << key << ": " << created.body;
  }
  EXPECT_NE(number_text(created.body, "progress"), "");  // still running: a number
  const auto done = status(f, text_at(created.body, {"id"}));
  EXPECT_EQ(text_at(done.body, {"progress"}), "null") << done.body;
  EXPECT_EQ(text_at(done.body, {"status"}), "completed");
  EXPECT_NE(text_at(done.body, {"output", "url"}), "<absent>");
  const auto failed = status(f, created_id(f, R"({"model":"sora-2","prompt":"[fail]"})"));
  EXPECT_EQ(text_at(failed.body, {"error", "code"}), "null") << failed.body;
  EXPECT_NE(text_at(failed.body, {"error", "message"}), "<absent>");
}

TEST(Drift, OmitOptionalFields) {
  SimFixture f(with(polls_options(1), [](reel_sim::Drift& d) { d.omit_optional = true; }));
  const auto created = create(f, create_body);
  for (const char* key : {"progress", "created_at", "completed_at"}) {
    EXPECT_EQ(text_at(created.body, {key}), "<absent>") << key << ": " << created.body;
  }
  const auto done = status(f, text_at(created.body, {"id"}));
  EXPECT_EQ(text_at(done.body, {"completed_at"}), "<absent>") << done.body;
  EXPECT_EQ(text_at(done.body, {"status"}), "completed");
  const auto failed = status(f, created_id(f, R"({"model":"sora-2","prompt":"[fail]"})"));
  EXPECT_EQ(text_at(failed.body, {"error", "code"}), "<absent>") << failed.body;
  EXPECT_NE(text_at(failed.body, {"error", "message"}), "<absent>");
}

TEST(Drift, ModelsWithMissingKeysAndMalformedConstraints) {
  SimFixture f(with(Options{}, [](reel_sim::Drift& d) {
    d.models_missing_keys = {"aspect_ratios", "resolutions"};
    d.models_malformed = {t2v};
  }));
  const auto r = f.call("GET", f.sim->venice_url() + "/models?type=video", "", "");
  ASSERT_EQ(r.head.status, 200);
  reel::json::Value v;
  ASSERT_FALSE(reel::json::read(r.body, v)) << r.body;
  const auto* data = v.find("data");
  ASSERT_TRUE(data != nullptr && data->if_array() != nullptr && !data->if_array()->empty());
  for (const auto& m : *data->if_array()) {
    const auto* c = reel_sim::test::member(m, {"model_spec", "constraints"});
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->find("aspect_ratios"), nullptr);
    EXPECT_EQ(c->find("resolutions"), nullptr);
    ASSERT_NE(c->find("durations"), nullptr);
    if (*m.find_string("id") == t2v) {
      ASSERT_NE(c->find_string("durations"), nullptr) << r.body;
      EXPECT_EQ(*c->find_string("durations"), "5s");
    } else {
      EXPECT_TRUE(c->find("durations")->is_array());
    }
  }
}

TEST(Drift, DryRunCreatesABilledJob) {
  SimFixture f(with(Options{}, [](reel_sim::Drift& d) { d.dry_run_creates = true; }));
  const auto r = create(f, create_body, "?dryRun=true");
  ASSERT_EQ(r.head.status, 202) << r.body;
  EXPECT_EQ(text_at(r.body, {"object"}), "video");
  const std::string id = text_at(r.body, {"id"});
  auto state = job_state(f, id);
  EXPECT_TRUE(state.created_by_dry_run);
  EXPECT_DOUBLE_EQ(state.cost_usd, 0.4);
  EXPECT_EQ(f.counters().jobs_created, 1);
  EXPECT_EQ(f.counters().jobs_billed, 1);
  // The client can see its cancel landed.
  EXPECT_EQ(f.call("DELETE", f.sim->lumenfall_url() + "/videos/" + id).head.status, 200);
  state = job_state(f, id);
  EXPECT_TRUE(state.cancelled);
  EXPECT_EQ(state.phase, "cancelled");
}

TEST(Drift, CreateErrorAfterTheJobWasCreated) {
  SimFixture f(with(Options{}, [](reel_sim::Drift& d) {
    d.create_error_status = 502;
    d.create_error_times = 1;
  }));
  const auto first = f.venice("/video/queue", queue_body);
  EXPECT_EQ(first.head.status, 502);
  EXPECT_EQ(first.head.headers.find("Content-Type"), "text/html");
  EXPECT_NE(first.body.find("502 Bad Gateway"), std::string::npos) << first.body;
  auto counters = f.counters();
  EXPECT_EQ(counters.jobs_created, 1);
  EXPECT_EQ(counters.jobs_billed, 1);
  EXPECT_EQ(f.venice("/video/queue", queue_body).head.status, 200);  // only the first create
  EXPECT_EQ(f.counters().jobs_created, 2);

  // Lumenfall: counted separately; a retry with the same idempotency key finds the created job.
  const std::string body = R"({"model":"sora-2","prompt":"p","idempotency_key":"k-1"})";
  const auto lost = create(f, body);
  EXPECT_EQ(lost.head.status, 502);
  EXPECT_EQ(lost.head.headers.find("Content-Type"), "text/html");
  const auto retry = create(f, body);
  EXPECT_EQ(retry.head.status, 200) << retry.body;
  counters = f.counters();
  EXPECT_EQ(counters.jobs_created, 3);
  EXPECT_EQ(counters.jobs_created_by_idempotency_key.at("k-1"), 1);
  EXPECT_EQ(job_state(f, text_at(retry.body, {"id"})).idempotency_key, "k-1");

  SimFixture g(with(Options{}, [](reel_sim::Drift& d) {
    d.create_error_status = 524;
    d.create_error_times = 2;
  }));
  EXPECT_EQ(create(g, create_body).head.status, 524);
  EXPECT_EQ(create(g, create_body).head.status, 524);
  EXPECT_EQ(create(g, create_body).head.status, 202);
  EXPECT_EQ(g.counters().jobs_created, 3);
}

TEST(Drift, CreateTruncatedBody) {
  SimFixture f(with(Options{}, [](reel_sim::Drift& d) { d.create_truncated_body = true; }));
  const auto cut = f.venice("/video/queue", grok_body);
  ASSERT_EQ(cut.head.status, 200);
  EXPECT_EQ(cut.head.headers.find("Content-Type"), "application/json");
  EXPECT_EQ(cut.head.headers.find("Content-Length"), std::to_string(cut.body.size()));
  reel::json::Value v;
  EXPECT_TRUE(reel::json::read(cut.body, v)) << "readable: " << cut.body;
  const std::string tail = R"(","download_url":"htt)";
  ASSERT_GE(cut.body.size(), tail.size());
  EXPECT_EQ(cut.body.substr(cut.body.size() - tail.size()), tail) << cut.body;
  EXPECT_NE(cut.body.find("\"queue_id\":\""), std::string::npos);
  EXPECT_EQ(f.counters().jobs_created, 1);
  EXPECT_EQ(f.venice("/video/queue", grok_body).body.back(), '}');  // first create only

  SimFixture g(with(Options{}, [](reel_sim::Drift& d) { d.create_truncated_body = true; }));
  const auto pub = g.venice("/video/queue", queue_body);
  EXPECT_EQ(pub.body.back(), '"') << pub.body;
  EXPECT_NE(pub.body.find("\"queue_id\":\""), std::string::npos);
  EXPECT_EQ(g.counters().jobs_created, 1);
}

TEST(Drift, InferenceFailed500) {
  SimFixture f(with(polls_options(1), [](reel_sim::Drift& d) { d.inference_failed_500 = true; }));
  const std::string id = queued_id(f, R"({"model":"wan-2.5-preview-text-to-video","prompt":"[fail]","duration":"5s","aspect_ratio":"16:9"})");
  for (int i = 0; i < 3; ++i) {
    const auto r = f.venice("/video/retrieve", retrieve_body(t2v, id));
    EXPECT_EQ(r.head.status, 500);
    EXPECT_EQ(r.body, R"({"error":"Inference failed"})");
  }
}

TEST(Drift, Capacity503PollsBeforeNormalAnswers) {
  SimFixture f(with(polls_options(1), [](reel_sim::Drift& d) { d.capacity_503_polls = 2; }));
  const std::string id = queued_id(f);
  for (int i = 0; i < 2; ++i) {
    const auto r = f.venice("/video/retrieve", retrieve_body(t2v, id));
    EXPECT_EQ(r.head.status, 503);
    EXPECT_NE(text_at(r.body, {"error"}).find("at capacity"), std::string::npos) << r.body;
  }
  EXPECT_EQ(f.venice("/video/retrieve", retrieve_body(t2v, id)).head.headers.find("Content-Type"), "video/mp4");
  EXPECT_EQ(job_state(f, id).drift_polls, 2);
}

TEST(Drift, MediaStatusLikeAStorageBucket) {
  SimFixture f(with(polls_options(1), [](reel_sim::Drift& d) {
    d.media_status = 403;
    d.media_status_times = 1;
  }));
  const auto q = f.venice("/video/queue", grok_body);
  const std::string url = text_at(q.body, {"download_url"});
  const std::string id = text_at(q.body, {"queue_id"});
  f.venice("/video/retrieve", retrieve_body(grok, id));
  const auto denied = f.call("GET", url, "", "");
  EXPECT_EQ(denied.head.status, 403);
  EXPECT_EQ(denied.head.headers.find("Content-Type"), "application/xml");
  EXPECT_NE(denied.body.find("<Code>AccessDenied</Code>"), std::string::npos) << denied.body;
  const auto ok = f.call("GET", url, "", "");  // only the first GET
  EXPECT_EQ(ok.head.status, 200);
  EXPECT_EQ(ok.body, std::string(reel_sim::sample_mp4()));

  SimFixture g(with(polls_options(1), [](reel_sim::Drift& d) { d.media_status = 404; }));
  const std::string lid = created_id(g);
  const std::string out = text_at(status(g, lid).body, {"output", "url"});
  for (int i = 0; i < 3; ++i) {
    const auto r = g.call("GET", out, "", "");
    EXPECT_EQ(r.head.status, 404);
    EXPECT_NE(r.body.find("NoSuchKey"), std::string::npos) << r.body;
  }
  EXPECT_EQ(g.counters().requests.at("lumenfall.media 404"), 3);
}

TEST(Drift, MediaBodyThatIsNotAVideo) {
  for (const std::string kind : {"html", "json"}) {
    SimFixture f(with(polls_options(1), [&](reel_sim::Drift& d) { d.media_body = kind; }));
    const std::string id = created_id(f);
    const std::string url = text_at(status(f, id).body, {"output", "url"});
    const auto r = f.call("GET", url, "", "");
    ASSERT_EQ(r.head.status, 200);
    EXPECT_EQ(r.head.headers.find("Content-Type"), kind == "html" ? "text/html" : "application/json");
    EXPECT_EQ(r.head.headers.find("Content-Length"), std::to_string(r.body.size()));
    EXPECT_NE(r.body.substr(0, 8), std::string(reel_sim::sample_mp4()).substr(0, 8));
    if (kind == "json") {
      EXPECT_NE(text_at(r.body, {"error"}), "<absent>");
    }

    const auto q = f.venice("/video/queue", grok_body);
    f.venice("/video/retrieve", retrieve_body(grok, text_at(q.body, {"queue_id"})));
    const auto link = f.call("GET", text_at(q.body, {"download_url"}), "", "");
    EXPECT_EQ(link.head.status, 200);
    EXPECT_EQ(link.head.headers.find("Content-Type"), kind == "html" ? "text/html" : "application/json");
  }
}

TEST(Drift, AnnouncedSizeDiffersFromTheRealOne) {
  SimFixture f(with(polls_options(1), [](reel_sim::Drift& d) { d.announce_size_delta = 100; }));
  const std::string id = created_id(f);
  const auto done = status(f, id);
  const auto real = reel_sim::sample_mp4().size();
  EXPECT_EQ(text_at(done.body, {"output", "size_bytes"}), std::to_string(real + 100));
  const auto video = f.call("GET", text_at(done.body, {"output", "url"}), "", "");
  EXPECT_EQ(video.head.status, 200);
  EXPECT_EQ(video.body.size(), real);
  EXPECT_EQ(video.head.headers.find("Content-Length"), std::to_string(real));
}

TEST(Drift, CleanupAnswersThatDeleteNothing) {
  SimFixture f(with(polls_options(1), [](reel_sim::Drift& d) {
    d.link_delete_status = 403;
    d.cleanup_status = 409;
  }));
  const auto q = f.venice("/video/queue", grok_body);
  const std::string url = text_at(q.body, {"download_url"});
  const std::string vid = text_at(q.body, {"queue_id"});
  f.venice("/video/retrieve", retrieve_body(grok, vid));
  EXPECT_EQ(f.call("DELETE", url, "", "").head.status, 403);
  EXPECT_FALSE(job_state(f, vid).link_revoked);
  EXPECT_EQ(f.call("GET", url, "", "").head.status, 200);  // the link still works

  const std::string id = created_id(f);
  const std::string out = text_at(status(f, id).body, {"output", "url"});
  const auto refused = f.call("DELETE", f.sim->lumenfall_url() + "/videos/" + id);
  EXPECT_EQ(refused.head.status, 409);
  EXPECT_NE(text_at(refused.body, {"error", "message"}), "<absent>");
  EXPECT_EQ(status(f, id).head.status, 200);  // the provider copy still exists
  EXPECT_EQ(f.call("GET", out, "", "").head.status, 200);
  const auto state = job_state(f, id);
  EXPECT_FALSE(state.deleted);
  EXPECT_FALSE(state.cleaned);
  const auto counters = f.counters();
  EXPECT_EQ(counters.jobs_deleted, 0);
  EXPECT_EQ(counters.links_revoked, 0);
  EXPECT_EQ(counters.requests_after_cleanup, 0);
}

TEST(Drift, AdminJobStateIsTruthfulWithoutDrift) {
  SimFixture f(polls_options(1));
  const std::string vid = queued_id(f);
  EXPECT_EQ(job_state(f, vid).phase, "running");
  f.venice("/video/retrieve", retrieve_body(t2v, vid));
  EXPECT_EQ(f.venice("/video/complete", retrieve_body(t2v, vid)).head.status, 200);
  auto state = job_state(f, vid);
  EXPECT_EQ(state.phase, "succeeded");
  EXPECT_TRUE(state.deleted);
  EXPECT_TRUE(state.cleaned);
  EXPECT_FALSE(state.cancelled);
  EXPECT_DOUBLE_EQ(state.cost_usd, 0.25);

  const std::string lid = created_id(f);
  EXPECT_EQ(f.call("DELETE", f.sim->lumenfall_url() + "/videos/" + lid).head.status, 200);  // running: a cancel
  state = job_state(f, lid);
  EXPECT_TRUE(state.cancelled);
  EXPECT_FALSE(state.deleted);
  EXPECT_EQ(status(f, lid).head.status, 404);  // without cancelled_status the job is gone
  const auto counters = f.counters();
  EXPECT_EQ(counters.jobs_deleted, 1);
  EXPECT_EQ(counters.jobs_cancelled, 1);
  EXPECT_EQ(counters.jobs_billed, 2);
  EXPECT_DOUBLE_EQ(counters.billed_usd, 0.65);
  EXPECT_EQ(counters.drift_answers, 0);
}

}  // namespace
