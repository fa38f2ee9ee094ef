// SPDX-License-Identifier: BSL-1.0
// Test support for the simulator: a simulator on its own thread and a client (reel's own
// reel::http::Client) that sends one request at a time and returns the outcome.
#pragma once

#include <http/support/client_harness.hpp>
#include <reel_sim/simulator.hpp>

#include <reel/json.hpp>

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reel_sim::test {

/// A running simulator plus a client to talk to it.
struct SimFixture {
  explicit SimFixture(Options options = {}) : sim(std::move(options)) {}

  /// Sends `method url` with an optional JSON body and bearer key; fails the test on transport errors.
  reel::http::Response call(std::string method, std::string url, std::string body = {}, std::string key = "test-key",
                            reel::http::Fields extra = {}) {
    reel::http::Request request;
    request.method = std::move(method);
    request.url = std::move(url);
    request.body = std::move(body);
    if (!request.body.empty()) request.headers.set("Content-Type", "application/json");
    if (!key.empty()) request.headers.set("Authorization", "Bearer " + key);
    for (const auto& f : extra) request.headers.set(f.name, f.value);
    auto outcome = client.send(request);
    if (!outcome) {
      ADD_FAILURE() << request.method << " " << request.url << ": " << outcome.error().code.message();
      return {};
    }
    return std::move(*outcome);
  }

  /// POST to Venice's `/api/v1<path>`.
  reel::http::Response venice(std::string_view path, std::string body, std::string key = "test-key") {
    return call("POST", sim->venice_url() + std::string(path), std::move(body), std::move(key));
  }

  /// The counters, read on the simulator's thread.
  Counters counters() {
    Counters c;
    const std::string text = sim.with_core([](Core& core) { return core.counters_json(); });
    EXPECT_FALSE(reel::json::read(text, c)) << text;
    return c;
  }

  /// Replaces the rules (a JSON array) through the admin endpoint.
  void rules(std::string json) {
    const auto r = call("POST", sim->base_url() + "/__sim/rules", std::move(json), "");
    ASSERT_EQ(r.head.status, 200) << r.body;
  }

  BackgroundSimulator sim;
  reel::test::Harness client;
};

/// Reads `body` as T, failing the test with the JSON error when it does not fit.
template <class T>
T parse(const std::string& body) {
  T out{};
  const reel::json::Error e = reel::json::read(body, out);
  EXPECT_FALSE(e) << e.message() << "\n" << body;
  return out;
}

/// The member at `path` (e.g. {"error", "type"}) of a JSON document, or nullptr.
inline const reel::json::Value* member(const reel::json::Value& v, std::initializer_list<std::string_view> path) {
  const reel::json::Value* at = &v;
  for (std::string_view key : path) {
    at = at->find(key);
    if (at == nullptr) return nullptr;
  }
  return at;
}

/// The string at `path` of a JSON body, or "<absent>".
inline std::string text_at(const std::string& body, std::initializer_list<std::string_view> path) {
  reel::json::Value v;
  if (reel::json::read(body, v)) return "<not json>";
  const reel::json::Value* m = member(v, path);
  if (m == nullptr) return "<absent>";
  if (const std::string* s = m->if_string()) return *s;
  if (const auto* n = m->if_number()) return n->text;
  if (const bool* b = m->if_bool()) return *b ? "true" : "false";
  if (m->is_null()) return "null";
  return "<structured>";
}

/// A multipart/form-data body of `fields` and one file part, `input_reference` (ref.png), whose
/// bytes hold a line that looks like a boundary but is not.
inline std::string form(const std::string& boundary, const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string body;
  for (const auto& [name, value] : fields) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
  }
  body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"input_reference\"; filename=\"ref.png\"\r\n"
          "Content-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n--not-the-boundary\r\n";
  return body + "--" + boundary + "--\r\n";
}

/// Options whose jobs finish after `polls` status requests (deterministic).
inline Options polls_options(std::int64_t polls) {
  Options o;
  o.config.job = JobSpec{};
  o.config.job.polls = polls;
  return o;
}

}  // namespace reel_sim::test
