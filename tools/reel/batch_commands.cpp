// SPDX-License-Identifier: BSL-1.0
// `reel generate --batch FILE`: many jobs from one file through one reel::JobRunner on the
// session's account (its rate limits shared with the other reel processes of the machine), each
// journaled as `generate` journals one, with aggregate progress on stderr (or a `job` event per
// job with --json) and the most severe exit code of all. Every line is checked before the first
// create is sent.
#include "commands.hpp"
#include "context.hpp"
#include "exit_codes.hpp"
#include "journal_file.hpp"

#include <reel/engine/runner.hpp>
#include <reel/json/read.hpp>
#include <reel/json/value.hpp>
#include <reel/store/journaled_runner.hpp>

#include <asio/awaitable.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace reel_cli {

namespace {

/// One job of a batch file: its line number, the flags it overrides, where its video goes.
struct BatchLine {
  int line = 0;
  Args args;
  std::filesystem::path output;
};

/// The jobs of a batch file (a prompt, or a JSON object, per line; blank lines and lines that
/// start with `#` are skipped). Throws UsageError naming the line that is wrong.
std::vector<BatchLine> read_batch(const Args& base, std::string_view provider) {
  auto text = slurp(*base.batch);
  if (!text) throw UsageError{"cannot read --batch " + *base.batch};
  const std::filesystem::path dir = base.output ? std::filesystem::path(*base.output) : std::filesystem::path(".");
  std::vector<BatchLine> out;
  std::string_view rest = *text;
  for (int number = 1; !rest.empty(); ++number) {
    const std::size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    BatchLine b;
    b.line = number;
    b.args = base;
    b.args.batch.reset();
    b.args.prompt_file.reset();
    b.args.output.reset();
    const std::string where = "--batch line " + std::to_string(number) + ": ";
    if (line.front() == '{') {
      reel::json::Value v;
      if (const reel::json::Error e = reel::json::read(line, v); e || !v.is_object()) {
        throw UsageError{where + (e ? e.message() : std::string("not a JSON object"))};
      }
      for (const auto& [key, value] : *v.if_object()) {
        const std::string* s = value.if_string();
        if (key == "duration" && value.if_number()) {
          const auto n = value.if_number()->to_int64();
          if (!n || *n < 1 || *n > 3600) throw UsageError{where + "duration must be whole seconds"};
          b.args.duration = static_cast<int>(*n);
          continue;
        }
        if (s == nullptr) throw UsageError{where + "\"" + key + "\" must be a string"};
        if (key == "prompt") {
          b.args.prompt = *s;
        } else if (key == "model") {
          b.args.model = *s;
        } else if (key == "duration") {
          const auto d = parse_duration(*s);
          if (!d || *d < std::chrono::seconds(1) || d->count() % 1000 != 0) throw UsageError{where + "duration must be whole seconds"};
          b.args.duration = static_cast<int>(d->count() / 1000);
        } else if (key == "resolution") {
          b.args.resolution = *s;
        } else if (key == "aspect_ratio") {
          b.args.aspect_ratio = *s;
        } else if (key == "image") {
          b.args.image = *s;
        } else if (key == "output") {
          b.output = *s;
        } else {
          throw UsageError{where + "unknown key \"" + key + "\""};
        }
      }
    } else {
      b.args.prompt = std::string(line);
    }
    if (!b.args.prompt || b.args.prompt->empty()) throw UsageError{where + "no prompt"};
    if (b.output.empty()) {
      char name[32];
      std::snprintf(name, sizeof name, "-%04d.mp4", number);
      b.output = dir / ("reel-" + std::string(provider) + name);
    }
    b.output = std::filesystem::absolute(b.output);
    out.push_back(std::move(b));
  }
  if (out.empty()) throw UsageError{"--batch " + *base.batch + " holds no job"};
  return out;
}

/// `generate --batch FILE`.
template <class P>
asio::awaitable<Exit> generate_batch_typed(Context& c, Session<P>& s) {
  const P& provider = s.provider();
  reel::job::Account& account = s.account();
  std::vector<BatchLine> lines = read_batch(c.args, P::name);
  // Every request is built (and so checked) before anything is sent.
  std::vector<typename P::Request> requests;
  requests.reserve(lines.size());
  for (const BatchLine& b : lines) requests.push_back(native_request<P>(b.args, true));
  std::string shard_error;
  std::optional<JournalShard> shard = c.journal ? take_free_shard(*c.journal, shard_error) : std::nullopt;
  if (c.journal && !shard) co_return end_with(c, journal_error(shard_error + " (--no-journal runs without it)"));
  const std::size_t n = lines.size();
  if (!c.args.json) {
    // Creates are paced to the key's limit (shared with the machine's other reel processes):
    // when the last one can go out; each job then takes the model's run time.
    const auto last = account.limiter().when_granted(P::create_bucket, n) - account.clock().now();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(last).count();
    std::string pace;
    if (seconds > 0) pace = "; the key's create limit sends the last one in about " + std::to_string(seconds) + " s";
    std::fprintf(stderr, "reel: batch of %zu %s jobs%s\n", n, std::string(P::name).c_str(), pace.c_str());
  }

  reel::RunnerOptions runner_options;
  runner_options.max_in_flight = static_cast<std::size_t>(c.args.concurrency);
  reel::JobRunner runner(reel::steady_clock(), runner_options);
  std::vector<std::unique_ptr<Job<P>>> jobs;
  jobs.reserve(n);
  std::size_t submitted = 0, ended = 0;
  Exit worst = Exit::ok;
  ProgressView quiet(std::string(P::name), true);  // job_options wants a view; batch progress is below
  for (std::size_t i = 0; i < n; ++i) {
    reel::JobOptions options = job_options(c, quiet, false);
    const int line = lines[i].line;
    options.on_progress = nullptr;
    options.on_submitted = [&c, &submitted, n, line](const reel::job::JobHandle& h) {
      ++submitted;
      if (c.args.json) {
        SubmittedEvent e;
        e.handle = h;
        emit(e);
      } else {
        std::fprintf(stderr, "reel: [%zu/%zu submitted] line %d: %s job %s\n", submitted, n, line, h.provider.c_str(),
                     h.job_id.c_str());
      }
    };
    jobs.push_back(std::make_unique<Job<P>>(s.http(), provider, account, reel::store::fresh_handle(provider), std::move(options)));
    auto report = [&c, &ended, &worst, n, line](const reel::job::Outcome& o, const std::string& id) {
      ++ended;
      const Exit e = exit_for(o);
      if (severity(e) > severity(worst)) worst = e;
      if (c.args.json) {
        JobEvent ev;
        ev.id = id;
        ev.provider = o.handle.provider;
        ev.model = o.handle.model;
        ev.state = "ended";
        ev.line = line;
        if (o.handle.submitted()) ev.job_id = o.handle.job_id;
        ev.outcome = std::string(reel::job::to_string(o.kind));
        ev.kind = "submitted";
        ev.exit_code = static_cast<int>(e);
        if (o.ok()) ev.file = o.file.string();
        if (o.error.code) ev.error = o.error.message();
        emit(ev);
      } else {
        std::fprintf(stderr, "reel: [%zu/%zu done] line %d: %s%s%s\n", ended, n, line,
                     std::string(reel::job::to_string(o.kind)).c_str(), o.ok() ? " " : ": ",
                     o.ok() ? o.file.string().c_str() : o.error.message().c_str());
      }
    };
    if (shard) {
      reel::store::journaled_add(runner, shard->journal(), *jobs.back(), requests[i], lines[i].output,
                                 [report](reel::store::JournaledOutcome out) { report(out.outcome, out.id); });
    } else {
      runner.add(*jobs.back(), requests[i], lines[i].output, [report](reel::job::Outcome o) { report(o, std::string()); });
    }
  }
  co_await runner.run();
  if (c.args.json) {
    emit(result_of(c, worst));
  } else {
    std::fprintf(stderr, "reel: batch done: %zu jobs, exit %d\n", n, static_cast<int>(worst));
  }
  co_return worst;
}

}  // namespace

asio::awaitable<Exit> generate_batch(Context& c) {
  return with_session(c, [&c](auto& s) { return generate_batch_typed(c, s); });
}

}  // namespace reel_cli
