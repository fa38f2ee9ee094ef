// SPDX-License-Identifier: BSL-1.0
// The subcommands that talk to a provider, each a coroutine over the provider's traits `P`
// (reel::Venice or reel::Lumenfall) and the tool's AnyClient. Named locals hold every request
// before a co_await (GCC 12's coroutine temporaries bug).
#pragma once

#include "context.hpp"

#include <reel/http/message.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/providers/provider.hpp>

#include <asio/awaitable.hpp>
#include <asio/error.hpp>

#include <cctype>
#include <chrono>
#include <concepts>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <string>

namespace reel_cli {

template <class P>
using Job = reel::VideoJob<P, reel::http::AnyClient>;

/// The default output file: reel-<provider>-<job id, or the time>.mp4.
inline std::filesystem::path default_output(std::string_view provider, std::string id) {
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

/// A failed exchange as a job error.
inline reel::job::JobError transport_error(const reel::http::SendError& e) {
  reel::job::JobError err{e.code, {}};
  if (e.code == asio::error::operation_aborted) err.code = make_error_code(reel::job::Errc::cancelled);  // SIGINT
  err.provider.message = std::string("at stage ") + reel::http::to_string(e.stage);
  return err;
}

inline reel::http::RequestOptions request_options(const Context& c) {
  reel::http::RequestOptions o;
  if (c.args.timeout) o.deadline = std::chrono::steady_clock::now() + *c.args.timeout;
  return o;
}

/// A job error for an operation the provider lacks (exit code 2).
inline reel::job::JobError unsupported(std::string message) {
  reel::job::JobError e{make_error_code(reel::job::Errc::not_supported), {}};
  e.provider.message = std::move(message);
  return e;
}

/// Thrown by the status chooser to stop reading a video answer (its head says enough).
struct StopReading {};

/// The provider's own request from the flags (with Venice's consents when accepted).
template <class P>
typename P::Request native_request(const Context& c, bool need_prompt) {
  typename P::Request request = P::native(video_request(c.args, need_prompt));
  if constexpr (std::same_as<P, reel::Venice>) {
    if (c.args.accept_consent) request = reel::Venice::with_consents(std::move(request));
  } else {
    if (c.args.accept_consent) throw UsageError{"--accept-consent is for Venice models"};
  }
  return request;
}

template <class P>
asio::awaitable<Exit> generate(Context& c, P provider) {
  const typename P::Request request = native_request<P>(c, true);
  const std::filesystem::path output = c.args.output ? std::filesystem::path(*c.args.output) : default_output(P::name, "");
  ProgressView view(std::string(P::name), c.args.json);
  Job<P> job(c.http, std::move(provider), c.account, job_options(c, view, false));
  const reel::job::Outcome outcome = co_await job.generate(request, output);
  view.done();
  co_return end_with(c, outcome);
}

template <class P>
asio::awaitable<Exit> submit(Context& c, P provider) {
  const typename P::Request request = native_request<P>(c, true);
  ProgressView view(std::string(P::name), false);
  Job<P> job(c.http, std::move(provider), c.account, job_options(c, view, false));
  auto submitted = co_await job.submit(request);
  if (!submitted) co_return end_with(c, submitted.error(), job.handle());
  if (c.args.json) {
    ResultEvent r = result_of(c, Exit::ok);
    r.handle = *submitted;
    emit(r);
  } else {
    std::printf("%s\n", handle_json(*submitted).c_str());
  }
  co_return Exit::ok;
}

/// `wait` (with cleanup unless --no-cleanup) and `download` (never cleans up): finish a job from its handle.
template <class P>
asio::awaitable<Exit> finish(Context& c, P provider, bool cleanup) {
  const std::filesystem::path output =
      c.args.output ? std::filesystem::path(*c.args.output) : default_output(P::name, c.handle->job_id);
  ProgressView view(std::string(P::name), c.args.json);
  reel::JobOptions options = job_options(c, view, true);
  options.cleanup = cleanup && !c.args.no_cleanup;
  Job<P> job(c.http, std::move(provider), c.account, *c.handle, std::move(options));
  const reel::job::Outcome outcome = co_await job.finish(output);
  view.done();
  co_return end_with(c, outcome);
}

/// One status read. A Venice answer that is the video itself means "ready"; it is not read.
template <class P>
asio::awaitable<Exit> status(Context& c, P provider) {
  const reel::job::JobHandle& h = *c.handle;
  const reel::http::Request request = provider.status_request(h);
  std::optional<reel::http::ResponseHead> video_head;
  const reel::http::BodyChooser choose = [&video_head](const reel::http::ResponseHead& head) -> std::optional<reel::http::SinkRef> {
    if (!P::status_body_is_video(head)) return std::nullopt;
    video_head = head;
    throw StopReading{};
  };
  const reel::http::RequestOptions options = request_options(c);
  auto response = co_await c.http.send(request, options, choose);
  reel::job::Status s;
  if (video_head) {
    s.phase = reel::job::Phase::ready;
    s.size_bytes = video_head->content_length;
  } else if (!response) {
    co_return end_with(c, transport_error(response.error()), h);
  } else {
    auto read = P::on_status(*response, h);
    if (!read) co_return end_with(c, read.error(), h);
    s = std::move(*read);
  }
  static constexpr const char* phases[] = {"queued", "running", "ready", "failed"};
  const Exit code = s.phase == reel::job::Phase::failed ? exit_for(s.error.code) : Exit::ok;
  StatusEvent e;
  e.phase = phases[static_cast<int>(s.phase)];
  e.percent = s.percent;
  if (s.estimate) e.estimate_ms = s.estimate->count();
  if (s.elapsed) e.elapsed_ms = s.elapsed->count();
  e.size_bytes = s.size_bytes;
  e.expires_at = s.expires_at;
  e.cost = s.cost;
  e.cost_estimate = s.cost_estimate;
  e.unknown_status = s.unknown_status;
  if (s.phase == reel::job::Phase::failed) e.error = error_info(s.error);
  if (c.args.json) {
    emit(e);
    ResultEvent r = result_of(c, code);
    r.outcome = code == Exit::ok ? "succeeded" : "failed";
    emit(r);
  } else {
    std::printf("%s", e.phase.c_str());
    if (e.percent) std::printf(" %d%%", *e.percent);
    if (e.elapsed_ms && e.estimate_ms) std::printf(" (%llds of about %llds)", static_cast<long long>(*e.elapsed_ms / 1000), static_cast<long long>(*e.estimate_ms / 1000));
    if (e.size_bytes) std::printf(" %s", human_bytes(*e.size_bytes).c_str());
    if (e.error) std::printf(": %s", e.error->message.c_str());
    if (s.unknown_status) std::printf(" (the provider says \"%s\", read as running)", s.unknown_status->c_str());
    std::printf("\n");
  }
  co_return code;
}

/// Deletes the provider's copy (and revokes Venice's one-time link). The video is gone afterwards.
template <class P>
asio::awaitable<Exit> cleanup(Context& c, P provider) {
  const reel::job::JobHandle& h = *c.handle;
  const reel::http::RequestOptions options = request_options(c);
  const reel::http::BodyChooser buffer;
  if (const auto revoke = provider.revoke_request(h)) {
    const reel::http::Request request = *revoke;
    auto revoked = co_await c.http.send(request, options, buffer);
    // A link that cannot be revoked does not stop the cleanup of the provider's copy.
    std::string why;
    if (!revoked) {
      why = transport_error(revoked.error()).message();
    } else if (const int st = revoked->head.status; (st < 200 || st > 299) && st != 404 && st != 410) {
      why = "HTTP " + std::to_string(st);
    }
    if (!why.empty() && !c.args.json) std::fprintf(stderr, "reel: warning: the one-time link was not revoked: %s\n", why.c_str());
  }
  const reel::http::Request request = provider.cleanup_request(h);
  auto response = co_await c.http.send(request, options, buffer);
  if (!response) co_return end_with(c, transport_error(response.error()), h);
  if (auto done = P::on_cleanup(*response); !done) co_return end_with(c, done.error(), h);
  if (c.args.json) {
    ResultEvent r = result_of(c, Exit::ok);
    r.cleaned_up = true;
    emit(r);
  } else {
    std::fprintf(stderr, "deleted the provider's copy of %s job %s\n", h.provider.c_str(), h.job_id.c_str());
  }
  co_return Exit::ok;
}

template <class P>
asio::awaitable<Exit> cancel(Context& c, P provider) {
  if constexpr (!reel::CancellingProvider<P>) {
    co_return end_with(c, unsupported(std::string(P::name) + " cannot cancel a running job"));
  } else {
    ProgressView view(std::string(P::name), false);
    Job<P> job(c.http, std::move(provider), c.account, *c.handle, job_options(c, view, true));
    auto cancelled = co_await job.cancel();
    if (!cancelled) co_return end_with(c, cancelled.error(), job.handle());
    if (c.args.json) {
      emit(result_of(c, Exit::ok));
    } else {
      std::fprintf(stderr, "cancelled %s job %s\n", c.handle->provider.c_str(), c.handle->job_id.c_str());
    }
    co_return Exit::ok;
  }
}

template <class P>
asio::awaitable<Exit> quote(Context& c, P provider) {
  const reel::job::VideoRequest request = video_request(c.args, false);
  const typename P::Request native = P::native(request);
  ProgressView view(std::string(P::name), false);
  Job<P> job(c.http, std::move(provider), c.account, job_options(c, view, false));
  auto price = co_await job.quote(native);
  if (!price) co_return end_with(c, price.error());
  if (c.args.json) {
    emit(QuoteEvent{"quote", std::string(P::name), request.model, *price});
    emit(result_of(c, Exit::ok));
  } else {
    std::printf("%.4f USD\n", *price);
  }
  co_return Exit::ok;
}

template <class P>
asio::awaitable<Exit> models(Context& c, P provider) {
  if constexpr (!reel::DiscoveringProvider<P>) {
    co_return end_with(c, unsupported(std::string(P::name) + " offers no model list; see its documentation"));
  } else {
    ProgressView view(std::string(P::name), false);
    Job<P> job(c.http, std::move(provider), c.account, job_options(c, view, false));
    auto list = co_await job.models();
    if (!list) co_return end_with(c, list.error());
    if (c.args.json) {
      emit(ModelsEvent{"models", std::string(P::name), *list});
      emit(result_of(c, Exit::ok));
    } else {
      for (const auto& m : *list) {
        std::string line = m.id;
        if (m.model_spec && m.model_spec->constraints) {
          const auto& k = *m.model_spec->constraints;
          line += "  " + k.model_type.value_or("?");
          auto add = [&line](const char* what, const std::optional<std::vector<std::string>>& values) {
            if (!values) return;  // unknown: the provider did not say
            line += std::string("  ") + what;
            if (values->empty()) line += " none";
            for (const auto& v : *values) line += " " + v;
          };
          add("durations", k.durations);
          add("resolutions", k.resolutions);
          add("aspect ratios", k.aspect_ratios);
        }
        std::printf("%s\n", line.c_str());
      }
    }
    co_return Exit::ok;
  }
}

}  // namespace reel_cli
