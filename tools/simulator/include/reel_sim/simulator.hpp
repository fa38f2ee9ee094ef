// SPDX-License-Identifier: BSL-1.0
// The provider simulator: Venice (/api/v1), Lumenfall (/openai/v1), fal (/fal), Replicate (/replicate/v1),
// Runway (/runway/v1), Luma (/luma), Google Veo on the Gemini API (/gemini/v1beta) and an OpenAI-compatible
// video API (/oai/v1) on one loopback port,
// their media (download links, output URLs) on a second one (another origin), and the admin
// endpoints under /__sim. Runs on a caller's io_context, or on its own thread for tests.
#pragma once

#include <reel_sim/core.hpp>
#include <reel_sim/fal.hpp>
#include <reel_sim/google_veo.hpp>
#include <reel_sim/luma.hpp>
#include <reel_sim/lumenfall.hpp>
#include <reel_sim/openai_videos.hpp>
#include <reel_sim/replicate.hpp>
#include <reel_sim/runway.hpp>
#include <reel_sim/server.hpp>
#include <reel_sim/venice.hpp>

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

namespace reel_sim {

/// How to start a simulator.
struct Options {
  Config config = default_config();
  std::uint16_t port = 0;        ///< 0: ephemeral
  std::uint16_t media_port = 0;  ///< 0: ephemeral
  std::optional<TlsFiles> tls;   ///< serve both ports over TLS
  std::chrono::seconds idle_timeout{0};  ///< stop after this long without a request; 0: never
  RequestLimits limits;
};

/// The simulator on an io_context.
class Simulator {
public:
  Simulator(asio::io_context& io, Options options)
      : core_(std::move(options.config)),
        venice_(core_),
        lumenfall_(core_),
        replicate_(core_),
        fal_(core_),
        runway_(core_),
        luma_(core_),
        veo_(core_),
        openai_(core_),
        idle_timeout_(options.idle_timeout),
        idle_timer_(io) {
    auto written = [this](const Reply& reply, std::int64_t bytes) {
      if (!reply.counter.empty()) core_.counters().bytes_served[reply.counter] += bytes;
    };
    main_ = std::make_unique<Server>(io, options.port, [this](Request& r) { return on_request(r, false); }, written,
                                     options.tls, options.limits);
    media_ = std::make_unique<Server>(io, options.media_port, [this](Request& r) { return on_request(r, true); },
                                      written, options.tls, options.limits);
    core_.media_base = std::string(options.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(media_->port());
    fal_.base_url = fal_url();
    veo_.base_url = gemini_url();
    last_request_ = std::chrono::steady_clock::now();
    if (idle_timeout_.count() > 0) arm_idle_timer();
  }

  std::uint16_t port() const { return main_->port(); }
  std::uint16_t media_port() const { return media_->port(); }
  /// "http://127.0.0.1:<port>" (https with TLS).
  std::string base_url() const {
    return std::string(main_->tls() ? "https" : "http") + "://127.0.0.1:" + std::to_string(port());
  }
  std::string venice_url() const { return base_url() + "/api/v1"; }
  std::string lumenfall_url() const { return base_url() + "/openai/v1"; }
  /// Replicate's API base (the SDK's baseUrl; reel::Replicate's base_url is this without "/v1").
  std::string replicate_url() const { return base_url() + "/replicate/v1"; }
  /// fal's queue base (`reel::Fal::base_url`): submit is POST {fal_url}/{owner}/{app}.
  std::string fal_url() const { return base_url() + "/fal"; }
  /// Runway's API origin (`reel::Runway::base_url`): paths start with /v1.
  std::string runway_url() const { return base_url() + "/runway"; }
  /// Luma's origin (`reel::Luma::base_url`): create is POST {luma_url}/dream-machine/v1/generations/video.
  std::string luma_url() const { return base_url() + "/luma"; }
  /// The OpenAI-compatible mode's base (`reel::OpenAiVideos::base_url`): POST {openai_url}/videos.
  std::string openai_url() const { return base_url() + "/oai/v1"; }
  /// The Gemini API's base (`reel::GoogleVeo::base_url`): create is POST
  /// {gemini_url}/v1beta/models/{model}:predictLongRunning; videos are served here too.
  std::string gemini_url() const { return base_url() + "/gemini"; }
  /// The base URL to give the reel provider called `provider` (its `name`) so that it talks to
  /// this simulator; empty for a name the simulator does not speak.
  std::string url_for(std::string_view provider) const {
    if (provider == "venice") return venice_url();
    if (provider == "lumenfall") return lumenfall_url();
    if (provider == "openai") return openai_url();
    if (provider == "fal") return fal_url();
    if (provider == "replicate") return base_url() + "/replicate";
    if (provider == "runway") return runway_url();
    if (provider == "luma") return luma_url();
    if (provider == "google-veo") return gemini_url();
    return {};
  }
  const std::string& media_url() const { return core_.media_base; }

  /// Called once when the idle timeout stops the simulator.
  std::function<void()> on_idle;

  /// Stops accepting connections.
  void close() {
    main_->close();
    media_->close();
    idle_timer_.cancel();
  }

  /// The core (only from the io_context's thread).
  Core& core() { return core_; }

private:
  Reply on_request(Request& request, bool media) {
    last_request_ = std::chrono::steady_clock::now();
    Reply reply = media ? on_media(request) : route(request);
    // "endpoint status" in a reused buffer: no allocation once the buffer has grown.
    counter_key_.assign(reply.counter.empty() ? std::string_view("unknown") : std::string_view(reply.counter));
    counter_key_.append(" ").append(std::to_string(reply.status));
    auto& requests = core_.counters().requests;
    if (const auto it = requests.find(counter_key_); it != requests.end()) {
      ++it->second;
    } else {
      requests.emplace(counter_key_, 1);
    }
    return reply;
  }

  Reply route(Request& request) {
    const std::string_view path = request.path;
    if (request.parse_status != 0) {
      if (path.rfind("/openai/v1/", 0) == 0) return lumenfall::Api::error(request.parse_status, request.parse_error, "malformed");
      if (path.rfind("/replicate/", 0) == 0) return replicate::Api::error(request.parse_status, request.parse_error, "malformed");
      if (path.rfind("/fal/", 0) == 0) return fal::Api::error(request.parse_status, request.parse_error, "malformed");
      if (path.rfind("/runway/", 0) == 0) return runway::Api::error(request.parse_status, request.parse_error, "malformed");
      if (path.rfind("/luma/", 0) == 0) return luma::Api::error(request.parse_status, request.parse_error, "malformed");
      if (path.rfind("/gemini/", 0) == 0) return google_veo::Api::error(request.parse_status, request.parse_error, "malformed");
      if (path.rfind("/oai/v1/", 0) == 0) return openai_videos::Api::error(request.parse_status, request.parse_error, "malformed");
      return venice::Api::fault_error(request.parse_status, request.parse_error, "malformed");
    }
    if (path.rfind("/api/v1/", 0) == 0) return venice_.handle(request, path.substr(7));
    if (path.rfind("/openai/v1/", 0) == 0) return lumenfall_.handle(request, path.substr(10));
    if (path.rfind("/replicate/", 0) == 0) return replicate_.handle(request, path.substr(10));
    if (path.rfind("/fal/", 0) == 0) return fal_.handle(request, path.substr(4));
    if (path.rfind("/runway/", 0) == 0) return runway_.handle(request, path.substr(7));
    if (path.rfind("/luma/", 0) == 0) return luma_.handle(request, path.substr(5));
    if (path.rfind("/gemini/", 0) == 0) return veo_.handle(request, path.substr(7));
    if (path.rfind("/oai/v1/", 0) == 0) return openai_.handle(request, path.substr(7));
    if (path.rfind("/__sim/", 0) == 0) return admin(request, path.substr(6));
    Reply r = venice::Api::error(404, "Not found", "other");
    return r;
  }

  Reply on_media(Request& request) {
    const std::string_view path = request.path;
    if (request.parse_status != 0) return venice::Api::error(request.parse_status, request.parse_error, "malformed");
    if (path.rfind("/share/read/", 0) == 0) return venice_.download(request, std::string(path.substr(12)));
    if (path.rfind("/lumenfall/", 0) == 0 && path.size() > 15 && path.substr(path.size() - 4) == ".mp4") {
      if (request.method != "GET" && request.method != "HEAD") {
        return lumenfall::Api::error(405, "Method not allowed", "lumenfall.media");
      }
      return lumenfall_.media(request, std::string(path.substr(11, path.size() - 15)));
    }
    if (path.rfind("/replicate/stream/", 0) == 0) return replicate_.stream(request, std::string(path.substr(18)));
    if (path.rfind("/replicate/", 0) == 0 && path.size() > 11 + 11 && path.substr(path.size() - 11) == "/output.mp4") {
      return replicate_.media(request, std::string(path.substr(11, path.size() - 22)));
    }
    if (path.rfind("/runway/", 0) == 0 && path.size() > 8 + 11 && path.substr(path.size() - 11) == "/output.mp4") {
      return runway_.media(request, std::string(path.substr(8, path.size() - 19)));
    }
    if (path.rfind("/fal/files/", 0) == 0 && path.size() > 22 && path.substr(path.size() - 11) == "/output.mp4") {
      if (request.method != "GET" && request.method != "HEAD") return bucket_reply(405, "fal.media");
      return fal_.media(request, std::string(path.substr(11, path.size() - 22)));
    }
    if (path.rfind("/luma/files/", 0) == 0 && path.size() > 22 && path.substr(path.size() - 10) == "/video.mp4") {
      return luma_.media(request, std::string(path.substr(12, path.size() - 22)));
    }
    if (path.rfind("/gemini/files/", 0) == 0 && path.size() > 14 + 9 && path.substr(path.size() - 9) == ":download") {
      return veo_.foreign_media(request, std::string(path.substr(14, path.size() - 23)));
    }
    if (path.rfind("/openai/", 0) == 0 && path.size() > 12 && path.substr(path.size() - 4) == ".mp4") {
      return openai_.media(request, std::string(path.substr(8, path.size() - 12)));
    }
    return venice::Api::error(404, "Not found", "media.other");
  }

  struct Ok {
    bool ok = true;
  };

  Reply admin(Request& request, std::string_view op) {
    Reply r;
    if (op == "/health") {
      r = json_reply(200, Ok{});
    } else if (op == "/counters" && request.method == "GET") {
      r.headers.set("Content-Type", "application/json");
      r.body = core_.counters_json();
    } else if (op == "/reset" && request.method == "POST") {
      core_.reset_state();
      r = json_reply(200, Ok{});
    } else if (op == "/rules" && request.method == "POST") {
      std::vector<Rule> rules;
      if (const reel::json::Error e = reel::json::read(request.body, rules)) {
        r = venice::Api::error(400, e.message(), "admin");
      } else {
        core_.set_rules(std::move(rules));
        r = json_reply(200, Ok{});
      }
    } else if (op == "/config" && request.method == "POST") {
      Config config = default_config();
      if (const reel::json::Error e = reel::json::read(request.body, config)) {
        r = venice::Api::error(400, e.message(), "admin");
      } else {
        const std::string media_base = core_.media_base;
        core_.set_config(std::move(config));
        core_.media_base = media_base;
        r = json_reply(200, Ok{});
      }
    } else if (op == "/config" && request.method == "GET") {
      r = json_reply(200, core_.config());
    } else if (op.rfind("/jobs/", 0) == 0 && request.method == "GET") {
      // One job's state: phase, billing, and whether it was cleaned up, deleted or cancelled.
      if (auto state = core_.job_state_json(std::string(op.substr(6)))) {
        r.headers.set("Content-Type", "application/json");
        r.body = std::move(*state);
      } else {
        r = venice::Api::error(404, "No such job", "admin");
      }
    } else {
      r = venice::Api::error(404, "Unknown admin endpoint", "admin");
    }
    r.counter = "admin";
    return r;
  }

  void arm_idle_timer() {
    idle_timer_.expires_after(std::chrono::seconds(1));
    idle_timer_.async_wait([this](std::error_code ec) {
      if (ec) return;
      if (std::chrono::steady_clock::now() - last_request_ >= idle_timeout_) {
        close();
        if (on_idle) on_idle();
        return;
      }
      arm_idle_timer();
    });
  }

  Core core_;
  venice::Api venice_;
  lumenfall::Api lumenfall_;
  replicate::Api replicate_;
  fal::Api fal_;
  runway::Api runway_;
  luma::Api luma_;
  google_veo::Api veo_;
  openai_videos::Api openai_;
  std::unique_ptr<Server> main_;
  std::unique_ptr<Server> media_;
  std::chrono::seconds idle_timeout_;
  asio::steady_timer idle_timer_;
  std::chrono::steady_clock::time_point last_request_;
  std::string counter_key_;
};

/// A simulator on its own thread, for tests in the same process.
class BackgroundSimulator {
public:
  explicit BackgroundSimulator(Options options = {}) : work_(asio::make_work_guard(io_)), sim_(io_, std::move(options)) {
    thread_ = std::thread([this] { io_.run(); });
  }
  BackgroundSimulator(const BackgroundSimulator&) = delete;
  BackgroundSimulator& operator=(const BackgroundSimulator&) = delete;
  ~BackgroundSimulator() {
    asio::post(io_, [this] { sim_.close(); });
    work_.reset();
    io_.stop();
    thread_.join();
  }

  Simulator& operator*() { return sim_; }
  Simulator* operator->() { return &sim_; }

  /// Closes the listeners and every open connection, as a server that vanishes (on the
  /// simulator's thread; returns once done).
  void close() {
    std::packaged_task<void()> task([this] { sim_.close(); });
    auto done = task.get_future();
    asio::post(io_, [&task] { task(); });
    done.get();
  }

  /// Runs `f(core)` on the simulator's thread and returns its result.
  template <class F>
  auto with_core(F f) {
    std::packaged_task<decltype(f(std::declval<Core&>()))()> task([&] { return f(sim_.core()); });
    auto future = task.get_future();
    asio::post(io_, [&task] { task(); });
    return future.get();
  }

private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  Simulator sim_;
  std::thread thread_;
};

}  // namespace reel_sim
