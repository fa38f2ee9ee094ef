// SPDX-License-Identifier: BSL-1.0
// Many concurrent jobs on one client thread, against the provider simulator: client memory per
// waiting job and client CPU time per poll.
//
// The simulator runs in a child process (forked before anything else exists, pinned to its own
// core), so the client's RSS and CPU time are the client's alone. The client is this process's
// only thread: one io_context, one reel::http::Client, one Account without client-side limits,
// and N Lumenfall `VideoJob`s, run by one `reel::JobRunner` (default; a waiting job is a queue
// entry) or each started with `generate` in its own coroutine (`--mode generate`). The simulator has no rate limits and no
// abuse guard, and its jobs run far longer than the benchmark, so every job submits and then
// waits, polling under FixedInterval. At the end every job's deadline is set to "now": each one
// ends (outcome `deadline`) at its next wake-up.
//
// Measured: RSS (VmRSS) and the heap in use (mallinfo2) before the first job exists, and once all
// N jobs are submitted and waiting; the client thread's CPU time (CLOCK_THREAD_CPUTIME_ID) per
// poll over a steady window, with its share of the wall-clock time, the simulator's CPU share
// (/proc/PID/stat), and the polls per second achieved against N / interval.
//
//   reel_jobs_bench [--jobs N] [--poll-ms MS] [--run-s S] [--connections C]
//                   [--mode runner|generate] [--in-flight K]
//                   [--client-cpu K] [--sim-cpu K] [--no-pin]
#include <reel/http/client.hpp>
#include <reel/engine/account.hpp>
#include <reel/engine/runner.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/providers/lumenfall.hpp>

#include <reel_sim/simulator.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <malloc.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::chrono_literals;
using Job = reel::VideoJob<reel::Lumenfall, reel::http::Client>;
using WallClock = std::chrono::steady_clock;

struct Args {
  std::size_t jobs = 1000;
  long poll_ms = 5000;
  long run_s = 30;
  std::size_t connections = 4;
  int client_cpu = 1;
  int sim_cpu = 0;
  bool pin = true;
  bool runner = true;
  std::size_t in_flight = 64;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "reel_jobs_bench: %s\n"
               "usage: reel_jobs_bench [--jobs N] [--poll-ms MS] [--run-s S] [--connections C]\n"
               "                       [--mode runner|generate] [--in-flight K]\n"
               "                       [--client-cpu K] [--sim-cpu K] [--no-pin]\n",
               why);
  std::exit(2);
}

long number(int argc, char** argv, int& i) {
  if (i + 1 >= argc) usage("a flag lacks its value");
  char* end = nullptr;
  const long v = std::strtol(argv[++i], &end, 10);
  if (end == argv[i] || *end != '\0' || v < 0) usage("not a non-negative number");
  return v;
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string_view f = argv[i];
    if (f == "--mode") {
      if (i + 1 >= argc) usage("--mode lacks its value");
      const std::string_view m = argv[++i];
      if (m != "runner" && m != "generate") usage("--mode is runner or generate");
      a.runner = m == "runner";
    } else if (f == "--in-flight") {
      a.in_flight = static_cast<std::size_t>(number(argc, argv, i));
    } else if (f == "--jobs") {
      a.jobs = static_cast<std::size_t>(number(argc, argv, i));
    } else if (f == "--poll-ms") {
      a.poll_ms = number(argc, argv, i);
    } else if (f == "--run-s") {
      a.run_s = number(argc, argv, i);
    } else if (f == "--connections") {
      a.connections = static_cast<std::size_t>(number(argc, argv, i));
    } else if (f == "--client-cpu") {
      a.client_cpu = static_cast<int>(number(argc, argv, i));
    } else if (f == "--sim-cpu") {
      a.sim_cpu = static_cast<int>(number(argc, argv, i));
    } else if (f == "--no-pin") {
      a.pin = false;
    } else {
      usage("unknown flag");
    }
  }
  if (a.jobs == 0 || a.connections == 0) usage("--jobs and --connections must be at least 1");
  if (a.poll_ms < 1000) usage("--poll-ms below the default poll floor of 1000 ms");
  return a;
}

void pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<unsigned>(cpu), &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) std::perror("sched_setaffinity (continuing unpinned)");
}

// VmRSS or VmHWM of this process, in bytes.
std::int64_t status_kib(std::string_view key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size(), key) == 0 && line.size() > key.size() && line[key.size()] == ':') {
      return std::atoll(line.c_str() + key.size() + 1) * 1024;
    }
  }
  return -1;
}

// Bytes malloc has handed out and not had back (the heap in use, without allocator slack).
std::int64_t heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return static_cast<std::int64_t>(m.uordblks + m.hblkhd);
}

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// utime + stime of another process, in seconds.
double process_cpu_s(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = all.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(all.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::atof(field.c_str());
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The simulator's process: its own io_context on its own core; writes its port to `fd`.
[[noreturn]] void run_simulator(int fd, const Args& args) {
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (args.pin) pin_to(args.sim_cpu);
  try {
    asio::io_context io(1);
    reel_sim::Options options;
    options.config.rate_limits.clear();
    options.config.abuse_guard = false;
    options.config.job = reel_sim::JobSpec{};
    options.config.job.duration_ms = 24LL * 3600 * 1000;  // never done during the benchmark
    options.config.job.eta_factor = 1.0;
    options.idle_timeout = std::chrono::seconds(60);  // a backstop if the client dies
    reel_sim::Simulator sim(io, std::move(options));
    sim.on_idle = [&io] { io.stop(); };
    const std::uint16_t port = sim.port();
    if (::write(fd, &port, sizeof port) != static_cast<ssize_t>(sizeof port)) std::_Exit(3);
    ::close(fd);
    io.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "simulator: %s\n", e.what());
    std::_Exit(1);
  }
  std::_Exit(0);
}

struct Sample {
  WallClock::time_point wall;
  double client_cpu = 0;
  double sim_cpu = 0;
  std::int64_t polls = 0;
};

std::string mib(std::int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);

  int fds[2];
  if (::pipe(fds) != 0) {
    std::perror("pipe");
    return 1;
  }
  const pid_t sim_pid = ::fork();
  if (sim_pid < 0) {
    std::perror("fork");
    return 1;
  }
  if (sim_pid == 0) {
    ::close(fds[0]);
    run_simulator(fds[1], args);
  }
  ::close(fds[1]);
  std::uint16_t port = 0;
  const bool got_port = ::read(fds[0], &port, sizeof port) == static_cast<ssize_t>(sizeof port);
  ::close(fds[0]);
  if (!got_port) {
    std::fprintf(stderr, "reel_jobs_bench: the simulator did not start\n");
    return 1;
  }
  if (args.pin) pin_to(args.client_cpu);
  auto stop_simulator = [sim_pid] {
    ::kill(sim_pid, SIGTERM);
    int status = 0;
    ::waitpid(sim_pid, &status, 0);
  };

  const std::string base = "http://127.0.0.1:" + std::to_string(port) + "/openai/v1";
  const long poll_ms = args.poll_ms;
  const std::size_t n = args.jobs;

  asio::io_context io(1);
  reel::http::ClientOptions client_options;
  client_options.max_connections_per_origin = args.connections;
  reel::http::Client http(io.get_executor(), client_options);
  reel::job::Account account(reel::steady_clock(), reel::job::AccountLimits::none());
  // One request for all jobs: generate() takes it by reference (the caller's, not the job's).
  reel::lumenfall::CreateRequest request;
  request.model = "sora-2";
  request.prompt = "A capybara in a hot spring, snow falling, 35 mm film";
  request.seconds = "4";

  const std::int64_t rss_base = status_kib("VmRSS");
  const std::int64_t heap_base = heap_in_use();

  std::vector<std::unique_ptr<Job>> jobs;
  jobs.reserve(n);
  std::size_t submitted = 0;
  std::size_t ended = 0;
  std::map<std::string, std::size_t> outcomes;
  std::string first_error;
  auto record = [&](std::exception_ptr e, const reel::job::Outcome& o) {
    ++ended;
    if (e) {
      ++outcomes["exception"];
      return;
    }
    ++outcomes[std::string(reel::job::to_string(o.kind))];
    if (o.kind != reel::job::OutcomeKind::deadline && first_error.empty()) {
      first_error = std::string(reel::job::to_string(o.kind)) + ": " + o.error.message();
    }
  };
  reel::JobRunner runner(reel::steady_clock(), reel::RunnerOptions{args.in_flight});
  WallClock::time_point all_submitted{};
  const auto t0 = WallClock::now();
  const double cpu0 = thread_cpu_s();
  const double sim_cpu0 = process_cpu_s(sim_pid);

  for (std::size_t i = 0; i < n; ++i) {
    reel::JobOptions options;
    options.poll = reel::policy::FixedInterval{std::chrono::milliseconds(poll_ms)};
    options.on_submitted = [&submitted, &all_submitted](const reel::job::JobHandle&) {
      ++submitted;
      all_submitted = WallClock::now();
    };
    jobs.push_back(std::make_unique<Job>(http, reel::Lumenfall{"bench-key", base}, account, std::move(options)));
    std::string output = "/nonexistent/reel-jobs-bench/" + std::to_string(i) + ".mp4";
    if (args.runner) {
      // One pointer captured: the callback fits std::function's small buffer.
      runner.add(*jobs.back(), request, std::move(output), [r = &record](reel::job::Outcome o) { (*r)(nullptr, o); });
    } else {
      asio::co_spawn(io, jobs.back()->generate(request, std::move(output)),
                     [r = &record](std::exception_ptr e, reel::job::Outcome o) { (*r)(e, o); });
    }
  }
  if (args.runner) asio::co_spawn(io, runner.run(), asio::detached);

  auto total_polls = [&jobs] {
    std::int64_t p = 0;
    for (const auto& j : jobs) p += j->polls();
    return p;
  };
  auto sample = [&] { return Sample{WallClock::now(), thread_cpu_s(), process_cpu_s(sim_pid), total_polls()}; };

  // Phase 1: submit. Checked every 50 ms; once all are in, wait 200 ms (every job is then
  // asleep until its first poll) and read the memory.
  std::int64_t rss_waiting = -1;
  std::int64_t heap_waiting = -1;
  Sample submit_end{};
  Sample window_begin{};
  Sample window_end{};
  std::int64_t rss_end = -1;
  std::int64_t heap_end = -1;
  bool failed_early = false;
  asio::steady_timer timer(io);
  std::function<void()> step;
  int phase = 0;
  int ticks = 0;
  step = [&] {
    switch (phase) {
      case 0:
        if (ended > 0) {  // a job ended before all were submitted: end them all
          failed_early = true;
          std::fprintf(stderr, "a job ended before all were submitted (%zu of %zu submitted, %zu ended): %s\n",
                       submitted, n, ended, first_error.c_str());
          for (auto& j : jobs) j->options().deadline = reel::steady_clock().now();
          return;
        }
        if (submitted < n) {
          if (++ticks % 20 == 0) std::fprintf(stderr, "submitting: %zu of %zu\n", submitted, n);
          timer.expires_after(50ms);
          break;
        }
        submit_end = sample();
        submit_end.wall = all_submitted;
        phase = 1;
        timer.expires_after(200ms);
        break;
      case 1:
        rss_waiting = status_kib("VmRSS");
        heap_waiting = heap_in_use();
        // The steady window starts one poll interval later, when every job has polled once.
        phase = 2;
        timer.expires_at(all_submitted + std::chrono::milliseconds(poll_ms) + 500ms);
        break;
      case 2:
        window_begin = sample();
        phase = 3;
        timer.expires_after(std::chrono::seconds(args.run_s));
        break;
      case 3:
        window_end = sample();
        rss_end = status_kib("VmRSS");
        heap_end = heap_in_use();
        for (auto& j : jobs) j->options().deadline = reel::steady_clock().now();
        return;
    }
    timer.async_wait([&step](std::error_code ec) {
      if (ec) std::fprintf(stderr, "reel_jobs_bench: the benchmark's timer ended early: %s\n", ec.message().c_str());
      step();
    });
  };
  step();
  io.run();
  stop_simulator();

  std::printf("reel_jobs_bench: %zu Lumenfall jobs (%s), FixedInterval %ld ms, %zu connections per origin, "
              "window %ld s, client on CPU %d, simulator on CPU %d%s\n",
              n, args.runner ? ("JobRunner, " + std::to_string(args.in_flight) + " steps in flight").c_str() : "a generate coroutine each", poll_ms, args.connections, args.run_s, args.client_cpu, args.sim_cpu, args.pin ? "" : " (not pinned)");
  std::printf("outcomes:");
  for (const auto& [kind, count] : outcomes) std::printf(" %s %zu", kind.c_str(), count);
  std::printf("\n");
  if (failed_early || rss_waiting < 0 || window_end.polls == 0) {
    std::printf("the run did not reach the waiting state (submitted %zu of %zu): %s\n", submitted, n,
                first_error.c_str());
    return 1;
  }
  const double submit_wall = std::chrono::duration<double>(submit_end.wall - t0).count();
  const double submit_cpu = submit_end.client_cpu - cpu0;
  const double win_wall = std::chrono::duration<double>(window_end.wall - window_begin.wall).count();
  const double win_cpu = window_end.client_cpu - window_begin.client_cpu;
  const double win_sim = window_end.sim_cpu - window_begin.sim_cpu;
  const auto win_polls = window_end.polls - window_begin.polls;
  const double expected_rate = static_cast<double>(n) * 1000.0 / static_cast<double>(poll_ms);
  const double per_job = static_cast<double>(rss_waiting - rss_base) / static_cast<double>(n);
  const double heap_per_job = static_cast<double>(heap_waiting - heap_base) / static_cast<double>(n);

  std::printf("\n| measure | value |\n|---|---|\n");
  std::printf("| RSS baseline (client, io_context, account; no job) | %s |\n", mib(rss_base).c_str());
  std::printf("| RSS with all %zu jobs waiting | %s |\n", n, mib(rss_waiting).c_str());
  std::printf("| RSS per waiting job | %.0f B |\n", per_job);
  if (heap_waiting > 0) {
    std::printf("| heap in use per waiting job (mallinfo2) | %.0f B |\n", heap_per_job);
  } else {
    std::printf("| heap in use per waiting job (mallinfo2) | n/a (no mallinfo2 under a sanitizer) |\n");
  }
  std::printf("| RSS / heap per job at the window's end | %.0f B / %.0f B |\n",
              static_cast<double>(rss_end - rss_base) / static_cast<double>(n),
              static_cast<double>(heap_end - heap_base) / static_cast<double>(n));
  std::printf("| peak RSS (VmHWM) | %s |\n", mib(status_kib("VmHWM")).c_str());
  std::printf("| submit: wall, client CPU share | %.2f s, %.0f %% (%.1f µs CPU per job) |\n", submit_wall,
              100.0 * submit_cpu / submit_wall, 1e6 * submit_cpu / static_cast<double>(n));
  std::printf("| submit: simulator CPU share | %.0f %% |\n", 100.0 * (submit_end.sim_cpu - sim_cpu0) / submit_wall);
  std::printf("| polls in the window | %lld in %.1f s: %.0f/s (N / interval = %.0f/s, %.2f of it) |\n",
              static_cast<long long>(win_polls), win_wall, static_cast<double>(win_polls) / win_wall, expected_rate,
              static_cast<double>(win_polls) / win_wall / expected_rate);
  std::printf("| client CPU per poll | %.1f µs |\n", 1e6 * win_cpu / static_cast<double>(win_polls));
  std::printf("| client CPU share in the window | %.1f %% |\n", 100.0 * win_cpu / win_wall);
  std::printf("| simulator CPU per poll, share | %.1f µs, %.1f %% |\n", 1e6 * win_sim / static_cast<double>(win_polls),
              100.0 * win_sim / win_wall);
  if (!first_error.empty()) std::printf("first unexpected outcome: %s\n", first_error.c_str());
  return 0;
}
