// SPDX-License-Identifier: BSL-1.0
// reel: the command-line tool. `reel --help` and docs/cli.md describe it.
// main() parses the command line, reads the handle, builds the HTTP client (real, verbose or
// dry-run), connects to the provider (reel::connect_from_env: a reel::AnySession), and runs the
// subcommand's coroutine on one io_context, cancelling it on SIGINT/SIGTERM.
#include "args.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "dry_run_client.hpp"
#include "exit_codes.hpp"
#include "journal_file.hpp"
#include "output.hpp"

#include <reel/http/any_client.hpp>
#include <reel/http/client.hpp>
#include <reel/session/any_session.hpp>
#include <reel/store/account_tag.hpp>
#include <reel/store/limiter_file.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace {

using reel_cli::Exit;

/// Reports a usage error (or an auth error) and returns its exit code.
int refuse(bool json, const std::string& command, Exit code, const std::string& message) {
  if (json) {
    reel_cli::ResultEvent r;
    r.command = command;
    r.outcome = code == Exit::usage ? "usage" : code == Exit::auth ? "refused" : "error";
    r.exit_code = static_cast<int>(code);
    reel_cli::ErrorInfo e;
    e.code = code == Exit::usage ? "usage" : code == Exit::auth ? "no_api_key" : "error";
    e.message = message;
    r.error = e;
    reel_cli::emit(r);
  }
  std::fprintf(stderr, "reel: %s\n", message.c_str());
  if (code == Exit::usage) std::fprintf(stderr, "(see reel --help)\n");
  return static_cast<int>(code);
}

/// A dry-run request as text on stdout (its secrets already redacted).
void print_request(const reel::http::Request& r) {
  std::printf("%s %s\n", r.method.c_str(), r.url.c_str());
  for (const auto& f : r.headers) std::printf("%s: %s\n", f.name.c_str(), f.value.c_str());
  std::printf("\n%s%s", r.body.c_str(), r.body.empty() ? "" : "\n\n");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> argv_list(argv + 1, argv + argc);
  const bool json = std::find(argv_list.begin(), argv_list.end(), "--json") != argv_list.end();
  if (argv_list.empty()) {
    std::fputs(reel_cli::general_help().c_str(), stderr);
    return static_cast<int>(Exit::usage);
  }
  if (argv_list[0] == "--help" || argv_list[0] == "-h" || argv_list[0] == "help") {
    std::fputs(reel_cli::general_help().c_str(), stdout);
    return 0;
  }
  if (argv_list[0] == "--version") {
    std::printf("%s\n", reel_cli::version_line().c_str());
    return 0;
  }
  reel_cli::Args args;
  try {
    args = reel_cli::parse_args(argv_list, reel_cli::takes_flag);
  } catch (const reel_cli::UsageError& e) {
    return refuse(json, argv_list[0], Exit::usage, e.message);
  }
  const reel_cli::Command* command = reel_cli::find_command(args.command);
  if (command == nullptr) {
    return refuse(json, args.command, Exit::usage,
                  args.command.empty() ? "no command given" : "unknown command \"" + args.command + "\"");
  }
  if (args.help) {
    std::fputs(reel_cli::command_help(*command).c_str(), stdout);
    return 0;
  }

  // The handle, which names the provider.
  std::optional<reel::job::JobHandle> handle;
  if (command->needs_handle) {
    if (!args.handle) return refuse(json, args.command, Exit::usage, "--handle FILE is required");
    const auto text = reel_cli::slurp(*args.handle);
    if (!text) return refuse(json, args.command, Exit::usage, "cannot read --handle " + *args.handle);
    std::string why;
    handle = reel_cli::parse_handle(*text, why);
    if (!handle) return refuse(json, args.command, Exit::usage, "--handle " + *args.handle + ": " + why);
    const auto& known = reel::Providers::names;
    if (std::find(known.begin(), known.end(), handle->provider) == known.end()) {
      return refuse(json, args.command, Exit::usage, "the handle is for an unknown provider \"" + handle->provider + "\"");
    }
    if (args.provider && *args.provider != handle->provider) {
      return refuse(json, args.command, Exit::usage, "--provider " + *args.provider + " but the handle is a " + handle->provider + " job");
    }
    args.provider = handle->provider;
  }
  const std::string provider = args.provider.value_or("venice");

  asio::io_context io;
  reel::http::Client real(io.get_executor());
  reel_cli::VerboseClient<reel::http::Client> verbose(real);
  reel_cli::DryRunClient dry(io.get_executor(), [json](const reel::http::Request& r) {
    if (json) {
      reel_cli::emit(reel_cli::request_event(r));
    } else {
      print_request(r);
    }
  });
  reel::http::AnyClient http = args.dry_run ? reel::http::AnyClient(dry)
                             : args.verbose ? reel::http::AnyClient(verbose)
                                            : reel::http::AnyClient(real);
  // Declared before the session: its account's limiter may share its state through it.
  std::optional<reel::store::LimiterFile> shared_limits;

  // The provider's session: reel::connect_from_env reads the key (and, without --base-url or a
  // handle, the base URL) from the provider's variables, VENICE_API_KEY and so on. Its account
  // has the provider's own limits.
  std::optional<reel_cli::AnySession> session;
  std::string tag;
  if (command->needs_provider) {
    reel::ConnectOptions connect;
    connect.base_url = args.base_url ? *args.base_url : handle ? handle->base_url : std::string();
    connect.session.timeout = std::nullopt;  // each command sets its own deadline (--timeout)
    auto made = reel::connect_from_env(http, provider, std::move(connect));
    if (!made) return refuse(json, args.command, Exit::usage, made.error().message());
    session.emplace(std::move(*made));
    const bool has_key = session->visit([](auto& s) { return !s.provider().api_key.empty(); });
    if (!has_key && !args.dry_run) {
      std::string display = provider;
      display[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(display[0])));
      return refuse(json, args.command, Exit::auth,
                    reel_cli::key_variable(provider) + " is not set: export your " + display +
                        " API key in it (reel never prints it)");
    }
    if (has_key) tag = session->visit([](auto& s) { return s.account_tag(); });
  }
  reel_cli::Context ctx{args, http, session ? &*session : nullptr, handle, std::nullopt};

  // The job journal, for the commands that take one.
  if (reel_cli::takes_flag(args.command, "journal") && !args.no_journal && !args.dry_run) {
    const std::filesystem::path path = args.journal ? std::filesystem::path(*args.journal) : reel_cli::default_journal_path();
    if (!path.empty()) {
      ctx.journal = std::filesystem::absolute(path);
    } else if (!command->needs_provider) {
      return refuse(json, args.command, Exit::usage, "no journal: give --journal FILE or set REEL_JOURNAL (or HOME)");
    }
  }
  // One budget per account for every reel process of this machine (next to the journal).
  if (!tag.empty() && ctx.journal && !args.dry_run) {
    std::error_code ec;
    std::filesystem::create_directories(ctx.journal->parent_path(), ec);
    shared_limits.emplace(reel::store::limits_path(*ctx.journal, tag));
    session->account().limiter().share_through(&*shared_limits);
  }

  // Run the command; SIGINT/SIGTERM cancel it (the job ends as "cancelled" with its handle).
  std::optional<Exit> exit_code;
  std::exception_ptr failure;
  asio::cancellation_signal cancel;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&cancel, &signals](const std::error_code& ec, int) {
    if (ec) return;
    cancel.emit(asio::cancellation_type::terminal);
    signals.async_wait([](const std::error_code& again, int) {
      if (again) return;
      std::fputs("reel: interrupted again: exiting now\n", stderr);
      std::_Exit(static_cast<int>(Exit::cancelled));
    });
  });
  asio::co_spawn(io, command->run(ctx),
                 asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e, Exit code) {
                   failure = e;
                   exit_code = code;
                   signals.cancel();
                 }));
  io.run();
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const reel_cli::UsageError& e) {
      return refuse(json, args.command, Exit::usage, e.message);
    } catch (const std::exception& e) {
      return refuse(json, args.command, Exit::error, e.what());
    }
  }
  return static_cast<int>(exit_code.value_or(Exit::error));
}
