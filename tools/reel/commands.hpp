// SPDX-License-Identifier: BSL-1.0
// The subcommand table: name, summary, the flags each takes, whether it needs a provider key or
// a handle, and the coroutine that runs it (commands.cpp), and the commands' entry points,
// each defined in the file that runs it. A new subcommand is one entry of the table (and, if
// it talks to a provider, a template over `Session<P>` reached through `with_session`);
// commands that need no provider (a job journal's `jobs`, say) set `needs_provider = false`
// and read what they need from the Context.
#pragma once

#include "context.hpp"
#include "exit_codes.hpp"

#include <asio/awaitable.hpp>

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

/// The table.
const std::vector<Command>& commands();
/// The command named `name`, or null.
const Command* find_command(std::string_view name);
/// Whether `command` takes `--flag` (unknown commands take everything: the error comes later).
bool takes_flag(std::string_view command, std::string_view flag);
/// `reel --help`.
std::string general_help();
/// `reel <command> --help`.
std::string command_help(const Command& c);
/// `reel --version`: "reel 0.1.0".
std::string version_line();

// job_commands.cpp: one job or one request at the provider.
asio::awaitable<Exit> models_command(Context& c);
asio::awaitable<Exit> quote_command(Context& c);
asio::awaitable<Exit> generate_plain(Context& c);
asio::awaitable<Exit> submit_plain(Context& c);
asio::awaitable<Exit> status_command(Context& c);
asio::awaitable<Exit> finish_plain(Context& c, bool cleanup);
asio::awaitable<Exit> cleanup_plain(Context& c);
asio::awaitable<Exit> cancel_command(Context& c);
// journal_commands.cpp: the same through the job journal.
asio::awaitable<Exit> generate_journaled(Context& c);
asio::awaitable<Exit> submit_command(Context& c);
asio::awaitable<Exit> finish_command(Context& c, bool cleanup);
asio::awaitable<Exit> cleanup_command(Context& c);
// batch_commands.cpp: generate --batch.
asio::awaitable<Exit> generate_batch(Context& c);
// resume_commands.cpp: the journal's own commands.
asio::awaitable<Exit> jobs_command(Context& c);
asio::awaitable<Exit> resume_command(Context& c);
asio::awaitable<Exit> forget_command(Context& c);

}  // namespace reel_cli
