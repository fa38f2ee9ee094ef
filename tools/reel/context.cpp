// SPDX-License-Identifier: BSL-1.0
// What the subcommands share (context.hpp): the request and the job options from the flags, and
// how a command ends.
#include "context.hpp"

#include <reel/store/journaled.hpp>

#include <asio/error.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

namespace reel_cli {

namespace {

/// Polls at once the first time (a resumed job may be ready), then as `inner` says, never
/// more often than `floor`.
struct FirstPollNow {
  reel::policy::AnyPollPolicy inner;
  reel::policy::Duration floor;
  reel::policy::Duration next_delay(const reel::policy::PollState& s) {
    if (s.polls == 0) return reel::policy::Duration(0);
    return std::max(floor, inner.next_delay(s));
  }
};

}  // namespace

/// The whole content of a file, or of stdin for "-".
std::optional<std::string> slurp(const std::string& path) {
  std::ostringstream s;
  if (path == "-") {
    s << std::cin.rdbuf();
    return s.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  s << in.rdbuf();
  return s.str();
}

/// Standard base64 (RFC 4648, with padding).
std::string base64(std::string_view in) {
  static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const auto n = (static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16) |
                   (static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8) |
                   static_cast<unsigned char>(in[i + 2]);
    out += table[(n >> 18) & 63];
    out += table[(n >> 12) & 63];
    out += table[(n >> 6) & 63];
    out += table[n & 63];
  }
  if (const std::size_t rest = in.size() - i; rest > 0) {
    unsigned n = static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16;
    if (rest == 2) n |= static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8;
    out += table[(n >> 18) & 63];
    out += table[(n >> 12) & 63];
    out += rest == 2 ? table[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

/// --image: an http(s) URL as is, or a file as a `data:` URL. Throws UsageError.
std::string image_input(const std::string& image) {
  if (image.rfind("http://", 0) == 0 || image.rfind("https://", 0) == 0 || image.rfind("data:", 0) == 0) return image;
  const auto bytes = slurp(image);
  if (!bytes) throw UsageError{"cannot read --image " + image};
  std::string ext = std::filesystem::path(image).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  std::string type = "image/png";
  if (ext == ".jpg" || ext == ".jpeg") type = "image/jpeg";
  if (ext == ".webp") type = "image/webp";
  if (ext == ".gif") type = "image/gif";
  return "data:" + type + ";base64," + base64(*bytes);
}

/// The provider-neutral request from the flags. Throws UsageError.
reel::job::VideoRequest video_request(const Args& a, bool need_prompt) {
  reel::job::VideoRequest r;
  if (!a.model) throw UsageError{"--model is required"};
  r.model = *a.model;
  if (a.prompt && a.prompt_file) throw UsageError{"give --prompt or --prompt-file, not both"};
  if (a.prompt_file) {
    auto text = slurp(*a.prompt_file);
    if (!text) throw UsageError{"cannot read --prompt-file " + *a.prompt_file};
    while (!text->empty() && (text->back() == '\n' || text->back() == '\r')) text->pop_back();
    r.prompt = std::move(*text);
  } else if (a.prompt) {
    r.prompt = *a.prompt;
  }
  if (need_prompt && r.prompt.empty()) throw UsageError{"--prompt or --prompt-file is required"};
  r.duration_seconds = a.duration;
  r.resolution = a.resolution;
  r.aspect_ratio = a.aspect_ratio;
  if (a.image) r.image = image_input(*a.image);
  return r;
}

/// The job options from the flags.
reel::JobOptions job_options(const Context& c, ProgressView& view, bool resumed) {
  using namespace std::chrono_literals;
  reel::JobOptions o;
  const std::string poll = c.args.poll.value_or("eta");
  if (poll.rfind("fixed", 0) == 0) {
    const auto every = poll.size() > 6 ? *parse_duration(std::string_view(poll).substr(6)) : std::chrono::milliseconds(5s);
    o.poll = reel::policy::FixedInterval{every};
    o.poll_bounds.floor = std::clamp(every, std::chrono::milliseconds(10ms), std::chrono::milliseconds(1s));
  } else if (poll == "backoff") {
    o.poll = reel::policy::ExponentialBackoff{};
  }
  if (resumed) {
    o.poll = FirstPollNow{std::move(o.poll), o.poll_bounds.floor};
    o.poll_bounds.floor = 0ms;
  }
  if (c.args.timeout) o.deadline = reel::steady_clock().now() + *c.args.timeout;
  o.cleanup = !c.args.no_cleanup;
  o.on_progress = [&view](const reel::job::JobProgress& p) { view.update(p); };
  const bool json = c.args.json;
  o.on_submitted = [json, &view](const reel::job::JobHandle& h) {
    if (json) {
      SubmittedEvent e;
      e.handle = h;
      emit(e);
    }
    view.message("submitted " + h.provider + " job " + h.job_id);
  };
  return o;
}

/// Prints a failure (to stderr) with the provider's hints, and the handle when the job may
/// still be running, so it can be resumed.
void print_failure(const Context& c, Exit code, const reel::job::JobError& error,
                          const std::optional<reel::job::JobHandle>& handle) {
  if (c.args.json) return;
  std::fprintf(stderr, "reel: %s\n", error.message().c_str());
  if (error.provider.more().policy_text) std::fprintf(stderr, "  consent needed: %s\n", error.provider.more().policy_text->c_str());
  if (error.provider.more().suggested_prompt) std::fprintf(stderr, "  suggested prompt: %s\n", error.provider.more().suggested_prompt->c_str());
  if (error.provider.more().recommended_model) std::fprintf(stderr, "  recommended model: %s\n", error.provider.more().recommended_model->c_str());
  if (handle && handle->submitted() && (resumable(code) || code == Exit::auth || code == Exit::error)) {
    std::printf("%s\n", handle_json(*handle).c_str());
    std::fflush(stdout);
    std::fprintf(stderr, "the job was accepted and is kept: save the handle above (stdout) and, once the cause is "
                         "fixed, finish it with `reel wait --handle FILE` (or `reel resume` from the journal)\n");
  }
}

/// The `result` event of a command that did not run a whole job.
ResultEvent result_of(const Context& c, Exit code, const reel::job::JobError* error) {
  ResultEvent r;
  r.command = c.args.command;
  r.exit_code = static_cast<int>(code);
  r.outcome = code == Exit::ok ? "succeeded" : "error";
  if (error != nullptr) r.error = error_info(*error);
  if (c.args.dry_run) {
    r.dry_run = true;
    r.outcome = "dry-run";
  }
  return r;
}

/// Ends a command that failed with `error`: the exit code, printed or emitted. In --dry-run
/// every command ends here after its first request and succeeds.
Exit end_with(const Context& c, const reel::job::JobError& error, const std::optional<reel::job::JobHandle>& handle) {
  const Exit code = c.args.dry_run ? Exit::ok : exit_for(error.code);
  if (c.args.json) {
    ResultEvent r = result_of(c, code, c.args.dry_run ? nullptr : &error);
    if (!c.args.dry_run) r.outcome = std::string(reel::job::to_string(reel::job::outcome_kind_of(error.code)));
    if (handle && handle->submitted()) r.handle = handle;
    emit(r);
  } else if (!c.args.dry_run) {
    print_failure(c, code, error, handle);
  }
  return code;
}

/// Ends a command that ran a job to an outcome.
Exit end_with(const Context& c, const reel::job::Outcome& o) {
  if (c.args.dry_run || o.kind != reel::job::OutcomeKind::succeeded) {
    if (!c.args.json || c.args.dry_run) return end_with(c, o.error, o.handle);
    const Exit code = exit_for(o);
    ResultEvent r = result_of(c, code, &o.error);
    r.outcome = std::string(reel::job::to_string(o.kind));
    r.bytes = o.bytes;
    r.polls = o.polls;
    r.cost = o.cost;
    if (o.handle.submitted()) r.handle = o.handle;
    if (!o.warnings.empty()) r.warnings = o.warnings;
    if (o.kind == reel::job::OutcomeKind::error && !o.file.empty()) r.file = o.file.string();
    emit(r);
    return code;
  }
  std::error_code ec;
  const auto size = std::filesystem::file_size(o.file, ec);
  if (c.args.json) {
    ResultEvent r = result_of(c, Exit::ok);
    r.file = o.file.string();
    if (!ec) r.size_bytes = size;
    r.bytes = o.bytes;
    r.polls = o.polls;
    r.cost = o.cost;
    r.cleaned_up = o.cleaned_up;
    r.handle = o.handle;
    if (o.error.code) r.error = error_info(o.error);  // a failed cleanup
    if (!o.warnings.empty()) r.warnings = o.warnings;
    emit(r);
  } else {
    std::printf("%s\n", o.file.string().c_str());
    std::fflush(stdout);
    char cost[48] = "";
    if (o.cost) std::snprintf(cost, sizeof cost, ", $%.2f", *o.cost);
    std::fprintf(stderr, "saved %s (%s, %d polls%s%s)\n", o.file.string().c_str(), human_bytes(ec ? 0 : size).c_str(),
                 o.polls, cost, o.cleaned_up ? ", provider copy deleted" : "");
    if (o.error.code) std::fprintf(stderr, "reel: warning: cleanup failed: %s\n", o.error.message().c_str());
  }
  return Exit::ok;
}

std::filesystem::path default_output(std::string_view provider, std::string id) {
  if (id.empty()) {
    const std::time_t now = std::time(nullptr);
    char buf[32];
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
    id = buf;
  }
  for (char& ch : id) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') ch = '_';
  }
  return "reel-" + std::string(provider) + "-" + id + ".mp4";
}

reel::job::JobError transport_error(const reel::http::SendError& e) {
  reel::job::JobError err{e.code, {}};
  if (e.code == asio::error::operation_aborted) err.code = make_error_code(reel::job::Errc::cancelled);  // SIGINT
  err.provider.message = std::string("at stage ") + reel::http::to_string(e.stage);
  return err;
}

reel::http::RequestOptions request_options(const Context& c) {
  reel::http::RequestOptions o;
  if (c.args.timeout) o.deadline = std::chrono::steady_clock::now() + *c.args.timeout;
  return o;
}

reel::job::JobError unsupported(std::string message) {
  reel::job::JobError e{make_error_code(reel::job::Errc::not_supported), {}};
  e.provider.message = std::move(message);
  return e;
}

reel::job::JobError journal_error(const std::string& message) {
  reel::job::JobError e{make_error_code(reel::store::Errc::io_error), {}};
  e.provider.message = message;
  return e;
}

const reel::store::RunOptions& detach_options() {
  static const reel::store::RunOptions o{};
  return o;
}

namespace {
template <class... P>
std::string key_variable_in(reel::ProviderList<P...>, std::string_view provider) {
  std::string var;
  (void)((P::name == provider ? (var = P::key_env, true) : false) || ...);
  return var;
}
}  // namespace

std::string key_variable(std::string_view provider) {
  // Each provider names its variable (`P::key_env`), as its own tools and SDKs do.
  std::string var = key_variable_in(reel::Providers{}, provider);
  return var.empty() ? "the API key variable" : var;
}

}  // namespace reel_cli
