// SPDX-License-Identifier: BSL-1.0
// Quote before generating, with a budget guard: the price is asked first (Venice /video/quote,
// no money spent), and the billable job is only submitted when it fits the budget.
//
//   VENICE_API_KEY=... example_quote_budget [budget-usd (default 1.00)] [output.mp4]
//
// VENICE_BASE_URL overrides the API (the tests use the simulator). Exit status: 0 video written,
// 3 over budget (nothing submitted), 1 anything else.
#include <reel/http/client.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/providers/venice.hpp>

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>

namespace {

asio::awaitable<int> generate_within(reel::http::Client& http, double budget_usd, std::filesystem::path output) {
  reel::Venice venice;
  venice.api_key = std::getenv("VENICE_API_KEY") ? std::getenv("VENICE_API_KEY") : "";
  if (const char* url = std::getenv("VENICE_BASE_URL")) venice.base_url = url;
  reel::job::Account account(reel::steady_clock(), reel::Venice::default_limits());
  reel::JobOptions options;
  options.deadline = reel::steady_clock().now() + std::chrono::minutes(20);
  options.validate_before_submit = true;  // checked against the model's constraints first
  reel::VideoJob<reel::Venice, reel::http::Client> job(http, venice, account, options);

  reel::venice::QueueRequest request;
  request.model = "wan-2.5-preview-text-to-video";
  request.prompt = "A time-lapse of clouds rolling over mountain peaks";
  request.duration = "10s";
  request.resolution = "1080p";
  request.aspect_ratio = "16:9";

  const auto price = co_await job.quote(request);
  if (!price) {
    std::fprintf(stderr, "no quote: %s\n", price.error().message().c_str());
    co_return 1;
  }
  if (*price > budget_usd) {
    std::printf("quote $%.2f is over the budget of $%.2f: not submitted\n", *price, budget_usd);
    co_return 3;
  }
  std::printf("quote $%.2f is within the budget of $%.2f: generating\n", *price, budget_usd);
  const reel::job::Outcome outcome = co_await job.generate(request, output);
  if (!outcome.ok()) {
    std::fprintf(stderr, "%s: %s\n", std::string(reel::job::to_string(outcome.kind)).c_str(),
                 outcome.error.message().c_str());
    co_return 1;
  }
  std::printf("wrote %s (%llu bytes)\n", outcome.file.c_str(), static_cast<unsigned long long>(outcome.bytes));
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const double budget = argc > 1 ? std::strtod(argv[1], nullptr) : 1.00;
  const std::filesystem::path output = argc > 2 ? argv[2] : "quoted.mp4";
  asio::io_context io;
  reel::http::Client http(io.get_executor());
  int status = 1;
  asio::co_spawn(io, generate_within(http, budget, output), [&status](std::exception_ptr e, int s) { status = e ? 1 : s; });
  io.run();
  return status;
}
