// SPDX-License-Identifier: BSL-1.0
// A custom HttpClient: a decorator that logs and times every exchange of the client it wraps.
// main() wraps a ScriptedClient, so the example runs without a network. docs/http.md shows this
// file's LoggingClient.
#include <reel/http/client_concept.hpp>
#include <reel/testing/scripted_client.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

namespace {

const char* stage_name(reel::http::Stage stage) {
  switch (stage) {
    case reel::http::Stage::prepare: return "prepare";
    case reel::http::Stage::connect: return "connect";
    case reel::http::Stage::send: return "send";
    case reel::http::Stage::response: return "response";
    case reel::http::Stage::body: return "body";
  }
  return "?";
}

/// Logs each exchange of `Inner` with its duration; everything else is `Inner`'s.
template <reel::http::HttpClient Inner>
class LoggingClient {
public:
  using executor_type = typename Inner::executor_type;

  explicit LoggingClient(Inner& inner) : inner_(inner) {}

  executor_type get_executor() const { return inner_.get_executor(); }

  reel::http::SendResult<executor_type> send(const reel::http::Request& request,
                                             const reel::http::RequestOptions& options,
                                             const reel::http::BodyChooser& choose) {
    const auto start = std::chrono::steady_clock::now();
    auto result = co_await inner_.send(request, options, choose);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    // The query may hold a signed token and headers may hold keys: log neither.
    const std::string_view url = std::string_view(request.url).substr(0, request.url.find('?'));
    if (result) {
      std::printf("%s %.*s -> %d, %llu body bytes, %lld ms\n", request.method.c_str(), static_cast<int>(url.size()),
                  url.data(), result->head.status, static_cast<unsigned long long>(result->body_bytes),
                  static_cast<long long>(ms));
    } else {
      std::printf("%s %.*s -> %s (stage %s, %s), %lld ms\n", request.method.c_str(), static_cast<int>(url.size()),
                  url.data(), result.error().code.message().c_str(), stage_name(result.error().stage),
                  result.error().request_may_have_been_sent() ? "may have been sent" : "not sent",
                  static_cast<long long>(ms));
    }
    co_return std::move(result);
  }

private:
  Inner& inner_;
};

static_assert(reel::http::check_http_client<LoggingClient<reel::testing::ScriptedClient>>());

asio::awaitable<void> submit_and_poll(LoggingClient<reel::testing::ScriptedClient>& client, int& status) {
  reel::http::Request submit;
  submit.method = "POST";
  submit.url = "https://api.example/v1/jobs";
  submit.headers.add("Authorization", "Bearer secret");
  submit.body = R"({"prompt":"a lighthouse at dusk"})";
  const reel::http::RequestOptions options;
  const reel::http::BodyChooser buffer;  // no sink: the body is buffered in Response::body
  const auto created = co_await client.send(submit, options, buffer);
  if (!created) co_return;

  reel::http::Request poll;
  poll.url = "https://api.example/v1/jobs/j1?verbose=1";
  poll.headers.add("Authorization", "Bearer secret");
  for (int attempt = 0; attempt < 3; ++attempt) {  // a GET is safe to send again
    const auto polled = co_await client.send(poll, options, buffer);
    if (polled) {
      status = polled->head.status;
      co_return;
    }
  }
}

}  // namespace

int main() {
  asio::io_context io;
  reel::testing::ScriptedClient scripted(io.get_executor());
  scripted.expect("POST", "https://api.example/v1/jobs")
      .header("Authorization", "Bearer secret")
      .respond(201, R"({"id":"j1"})");
  scripted.expect_prefix("GET", "https://api.example/v1/jobs/j1").time_out(reel::http::Stage::response);
  scripted.expect_prefix("GET", "https://api.example/v1/jobs/j1").respond(200, R"({"status":"done"})");

  LoggingClient logging(scripted);
  int status = 0;
  asio::co_spawn(io, submit_and_poll(logging, status), asio::detached);
  io.run();
  // POST https://api.example/v1/jobs -> 201, 11 body bytes, 0 ms
  // GET https://api.example/v1/jobs/j1 -> timed out waiting for the response (stage response, may have been sent), 0 ms
  // GET https://api.example/v1/jobs/j1 -> 200, 17 body bytes, 0 ms
  return status == 200 && scripted.done() ? 0 : 1;
}
