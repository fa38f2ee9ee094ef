// SPDX-License-Identifier: BSL-1.0
// What every subcommand gets (`Context`: the parsed flags, the HTTP client, the provider's
// session, the handle, the journal) and the helpers they share: the request from the flags, the
// job options, and printing how a command ended. Defined in context.cpp.
//
// The provider is a `reel::AnySession` made by `reel::connect_from_env` (main.cpp); a command
// that runs a job gets the typed `reel::Session<P, AnyClient>` through `with_session` and builds
// its `Job<P>` on the session's provider and account.
#pragma once

#include "args.hpp"
#include "dry_run_client.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "progress.hpp"

#include <reel/engine/video_job.hpp>
#include <reel/http/any_client.hpp>
#include <reel/http/error.hpp>
#include <reel/http/message.hpp>
#include <reel/job/error.hpp>
#include <reel/job/handle.hpp>
#include <reel/job/outcome.hpp>
#include <reel/job/request.hpp>
#include <reel/providers/venice.hpp>
#include <reel/session/any_session.hpp>
#include <reel/session/session.hpp>
#include <reel/store/journaled.hpp>

#include <asio/awaitable.hpp>

#include <concepts>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace reel_cli {

/// The session type of the tool: any provider of `reel::Providers`, over the tool's AnyClient.
using AnySession = reel::AnySession<reel::http::AnyClient>;
/// The typed session of provider `P`.
template <class P>
using Session = reel::Session<P, reel::http::AnyClient>;
/// A job of provider `P` over the tool's client.
template <class P>
using Job = reel::VideoJob<P, reel::http::AnyClient>;

/// Everything a subcommand needs. `session` is set for the commands that talk to a provider.
struct Context {
  Args args;
  reel::http::AnyClient& http;
  AnySession* session = nullptr;
  std::optional<reel::job::JobHandle> handle;    ///< from --handle
  std::optional<std::filesystem::path> journal;  ///< the job journal, unless --no-journal (or a dry run)
};

/// Calls `f(session)` with the context's typed `Session<P>&` (its provider's traits, its
/// account); `f` returns the command's awaitable. Not a coroutine: nothing is awaited here.
template <class F>
asio::awaitable<Exit> with_session(Context& c, F f) {
  return c.session->visit(f);
}

/// The whole content of a file, or of stdin for "-".
std::optional<std::string> slurp(const std::string& path);
/// Standard base64 (RFC 4648, with padding).
std::string base64(std::string_view in);
/// --image: an http(s) URL as is, or a file as a `data:` URL. Throws UsageError.
std::string image_input(const std::string& image);
/// The provider-neutral request from the flags. Throws UsageError.
reel::job::VideoRequest video_request(const Args& a, bool need_prompt);

/// The provider's own request from the flags (with Venice's consents when accepted).
template <class P>
typename P::Request native_request(const Args& a, bool need_prompt) {
  typename P::Request request = P::native(video_request(a, need_prompt));
  if constexpr (std::same_as<P, reel::Venice>) {
    if (a.accept_consent) request = reel::Venice::with_consents(std::move(request));
  } else {
    if (a.accept_consent) throw UsageError{"--accept-consent is for Venice models"};
  }
  return request;
}

/// The job options from the flags.
reel::JobOptions job_options(const Context& c, ProgressView& view, bool resumed);

/// Prints a failure (to stderr) with the provider's hints, and the handle when the job may
/// still be running, so it can be resumed.
void print_failure(const Context& c, Exit code, const reel::job::JobError& error,
                   const std::optional<reel::job::JobHandle>& handle);
/// The `result` event of a command that did not run a whole job.
ResultEvent result_of(const Context& c, Exit code, const reel::job::JobError* error = nullptr);
/// Ends a command that failed with `error`: the exit code, printed or emitted. In --dry-run
/// every command ends here after its first request and succeeds.
Exit end_with(const Context& c, const reel::job::JobError& error,
              const std::optional<reel::job::JobHandle>& handle = std::nullopt);
/// Ends a command that ran a job to an outcome.
Exit end_with(const Context& c, const reel::job::Outcome& o);

/// The default output file: reel-<provider>-<job id, or the time>.mp4.
std::filesystem::path default_output(std::string_view provider, std::string id);
/// A failed exchange as a job error.
reel::job::JobError transport_error(const reel::http::SendError& e);
/// The options of one request (the --timeout deadline).
reel::http::RequestOptions request_options(const Context& c);
/// A job error for an operation the provider lacks (exit code 2).
reel::job::JobError unsupported(std::string message);
/// A journal problem as a job error (exit code 1).
reel::job::JobError journal_error(const std::string& message);
/// How journaled runs end early: detach, so that `reel resume` finishes the job.
const reel::store::RunOptions& detach_options();
/// The environment variable `P::from_env()` reads the key of provider `provider` from
/// ("VENICE_API_KEY"), for messages.
std::string key_variable(std::string_view provider);

}  // namespace reel_cli
