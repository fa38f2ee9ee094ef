// SPDX-License-Identifier: BSL-1.0
// Security properties as tests: Authorization never reaches a download host or another origin on
// a redirect; the API key never appears in any error, outcome, handle, progress report or output
// of failing jobs; TLS verification cannot be switched off by accident (no such option exists,
// and untrusted, expired and wrong-host certificates are refused by default).
#include "fault_world.hpp"

#include <http/support/test_server.hpp>

#include <reel/json.hpp>

#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace reel_faults {
namespace {

/// A distinctive key: any string containing it (or its distinctive tail) is a leak.
constexpr const char* canary_key = "sk-reel-canary-7d41c9e2b8f05a63";
constexpr const char* canary_tail = "7d41c9e2b8f05a63";

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

/// The request target of a raw request ("GET /path HTTP/1.1" → "/path").
std::string path_of(const std::string& raw) {
  const auto sp1 = raw.find(' ');
  return raw.substr(sp1 + 1, raw.find(' ', sp1 + 1) - sp1 - 1);
}

/// Whether the head of the raw request `raw` has a field `name`.
bool has_header(const std::string& raw, const std::string& name) {
  const std::string head = lower(raw.substr(0, raw.find("\r\n\r\n")));
  return head.find("\r\n" + lower(name) + ":") != std::string::npos;
}

// ---- Authorization and download hosts ------------------------------------------------------------

TEST(Security, AuthorizationNeverReachesTheMediaOrigin) {
  reel_sim::Options so = fast_options();
  so.config.job.output_bytes = 200'000;
  World w(std::move(so));
  // A broken first transfer of each, so the resumed requests are checked too.
  w.sim.rules(R"([
    {"match":{"endpoint":"venice.download"},"times":1,"fault":{"reset_at":60000}},
    {"match":{"endpoint":"lumenfall.media"},"times":1,"fault":{"reset_at":60000}}
  ])");
  VeniceJob venice(w.http, w.venice(), w.venice_account, w.options());
  const auto a = w.run(generate(venice, venice_request("media auth"), w.out("a.mp4")));
  ASSERT_TRUE(a.ok()) << a.error.message();
  LumenfallJob lumenfall(w.http, w.lumenfall(), w.lumenfall_account, w.options());
  const auto b = w.run(generate(lumenfall, lumenfall_request("media auth"), w.out("b.mp4")));
  ASSERT_TRUE(b.ok()) << b.error.message();
  auto c = w.sim.counters();
  EXPECT_EQ(count(c, "venice.download 200") + count(c, "venice.download 206"), 2);
  EXPECT_EQ(count(c, "lumenfall.media 200") + count(c, "lumenfall.media 206"), 2);
  EXPECT_EQ(c.media_requests_with_authorization, 0);
  // The counter does see an Authorization header when one is sent (the check is not blind).
  ASSERT_TRUE(a.handle.download_url);
  w.sim.call("GET", *a.handle.download_url, "", "some-key");
  c = w.sim.counters();
  EXPECT_EQ(c.media_requests_with_authorization, 1);
}

/// Two servers on 127.0.0.1 (two origins): `api` redirects as `routes` says, `other` answers 200.
struct RedirectWorld {
  static reel::test::TestServer::Handler router(std::map<std::string, std::string>* routes) {
    return [routes](reel::test::Peer& peer) -> asio::awaitable<void> {
      for (;;) {
        const std::string request = co_await peer.read_request();
        if (request.empty()) co_return;
        const auto it = routes->find(path_of(request));
        std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        if (it != routes->end()) {
          response = it->second;
        }
        co_await peer.write(response);
      }
    };
  }
  static std::string redirect(int status, const std::string& location) {
    return "HTTP/1.1 " + std::to_string(status) + " Moved\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n";
  }

  reel::test::SendOutcome get(const std::string& url, const std::string& method = "GET") {
    reel::http::Request r;
    r.method = method;
    r.url = url;
    if (method == "POST") r.body = "{}";
    r.headers.set("Authorization", std::string("Bearer ") + canary_key);
    r.headers.set("Cookie", "session=1");
    reel::http::RequestOptions options;
    options.max_redirects = 5;
    options.timeouts.total = 5s;
    return client.send(r, options);
  }

  std::map<std::string, std::string> api_routes, other_routes;
  reel::test::TestServer api{router(&api_routes)};
  reel::test::TestServer other{router(&other_routes)};
  reel::test::Harness client;
};

TEST(Security, AuthorizationIsDroppedOnCrossOriginRedirects) {
  RedirectWorld rw;
  rw.api_routes["/302"] = RedirectWorld::redirect(302, rw.other.url("/landed"));
  rw.api_routes["/307"] = RedirectWorld::redirect(307, rw.other.url("/landed-307"));
  rw.api_routes["/same"] = RedirectWorld::redirect(301, "/same-landed");
  // Same port, another host name: another origin.
  rw.api_routes["/by-name"] = RedirectWorld::redirect(308, rw.api.url("/named", "localhost"));
  // Away and back: once dropped, the credentials stay dropped.
  rw.api_routes["/away"] = RedirectWorld::redirect(302, rw.other.url("/back"));
  rw.other_routes["/back"] = RedirectWorld::redirect(302, rw.api.url("/home"));

  for (const char* path : {"/302", "/same", "/by-name", "/away"}) {
    const auto r = rw.get(rw.api.url(path));
    ASSERT_TRUE(r) << path << ": " << r.error().code.message();
    EXPECT_EQ(r->head.status, 200) << path;
  }
  const auto posted = rw.get(rw.api.url("/307"), "POST");
  ASSERT_TRUE(posted) << posted.error().code.message();

  std::map<std::string, std::string> seen;  // path → raw request, on either server
  for (const auto& raw : rw.api.requests()) seen[path_of(raw)] = raw;
  for (const auto& raw : rw.other.requests()) seen[path_of(raw)] = raw;
  for (const char* path : {"/302", "/307", "/same", "/by-name", "/away"}) {
    ASSERT_TRUE(seen.count(path)) << path;
    EXPECT_TRUE(has_header(seen[path], "authorization")) << "the original request carries the key: " << path;
  }
  EXPECT_TRUE(has_header(seen.at("/same-landed"), "authorization")) << "same origin keeps it";
  for (const char* path : {"/landed", "/landed-307", "/named", "/back", "/home"}) {
    ASSERT_TRUE(seen.count(path)) << path;
    EXPECT_FALSE(has_header(seen[path], "authorization")) << path << "\n" << seen[path];
    EXPECT_FALSE(has_header(seen[path], "cookie")) << path;
    EXPECT_EQ(seen[path].find(canary_tail), std::string::npos) << path;
  }
  EXPECT_EQ(seen.at("/landed-307").rfind("POST ", 0), 0u);  // 307 keeps the method, not the key
}

// ---- the key never appears in what reel produces -------------------------------------------------

/// Everything a failing job produces as text: outcome, error, provider details, handle (as
/// JSON), file name, progress reports.
struct Collected {
  std::vector<std::string> texts;
  void add(const reel::job::Outcome& o) {
    texts.push_back(std::string(reel::job::to_string(o.kind)));
    texts.push_back(o.error.message());
    texts.push_back(o.error.code.message());
    texts.push_back(o.error.provider.code);
    texts.push_back(o.error.provider.message);
    for (const auto* opt : {&o.error.provider.more().policy_text, &o.error.provider.more().consent_version,
                            &o.error.provider.more().suggested_prompt, &o.error.provider.more().recommended_model}) {
      if (*opt) texts.push_back(**opt);
    }
    const auto handle = reel::json::write_string(o.handle);
    texts.push_back(handle ? *handle : std::string("<handle not writable>"));
    texts.push_back(o.file.string());
  }
  std::function<void(const reel::job::JobProgress&)> progress() {
    return [this](const reel::job::JobProgress& p) {
      texts.push_back(std::string(reel::job::to_string(p.stage)) + " " + std::to_string(p.polls) + " " +
                      std::to_string(p.bytes));
    };
  }
  void expect_no_key() const {
    ASSERT_FALSE(texts.empty());
    for (const auto& t : texts) {
      EXPECT_EQ(t.find(canary_tail), std::string::npos) << "the key leaked into: " << t;
    }
  }
};

/// A provider that echoes the request's Authorization header in its error message.
reel::test::TestServer::Handler echoing_provider(int status) {
  return [status](reel::test::Peer& peer) -> asio::awaitable<void> {
    for (;;) {
      const std::string request = co_await peer.read_request();
      if (request.empty()) co_return;
      std::string auth;
      const std::string low = lower(request);
      if (const auto at = low.find("\r\nauthorization:"); at != std::string::npos) {
        auth = request.substr(at + 16, request.find("\r\n", at + 2) - at - 16);
      }
      const std::string body = R"({"error":{"message":"invalid key )" + auth + R"(","type":"auth","code":"INVALID_KEY )" +
                               auth + R"("},"detail":")" + auth + R"("})";
      co_await peer.write("HTTP/1.1 " + std::to_string(status) + " Nope\r\nContent-Type: application/json\r\n"
                          "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    }
  };
}

TEST(Security, TheKeyNeverAppearsInFailingJobs) {
  reel_sim::Options so;
  so.config.job = reel_sim::JobSpec{};
  so.config.job.duration_ms = 60'000;
  so.config.api_keys = {"the-only-accepted-key"};
  World w(std::move(so));
  Collected all;
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  // One account per job, so that one case's failures do not pause the next through the guard.
  std::vector<std::unique_ptr<reel::job::Account>> accounts;
  auto account = [&]() -> reel::job::Account& {
    accounts.push_back(std::make_unique<reel::job::Account>(reel::steady_clock(), reel::job::AccountLimits::none()));
    return *accounts.back();
  };
  auto opts = [&](std::chrono::milliseconds deadline = 20s) {
    reel::JobOptions o = w.options(deadline);
    o.on_progress = all.progress();
    return o;
  };
  {  // 401 from both providers: refused
    VeniceJob v(w.http, w.venice(canary_key), account(), opts());
    all.add(w.run(generate(v, venice_request("unauthorized"), w.out("1.mp4"))));
    LumenfallJob l(w.http, w.lumenfall(canary_key), account(), opts());
    all.add(w.run(generate(l, lumenfall_request("unauthorized"), w.out("2.mp4"))));
  }
  w.sim.call("POST", w.sim.sim->base_url() + "/__sim/config",
             std::string(R"({"api_keys":[")") + canary_key + R"("],"job":{"duration_ms":60000}})", "");
  {  // ambiguous create, deadline while polling, a job deleted elsewhere, 5xx and reset polls
    w.sim.rules(R"([{"match":{"endpoint":"venice.queue"},"times":1,"fault":{"reset_at":0}},
                    {"match":{"endpoint":"lumenfall.retrieve"},"times":2,"fault":{"status":500}},
                    {"match":{"endpoint":"lumenfall.retrieve"},"times":1,"fault":{"reset_at":5}}])");
    VeniceJob v(w.http, w.venice(canary_key), account(), opts());
    all.add(w.run(generate(v, venice_request("ambiguous"), w.out("3.mp4"))));
    LumenfallJob l(w.http, w.lumenfall(canary_key), account(), opts(800ms));
    all.add(w.run(generate(l, lumenfall_request("deadline"), w.out("4.mp4"))));
    LumenfallJob gone(w.http, w.lumenfall(canary_key), account(), opts());
    ASSERT_TRUE(w.run(submit(gone, lumenfall_request("gone"))));
    w.sim.call("DELETE", w.sim.sim->lumenfall_url() + "/videos/" + gone.handle().job_id, "", canary_key);
    all.add(w.run(finish(gone, w.out("5.mp4"))));
  }
  {  // nothing listening
    LumenfallJob closed(w.http, reel::Lumenfall{canary_key, "http://127.0.0.1:1/openai/v1"}, account(), opts(2s));
    all.add(w.run(generate(closed, lumenfall_request("closed"), w.out("9.mp4"))));
  }
  const std::string out = testing::internal::GetCapturedStdout();
  const std::string err = testing::internal::GetCapturedStderr();
  all.texts.push_back(out);
  all.texts.push_back(err);
  all.expect_no_key();
  // The cases did fail as intended (the search above looked at real failures).
  std::string kinds;
  for (const auto& t : all.texts) {
    if (t == "refused" || t == "ambiguous" || t == "deadline" || t == "error") kinds += t + " ";
  }
  EXPECT_EQ(kinds, "refused refused ambiguous deadline error error ");
}

// Known gap (docs/faults.md): a provider that echoes the Authorization header in its error
// messages gets the key into `ProviderError::message` and `code`. This is the test that passes
// once reel scrubs the key from what providers say (run with --gtest_also_run_disabled_tests).
TEST(Security, TheKeyNeverAppearsEvenWhenTheProviderEchoesIt) {
  ScratchDir dir;
  asio::io_context io;
  reel::http::Client http(io.get_executor());
  Collected all;
  auto run = [&](auto task) {
    std::optional<reel::job::Outcome> out;
    asio::co_spawn(io, std::move(task), reel_test::store_into(out));
    io.restart();
    io.run();
    all.add(*out);
  };
  reel::test::TestServer echo(echoing_provider(401));
  reel::test::TestServer echo_poll(echoing_provider(500));
  reel::job::Account a1, a2, a3;
  reel::JobOptions options;
  options.deadline = reel::steady_clock().now() + 20s;
  options.poll = reel::policy::FixedInterval{50ms};
  options.on_progress = all.progress();
  VeniceJob v(http, reel::Venice{canary_key, echo.url("/api/v1")}, a1, options);
  run(generate(v, venice_request("echo"), dir.path / "6.mp4"));
  LumenfallJob l(http, reel::Lumenfall{canary_key, echo.url("/openai/v1")}, a2, options);
  run(generate(l, lumenfall_request("echo"), dir.path / "7.mp4"));
  reel::job::JobHandle handle;
  handle.provider = "lumenfall";
  handle.job_id = "video_x";
  handle.base_url = echo_poll.url("/openai/v1");
  options.max_failed_polls = 2;
  LumenfallJob p(http, reel::Lumenfall{canary_key, echo_poll.url("/openai/v1")}, a3, handle, options);
  run(finish(p, dir.path / "8.mp4"));
  all.expect_no_key();
}

// ---- TLS -----------------------------------------------------------------------------------------

std::filesystem::path certs_dir() {
  const char* dir = std::getenv("REEL_TEST_CERTS");
  return dir == nullptr ? std::filesystem::path() : std::filesystem::path(dir);
}
#define REEL_NEED_CERTS()                                                                      \
  do {                                                                                        \
    if (certs_dir().empty() || !std::filesystem::exists(certs_dir() / "expired.pem"))        \
      GTEST_SKIP() << "REEL_TEST_CERTS has no test certificates (run through ctest)";         \
  } while (false)

// Names an "insecure" switch would have; none may exist on the options a user fills in.
template <class T> concept HasInsecure = requires(T t) { t.insecure; };
template <class T> concept HasVerify = requires(T t) { t.verify; };
template <class T> concept HasVerifyPeer = requires(T t) { t.verify_peer; };
template <class T> concept HasTlsVerify = requires(T t) { t.tls_verify; };
template <class T> concept HasVerifyTls = requires(T t) { t.verify_tls; };
template <class T> concept HasSkipVerify = requires(T t) { t.skip_verify; };
template <class T> concept HasInsecureSkipVerify = requires(T t) { t.insecure_skip_verify; };
template <class T> concept HasNoVerify = requires(T t) { t.no_verify; };
template <class T> concept HasVerifyMode = requires(T t) { t.verify_mode; };
template <class T>
constexpr bool no_verification_switch =
    !HasInsecure<T> && !HasVerify<T> && !HasVerifyPeer<T> && !HasTlsVerify<T> && !HasVerifyTls<T> &&
    !HasSkipVerify<T> && !HasInsecureSkipVerify<T> && !HasNoVerify<T> && !HasVerifyMode<T>;
static_assert(no_verification_switch<reel::http::ClientOptions>);
static_assert(no_verification_switch<reel::http::RequestOptions>);
static_assert(no_verification_switch<reel::JobOptions>);

TEST(Security, TlsRefusesUntrustedExpiredAndWrongHostCertificatesByDefault) {
  REEL_NEED_CERTS();
  const auto d = certs_dir();
  for (const char* name : {"untrusted", "expired", "wronghost", "server"}) {
    const reel::test::TlsFiles files{(d / (std::string(name) + ".pem")).string(),
                                     (d / (std::string(name) + "-key.pem")).string()};
    reel::test::TestServer server(reel::test::TestServer::canned("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), files);
    reel::http::Request r;
    r.url = server.url("/x");
    r.headers.set("Authorization", std::string("Bearer ") + canary_key);
    reel::http::ClientOptions trusting_the_test_ca;
    trusting_the_test_ca.ca_file = (d / "ca.pem").string();
    reel::test::Harness client(trusting_the_test_ca);
    const auto got = client.send(r);
    if (std::string(name) == "server") {
      ASSERT_TRUE(got) << got.error().code.message();  // the same client accepts a good certificate
      EXPECT_EQ(got->body, "ok");
      reel::test::Harness system_store_only;  // the default: the test CA is not trusted
      const auto refused = system_store_only.send(r);
      ASSERT_FALSE(refused);
      EXPECT_EQ(refused.error().code, reel::http::Errc::tls_verification_failed);
    } else {
      ASSERT_FALSE(got) << name << " was accepted";
      EXPECT_EQ(got.error().code, reel::http::Errc::tls_verification_failed) << name << ": " << got.error().code.message();
      EXPECT_EQ(got.error().stage, reel::http::Stage::connect);
      for (const auto& raw : server.requests()) EXPECT_EQ(raw.find(canary_tail), std::string::npos);
      EXPECT_TRUE(server.requests().empty()) << "a request went over an unverified connection";
    }
  }
}

TEST(Security, JobAgainstASelfSignedProviderIsRefusedBeforeAnyRequest) {
  REEL_NEED_CERTS();
  const auto d = certs_dir();
  reel_sim::Options so = fast_options();
  so.tls = reel_sim::TlsFiles{(d / "untrusted.pem").string(), (d / "untrusted-key.pem").string()};
  World w(std::move(so));
  ASSERT_EQ(w.sim.sim->venice_url().rfind("https://", 0), 0u);
  VeniceJob job(w.http, w.venice(canary_key), w.venice_account, w.options(5s));
  const auto o = w.run(generate(job, venice_request("tls"), w.out("t.mp4")));
  expect_ending(o, OutcomeKind::error, reel::http::Errc::tls_verification_failed, w.out("t.mp4"), false);
  EXPECT_EQ(o.error.message().find(canary_tail), std::string::npos);
  EXPECT_EQ(w.sim.counters().jobs_created, 0);  // nothing was sent
}

TEST(Security, JobOverTlsWithTheTrustedCaSucceeds) {
  REEL_NEED_CERTS();
  const auto d = certs_dir();
  reel_sim::Options so = fast_options();
  so.tls = reel_sim::TlsFiles{(d / "server.pem").string(), (d / "server-key.pem").string()};
  World w(std::move(so));
  reel::http::ClientOptions co;
  co.ca_file = (d / "ca.pem").string();
  reel::http::Client tls_client(w.io.get_executor(), co);
  LumenfallJob job(tls_client, w.lumenfall(canary_key), w.lumenfall_account, w.options());
  const auto o = w.run(generate(job, lumenfall_request("tls ok"), w.out("ok.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("ok.mp4"));
  EXPECT_EQ(w.sim.counters().media_requests_with_authorization, 0);
}

}  // namespace
}  // namespace reel_faults
