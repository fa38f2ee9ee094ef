// SPDX-License-Identifier: BSL-1.0
// The reel client of the side-by-side benchmark (benchmarks/peers/run.sh): N Venice jobs in ONE
// process, on one thread, through one reel::JobRunner and one job::Account with Venice's
// documented limits (40 queue and 120 retrieve requests per minute). Every job is
// submit → poll (reel's default EtaAware policy) → inline MP4 to a file → /video/complete, as
// `reel::VideoJob::generate` does it. The prompts carry a "[job I]" tag so that the simulator's
// rules give job I the same run time for every client.
//
// Measuring, not part of what a reel user writes: the HTTP client is wrapped in `TimedClient` (an
// `http::HttpClient` that forwards to `reel::http::Client` and notes each request's send and end
// time, endpoint, status and queue_id in memory), and the notes are written once everything ended,
// as JSON lines in the format summarize.py reads (the guide clients write the same lines).
//
//   reel_peer --base URL --key KEY --jobs N --out DIR --log FILE [--max-wait-s S]
//             [--model M] [--in-flight K]
#include <reel/http/client.hpp>
#include <reel/http/client_concept.hpp>
#include <reel/engine/account.hpp>
#include <reel/engine/runner.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/providers/venice.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The value of `"key":"..."` in a compact JSON text (queue_id in Venice's bodies), or "".
std::string string_member(std::string_view text, std::string_view key) {
  const std::string marker = "\"" + std::string(key) + "\":\"";
  const auto at = text.find(marker);
  if (at == std::string_view::npos) return {};
  const auto begin = at + marker.size();
  const auto end = text.find('"', begin);
  if (end == std::string_view::npos) return {};
  return std::string(text.substr(begin, end - begin));
}

struct Note {
  std::string endpoint;  // create (queue), status (retrieve), cleanup (complete), other
  std::string id;        // queue_id
  double t0 = 0;         // before send
  double t1 = 0;         // once the answer (and a streamed video) is complete
  int status = 0;        // 0: transport error
  bool video = false;    // the answer's body was the MP4 (streamed into the job's file)
  std::uint64_t bytes = 0;
};

// An http::HttpClient that times every exchange of the wrapped reel::http::Client.
class TimedClient {
public:
  using executor_type = reel::http::Client::executor_type;

  explicit TimedClient(reel::http::Client& inner) : inner_(inner) { notes_.reserve(1024); }
  executor_type get_executor() { return inner_.get_executor(); }

  reel::http::SendResult<executor_type> send(const reel::http::Request& request, const reel::http::RequestOptions& options,
                                             const reel::http::BodyChooser& choose) {
    Note note;
    const std::string_view url = request.url;
    if (url.ends_with("/video/queue")) note.endpoint = "create";
    else if (url.ends_with("/video/retrieve")) note.endpoint = "status";
    else if (url.ends_with("/video/complete")) note.endpoint = "cleanup";
    else note.endpoint = "other";
    if (note.endpoint != "create") note.id = string_member(request.body, "queue_id");
    note.t0 = unix_now();
    auto result = co_await inner_.send(request, options, choose);
    note.t1 = unix_now();
    if (result) {
      note.status = result->head.status;
      note.video = result->streamed;
      note.bytes = result->body_bytes;
      if (note.endpoint == "create") note.id = string_member(result->body, "queue_id");
    }
    notes_.push_back(std::move(note));
    co_return result;
  }

  const std::vector<Note>& notes() const noexcept { return notes_; }

private:
  reel::http::Client& inner_;
  std::vector<Note> notes_;
};

static_assert(reel::http::check_http_client<TimedClient>());

using Job = reel::VideoJob<reel::Venice, TimedClient>;

struct Args {
  std::string base;
  std::string key;
  std::size_t jobs = 1;  // 0: start up and end (run.sh measures the start-up cost so)
  std::string out;
  std::string log;
  long max_wait_s = 900;
  std::string model = "wan-2.5-preview-text-to-video";
  std::size_t in_flight = 64;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "reel_peer: %s\n"
               "usage: reel_peer --base URL --key KEY --jobs N --out DIR --log FILE [--max-wait-s S]\n"
               "                 [--model M] [--in-flight K]\n",
               why);
  std::exit(2);
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string_view f = argv[i];
    if (i + 1 >= argc) usage("a flag lacks its value");
    const std::string v = argv[++i];
    if (f == "--base") a.base = v;
    else if (f == "--key") a.key = v;
    else if (f == "--jobs") a.jobs = static_cast<std::size_t>(std::strtoul(v.c_str(), nullptr, 10));
    else if (f == "--out") a.out = v;
    else if (f == "--log") a.log = v;
    else if (f == "--max-wait-s") a.max_wait_s = std::strtol(v.c_str(), nullptr, 10);
    else if (f == "--model") a.model = v;
    else if (f == "--in-flight") a.in_flight = static_cast<std::size_t>(std::strtoul(v.c_str(), nullptr, 10));
    else usage("unknown flag");
  }
  if (a.base.empty() || a.key.empty() || a.out.empty() || a.log.empty()) {
    usage("--base, --key, --out and --log are required");
  }
  return a;
}

std::string json_string(std::string_view s) {
  std::string r = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      r += '\\';
      r += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      r += ' ';
    } else {
      r += c;
    }
  }
  return r + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  std::filesystem::create_directories(args.out);

  asio::io_context io(1);
  reel::http::Client http(io.get_executor());
  TimedClient timed(http);
  reel::job::Account account(reel::steady_clock(), reel::Venice::default_limits());
  reel::JobRunner runner(reel::steady_clock(), reel::RunnerOptions{args.in_flight});

  // The requests must outlive their jobs' steps: one per job (the prompt carries the job's tag).
  std::vector<reel::venice::QueueRequest> requests(args.jobs);
  std::vector<std::unique_ptr<Job>> jobs;
  jobs.reserve(args.jobs);
  struct End {
    bool ended = false;
    bool ok = false;
    double t = 0;
    std::string kind;
    std::string error;
  };
  std::vector<End> ends(args.jobs);
  const auto deadline = reel::steady_clock().now() + std::chrono::seconds(args.max_wait_s);

  for (std::size_t i = 0; i < args.jobs; ++i) {
    auto& r = requests[i];
    r.model = args.model;
    r.prompt = "A gondola gliding through Venice canals at sunset [job " + std::to_string(i) + "]";
    r.duration = "5s";
    r.resolution = "720p";
    r.aspect_ratio = "16:9";
    reel::JobOptions options;
    options.deadline = deadline;
    jobs.push_back(std::make_unique<Job>(timed, reel::Venice{args.key, args.base}, account, std::move(options)));
    const std::string output = args.out + "/job-" + std::to_string(i) + ".mp4";
    runner.add(*jobs.back(), r, output, [&ends, i](reel::job::Outcome o) {
      End& e = ends[i];
      e.ended = true;
      e.t = unix_now();
      e.ok = o.kind == reel::job::OutcomeKind::succeeded;
      e.kind = std::string(reel::job::to_string(o.kind));
      if (o.error.code) e.error = o.error.message();
    });
  }
  std::exception_ptr failure;
  asio::co_spawn(io, runner.run(), [&failure](std::exception_ptr e) { failure = e; });
  io.run();

  // Which job each queue_id belongs to.
  std::map<std::string, std::size_t> job_of;
  for (std::size_t i = 0; i < jobs.size(); ++i) job_of[jobs[i]->handle().job_id] = i;

  std::FILE* log = std::fopen(args.log.c_str(), "w");
  if (log == nullptr) {
    std::perror(args.log.c_str());
    return 1;
  }
  for (const Note& n : timed.notes()) {
    const auto it = job_of.find(n.id);
    const long job = it == job_of.end() ? -1 : static_cast<long>(it->second);
    std::fprintf(log, "{\"job\":%ld,\"ep\":\"%s\",\"t0\":%.6f,\"t1\":%.6f,\"status\":%d,\"video\":%s,\"bytes\":%llu}\n", job,
                 n.endpoint.c_str(), n.t0, n.t1, n.status, n.video ? "true" : "false",
                 static_cast<unsigned long long>(n.bytes));
  }
  std::size_t ok = 0;
  for (std::size_t i = 0; i < ends.size(); ++i) {
    const End& e = ends[i];
    ok += e.ok ? 1 : 0;
    std::fprintf(log, "{\"job\":%zu,\"ep\":\"end\",\"t\":%.6f,\"ok\":%s,\"kind\":%s,\"error\":%s}\n", i, e.t,
                 e.ok ? "true" : "false", json_string(e.ended ? e.kind : std::string("not ended")).c_str(), json_string(e.error).c_str());
  }
  std::fclose(log);
  std::fprintf(stderr, "reel_peer: %zu of %zu jobs succeeded\n", ok, ends.size());
  if (failure) {
    std::fprintf(stderr, "reel_peer: the runner ended with an exception\n");
    return 1;
  }
  return ok == ends.size() ? 0 : 1;
}
