// SPDX-License-Identifier: BSL-1.0
// Quote before generating, with a budget guard: the price is asked first (Venice /video/quote,
// no money spent), and the billable job is only submitted when it fits the budget.
//
//   VENICE_API_KEY=... example_quote_budget [budget-usd (default 1.00)] [output.mp4]
//
// VENICE_BASE_URL overrides the API (the tests use the simulator). Exit status: 0 video written,
// 3 over budget (nothing submitted), 1 anything else.
#include <reel/reel.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>

namespace {

asio::awaitable<int> generate_within(reel::Session<reel::Venice>& venice, double budget_usd, std::filesystem::path output) {
  reel::venice::QueueRequest request;
  request.model = "wan-2.5-preview-text-to-video";
  request.prompt = "A time-lapse of clouds rolling over mountain peaks";
  request.duration = "10s";
  request.resolution = "1080p";
  request.aspect_ratio = "16:9";

  const auto price = co_await venice.quote(request);
  if (!price) {
    std::fprintf(stderr, "no quote: %s\n", price.error().message().c_str());
    co_return 1;
  }
  if (*price > budget_usd) {
    std::printf("quote $%.2f is over the budget of $%.2f: not submitted\n", *price, budget_usd);
    co_return 3;
  }
  std::printf("quote $%.2f is within the budget of $%.2f: generating\n", *price, budget_usd);
  const reel::Outcome outcome = co_await venice.generate(request, output);
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
  reel::SessionOptions options;
  options.timeout = std::chrono::minutes(20);
  options.job.validate_before_submit = true;  // checked against the model's constraints first
  asio::io_context io;
  reel::Session venice(io, reel::Venice::from_env(), options);
  int status = 1;
  asio::co_spawn(io, generate_within(venice, budget, output), [&status](std::exception_ptr e, int s) { status = e ? 1 : s; });
  io.run();
  return status;
}
