// SPDX-License-Identifier: BSL-1.0
// The reel command line: the flags, what each subcommand accepts, and parsing `argv` into `Args`.
// Parsing never exits: a bad command line is a `UsageError` for main() to report (exit code 2).
// Defined in args.cpp.
#pragma once

#include <chrono>
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
    {"provider", "venice|lumenfall|fal|replicate|openai", "the provider (default venice; taken from the handle when one is given)"},
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
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

/// Says whether `command` takes `--flag`.
using FlagFilter = bool (*)(std::string_view command, std::string_view flag);

/// Parses `reel <command> [--flag value | --flag=value | --switch]...`; `allowed(command, flag)`
/// says which flags a command takes. Throws `UsageError`.
Args parse_args(const std::vector<std::string>& argv, FlagFilter allowed);

}  // namespace reel_cli
