// reel_download: downloads one URL into a file with reel::http::Client and reel::http::FileSink,
// the way reel downloads a finished video, and reports what it cost.
//
//   reel_download URL OUTPUT_FILE
//
// Prints one line of key=value pairs: bytes, seconds (the whole send, fsync included),
// fsync_seconds (FileSink::finish, which fsyncs), mb_per_s (10^6 bytes per second over `seconds`),
// and max_rss_kib (getrusage ru_maxrss of this process). Exits non-zero when the download fails
// or the status is not 200. benchmarks/run_http_bench.sh runs it against a local nginx, next to
// `curl -o`.

#include <reel/http.hpp>
#include <reel/http/asio_client.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <sys/resource.h>

namespace {

using Clock = std::chrono::steady_clock;

// A FileSink that also times its finish() (the fsync), so the report can tell the transfer from
// the flush to disk.
class TimedFileSink {
public:
  std::error_code create(const std::string& path) { return file_.create(path); }
  std::error_code write(std::string_view bytes) { return file_.write(bytes); }
  std::error_code finish() {
    const auto start = Clock::now();
    const std::error_code ec = file_.finish();
    finish_seconds_ = std::chrono::duration<double>(Clock::now() - start).count();
    return ec;
  }
  double finish_seconds() const noexcept { return finish_seconds_; }
  std::size_t written() const noexcept { return file_.written(); }

private:
  reel::http::FileSink file_;
  double finish_seconds_ = 0;
};

struct Outcome {
  std::string error;
  int status = 0;
  std::uint64_t bytes = 0;
};

asio::awaitable<void> download(reel::http::Client& client, const reel::http::Request& request, TimedFileSink& sink,
                               Outcome& outcome) {
  reel::http::RequestOptions options;
  options.max_redirects = 0;
  const reel::http::BodyChooser choose = [&sink](const reel::http::ResponseHead& head)
      -> std::optional<reel::http::SinkRef> {
    if (head.status != 200) return std::nullopt;  // buffer an error body (bounded), never write it
    return reel::http::SinkRef(sink);
  };
  auto result = co_await client.send(request, options, choose);
  if (!result) {
    outcome.error = result.error().code.message() + " (stage " + reel::http::to_string(result.error().stage) + ")";
    co_return;
  }
  outcome.status = result->head.status;
  outcome.bytes = result->body_bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: reel_download URL OUTPUT_FILE\n");
    return EXIT_FAILURE;
  }
  try {
    TimedFileSink sink;
    if (const std::error_code ec = sink.create(argv[2])) {
      std::fprintf(stderr, "reel_download: cannot create %s: %s\n", argv[2], ec.message().c_str());
      return EXIT_FAILURE;
    }
    asio::io_context io(1);
    reel::http::Client client(io.get_executor());
    reel::http::Request request;
    request.url = argv[1];
    Outcome outcome;
    const auto start = Clock::now();
    asio::co_spawn(io, download(client, request, sink, outcome), asio::detached);
    io.run();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (!outcome.error.empty()) {
      std::fprintf(stderr, "reel_download: %s\n", outcome.error.c_str());
      return EXIT_FAILURE;
    }
    if (outcome.status != 200) {
      std::fprintf(stderr, "reel_download: status %d\n", outcome.status);
      return EXIT_FAILURE;
    }
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    std::printf("bytes=%llu seconds=%.3f fsync_seconds=%.3f mb_per_s=%.1f max_rss_kib=%ld\n",
                static_cast<unsigned long long>(outcome.bytes), seconds, sink.finish_seconds(),
                static_cast<double>(outcome.bytes) / seconds / 1e6, usage.ru_maxrss);
    return EXIT_SUCCESS;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "reel_download: %s\n", e.what());
    return EXIT_FAILURE;
  }
}
