// SPDX-License-Identifier: BSL-1.0
// Resuming from a saved handle: one process submits a job and saves its handle (a small JSON
// file) the moment the provider accepts it; another process, even after a crash, reads the
// handle and finishes the job (wait, download, cleanup) without submitting it again.
//
//   VENICE_API_KEY=... example_resume_from_handle submit job.json
//   VENICE_API_KEY=... example_resume_from_handle finish job.json [output.mp4]
//
// VENICE_BASE_URL overrides the API for `submit` (the tests use the simulator); `finish` uses the
// URL in the handle. The handle holds no API key, but Venice's one-time download link is a secret
// of its own: store it as you would the video. Exit status 0 on success.
#include <reel/reel.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

// Writes `handle` to `path` whole or not at all (temporary file, then rename).
bool save(const reel::job::JobHandle& handle, const std::filesystem::path& path) {
  const auto json = reel::json::write_string(handle);
  if (!json) return false;
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << *json << '\n';
    if (!out.flush()) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

asio::awaitable<int> submit(reel::http::Client& http, std::filesystem::path handle_file) {
  reel::Session venice(http, reel::Venice::from_env());
  auto job = venice.make_job();  // the VideoJob underneath, one step at a time
  bool saved = false;
  // Called as soon as the provider accepted the job: persist the handle before anything else.
  job.options().on_submitted = [&](const reel::JobHandle& handle) { saved = save(handle, handle_file); };

  reel::venice::QueueRequest request;
  request.model = "grok-imagine-text-to-video-private";  // a private model: a one-time download link
  request.prompt = "An astronaut tending a greenhouse on Mars";
  request.duration = "6s";
  request.resolution = "720p";
  request.aspect_ratio = "16:9";
  const auto handle = co_await job.submit(request);
  if (!handle || !saved) {
    std::fprintf(stderr, "submit failed: %s\n", handle ? "could not save the handle" : handle.error().message().c_str());
    co_return 1;
  }
  std::printf("submitted %s; handle saved to %s\n", handle->job_id.c_str(), handle_file.c_str());
  co_return 0;  // the process may end here: the handle is all that is needed to finish
}

asio::awaitable<int> finish(reel::http::Client& http, std::filesystem::path handle_file, std::filesystem::path output) {
  std::ifstream in(handle_file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto handle = reel::json::read_as<reel::job::JobHandle>(text.str());
  if (!handle) {
    std::fprintf(stderr, "%s: %s\n", handle_file.c_str(), handle.error().message().c_str());
    co_return 1;
  }
  reel::Venice provider = reel::Venice::from_env();
  provider.base_url = handle->base_url;  // the API the job was submitted to
  reel::SessionOptions options;
  options.timeout = std::chrono::minutes(15);
  reel::Session venice(http, provider, options);
  // Resumed: never submitted again (a handle of another provider or API is refused).
  const reel::Outcome outcome = co_await venice.resume(*handle, output);
  if (!outcome.ok()) {
    std::fprintf(stderr, "%s: %s\n", std::string(reel::job::to_string(outcome.kind)).c_str(),
                 outcome.error.message().c_str());
    co_return 1;
  }
  std::printf("resumed %s and wrote %s (%llu bytes)\n", outcome.handle.job_id.c_str(), outcome.file.c_str(),
              static_cast<unsigned long long>(outcome.bytes));
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 2 ? argv[1] : "";
  if (mode != "submit" && mode != "finish") {
    std::fprintf(stderr, "usage: %s submit HANDLE.json | finish HANDLE.json [OUTPUT.mp4]\n", argv[0]);
    return 2;
  }
  asio::io_context io;
  reel::http::Client http(io.get_executor());
  int status = 1;
  auto done = [&status](std::exception_ptr e, int s) { status = e ? 1 : s; };
  if (mode == "submit") {
    asio::co_spawn(io, submit(http, argv[2]), done);
  } else {
    asio::co_spawn(io, finish(http, argv[2], argc > 3 ? argv[3] : "resumed.mp4"), done);
  }
  io.run();
  return status;
}
