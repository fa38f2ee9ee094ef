// SPDX-License-Identifier: BSL-1.0
// reel_http_bench: keep-alive GETs of a small body, reel::http::Client against libcurl, on one
// connection each, against a server the caller starts (benchmarks/run_http_bench.sh starts nginx).
//
//   reel_http_bench --reel_url=http://127.0.0.1:PORT/small.json [Google Benchmark flags]
//   --reel_url=URL        the URL both clients GET (http only; the script passes a 127.0.0.1 one).
//   --reel_iterations=N   run every case exactly N iterations, once (for callgrind: instructions/op).
//
// Before anything is timed both clients fetch the URL once and must agree on the status (200) and
// the body; the binary exits with a message otherwise.

#include <reel/http.hpp>
#include <reel/http/client.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <benchmark/benchmark.h>
#include <curl/curl.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

std::string g_url;          // NOLINT: set once in main
std::string g_expected;     // NOLINT: the body both clients must receive

// ---- reel -------------------------------------------------------------------------------------

// Sends `request` once per benchmark iteration on `client` (one keep-alive connection, opened by
// the first request), buffering each body in Response::body as an API call does.
asio::awaitable<void> reel_loop(benchmark::State& state, reel::http::Client& client,
                                const reel::http::Request& request, std::string& error) {
  const reel::http::RequestOptions options;
  const reel::http::BodyChooser choose;
  while (state.KeepRunning()) {
    auto result = co_await client.send(request, options, choose);
    if (!result) {
      error = "reel: " + result.error().code.message() + " (stage " + reel::http::to_string(result.error().stage) + ")";
      co_return;
    }
    if (result->head.status != 200 || result->body.size() != g_expected.size()) {
      error = "reel: unexpected response, status " + std::to_string(result->head.status);
      co_return;
    }
    benchmark::DoNotOptimize(result->body.data());
  }
}

// Runs `reel_loop` to completion on a fresh io_context; returns an error message or "".
std::string run_reel(benchmark::State& state) {
  asio::io_context io(1);
  reel::http::Client client(io.get_executor());
  reel::http::Request request;
  request.url = g_url;
  std::string error;
  asio::co_spawn(io, reel_loop(state, client, request, error), asio::detached);
  io.run();
  return error;
}

void bm_reel(benchmark::State& state) {
  if (const std::string error = run_reel(state); !error.empty()) {
    state.SkipWithError(error.c_str());
    return;
  }
  state.SetItemsProcessed(state.iterations());
}

// Fetches the URL once with reel, for the check before timing.
std::optional<std::string> reel_fetch_once(std::string& error) {
  asio::io_context io(1);
  reel::http::Client client(io.get_executor());
  reel::http::Request request;
  request.url = g_url;
  std::optional<std::string> body;
  auto once = [&]() -> asio::awaitable<void> {
    const reel::http::RequestOptions options;
    const reel::http::BodyChooser choose;
    auto result = co_await client.send(request, options, choose);
    if (!result) {
      error = result.error().code.message();
    } else if (result->head.status != 200) {
      error = "status " + std::to_string(result->head.status);
    } else {
      body = std::move(result->body);
    }
  };
  asio::co_spawn(io, once, asio::detached);
  io.run();
  return body;
}

// ---- libcurl ----------------------------------------------------------------------------------

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// One easy handle, reused for every request, so libcurl keeps the connection in its cache.
struct CurlHandle {
  CURL* handle = curl_easy_init();
  std::string body;
  char error[CURL_ERROR_SIZE] = {};

  CurlHandle() {
    if (handle == nullptr) return;
    curl_easy_setopt(handle, CURLOPT_URL, g_url.c_str());
    curl_easy_setopt(handle, CURLOPT_PROXY, "");  // ignore http_proxy & co: loopback only
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error);
  }
  CurlHandle(const CurlHandle&) = delete;
  CurlHandle& operator=(const CurlHandle&) = delete;
  ~CurlHandle() {
    if (handle != nullptr) curl_easy_cleanup(handle);
  }

  // One GET; an error message or "".
  std::string perform() {
    body.clear();
    if (const CURLcode rc = curl_easy_perform(handle); rc != CURLE_OK) {
      return std::string("curl: ") + curl_easy_strerror(rc) + " " + error;
    }
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) return "curl: status " + std::to_string(status);
    return {};
  }
};

void bm_curl(benchmark::State& state) {
  CurlHandle curl;
  if (curl.handle == nullptr) {
    state.SkipWithError("curl_easy_init failed");
    return;
  }
  while (state.KeepRunning()) {
    if (std::string error = curl.perform(); !error.empty() || curl.body.size() != g_expected.size()) {
      if (error.empty()) error = "curl: unexpected body size";
      state.SkipWithError(error.c_str());
      return;
    }
    benchmark::DoNotOptimize(curl.body.data());
  }
  state.SetItemsProcessed(state.iterations());
}

// Both clients must fetch the same 200 body before anything is timed.
bool check_clients() {
  std::string error;
  const auto reel_body = reel_fetch_once(error);
  if (!reel_body) {
    std::fprintf(stderr, "reel_http_bench: reel could not GET %s: %s\n", g_url.c_str(), error.c_str());
    return false;
  }
  CurlHandle curl;
  if (curl.handle == nullptr) {
    std::fprintf(stderr, "reel_http_bench: curl_easy_init failed\n");
    return false;
  }
  if (error = curl.perform(); !error.empty()) {
    std::fprintf(stderr, "reel_http_bench: libcurl could not GET %s: %s\n", g_url.c_str(), error.c_str());
    return false;
  }
  if (curl.body != *reel_body) {
    std::fprintf(stderr, "reel_http_bench: reel and libcurl received different bodies (%zu and %zu bytes)\n",
                 reel_body->size(), curl.body.size());
    return false;
  }
  g_expected = *reel_body;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  // Take out --reel_url=URL and --reel_iterations=N before Google Benchmark parses the rest.
  std::int64_t fixed_iterations = 0;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    constexpr std::string_view iterations_flag = "--reel_iterations=";
    constexpr std::string_view url_flag = "--reel_url=";
    if (i > 0 && std::strncmp(argv[i], iterations_flag.data(), iterations_flag.size()) == 0) {
      fixed_iterations = std::strtoll(argv[i] + iterations_flag.size(), nullptr, 10);
      if (fixed_iterations <= 0) {
        std::fprintf(stderr, "reel_http_bench: --reel_iterations needs a positive count\n");
        return EXIT_FAILURE;
      }
      continue;
    }
    if (i > 0 && std::strncmp(argv[i], url_flag.data(), url_flag.size()) == 0) {
      g_url = argv[i] + url_flag.size();
      continue;
    }
    args.push_back(argv[i]);
  }
  if (g_url.empty()) {
    std::fprintf(stderr,
                 "usage: reel_http_bench --reel_url=http://127.0.0.1:PORT/small.json [--reel_iterations=N] "
                 "[benchmark flags]\n(benchmarks/run_http_bench.sh starts a server and runs this)\n");
    return EXIT_FAILURE;
  }
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    std::fprintf(stderr, "reel_http_bench: curl_global_init failed\n");
    return EXIT_FAILURE;
  }
  int result = EXIT_SUCCESS;
  try {
    if (!check_clients()) {
      curl_global_cleanup();
      return EXIT_FAILURE;
    }
    args.push_back(nullptr);
    int bench_argc = static_cast<int>(args.size()) - 1;
    auto* reel_case = benchmark::RegisterBenchmark("keepalive_get/reel", bm_reel);
    auto* curl_case = benchmark::RegisterBenchmark("keepalive_get/libcurl", bm_curl);
    for (auto* b : {reel_case, curl_case}) {
      b->UseRealTime();
      if (fixed_iterations > 0) b->Iterations(fixed_iterations);
    }
    benchmark::Initialize(&bench_argc, args.data());
    if (benchmark::ReportUnrecognizedArguments(bench_argc, args.data())) {
      result = EXIT_FAILURE;
    } else {
      benchmark::RunSpecifiedBenchmarks();
      benchmark::Shutdown();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "reel_http_bench: %s\n", e.what());
    result = EXIT_FAILURE;
  }
  curl_global_cleanup();
  return result;
}
