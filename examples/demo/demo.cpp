// SPDX-License-Identifier: BSL-1.0
// reel's demo: one video through each provider (Venice and Lumenfall) at the same time, on one
// thread, with live progress; then the MP4s are checked (size, MP4 header, and ffmpeg where it
// is installed) and a summary is printed. `examples/demo/run` builds this program, starts the
// provider simulator and runs it; it works against the real providers too (--venice-url,
// --lumenfall-url, and the keys in VENICE_API_KEY / LUMENFALL_API_KEY).
//
//   reel_demo (--port-file FILE | --server URL | --venice-url URL --lumenfall-url URL)
//             [--output-dir DIR] [--timeout SECONDS]
//
// --port-file reads the simulator's port from the file it writes (waiting for it up to 10 s);
// --server is the simulator's base URL. Exit status 0 when both videos are valid, 1 otherwise,
// 2 for bad arguments.
#include <reel/http/client.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/providers/lumenfall.hpp>
#include <reel/providers/venice.hpp>

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

/// One row of the display and of the summary.
struct Row {
  std::string provider;
  std::string model;
  std::filesystem::path output;
  reel::job::JobProgress progress;
  Clock::time_point reported_at = Clock::now();  // when `progress` came in (for the ETA countdown)
  Clock::time_point started = Clock::now();
  std::optional<Clock::time_point> ended;
  std::optional<double> quote;
  reel::job::Outcome outcome;
  std::string check;  // what the MP4 check found ("" when fine)
};

std::string megabytes(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

std::string seconds(Clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", std::chrono::duration<double>(d).count());
  return buf;
}

/// "venice     running      62%  ETA 2.3 s  0.00 MB  (3 polls)"
std::string line_of(const Row& row) {
  const reel::job::JobProgress& p = row.progress;
  std::string stage(row.ended ? std::string(reel::job::to_string(row.outcome.kind)) : std::string(reel::job::to_string(p.stage)));
  char buf[160];
  std::string percent = p.percent ? std::to_string(*p.percent) + "%" : "";
  if (row.ended && row.outcome.ok()) percent = "100%";
  // The provider's estimate (Venice), else the pace so far (Lumenfall reports a percentage),
  // counting down between reports.
  std::optional<Clock::duration> left;
  if (p.eta) {
    left = std::chrono::duration_cast<Clock::duration>(*p.eta);
  } else if (p.percent && *p.percent > 0 && *p.percent < 100) {
    left = (row.reported_at - row.started) * (100 - *p.percent) / *p.percent;
  }
  std::string eta;
  if (left && !row.ended && p.stage == reel::job::Stage::running) {
    eta = "ETA " + seconds(std::max(Clock::duration(0), *left - (Clock::now() - row.reported_at)));
  }
  std::string bytes = megabytes(row.ended ? row.outcome.bytes : p.bytes);
  if (p.total_bytes && !row.ended) bytes += " of " + megabytes(*p.total_bytes);
  const int polls = row.ended ? row.outcome.polls : p.polls;
  std::snprintf(buf, sizeof buf, "  %-10s %-12s %5s  %-10s %-20s (%d poll%s)", row.provider.c_str(), stage.c_str(),
                percent.c_str(), eta.c_str(), bytes.c_str(), polls, polls == 1 ? "" : "s");
  return buf;
}

/// Live display: on a terminal the rows are redrawn in place; otherwise a line per change.
class Display {
public:
  explicit Display(std::array<Row, 2>& rows) : rows_(rows), tty_(::isatty(STDOUT_FILENO) == 1) {}

  void draw() {
    if (tty_) {
      if (drawn_) std::printf("\x1b[%zuA", rows_.size());
      for (const Row& row : rows_) std::printf("\x1b[2K%s\n", line_of(row).c_str());
      drawn_ = true;
    } else {
      for (std::size_t i = 0; i < rows_.size(); ++i) {
        // Without a terminal: a line when the stage, the percentage or the end changes.
        const Row& r = rows_[i];
        const std::string key = std::string(reel::job::to_string(r.progress.stage)) + std::to_string(r.progress.percent.value_or(-1)) +
                                (r.ended ? "end" : "");
        if (key != last_[i]) std::printf("%s\n", line_of(r).c_str());
        last_[i] = key;
      }
    }
    std::fflush(stdout);
  }

private:
  std::array<Row, 2>& rows_;
  bool tty_;
  bool drawn_ = false;
  std::array<std::string, 2> last_;
};

reel::JobOptions options_for(Row& row, Display& display, std::chrono::seconds timeout) {
  reel::JobOptions options;
  options.deadline = reel::steady_clock().now() + timeout;
  options.poll = reel::policy::FixedInterval{1s};  // a poll a second, so progress moves visibly
  options.on_progress = [&row, &display](const reel::job::JobProgress& p) {
    row.progress = p;
    row.reported_at = Clock::now();
    display.draw();
  };
  return options;
}

/// Quotes, then generates; fills `row`.
template <class Provider>
asio::awaitable<void> run_job(reel::http::Client& http, Provider provider, reel::job::Account& account,
                              typename Provider::Request request, Row& row, Display& display, std::chrono::seconds timeout) {
  reel::JobOptions options = options_for(row, display, timeout);
  reel::VideoJob<Provider, reel::http::Client> job(http, std::move(provider), account, options);
  row.started = Clock::now();
  // Named locals, not temporaries, in co_await expressions (GCC 12).
  const auto quote = co_await job.quote(request);
  if (quote) row.quote = *quote;
  const reel::job::Outcome outcome = co_await job.generate(request, row.output);
  row.outcome = outcome;
  row.ended = Clock::now();
  display.draw();
}

/// Ticks the display (the ETA counts down between polls) until both jobs ended.
asio::awaitable<void> tick(std::array<Row, 2>& rows, Display& display) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!rows[0].ended || !rows[1].ended) {
    timer.expires_after(250ms);
    co_await timer.async_wait(asio::use_awaitable);
    display.draw();
  }
}

/// "" when `row`'s file is a complete MP4 (size as received, an `ftyp` box first, and ffmpeg
/// decodes it without an error where ffmpeg is installed), else what is wrong.
std::string check_mp4(const Row& row) {
  if (!row.outcome.ok()) return row.outcome.error.message();
  std::error_code ec;
  const auto size = std::filesystem::file_size(row.outcome.file, ec);
  if (ec || size == 0 || size != row.outcome.bytes) return "size " + std::to_string(size) + " != " + std::to_string(row.outcome.bytes);
  std::array<char, 8> head{};
  std::ifstream in(row.outcome.file, std::ios::binary);
  if (!in.read(head.data(), head.size()) || std::string(head.data() + 4, 4) != "ftyp") return "no MP4 header";
  if (std::system("command -v ffmpeg >/dev/null 2>&1") != 0) return "";
  std::string quoted = "'";
  for (const char c : row.outcome.file.string()) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  const std::string command = "ffmpeg -nostdin -v error -i " + quoted + "' -f null - 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return "cannot run ffmpeg";
  std::string errors;
  std::array<char, 256> buf{};
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), pipe) != nullptr) errors += buf.data();
  const int status = ::pclose(pipe);
  if (status != 0 || !errors.empty()) return "ffmpeg: " + (errors.empty() ? "exit status " + std::to_string(status) : errors);
  return "";
}

std::optional<std::string> read_port(const std::filesystem::path& file) {
  for (int i = 0; i < 100; ++i) {  // up to 10 s for the simulator to start
    std::ifstream in(file);
    int port = 0;
    if (in >> port && port > 0 && port < 65536) return std::to_string(port);
    std::this_thread::sleep_for(100ms);
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  std::string server, venice_url = "https://api.venice.ai/api/v1", lumenfall_url = "https://api.lumenfall.ai/openai/v1";
  std::filesystem::path dir = "videos";
  std::chrono::seconds timeout(600);
  if (argc % 2 == 0) {
    std::fprintf(stderr, "usage: reel_demo (--port-file FILE | --server URL) [--output-dir DIR] [--timeout S]\n");
    return 2;
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--port-file") {
      const auto port = read_port(value);
      if (!port) {
        std::fprintf(stderr, "reel_demo: no port in %s\n", value.c_str());
        return 2;
      }
      server = "http://127.0.0.1:" + *port;
    } else if (flag == "--server") {
      server = value;
    } else if (flag == "--venice-url") {
      venice_url = value;
    } else if (flag == "--lumenfall-url") {
      lumenfall_url = value;
    } else if (flag == "--output-dir") {
      dir = value;
    } else if (flag == "--timeout") {
      timeout = std::chrono::seconds(std::atoi(value.c_str()));
    } else {
      std::fprintf(stderr, "reel_demo: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (!server.empty()) {
    venice_url = server + "/api/v1";
    lumenfall_url = server + "/openai/v1";
  }
  std::filesystem::create_directories(dir);

  // The simulator takes any key; real providers need theirs (never printed).
  const reel::Venice venice{env("VENICE_API_KEY", "demo-key"), venice_url};
  const reel::Lumenfall lumenfall{env("LUMENFALL_API_KEY", "demo-key"), lumenfall_url};
  reel::venice::QueueRequest venice_request;
  venice_request.model = "wan-2.5-preview-text-to-video";
  venice_request.prompt = "A gondola gliding through Venice canals at sunset";
  venice_request.duration = "5s";
  venice_request.resolution = "720p";
  venice_request.aspect_ratio = "16:9";
  reel::lumenfall::CreateRequest lumenfall_request;
  lumenfall_request.model = "sora-2";
  lumenfall_request.prompt = "A paper boat drifting down a rainy street, close-up";
  lumenfall_request.seconds = "4";
  lumenfall_request.size = "1280x720";

  std::array<Row, 2> rows;
  rows[0].provider = "venice";
  rows[0].model = venice_request.model;
  rows[0].output = dir / "venice.mp4";
  rows[1].provider = "lumenfall";
  rows[1].model = lumenfall_request.model;
  rows[1].output = dir / "lumenfall.mp4";

  std::printf("reel demo: %s (%s) and %s (%s) at the same time, against %s\n", rows[0].provider.c_str(),
              rows[0].model.c_str(), rows[1].provider.c_str(), rows[1].model.c_str(),
              server.empty() ? "the real providers" : server.c_str());
  const auto start = Clock::now();
  asio::io_context io;
  reel::http::Client http(io.get_executor());
  reel::job::Account venice_account(reel::steady_clock(), reel::Venice::default_limits());
  reel::job::Account lumenfall_account;
  Display display(rows);
  display.draw();
  const auto rethrow = [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  };
  asio::co_spawn(io, run_job(http, venice, venice_account, venice_request, rows[0], display, timeout), rethrow);
  asio::co_spawn(io, run_job(http, lumenfall, lumenfall_account, lumenfall_request, rows[1], display, timeout), rethrow);
  asio::co_spawn(io, tick(rows, display), rethrow);
  try {
    io.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "reel_demo: %s\n", e.what());
    return 1;
  }
  display.draw();
  const auto total = Clock::now() - start;

  bool ok = true;
  std::printf("\nsummary:\n");
  std::printf("  %-10s %-30s %8s %6s %10s %8s  %s\n", "provider", "model", "time", "polls", "bytes", "cost", "result");
  for (Row& row : rows) {
    row.check = check_mp4(row);
    ok = ok && row.check.empty();
    const std::optional<double> cost = row.outcome.cost ? row.outcome.cost : row.quote;
    char cost_text[32] = "-";
    if (cost) std::snprintf(cost_text, sizeof cost_text, "$%.2f", *cost);
    std::printf("  %-10s %-30s %8s %6d %10llu %8s  %s\n", row.provider.c_str(), row.model.c_str(),
                seconds(row.ended.value_or(start) - row.started).c_str(), row.outcome.polls,
                static_cast<unsigned long long>(row.outcome.bytes), cost_text,
                row.check.empty() ? ("valid MP4 " + row.outcome.file.string() + (row.outcome.cleaned_up ? ", cleaned up" : "")).c_str()
                                  : ("FAILED: " + row.check).c_str());
  }
  std::printf("  (cost: as the provider reported it, else its quote)\n");
  std::printf("  total %s; videos in %s\n", seconds(total).c_str(), std::filesystem::absolute(dir).c_str());
  return ok ? 0 : 1;
}
