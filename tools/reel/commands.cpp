// SPDX-License-Identifier: BSL-1.0
// The subcommand table and the help texts (commands.hpp).
#include "commands.hpp"

#include "args.hpp"
#include "exit_codes.hpp"

#include <reel/config.hpp>

#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace reel_cli {

namespace {

// `generate`: a batch, journaled, or plain.
asio::awaitable<Exit> generate_command(Context& c) {
  if (c.args.batch) return generate_batch(c);
  return c.journal ? generate_journaled(c) : generate_plain(c);
}
asio::awaitable<Exit> wait_command(Context& c) { return finish_command(c, true); }
asio::awaitable<Exit> download_command(Context& c) { return finish_command(c, false); }

}  // namespace

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"models", "list the provider's video models and their constraints (Venice)", {}, true, false,
       models_command},
      {"quote", "price a video before generating it",
       {"model", "prompt", "prompt-file", "duration", "resolution", "aspect-ratio", "image"}, true, false,
       quote_command},
      {"generate", "submit, wait, download and clean up in one (recorded in the job journal)",
       {"model", "prompt", "prompt-file", "duration", "resolution", "aspect-ratio", "image", "accept-consent", "output",
        "poll", "no-cleanup", "journal", "no-journal", "batch", "concurrency"},
       true, false, generate_command},
      {"submit", "submit a job and print its handle (JSON) on stdout (recorded in the job journal)",
       {"model", "prompt", "prompt-file", "duration", "resolution", "aspect-ratio", "image", "accept-consent", "journal",
        "no-journal"},
       true, false, submit_command},
      {"status", "read a job's status once", {"handle"}, true, true, status_command},
      {"wait", "wait for a job, download the video and clean up (resumes after a deadline)",
       {"handle", "output", "poll", "no-cleanup", "journal", "no-journal"}, true, true,
       wait_command},
      {"download", "download a job's video (waits if it is not ready yet); keeps the provider's copy",
       {"handle", "output", "poll", "journal", "no-journal"}, true, true, download_command},
      {"cleanup", "delete the provider's copy of a job (and revoke its download link)",
       {"handle", "journal", "no-journal"}, true, true, cleanup_command},
      {"cancel", "stop a running job (Lumenfall)", {"handle"}, true, true, cancel_command},
      {"jobs", "list the job journal's unfinished jobs (--all: also finished ones not yet compacted)",
       {"journal", "all"}, false, false, jobs_command},
      {"resume", "finish unfinished jobs of the journal (--all, or one ID) without submitting again",
       {"journal", "all", "id", "concurrency", "poll", "no-cleanup"}, false, false, resume_command},
      {"forget", "drop job ID from the journal (e.g. an ambiguous Venice submit checked by hand)", {"journal", "id"},
       false, false, forget_command},
  };
  return table;
}

const Command* find_command(std::string_view name) {
  for (const Command& c : commands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

/// Whether `command` takes `--flag` (unknown commands take everything: the error comes later).
bool takes_flag(std::string_view command, std::string_view flag) {
  const Command* c = find_command(command);
  if (c == nullptr) return true;
  return std::find(std::begin(common_flags), std::end(common_flags), flag) != std::end(common_flags) ||
         std::find(c->flags.begin(), c->flags.end(), flag) != c->flags.end();
}

std::string flag_help(std::string_view name) {
  for (const FlagSpec& f : flag_specs) {
    if (f.name != name) continue;
    std::string left = "  --" + std::string(f.name);
    if (!f.value.empty()) left += " " + std::string(f.value);
    left.resize(std::max<std::size_t>(left.size() + 2, 32), ' ');
    return left + std::string(f.help) + "\n";
  }
  return {};
}

/// `reel --help`.
std::string general_help() {
  std::string s =
      "usage: reel <command> [flags]    (reel <command> --help for its flags; reel --version)\n"
      "Generates videos with Venice, Lumenfall or fal. Keys come from VENICE_API_KEY / LUMENFALL_API_KEY\n"
      "/ FAL_KEY "
      "and are never printed.\n\ncommands:\n";
  for (const Command& c : commands()) {
    std::string left = "  " + std::string(c.name);
    left.resize(12, ' ');
    s += left + std::string(c.summary) + "\n";
  }
  s += "\nflags of every command:\n";
  for (const std::string_view f : common_flags) s += flag_help(f);
  s += "\n";
  s += exit_code_table;
  return s;
}

/// `reel <command> --help`.
std::string command_help(const Command& c) {
  const bool takes_id = std::find(c.flags.begin(), c.flags.end(), "id") != c.flags.end();
  std::string s = "usage: reel " + std::string(c.name) + (c.needs_handle ? " --handle FILE" : "") +
                  (takes_id ? " [ID]" : "") + " [flags]\n" +
                  std::string(c.summary) + "\n\nflags:\n";
  for (const std::string_view f : c.flags) s += flag_help(f);
  for (const std::string_view f : common_flags) s += flag_help(f);
  s += "\n";
  s += exit_code_table;
  return s;
}

std::string version_line() {
  return "reel " + std::to_string(REEL_VERSION_MAJOR) + "." + std::to_string(REEL_VERSION_MINOR) + "." +
         std::to_string(REEL_VERSION_PATCH);
}

}  // namespace reel_cli
