// SPDX-License-Identifier: BSL-1.0
// reel_json_bench: reel::json against nlohmann::json and RapidJSON on the same typed work —
// decoding provider responses into structs and encoding a request struct to a string.
// Before anything is timed, every decoder must yield the expected struct, every encoder's output
// must decode back to the request, and every decoder must reject the same malformed payloads.
//
// Extra flag (removed before Google Benchmark sees the arguments):
//   --reel_iterations=N   run every case exactly N iterations, once (for callgrind: instructions/op).

#include "models.hpp"
#include "payloads.hpp"

#ifndef REEL_BENCH_HAVE_NLOHMANN
#define REEL_BENCH_HAVE_NLOHMANN 0
#endif
#ifndef REEL_BENCH_HAVE_RAPIDJSON
#define REEL_BENCH_HAVE_RAPIDJSON 0
#endif

#if REEL_BENCH_HAVE_NLOHMANN
#include "nlohmann_codec.hpp"
#endif
#if REEL_BENCH_HAVE_RAPIDJSON
#include "rapidjson_codec.hpp"
#endif

#include <reel/json.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

namespace bench {
namespace {

// --- One entry point per library: decode into `out` (false on any error) or encode to a string.

template <class T>
bool reel_decode(std::string_view text, T& out) {
  return !reel::json::read(text, out);
}

std::string reel_encode(const VeniceQueueRequest& r) {
  auto s = reel::json::write_string(r);
  return s ? std::move(*s) : std::string();
}

#if REEL_BENCH_HAVE_NLOHMANN
template <class T>
bool nlohmann_decode(std::string_view text, T& out) {
  try {
    nl::decode(text, out);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}
std::string nlohmann_encode(const VeniceQueueRequest& r) { return nl::encode(r); }
#endif

#if REEL_BENCH_HAVE_RAPIDJSON
template <class T>
bool rapidjson_decode(std::string_view text, T& out) {
  return rj::decode(text, out);
}
std::string rapidjson_encode(const VeniceQueueRequest& r) { return rj::encode(r); }
#endif

// --- The timed loops. Each iteration decodes into a fresh struct / encodes into a fresh string.

template <class T, bool (*Decode)(std::string_view, T&)>
void decode_loop(benchmark::State& state, std::string_view payload) {
  for (auto _ : state) {
    T value{};
    if (!Decode(payload, value)) {
      state.SkipWithError("decode failed");
      break;
    }
    benchmark::DoNotOptimize(value);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(payload.size()));
}

template <std::string (*Encode)(const VeniceQueueRequest&)>
void encode_loop(benchmark::State& state) {
  const VeniceQueueRequest request = venice_queue_request();
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string out = Encode(request);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
    bytes = out.size();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(bytes));
}

// Named functions (not lambdas) so profilers can pick out each case: callgrind --toggle-collect='bench::*bm_*'.
void bm_decode_venice_reel(benchmark::State& s) { decode_loop<VeniceRetrieveStatus, reel_decode>(s, venice_status_json); }
void bm_decode_lumenfall_reel(benchmark::State& s) { decode_loop<Video, reel_decode>(s, lumenfall_video_json); }
void bm_encode_venice_reel(benchmark::State& s) { encode_loop<reel_encode>(s); }
#if REEL_BENCH_HAVE_NLOHMANN
void bm_decode_venice_nlohmann(benchmark::State& s) {
  decode_loop<VeniceRetrieveStatus, nlohmann_decode>(s, venice_status_json);
}
void bm_decode_lumenfall_nlohmann(benchmark::State& s) { decode_loop<Video, nlohmann_decode>(s, lumenfall_video_json); }
void bm_encode_venice_nlohmann(benchmark::State& s) { encode_loop<nlohmann_encode>(s); }
#endif
#if REEL_BENCH_HAVE_RAPIDJSON
void bm_decode_venice_rapidjson(benchmark::State& s) {
  decode_loop<VeniceRetrieveStatus, rapidjson_decode>(s, venice_status_json);
}
void bm_decode_lumenfall_rapidjson(benchmark::State& s) { decode_loop<Video, rapidjson_decode>(s, lumenfall_video_json); }
void bm_encode_venice_rapidjson(benchmark::State& s) { encode_loop<rapidjson_encode>(s); }
#endif

// --- Startup verification -----------------------------------------------------------------------

struct Checker {
  int failures = 0;

  void fail(const std::string& what) {
    std::fprintf(stderr, "reel_json_bench: CHECK FAILED: %s\n", what.c_str());
    ++failures;
  }

  template <class T>
  static std::string show(const T& v) {
    auto s = reel::json::write_string(v);
    return s ? *s : std::string("<unwritable: ") + s.error().message() + ">";
  }

  template <class T>
  void decodes_to(const char* lib, const char* name, bool (*decode)(std::string_view, T&), std::string_view text,
                  const T& expected) {
    T got{};
    if (!decode(text, got)) {
      fail(std::string(lib) + " could not decode " + name);
    } else if (!(got == expected)) {
      fail(std::string(lib) + " decoded " + name + " differently:\n  got      " + show(got) + "\n  expected " +
           show(expected));
    }
  }

  template <class T>
  void rejects(const char* lib, const char* name, bool (*decode)(std::string_view, T&), std::string_view text) {
    T got{};
    if (decode(text, got)) fail(std::string(lib) + " accepted the malformed payload " + name);
  }

  void encodes(const char* lib, std::string (*encode)(const VeniceQueueRequest&), const VeniceQueueRequest& request,
               const std::string& reference) {
    const std::string out = encode(request);
    VeniceQueueRequest back;
    if (auto e = reel::json::read(out, back)) {
      fail(std::string(lib) + " encoder output does not read back with reel: " + e.message() + "\n  " + out);
    } else if (!(back == request)) {
      fail(std::string(lib) + " encoder output reads back as a different request:\n  " + out);
    }
#if REEL_BENCH_HAVE_NLOHMANN
    // A second, independent opinion: the same JSON document as reel's output, by value.
    try {
      if (nlohmann::json::parse(out) != nlohmann::json::parse(reference)) {
        fail(std::string(lib) + " encoder output differs from reel's:\n  " + out + "\n  " + reference);
      }
    } catch (const std::exception& ex) {
      fail(std::string(lib) + " encoder output is not JSON to nlohmann: " + ex.what());
    }
#else
    (void)reference;
#endif
  }
};

/// A payload with one member altered, to check that every decoder does the same type checks.
std::string altered(std::string_view text, std::string_view from, std::string_view to) {
  std::string s(text);
  const auto at = s.find(from);
  if (at == std::string::npos) {
    std::fprintf(stderr, "reel_json_bench: internal error: \"%.*s\" not in payload\n", static_cast<int>(from.size()),
                 from.data());
    std::exit(EXIT_FAILURE);
  }
  s.replace(at, from.size(), to);
  return s;
}

void check_library(Checker& c, const char* lib, bool (*decode_venice)(std::string_view, VeniceRetrieveStatus&),
                   bool (*decode_video)(std::string_view, Video&)) {
  c.decodes_to(lib, "the Venice status", decode_venice, venice_status_json, venice_status_expected());
  c.decodes_to(lib, "the Lumenfall video", decode_video, lumenfall_video_json, lumenfall_video_expected());

  const std::string_view vs = venice_status_json;
  const std::string_view lv = lumenfall_video_json;
  c.rejects(lib, "Venice status with an unknown status", decode_venice, altered(vs, "PROCESSING", "DONE"));
  c.rejects(lib, "Venice status without execution_duration", decode_venice,
            altered(vs, R"(,"execution_duration":53200)", ""));
  c.rejects(lib, "Venice status with a string duration", decode_venice, altered(vs, "53200", R"("53200")"));
  c.rejects(lib, "Venice status with a syntax error", decode_venice, altered(vs, "145000,", "145000"));
  c.rejects(lib, "Lumenfall video with a string size_bytes", decode_video, altered(lv, "15728640", R"("15728640")"));
  c.rejects(lib, "Lumenfall video with a numeric seconds", decode_video, altered(lv, R"("seconds":"8")", R"("seconds":8)"));
  c.rejects(lib, "Lumenfall video without id", decode_video,
            altered(lv, R"("id":"video_68e5a0c1f2d88190a3b7c4e9d1f0a2b30e6c",)", ""));
  c.rejects(lib, "Lumenfall video with output.url null", decode_video,
            altered(lv, R"("url":"https://media.lumenfall.ai/v/)", R"("url":null,"x":"/)"));
  c.rejects(lib, "Lumenfall video with an unknown status", decode_video,
            altered(lv, R"("status":"completed")", R"("status":"done")"));
  c.rejects(lib, "Lumenfall video with a string cost", decode_video, altered(lv, R"("cost":0.8)", R"("cost":"0.8")"));

  // Null and absent optionals both read as empty.
  Video nulls = lumenfall_video_expected();
  nulls.metadata->cost.reset();
  nulls.progress.reset();
  c.decodes_to(lib, "Lumenfall video with cost null and progress absent", decode_video,
               altered(altered(lv, R"("cost":0.8)", R"("cost":null)"), R"("progress":100,)", ""), nulls);
}

int verify() {
  Checker c;
  check_library(c, "reel", reel_decode<VeniceRetrieveStatus>, reel_decode<Video>);
#if REEL_BENCH_HAVE_NLOHMANN
  check_library(c, "nlohmann::json", nlohmann_decode<VeniceRetrieveStatus>, nlohmann_decode<Video>);
#endif
#if REEL_BENCH_HAVE_RAPIDJSON
  check_library(c, "RapidJSON", rapidjson_decode<VeniceRetrieveStatus>, rapidjson_decode<Video>);
#endif

  const VeniceQueueRequest request = venice_queue_request();
  const std::string reference = reel_encode(request);
  if (reference.empty()) c.fail("reel could not encode the Venice queue request");
  c.encodes("reel", reel_encode, request, reference);
#if REEL_BENCH_HAVE_NLOHMANN
  c.encodes("nlohmann::json", nlohmann_encode, request, reference);
#endif
#if REEL_BENCH_HAVE_RAPIDJSON
  c.encodes("RapidJSON", rapidjson_encode, request, reference);
#endif

  if (c.failures != 0) {
    std::fprintf(stderr, "reel_json_bench: %d check(s) failed; the libraries do not do the same work. Aborting.\n",
                 c.failures);
    return EXIT_FAILURE;
  }
  std::fprintf(stderr,
               "reel_json_bench: verified: decoders agree (Venice status %zu B, Lumenfall video %zu B), encoders "
               "round-trip (Venice queue request %zu B)%s%s\n",
               venice_status_json.size(), lumenfall_video_json.size(), reference.size(),
               REEL_BENCH_HAVE_NLOHMANN ? "" : "; nlohmann::json not found, skipped",
               REEL_BENCH_HAVE_RAPIDJSON ? "" : "; RapidJSON not found, skipped");
  return EXIT_SUCCESS;
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  // Take out --reel_iterations=N before Google Benchmark parses the rest.
  std::int64_t fixed_iterations = 0;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    constexpr std::string_view flag = "--reel_iterations=";
    if (i > 0 && std::strncmp(argv[i], flag.data(), flag.size()) == 0) {
      fixed_iterations = std::strtoll(argv[i] + flag.size(), nullptr, 10);
      if (fixed_iterations <= 0) {
        std::fprintf(stderr, "reel_json_bench: --reel_iterations needs a positive count\n");
        return EXIT_FAILURE;
      }
      continue;
    }
    args.push_back(argv[i]);
  }
  int bench_argc = static_cast<int>(args.size());
  args.push_back(nullptr);

  if (const int rc = bench::verify(); rc != EXIT_SUCCESS) return rc;

  struct Case {
    const char* name;
    void (*fn)(benchmark::State&);
  };
  const Case cases[] = {
      {"decode_venice_status/reel", bench::bm_decode_venice_reel},
#if REEL_BENCH_HAVE_NLOHMANN
      {"decode_venice_status/nlohmann", bench::bm_decode_venice_nlohmann},
#endif
#if REEL_BENCH_HAVE_RAPIDJSON
      {"decode_venice_status/rapidjson", bench::bm_decode_venice_rapidjson},
#endif
      {"decode_lumenfall_video/reel", bench::bm_decode_lumenfall_reel},
#if REEL_BENCH_HAVE_NLOHMANN
      {"decode_lumenfall_video/nlohmann", bench::bm_decode_lumenfall_nlohmann},
#endif
#if REEL_BENCH_HAVE_RAPIDJSON
      {"decode_lumenfall_video/rapidjson", bench::bm_decode_lumenfall_rapidjson},
#endif
      {"encode_venice_queue/reel", bench::bm_encode_venice_reel},
#if REEL_BENCH_HAVE_NLOHMANN
      {"encode_venice_queue/nlohmann", bench::bm_encode_venice_nlohmann},
#endif
#if REEL_BENCH_HAVE_RAPIDJSON
      {"encode_venice_queue/rapidjson", bench::bm_encode_venice_rapidjson},
#endif
  };
  for (const Case& c : cases) {
    auto* b = benchmark::RegisterBenchmark(c.name, c.fn);
    if (fixed_iterations > 0) b->Iterations(fixed_iterations);
  }

  benchmark::Initialize(&bench_argc, args.data());
  if (benchmark::ReportUnrecognizedArguments(bench_argc, args.data())) return EXIT_FAILURE;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return EXIT_SUCCESS;
}
