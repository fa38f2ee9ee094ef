// SPDX-License-Identifier: BSL-1.0
// reel_download: downloads one URL into a file with reel::http::Client and reel::http::FileSink,
// the way reel downloads a finished video, and reports what it cost.
//
//   reel_download URL OUTPUT_FILE [--writeback=MIB]
//
// Prints one line of key=value pairs: bytes, seconds (the whole send, fsync included),
// fsync_seconds (FileSink::finish, which fsyncs), mb_per_s (10^6 bytes per second over `seconds`),
// and max_rss_kib (getrusage ru_maxrss of this process). Exits non-zero when the download fails
// or the status is not 200. benchmarks/run_http_bench.sh runs it against a local nginx, next to
// `curl -o`.
//
// --writeback=MIB is an experiment, not reel's behaviour: instead of FileSink it uses a sink that
// also starts the kernel's writeback of every MIB MiB written (sync_file_range(WRITE), which does
// not wait), so that the fsync in finish() only has the tail left to flush. It shows what such a
// change to FileSink would buy.

#include <reel/http.hpp>
#include <reel/http/client.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;

// A sink that also times its finish() (the fsync), so the report can tell the transfer from the
// flush to disk. It is reel's FileSink, or (writeback_bytes > 0) the experiment described above.
class TimedFileSink {
public:
  explicit TimedFileSink(std::uint64_t writeback_bytes) : writeback_bytes_(writeback_bytes) {}
  TimedFileSink(const TimedFileSink&) = delete;
  TimedFileSink& operator=(const TimedFileSink&) = delete;
  ~TimedFileSink() {
    if (fd_ >= 0) ::close(fd_);
  }

  std::error_code create(const std::string& path) {
    if (writeback_bytes_ == 0) return file_.create(path);
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) return {errno, std::system_category()};
    return {};
  }
  std::error_code write(std::string_view bytes) {
    if (writeback_bytes_ == 0) return file_.write(bytes);
    while (!bytes.empty()) {
      const ::ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return {errno, std::system_category()};
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
      written_ += static_cast<std::uint64_t>(n);
    }
    if (written_ - started_ >= writeback_bytes_) {  // start writing this stretch back; do not wait
      ::sync_file_range(fd_, static_cast<::off_t>(started_), static_cast<::off_t>(written_ - started_),
                        SYNC_FILE_RANGE_WRITE);
      started_ = written_;
    }
    return {};
  }
  std::error_code finish() {
    const auto start = Clock::now();
    std::error_code ec;
    if (writeback_bytes_ == 0) {
      ec = file_.finish();
    } else if (::fsync(fd_) != 0) {
      ec = {errno, std::system_category()};
    }
    finish_seconds_ = std::chrono::duration<double>(Clock::now() - start).count();
    return ec;
  }
  double finish_seconds() const noexcept { return finish_seconds_; }

private:
  std::uint64_t writeback_bytes_;
  reel::http::FileSink file_;
  int fd_ = -1;
  std::uint64_t written_ = 0;
  std::uint64_t started_ = 0;
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
  std::uint64_t writeback_mib = 0;
  if (argc == 4 && std::string_view(argv[3]).starts_with("--writeback=")) {
    writeback_mib = std::strtoull(argv[3] + std::strlen("--writeback="), nullptr, 10);
  }
  if ((argc != 3 && argc != 4) || (argc == 4 && writeback_mib == 0)) {
    std::fprintf(stderr, "usage: reel_download URL OUTPUT_FILE [--writeback=MIB]\n");
    return EXIT_FAILURE;
  }
  try {
    TimedFileSink sink(writeback_mib * 1024 * 1024);
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
