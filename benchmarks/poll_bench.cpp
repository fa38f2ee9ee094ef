// SPDX-License-Identifier: BSL-1.0
// Polling efficiency in virtual time: 10,000 simulated Venice jobs whose run times spread
// log-normally around the model's P80 (Venice reports `average_execution_time`, a P80; 145 s
// here). Each policy polls as a job would (the first poll brings the estimate and the running
// time) and the table shows polls per job and the detection delay (from the moment the video is
// ready to the poll that sees it), against the fixed 5 s poll the Venice guide suggests.
//
// The ETA-aware policy is measured twice: for the first job of a model (its first poll brings
// the estimate) and for later ones (the model's estimate is known before the first poll).
//
// Scenarios: run times as the ETA-aware policy assumes (sigma 0.2), wider than it assumes
// (sigma 0.35), and an estimate that is 30 % too high or too low for the actual runs.
//
//   reel_poll_bench [jobs]
#include <reel/policy/poll.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

using reel::policy::Duration;
using reel::policy::PollState;
using namespace std::chrono_literals;

struct Outcome {
  int polls = 0;
  Duration delay{0};
};

// One job of run time `run`, polled under `policy`; Venice reports `estimate` (P80) and the
// running time with every PROCESSING answer.
template <class Policy>
Outcome poll_job(Policy policy, Duration run, Duration estimate, bool known) {
  PollState state;
  if (known) state.estimate = estimate;  // seen on an earlier job of the same model
  Duration t{0};
  for (;;) {
    t += reel::policy::poll_delay(policy, state);
    ++state.polls;
    if (t >= run) return {state.polls, t - run};
    state.since_submit = t;
    state.elapsed = t;
    state.estimate = estimate;
  }
}

struct Row {
  std::string policy;
  double polls_mean = 0;
  double delay_p50 = 0;
  double delay_p95 = 0;
  double delay_max = 0;
};

template <class Policy>
Row measure(const std::string& name, const Policy& policy, const std::vector<Duration>& runs, Duration estimate,
            bool known = false) {
  std::vector<double> delays;
  delays.reserve(runs.size());
  long long polls = 0;
  for (const Duration run : runs) {
    const Outcome o = poll_job(policy, run, estimate, known);
    polls += o.polls;
    delays.push_back(static_cast<double>(o.delay.count()) / 1000.0);
  }
  std::sort(delays.begin(), delays.end());
  auto quantile = [&](double q) { return delays[static_cast<std::size_t>(q * static_cast<double>(delays.size() - 1))]; };
  return {name, static_cast<double>(polls) / static_cast<double>(runs.size()), quantile(0.5), quantile(0.95),
          delays.back()};
}

std::vector<Duration> draw_runs(std::size_t n, double median_s, double sigma, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> d(std::log(median_s), sigma);
  std::vector<Duration> runs(n);
  for (auto& r : runs) r = Duration(static_cast<std::int64_t>(d(rng) * 1000));
  return runs;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t jobs = argc > 1 ? static_cast<std::size_t>(std::strtoull(argv[1], nullptr, 10)) : 10000;
  const Duration estimate = 145s;  // Venice's example average_execution_time (P80)
  struct Scenario {
    const char* name;
    double sigma;
    double scale;  // actual median relative to the one the estimate implies
  };
  const Scenario scenarios[] = {
      {"runs as assumed: log-normal sigma 0.2, P80 = 145 s", 0.2, 1.0},
      {"wider runs: sigma 0.35, P80 = 145 s", 0.35, std::exp(0.8416 * 0.2 - 0.8416 * 0.35)},
      {"estimate 30 % too high (runs shorter)", 0.2, 0.7},
      {"estimate 30 % too low (runs longer)", 0.2, 1.3},
  };
  std::printf("reel_poll_bench: %zu jobs per scenario, virtual time, floor 1 s\n", jobs);
  for (const Scenario& sc : scenarios) {
    const double median = 145.0 / std::exp(0.8416 * sc.sigma) * sc.scale;
    const auto runs = draw_runs(jobs, median, sc.sigma, 20261122);
    std::vector<Row> rows;
    rows.push_back(measure("fixed 5 s (Venice guide)", reel::policy::FixedInterval{5s}, runs, estimate));
    rows.push_back(measure("fixed 10 s", reel::policy::FixedInterval{10s}, runs, estimate));
    rows.push_back(measure("backoff 2 s x1.5 to 30 s", reel::policy::ExponentialBackoff{}, runs, estimate));
    rows.push_back(measure("ETA-aware, estimate from the first poll", reel::policy::EtaAware{}, runs, estimate));
    rows.push_back(measure("ETA-aware, model's estimate already known", reel::policy::EtaAware{}, runs, estimate, true));
    std::printf("\n%s (median run %.1f s)\n", sc.name, median);
    std::printf("| policy | polls/job | vs fixed 5 s | delay p50 | delay p95 | delay max |\n|---|---|---|---|---|---|\n");
    for (const Row& r : rows) {
      std::printf("| %s | %.2f | %.2f | %.2f s | %.2f s | %.2f s |\n", r.policy.c_str(), r.polls_mean,
                  r.polls_mean / rows[0].polls_mean, r.delay_p50, r.delay_p95, r.delay_max);
    }
  }
  return 0;
}
