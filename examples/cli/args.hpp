// SPDX-License-Identifier: BSL-1.0
// The reel command line: the flags, what each subcommand accepts, and parsing `argv` into `Args`.
// Parsing never exits: a bad command line is a `UsageError` for main() to report (exit code 2).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reel_cli {

/// A command line that cannot be run as written.
struct UsageError {
  std::string message;
};

/// One flag: its name (without `--`), the name of its value (empty: a switch) and a help line.
struct FlagSpec {
  std::string_view name;
  std::string_view value;
  std::string_view help;
};

inline constexpr FlagSpec flag_specs[] = {
    {"provider", "venice|lumenfall", "the provider (default venice; taken from the handle when one is given)"},
    {"model", "ID", "the model, e.g. wan-2.5-preview-text-to-video or sora-2"},
    {"prompt", "TEXT", "the prompt"},
    {"prompt-file", "FILE", "read the prompt from FILE (- for stdin)"},
    {"duration", "SECONDS", "video length in seconds, e.g. 5"},
    {"resolution", "RES", "Venice: 480p|720p|1080p; Lumenfall: a size such as 1280x720"},
    {"aspect-ratio", "W:H", "e.g. 16:9"},
    {"image", "FILE|URL", "image-to-video input: a file (sent as a base64 data URL) or an http(s) URL"},
    {"output", "FILE", "where the MP4 goes (default reel-<provider>-<job id>.mp4)"},
    {"handle", "FILE", "the job's handle as printed by submit (- for stdin)"},
    {"base-url", "URL", "the API's base URL (default: the provider's real API)"},
    {"timeout", "DURATION", "deadline for the whole command, e.g. 90s, 10m, 500ms (default: none)"},
    {"poll", "POLICY", "fixed[:5s] | backoff | eta (default eta: uses the provider's estimate)"},
    {"no-cleanup", "", "keep the provider's copy after the download"},
    {"accept-consent", "", "Venice: accept the consent policy a model asked for (exit 4 printed its text)"},
    {"json", "", "machine-readable events and the result on stdout, one JSON object per line"},
    {"dry-run", "", "print the HTTP requests that would be sent (key redacted); send nothing"},
    {"verbose", "", "log each request line and status to stderr"},
    {"journal", "FILE", "the job journal (default $REEL_JOURNAL, else $XDG_STATE_HOME/reel/journal, else ~/.local/state/reel/journal)"},
    {"no-journal", "", "record nothing in the job journal"},
    {"all", "", "jobs: include finished jobs not yet compacted; resume: every unfinished job"},
    {"concurrency", "N", "resume: jobs run at a time; generate --batch: requests in flight (default 8)"},
    {"batch", "FILE", "generate: one job per line of FILE (- for stdin): a prompt, or a JSON object with prompt, model, duration, resolution, aspect_ratio, image, output; --output is then a directory"},
    {"help", "", "this help"},
};

/// The parsed command line.
struct Args {
  std::string command;
  std::optional<std::string> provider, model, prompt, prompt_file, resolution, aspect_ratio, image, output, handle,
      base_url, poll, journal, batch;
  std::optional<std::string> id;  ///< resume ID, forget ID: a job's local id
  std::optional<int> duration;
  int concurrency = 8;
  std::optional<std::chrono::milliseconds> timeout;
  bool no_cleanup = false, accept_consent = false, json = false, dry_run = false, verbose = false, help = false,
       no_journal = false, all = false;
};

/// "90s", "10m", "500ms", "1h", or a number of seconds.
inline std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 9) return std::nullopt;
  const std::int64_t n = std::stoll(std::string(text.substr(0, digits)));
  const std::string_view unit = text.substr(digits);
  if (unit == "ms") return std::chrono::milliseconds(n);
  if (unit.empty() || unit == "s") return std::chrono::seconds(n);
  if (unit == "m") return std::chrono::minutes(n);
  if (unit == "h") return std::chrono::hours(n);
  return std::nullopt;
}

namespace detail {

inline const FlagSpec* find_flag(std::string_view name) {
  for (const FlagSpec& f : flag_specs) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

inline UsageError set_flag(Args& a, std::string_view name, const std::string& v) {
  auto text = [&](std::optional<std::string>& field) { field = v; };
  if (name == "provider") {
    if (v != "venice" && v != "lumenfall") return {"--provider must be venice or lumenfall, not \"" + v + "\""};
    text(a.provider);
  } else if (name == "model") {
    text(a.model);
  } else if (name == "prompt") {
    text(a.prompt);
  } else if (name == "prompt-file") {
    text(a.prompt_file);
  } else if (name == "duration") {
    const auto d = parse_duration(v);
    if (!d || v.find_first_not_of("0123456789s") != std::string::npos || *d < std::chrono::seconds(1) ||
        d->count() % 1000 != 0) {
      return {"--duration takes whole seconds, e.g. 5 or 5s, not \"" + v + "\""};
    }
    a.duration = static_cast<int>(d->count() / 1000);
  } else if (name == "resolution") {
    text(a.resolution);
  } else if (name == "aspect-ratio") {
    text(a.aspect_ratio);
  } else if (name == "image") {
    text(a.image);
  } else if (name == "output") {
    text(a.output);
  } else if (name == "handle") {
    text(a.handle);
  } else if (name == "base-url") {
    if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) return {"--base-url must be an http(s) URL"};
    text(a.base_url);
  } else if (name == "timeout") {
    a.timeout = parse_duration(v);
    if (!a.timeout || a.timeout->count() <= 0) return {"--timeout takes a duration such as 90s, 10m or 500ms, not \"" + v + "\""};
  } else if (name == "batch") {
    if (v.empty()) return {"--batch needs a file name"};
    text(a.batch);
  } else if (name == "journal") {
    if (v.empty()) return {"--journal needs a file name"};
    text(a.journal);
  } else if (name == "concurrency") {
    if (v.empty() || v.size() > 3 || v.find_first_not_of("0123456789") != std::string::npos || std::stoi(v) < 1) {
      return {"--concurrency takes a number from 1 to 999, not \"" + v + "\""};
    }
    a.concurrency = std::stoi(v);
  } else if (name == "poll") {
    const bool fixed = v == "fixed" || (v.rfind("fixed:", 0) == 0 && parse_duration(std::string_view(v).substr(6)));
    if (!fixed && v != "backoff" && v != "eta") return {"--poll must be fixed[:DURATION], backoff or eta, not \"" + v + "\""};
    text(a.poll);
  }
  return {};
}

}  // namespace detail

/// Parses `reel <command> [--flag value | --flag=value | --switch]...`; `allowed(command, flag)`
/// says which flags a command takes. Throws `UsageError`.
template <class Allowed>
Args parse_args(const std::vector<std::string>& argv, Allowed&& allowed) {
  Args a;
  std::size_t i = 0;
  if (i < argv.size() && argv[i].rfind("--", 0) != 0) a.command = argv[i++];
  for (; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg.rfind("--", 0) != 0 && !a.command.empty() && !a.id && allowed(a.command, "id")) {
      a.id = arg;  // the one positional argument (a job's local id) of the commands that take it
      continue;
    }
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) throw UsageError{"unexpected argument \"" + arg + "\""};
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const FlagSpec* spec = detail::find_flag(name);
    if (spec == nullptr) throw UsageError{"unknown flag --" + name};
    if (name == "help") {
      a.help = true;
      continue;
    }
    if (!a.command.empty() && !allowed(a.command, name)) {
      throw UsageError{"reel " + a.command + " does not take --" + name};
    }
    if (spec->value.empty()) {
      if (value) throw UsageError{"--" + name + " takes no value"};
      if (name == "no-cleanup") a.no_cleanup = true;
      if (name == "accept-consent") a.accept_consent = true;
      if (name == "json") a.json = true;
      if (name == "dry-run") a.dry_run = true;
      if (name == "verbose") a.verbose = true;
      if (name == "no-journal") a.no_journal = true;
      if (name == "all") a.all = true;
      continue;
    }
    if (!value) {
      if (i + 1 >= argv.size()) throw UsageError{"--" + name + " needs a value (" + std::string(spec->value) + ")"};
      value = argv[++i];
    }
    if (UsageError e = detail::set_flag(a, name, *value); !e.message.empty()) throw e;
  }
  return a;
}

}  // namespace reel_cli
