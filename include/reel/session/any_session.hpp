// SPDX-License-Identifier: BSL-1.0
/// @file
/// Provider choice at run time over a list closed at compile time: `reel::AnySession` holds a
/// `Session` of any provider of `reel::Providers`, and `reel::connect(http, "venice", key)`
/// makes one from a provider's name (from configuration, a command line...). There is no
/// registry to fill in: the list is a type.
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/job/error.hpp>
#include <reel/job/handle.hpp>
#include <reel/job/outcome.hpp>
#include <reel/job/request.hpp>
#include <reel/providers/fal.hpp>
#include <reel/providers/google_veo.hpp>
#include <reel/providers/luma.hpp>
#include <reel/providers/lumenfall.hpp>
#include <reel/providers/openai_videos.hpp>
#include <reel/providers/replicate.hpp>
#include <reel/providers/runway.hpp>
#include <reel/providers/provider.hpp>
#include <reel/providers/venice.hpp>
#include <reel/session/session.hpp>

#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reel {

/// A compile-time list of providers.
template <Provider... Ps>
struct ProviderList {
  /// The providers' names, in order.
  static constexpr std::array<std::string_view, sizeof...(Ps)> names{Ps::name...};
};

/// The providers `connect` and the `reel` tool know.
using Providers = ProviderList<Venice, Lumenfall, Fal, Replicate, OpenAiVideos, Runway, Luma, GoogleVeo>;

/// A `Session` of one of the providers of `Providers`, chosen at run time.
template <http::HttpClient H = DefaultClient>
class AnySession {
public:
  using executor_type = typename H::executor_type;
  template <class T>
  using Awaitable = asio::awaitable<T, executor_type>;
  using DefaultToken = asio::use_future_t<>;

  /// Holds `session`.
  template <Provider P>
  explicit AnySession(std::unique_ptr<Session<P, H>> session) : impl_(std::make_unique<Model<P>>(std::move(session))) {}

  /// The provider's name ("venice", "lumenfall").
  std::string_view provider() const noexcept { return impl_->name(); }
  /// The provider's API base URL.
  const std::string& base_url() const noexcept { return impl_->base_url(); }
  /// The account the session's jobs share.
  job::Account& account() noexcept { return impl_->account(); }
  executor_type get_executor() const { return impl_->get_executor(); }

  /// The typed session when the provider is `P`, else null.
  template <Provider P>
  Session<P, H>* get() noexcept {
    auto* model = dynamic_cast<Model<P>*>(impl_.get());
    return model != nullptr ? model->session.get() : nullptr;
  }
  /// Calls `f(session)` with the typed `Session<P, H>&` of whichever provider this is; `f`
  /// must return the same type for every provider of `Providers`.
  template <class F>
  decltype(auto) visit(F&& f) {
    return visit_in(Providers{}, std::forward<F>(f));
  }

  /// `Session::generate` of the provider-neutral request.
  Awaitable<job::Outcome> generate(const job::VideoRequest& request, std::filesystem::path output) {
    return impl_->generate(request, std::move(output));
  }
  /// `Session::resume`: a handle of another provider or API ends `refused` (`wrong_account`).
  Awaitable<job::Outcome> resume(job::JobHandle handle, std::filesystem::path output) {
    return impl_->resume(std::move(handle), std::move(output));
  }
  /// `Session::quote`; `not_supported` for providers without quotes.
  Awaitable<Result<double, job::JobError>> quote(const job::VideoRequest& request) { return impl_->quote(request); }
  /// `Session::unfinished`.
  std::vector<store::JobRecord> unfinished() const { return impl_->unfinished(); }
  /// `Session::resume_unfinished`.
  Awaitable<std::vector<job::Outcome>> resume_unfinished() { return impl_->resume_unfinished(); }
  /// What the provider would not take of `request` as asked (empty when it takes all of it).
  std::vector<std::string> warnings_of(const job::VideoRequest& request) const { return impl_->warnings_of(request); }

  /// `generate` with any Asio completion token of signature `void(job::Outcome)`.
  template <class Token = DefaultToken>
  auto async_generate(job::VideoRequest request, std::filesystem::path output, Token&& token = {}) {
    return asio::async_initiate<Token, void(job::Outcome)>(
        [this](auto handler, job::VideoRequest r, std::filesystem::path o) {
          detail::spawn_outcome(get_executor(), generate_owned(std::move(r), std::move(o)), std::move(handler));
        },
        token, std::move(request), std::move(output));
  }

private:
  struct Concept {
    virtual ~Concept() = default;
    virtual std::string_view name() const noexcept = 0;
    virtual const std::string& base_url() const noexcept = 0;
    virtual job::Account& account() noexcept = 0;
    virtual executor_type get_executor() const = 0;
    virtual Awaitable<job::Outcome> generate(const job::VideoRequest&, std::filesystem::path) = 0;
    virtual Awaitable<job::Outcome> resume(job::JobHandle, std::filesystem::path) = 0;
    virtual Awaitable<Result<double, job::JobError>> quote(const job::VideoRequest&) = 0;
    virtual std::vector<store::JobRecord> unfinished() const = 0;
    virtual Awaitable<std::vector<job::Outcome>> resume_unfinished() = 0;
    virtual std::vector<std::string> warnings_of(const job::VideoRequest&) const = 0;
  };

  template <Provider P>
  struct Model final : Concept {
    explicit Model(std::unique_ptr<Session<P, H>> s) : session(std::move(s)) {}
    std::string_view name() const noexcept override { return P::name; }
    const std::string& base_url() const noexcept override { return session->provider().base_url; }
    job::Account& account() noexcept override { return session->account(); }
    executor_type get_executor() const override { return session->get_executor(); }
    Awaitable<job::Outcome> generate(const job::VideoRequest& r, std::filesystem::path o) override {
      return session->generate(r, std::move(o));
    }
    Awaitable<job::Outcome> resume(job::JobHandle h, std::filesystem::path o) override {
      return session->resume(std::move(h), std::move(o));
    }
    Awaitable<Result<double, job::JobError>> quote(const job::VideoRequest& r) override {
      if constexpr (QuotingProvider<P>) {
        co_return co_await session->quote(r);
      } else {
        job::JobError e{make_error_code(job::Errc::not_supported), {}};
        e.provider.message = std::string(P::name) + " gives no price quotes";
        co_return fail(std::move(e));
      }
    }
    std::vector<store::JobRecord> unfinished() const override { return session->unfinished(); }
    Awaitable<std::vector<job::Outcome>> resume_unfinished() override { return session->resume_unfinished(); }
    std::vector<std::string> warnings_of(const job::VideoRequest& r) const override {
      if constexpr (requires { P::warnings_of(r); }) {
        return P::warnings_of(r);
      } else {
        return {};
      }
    }
    std::unique_ptr<Session<P, H>> session;
  };

  template <Provider First, Provider... Rest, class F>
  decltype(auto) visit_in(ProviderList<First, Rest...>, F&& f) {
    if constexpr (sizeof...(Rest) == 0) {
      return std::forward<F>(f)(*get<First>());
    } else {
      if (Session<First, H>* s = get<First>()) return std::forward<F>(f)(*s);
      return visit_in(ProviderList<Rest...>{}, std::forward<F>(f));
    }
  }

  Awaitable<job::Outcome> generate_owned(job::VideoRequest request, std::filesystem::path output) {
    co_return co_await impl_->generate(request, std::move(output));
  }

  std::unique_ptr<Concept> impl_;
};

/// Options of `connect`.
struct ConnectOptions {
  std::string base_url;    ///< the API to use; empty: the provider's default (or its `*_BASE_URL` variable)
  SessionOptions session;  ///< the session's options
};

namespace detail {

template <http::HttpClient H, class Make, Provider First, Provider... Rest>
Result<AnySession<H>, job::JobError> connect_in(ProviderList<First, Rest...>, H& http, std::string_view name,
                                                Make& make, SessionOptions& options) {
  if (name == First::name) {
    First provider = make.template operator()<First>();
    return AnySession<H>(std::make_unique<Session<First, H>>(http, std::move(provider), std::move(options)));
  }
  if constexpr (sizeof...(Rest) > 0) {
    return connect_in(ProviderList<Rest...>{}, http, name, make, options);
  } else {
    std::string known;
    for (const std::string_view n : Providers::names) known += (known.empty() ? "" : ", ") + std::string(n);
    job::JobError e{make_error_code(job::Errc::unknown_provider), {}};
    e.provider.message = "no provider \"" + std::string(name) + "\" (known: " + known + ")";
    return fail(std::move(e));
  }
}

}  // namespace detail

/// A session of the provider named `provider` ("venice", "lumenfall") with API key `key`, over
/// `http` (which must outlive it); `unknown_provider` for a name not in `Providers`.
template <http::HttpClient H>
Result<AnySession<H>, job::JobError> connect(H& http, std::string_view provider, std::string key,
                                             ConnectOptions options = {}) {
  auto make = [&]<Provider P>() {
    P p;
    p.api_key = key;
    if (!options.base_url.empty()) p.base_url = options.base_url;
    return p;
  };
  auto session = detail::connect_in(Providers{}, http, provider, make, options.session);
  key.assign(key.size(), '\0');
  return session;
}

/// A session of the provider named `provider` configured from the environment (its key and
/// base-URL variables, e.g. `VENICE_API_KEY`, `VENICE_BASE_URL`); `options.base_url` wins
/// over the variable when set.
template <http::HttpClient H>
Result<AnySession<H>, job::JobError> connect_from_env(H& http, std::string_view provider, ConnectOptions options = {}) {
  auto make = [&]<Provider P>() {
    P p = P::from_env();
    if (!options.base_url.empty()) p.base_url = options.base_url;
    return p;
  };
  return detail::connect_in(Providers{}, http, provider, make, options.session);
}

}  // namespace reel
