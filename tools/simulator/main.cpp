// SPDX-License-Identifier: BSL-1.0
// reel-simulator: a local stand-in for the Venice and Lumenfall video APIs on 127.0.0.1.
// See docs/simulator.md for the flags, the configuration file and the admin endpoints.
#include <reel_sim/simulator.hpp>

#include <reel/config.hpp>

#include <asio/signal_set.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

namespace {

constexpr const char* usage =
    "usage: reel-simulator [options]\n"
    "  --port N            main port (Venice /api/v1, Lumenfall /openai/v1, admin /__sim); 0 = ephemeral (default)\n"
    "  --media-port N      media origin port (download links, output URLs); 0 = ephemeral (default)\n"
    "  --config FILE       JSON configuration (models, rules, limits); absent keys keep their defaults\n"
    "  --rules FILE        JSON array of rules, replacing the configured ones\n"
    "  --seed N            seed for ids, drawn durations and probabilistic rules\n"
    "  --job-ms N          default job duration in milliseconds (default 3000)\n"
    "  --idle-timeout S    stop after S seconds without a request (default 600; 0 = never)\n"
    "  --port-file FILE    write the main port to FILE once listening\n"
    "  --tls-cert FILE --tls-key FILE   serve HTTPS with this certificate chain and key\n"
    "  --quiet             print nothing but errors\n"
    "  --version           print the version and exit\n"
    "  --help              this help\n"
    "Stops on SIGINT or SIGTERM and prints its counters as one JSON line.\n";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "reel-simulator: cannot read " << path << "\n";
    std::exit(2);
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::int64_t number(std::string_view flag, const char* text) {
  char* end = nullptr;
  const long long v = std::strtoll(text, &end, 10);
  if (end == text || *end != '\0' || v < 0) {
    std::cerr << "reel-simulator: " << flag << " needs a non-negative number\n";
    std::exit(2);
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  reel_sim::Options options;
  options.idle_timeout = std::chrono::seconds(600);
  std::string port_file;
  std::string tls_cert;
  std::string tls_key;
  std::string rules_file;
  std::optional<std::uint64_t> seed;
  std::optional<std::int64_t> job_ms;
  bool quiet = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::cerr << "reel-simulator: " << arg << " needs a value\n" << usage;
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--port") {
      options.port = static_cast<std::uint16_t>(number(arg, value()));
    } else if (arg == "--media-port") {
      options.media_port = static_cast<std::uint16_t>(number(arg, value()));
    } else if (arg == "--config") {
      const std::string text = slurp(value());
      if (const reel::json::Error e = reel::json::read(text, options.config)) {
        std::cerr << "reel-simulator: bad configuration: " << e.message() << "\n";
        return 2;
      }
    } else if (arg == "--rules") {
      rules_file = value();
    } else if (arg == "--seed") {
      seed = static_cast<std::uint64_t>(number(arg, value()));
    } else if (arg == "--job-ms") {
      job_ms = number(arg, value());
    } else if (arg == "--idle-timeout") {
      options.idle_timeout = std::chrono::seconds(number(arg, value()));
    } else if (arg == "--port-file") {
      port_file = value();
    } else if (arg == "--tls-cert") {
      tls_cert = value();
    } else if (arg == "--tls-key") {
      tls_key = value();
    } else if (arg == "--quiet") {
      quiet = true;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << usage;
      return 0;
    } else if (arg == "--version") {
      std::cout << "reel-simulator " << REEL_VERSION_MAJOR << "." << REEL_VERSION_MINOR << "." << REEL_VERSION_PATCH
                << "\n";
      return 0;
    } else {
      std::cerr << "reel-simulator: unknown option " << arg << "\n" << usage;
      return 2;
    }
  }
  if (!rules_file.empty()) {
    const std::string text = slurp(rules_file);
    if (const reel::json::Error e = reel::json::read(text, options.config.rules)) {
      std::cerr << "reel-simulator: bad rules: " << e.message() << "\n";
      return 2;
    }
  }
  if (seed) options.config.seed = *seed;
  if (job_ms) {
    options.config.job = reel_sim::JobSpec{};
    options.config.job.duration_ms = *job_ms;
  }
  if (tls_cert.empty() != tls_key.empty()) {
    std::cerr << "reel-simulator: --tls-cert and --tls-key go together\n";
    return 2;
  }
  if (!tls_cert.empty()) options.tls = reel_sim::TlsFiles{tls_cert, tls_key};

  asio::io_context io(1);
  std::optional<reel_sim::Simulator> sim;
  try {
    sim.emplace(io, std::move(options));
  } catch (const std::exception& e) {
    std::cerr << "reel-simulator: cannot start: " << e.what() << "\n";
    return 1;
  }
  if (!quiet) {
    std::cout << "listening " << sim->base_url() << "\n" << "media " << sim->media_url() << "\n" << std::flush;
  }
  if (!port_file.empty()) {
    const std::string tmp = port_file + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << sim->port() << "\n";
    }
    std::filesystem::rename(tmp, port_file);
  }

  asio::signal_set signals(io, SIGINT, SIGTERM);
  auto stop = [&] {
    sim->close();
    io.stop();
  };
  signals.async_wait([&](std::error_code ec, int) {
    if (!ec) stop();
  });
  sim->on_idle = [&] {
    if (!quiet) std::cerr << "reel-simulator: idle timeout, stopping\n";
    signals.cancel();
    stop();
  };
  io.run();
  if (!quiet) std::cout << "counters " << sim->core().counters_json() << "\n" << std::flush;
  return 0;
}
