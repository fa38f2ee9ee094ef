// SPDX-License-Identifier: BSL-1.0
// Test support for VideoJob over the ScriptedClient, in virtual time: an io_context, a
// VirtualClock, an Account, a temporary directory, and a runner for a job coroutine.
#pragma once

#include "run_support.hpp"

#include "../policy/ticking_clock.hpp"

#include <reel/testing/scripted_client.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/providers/lumenfall.hpp>
#include <reel/providers/venice.hpp>
#include <reel/testing/virtual_clock.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>

namespace reel_test {

using namespace std::chrono_literals;

/// One scripted world: client, clock (`reel::testing::VirtualClock`, or a clock that also ticks on
/// every reading), account and a scratch directory.
template <class VClock>
struct BasicJobWorld {
  explicit BasicJobWorld(reel::job::AccountLimits limits = reel::job::AccountLimits::none())
      : client(io.get_executor()), account(clock, std::move(limits)) {
    dir = std::filesystem::temp_directory_path() / ("reel-job-test-" + std::to_string(::getpid()) + "-" +
                                                    std::to_string(counter()++));
    std::filesystem::create_directories(dir);
  }
  ~BasicJobWorld() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  /// Runs `task` to completion in virtual time.
  template <class T>
  T run(asio::awaitable<T> task) {
    std::optional<T> out;
    asio::co_spawn(io, std::move(task), store_into(out));
    clock.run(io);
    EXPECT_TRUE(out.has_value()) << "the job coroutine did not finish";
    return std::move(*out);
  }

  /// Runs `task`, emitting a terminal cancellation once virtual time reaches `after`.
  template <class T>
  T run_and_cancel(asio::awaitable<T> task, std::chrono::milliseconds after) {
    std::optional<T> out;
    asio::cancellation_signal signal;
    asio::co_spawn(io, std::move(task), asio::bind_cancellation_slot(signal.slot(), store_into(out)));
    const auto at = clock.now() + after;
    for (;;) {
      io.restart();
      while (io.poll() > 0) {
      }
      if (out) break;
      const auto next = clock.next_wake();
      if (!next) break;
      if (*next >= at) {
        clock.advance_to(at);
        signal.emit(asio::cancellation_type::terminal);
        io.restart();
        while (io.poll() > 0) {
        }
        break;
      }
      clock.advance_to(*next);
    }
    EXPECT_TRUE(out.has_value()) << "the job coroutine did not finish after cancellation";
    return std::move(*out);
  }

  std::string read(const std::filesystem::path& p) { return read_file(p); }

  static int& counter() {
    static int n = 0;
    return n;
  }

  asio::io_context io;
  VClock clock;
  reel::testing::ScriptedClient client;
  reel::job::Account account;
  std::filesystem::path dir;
};

using JobWorld = BasicJobWorld<reel::testing::VirtualClock>;
/// Virtual time that moves on by 1 µs at every reading, as real time does.
using TickingJobWorld = BasicJobWorld<TickingClock>;

/// Quick, deterministic options: fixed 5 s polls, short retries without jitter.
inline reel::JobOptions quick_options() {
  reel::JobOptions o;
  o.poll = reel::policy::FixedInterval{5s};
  o.retry = reel::policy::RetryPolicy{4, 1s, 2.0, 8s, 0.0};
  return o;
}

/// The Venice request most job tests submit (text-to-video, 5 s, 16:9).
inline reel::venice::QueueRequest venice_request(std::string model = "wan-2.5-preview-text-to-video") {
  reel::venice::QueueRequest r;
  r.model = std::move(model);
  r.prompt = "A gondola at sunset";
  r.duration = "5s";
  r.aspect_ratio = "16:9";
  return r;
}

/// The Lumenfall request most job tests submit (sora-2, 4 s).
inline reel::lumenfall::CreateRequest lumenfall_request() {
  reel::lumenfall::CreateRequest r;
  r.model = "sora-2";
  r.prompt = "A capybara in a hot spring";
  r.seconds = "4";
  return r;
}

/// A fake MP4 body (the client does not look inside).
/// `n` bytes that start like an MP4 (an ISO-BMFF `ftyp` box), as reel checks before a cleanup.
inline std::string video_bytes(std::size_t n) {
  std::string v(n, '\0');
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<char>('a' + i % 26);
  static constexpr char ftyp[] = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'};
  for (std::size_t i = 0; i < n && i < sizeof ftyp; ++i) v[i] = ftyp[i];
  return v;
}

}  // namespace reel_test
