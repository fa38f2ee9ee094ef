// SPDX-License-Identifier: BSL-1.0
// The subcommand table: name, summary, the flags each takes, whether it needs a provider key or
// a handle, and the coroutine that runs it. A new subcommand is one entry here (and, if it
// talks to a provider, a template in job_commands.hpp); commands that need no provider (a job
// journal's `jobs`, say) set `needs_provider = false` and read what they need from the Context.
#pragma once

#include "args.hpp"
#include "batch_commands.hpp"
#include "context.hpp"
#include "exit_codes.hpp"
#include "job_commands.hpp"
#include "journal_commands.hpp"
#include "resume_commands.hpp"

#include <asio/awaitable.hpp>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace reel_cli {

/// One subcommand.
struct Command {
  std::string_view name;
  std::string_view summary;
  std::vector<std::string_view> flags;  ///< besides the common ones
  bool needs_provider = true;           ///< an API key and a provider's traits
  bool needs_handle = false;            ///< --handle is required (and sets the provider)
  asio::awaitable<Exit> (*run)(Context&) = nullptr;
};

/// Flags every subcommand takes.
inline constexpr std::string_view common_flags[] = {"provider", "base-url", "timeout", "json", "dry-run", "verbose", "help"};

/// Runs `fn<Venice>` or `fn<Lumenfall>` for the context's provider.
#define REEL_CLI_BY_PROVIDER(fn, ...)                                                          \
  [](Context& c) -> asio::awaitable<Exit> {                                                     \
    return c.venice ? fn(c, *c.venice __VA_OPT__(, ) __VA_ARGS__) : fn(c, *c.lumenfall __VA_OPT__(, ) __VA_ARGS__); \
  }

// `generate`: a batch, journaled, or plain.
template <class P>
asio::awaitable<Exit> generate_command(Context& c, P provider) {
  if (c.args.batch) return generate_batch(c, std::move(provider));
  return c.journal ? generate_journaled(c, std::move(provider)) : generate(c, std::move(provider));
}

inline const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"models", "list the provider's video models and their constraints (Venice)", {}, true, false,
       REEL_CLI_BY_PROVIDER(models)},
      {"quote", "price a video before generating it",
       {"model", "prompt", "prompt-file", "duration", "resolution", "aspect-ratio", "image"}, true, false,
       REEL_CLI_BY_PROVIDER(quote)},
      {"generate", "submit, wait, download and clean up in one (recorded in the job journal)",
       {"model", "prompt", "prompt-file", "duration", "resolution", "aspect-ratio", "image", "accept-consent", "output",
        "poll", "no-cleanup", "journal", "no-journal", "batch", "concurrency"},
       true, false, REEL_CLI_BY_PROVIDER(generate_command)},
      {"submit", "submit a job and print its handle (JSON) on stdout (recorded in the job journal)",
       {"model", "prompt", "prompt-file", "duration", "resolution", "aspect-ratio", "image", "accept-consent", "journal",
        "no-journal"},
       true, false, REEL_CLI_BY_PROVIDER(submit_command)},
      {"status", "read a job's status once", {"handle"}, true, true, REEL_CLI_BY_PROVIDER(status)},
      {"wait", "wait for a job, download the video and clean up (resumes after a deadline)",
       {"handle", "output", "poll", "no-cleanup", "journal", "no-journal"}, true, true,
       REEL_CLI_BY_PROVIDER(finish_command, true)},
      {"download", "download a job's video (waits if it is not ready yet); keeps the provider's copy",
       {"handle", "output", "poll", "journal", "no-journal"}, true, true, REEL_CLI_BY_PROVIDER(finish_command, false)},
      {"cleanup", "delete the provider's copy of a job (and revoke its download link)",
       {"handle", "journal", "no-journal"}, true, true, REEL_CLI_BY_PROVIDER(cleanup_command)},
      {"cancel", "stop a running job (Lumenfall)", {"handle"}, true, true, REEL_CLI_BY_PROVIDER(cancel)},
      {"jobs", "list the job journal's unfinished jobs (--all: also finished ones not yet compacted)",
       {"journal", "all"}, false, false, jobs_command},
      {"resume", "finish unfinished jobs of the journal (--all, or one ID) without submitting again",
       {"journal", "all", "id", "concurrency", "poll", "no-cleanup"}, false, false, resume_command},
      {"forget", "drop job ID from the journal (e.g. an ambiguous Venice submit checked by hand)", {"journal", "id"},
       false, false, forget_command},
  };
  return table;
}

#undef REEL_CLI_BY_PROVIDER

inline const Command* find_command(std::string_view name) {
  for (const Command& c : commands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

/// Whether `command` takes `--flag` (unknown commands take everything: the error comes later).
inline bool takes_flag(std::string_view command, std::string_view flag) {
  const Command* c = find_command(command);
  if (c == nullptr) return true;
  return std::find(std::begin(common_flags), std::end(common_flags), flag) != std::end(common_flags) ||
         std::find(c->flags.begin(), c->flags.end(), flag) != c->flags.end();
}

inline std::string flag_help(std::string_view name) {
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
inline std::string general_help() {
  std::string s =
      "usage: reel <command> [flags]    (reel <command> --help for its flags)\n"
      "Generates videos with Venice or Lumenfall. Keys come from VENICE_API_KEY / LUMENFALL_API_KEY\n"
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
inline std::string command_help(const Command& c) {
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

}  // namespace reel_cli
