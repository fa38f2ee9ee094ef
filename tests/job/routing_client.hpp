// SPDX-License-Identifier: BSL-1.0
// An in-memory HttpClient for job tests in virtual time that answers by URL (the order of
// concurrent requests is not scripted): Venice and Lumenfall jobs turn ready at their second poll.
#pragma once

#include <reel/http/client_concept.hpp>
#include <reel/testing/virtual_clock.hpp>

#include <asio/any_io_executor.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace reel_test {

/// An HttpClient answering each request from a function of (method, URL, body); every job's
/// status turns ready at its second poll.
class RoutingClient {
public:
  using executor_type = asio::any_io_executor;
  explicit RoutingClient(executor_type e) : executor_(std::move(e)) {}
  executor_type get_executor() const noexcept { return executor_; }

  reel::http::SendResult<executor_type> send(const reel::http::Request& request, const reel::http::RequestOptions&,
                                             const reel::http::BodyChooser& choose) {
    ++sent;
    max_concurrent = std::max(max_concurrent, ++concurrent);
    reel::http::Response r;
    r.head.status = 200;
    std::string body;
    const std::string& url = request.url;
    if (url.ends_with("/video/queue")) {
      body = R"({"model":"m","queue_id":"q)" + std::to_string(++created) + "\"}";
      if (clock) started["q" + std::to_string(created)] = clock->now();
    } else if (url.ends_with("/video/retrieve")) {
      const std::string id = request.body.substr(request.body.find("\"queue_id\":\"") + 12, std::string::npos);
      const std::string queue_id = id.substr(0, id.find('"'));
      const bool running = venice_run_time ? clock->now() - started[queue_id] < *venice_run_time : ++polls[id] < 2;
      if (venice_run_time) ++polls[id];
      if (running) {
        const auto estimate = venice_run_time ? venice_run_time->count() : 5000;
        body = R"({"status":"PROCESSING","average_execution_time":)" + std::to_string(estimate) +
               R"(,"execution_duration":100})";
      } else {
        r.head.headers.add("Content-Type", "video/mp4");
        body = "venice-video";
      }
    } else if (url.ends_with("/video/complete")) {
      body = R"({"success":true})";
    } else if (url.ends_with("/videos") && request.method == "POST") {
      body = R"({"id":"v)" + std::to_string(++created) + R"(","status":"queued"})";
    } else if (url.find("/videos/") != std::string::npos && request.method == "GET") {
      const std::string id = url.substr(url.rfind('/') + 1);
      body = ++polls[id] < 2 ? R"({"id":"x","status":"in_progress","progress":50})"
                             : R"({"id":"x","status":"completed","output":{"url":"https://cdn.example/)" + id + R"("}})";
    } else if (url.rfind("https://cdn.example/", 0) == 0) {
      r.head.headers.add("Content-Type", "video/mp4");
      body = "lumenfall-video";
    } else if (request.method == "DELETE") {
      body = R"({"id":"x","deleted":true})";
    } else {
      r.head.status = 404;
    }
    r.head.content_length = body.size();
    if (auto sink = choose ? choose(r.head) : std::nullopt) {
      (void)sink->write(body);
      (void)sink->finish();
      r.streamed = true;
      r.body_bytes = body.size();
    } else {
      r.body = body;
    }
    // Every answer takes one second of virtual time.
    co_await clock->sleep_for(std::chrono::seconds(1));
    --concurrent;
    co_return r;
  }

  reel::Clock* clock = nullptr;
  int sent = 0;
  int concurrent = 0;      ///< requests being answered now
  int max_concurrent = 0;  ///< most requests answered at once
  int created = 0;
  std::map<std::string, int> polls;
  /// Venice jobs: ready once this long has passed since their create (else: at the second poll).
  std::optional<std::chrono::milliseconds> venice_run_time;
  std::map<std::string, reel::Clock::time_point> started;

private:
  executor_type executor_;
};
static_assert(reel::http::HttpClient<RoutingClient>);

}  // namespace reel_test
