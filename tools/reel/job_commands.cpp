// SPDX-License-Identifier: BSL-1.0
// The subcommands that run one job or one request at a provider, each a coroutine over the
// typed session `Session<P>` (P: reel::Venice or reel::Lumenfall) that `with_session` hands
// out; its jobs use the session's provider and account and the tool's AnyClient. Named locals
// hold every request before a co_await (GCC 12's coroutine temporaries bug).
#include "commands.hpp"
#include "context.hpp"

#include <reel/engine/video_job.hpp>
#include <reel/http/message.hpp>
#include <reel/providers/provider.hpp>

#include <asio/awaitable.hpp>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace reel_cli {

namespace {

/// Thrown by the status chooser to stop reading a video answer (its head says enough).
struct StopReading {};

template <class P>
asio::awaitable<Exit> generate_typed(Context& c, Session<P>& s) {
  const typename P::Request request = native_request<P>(c.args, true);
  const std::filesystem::path output = c.args.output ? std::filesystem::path(*c.args.output) : default_output(P::name, "");
  ProgressView view(std::string(P::name), c.args.json);
  Job<P> job(s.http(), s.provider(), s.account(), job_options(c, view, false));
  const reel::job::Outcome outcome = co_await job.generate(request, output);
  view.done();
  co_return end_with(c, outcome);
}

template <class P>
asio::awaitable<Exit> submit_typed(Context& c, Session<P>& s) {
  const typename P::Request request = native_request<P>(c.args, true);
  ProgressView view(std::string(P::name), false);
  Job<P> job(s.http(), s.provider(), s.account(), job_options(c, view, false));
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
asio::awaitable<Exit> finish_typed(Context& c, Session<P>& s, bool cleanup) {
  const std::filesystem::path output =
      c.args.output ? std::filesystem::path(*c.args.output) : default_output(P::name, c.handle->job_id);
  ProgressView view(std::string(P::name), c.args.json);
  reel::JobOptions options = job_options(c, view, true);
  options.cleanup = cleanup && !c.args.no_cleanup;
  Job<P> job(s.http(), s.provider(), s.account(), *c.handle, std::move(options));
  const reel::job::Outcome outcome = co_await job.finish(output);
  view.done();
  co_return end_with(c, outcome);
}

/// One status read. A Venice answer that is the video itself means "ready"; it is not read.
template <class P>
asio::awaitable<Exit> status_typed(Context& c, Session<P>& s) {
  const reel::job::JobHandle& h = *c.handle;
  const reel::http::Request request = s.provider().status_request(h);
  std::optional<reel::http::ResponseHead> video_head;
  const reel::http::BodyChooser choose = [&video_head](const reel::http::ResponseHead& head) -> std::optional<reel::http::SinkRef> {
    if (!P::status_body_is_video(head)) return std::nullopt;
    video_head = head;
    throw StopReading{};
  };
  const reel::http::RequestOptions options = request_options(c);
  auto response = co_await c.http.send(request, options, choose);
  reel::job::Status st;
  if (video_head) {
    st.phase = reel::job::Phase::ready;
    st.size_bytes = video_head->content_length;
  } else if (!response) {
    co_return end_with(c, transport_error(response.error()), h);
  } else {
    auto read = P::on_status(*response, h);
    if (!read) co_return end_with(c, read.error(), h);
    st = std::move(*read);
  }
  static constexpr const char* phases[] = {"queued", "running", "ready", "failed"};
  const Exit code = st.phase == reel::job::Phase::failed ? exit_for(st.error.code) : Exit::ok;
  StatusEvent e;
  e.phase = phases[static_cast<int>(st.phase)];
  e.percent = st.percent;
  if (st.estimate) e.estimate_ms = st.estimate->count();
  if (st.elapsed) e.elapsed_ms = st.elapsed->count();
  e.size_bytes = st.size_bytes;
  e.expires_at = st.expires_at;
  e.cost = st.cost;
  e.cost_estimate = st.cost_estimate;
  e.unknown_status = st.unknown_status;
  if (st.phase == reel::job::Phase::failed) e.error = error_info(st.error);
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
    if (st.unknown_status) std::printf(" (the provider says \"%s\", read as running)", st.unknown_status->c_str());
    std::printf("\n");
  }
  co_return code;
}

/// Deletes the provider's copy (and revokes Venice's one-time link). The video is gone afterwards.
template <class P>
asio::awaitable<Exit> cleanup_typed(Context& c, Session<P>& s) {
  if constexpr (!reel::CleaningProvider<P>) {
    co_return end_with(c, unsupported(std::string(P::name) + " keeps no copy to delete (its files expire on their own)"));
  } else {
  const reel::job::JobHandle& h = *c.handle;
  const reel::http::RequestOptions options = request_options(c);
  const reel::http::BodyChooser buffer;
  if (const auto revoke = s.provider().revoke_request(h)) {
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
  const reel::http::Request request = s.provider().cleanup_request(h);
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
}

template <class P>
asio::awaitable<Exit> cancel_typed(Context& c, Session<P>& s) {
  if constexpr (!reel::CancellingProvider<P>) {
    co_return end_with(c, unsupported(std::string(P::name) + " cannot cancel a running job"));
  } else {
    ProgressView view(std::string(P::name), false);
    Job<P> job(s.http(), s.provider(), s.account(), *c.handle, job_options(c, view, true));
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
asio::awaitable<Exit> quote_typed(Context& c, Session<P>& s) {
  if constexpr (!reel::QuotingProvider<P>) {
    co_return end_with(c, unsupported(std::string(P::name) + " gives no price quote; see its pricing page"));
  } else {
  const reel::job::VideoRequest request = video_request(c.args, false);
  const typename P::Request native = P::native(request);
  ProgressView view(std::string(P::name), false);
  Job<P> job(s.http(), s.provider(), s.account(), job_options(c, view, false));
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
}

template <class P>
asio::awaitable<Exit> models_typed(Context& c, Session<P>& s) {
  if constexpr (!reel::DiscoveringProvider<P>) {
    co_return end_with(c, unsupported(std::string(P::name) + " offers no model list; see its documentation"));
  } else {
    ProgressView view(std::string(P::name), false);
    Job<P> job(s.http(), s.provider(), s.account(), job_options(c, view, false));
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

}  // namespace

asio::awaitable<Exit> generate_plain(Context& c) {
  return with_session(c, [&c](auto& s) { return generate_typed(c, s); });
}
asio::awaitable<Exit> submit_plain(Context& c) {
  return with_session(c, [&c](auto& s) { return submit_typed(c, s); });
}
asio::awaitable<Exit> finish_plain(Context& c, bool cleanup) {
  return with_session(c, [&c, cleanup](auto& s) { return finish_typed(c, s, cleanup); });
}
asio::awaitable<Exit> status_command(Context& c) {
  return with_session(c, [&c](auto& s) { return status_typed(c, s); });
}
asio::awaitable<Exit> cleanup_plain(Context& c) {
  return with_session(c, [&c](auto& s) { return cleanup_typed(c, s); });
}
asio::awaitable<Exit> cancel_command(Context& c) {
  return with_session(c, [&c](auto& s) { return cancel_typed(c, s); });
}
asio::awaitable<Exit> quote_command(Context& c) {
  return with_session(c, [&c](auto& s) { return quote_typed(c, s); });
}
asio::awaitable<Exit> models_command(Context& c) {
  return with_session(c, [&c](auto& s) { return models_typed(c, s); });
}

}  // namespace reel_cli
