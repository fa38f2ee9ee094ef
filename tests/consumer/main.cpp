// SPDX-License-Identifier: BSL-1.0
// What a downstream project does with reel: include it, use it, print the version it got.
// Built three ways (add_subdirectory, FetchContent, find_package) by run_consumer.cmake.
#include <reel/config.hpp>
#include <reel/reel.hpp>

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>

#if defined(REEL_HAS_OPENSSL)
#include <openssl/crypto.h>
#endif

#include <cstdio>
#include <string>
#include <string_view>

namespace {

struct Clip {
  int width;
  int height;
  double seconds;
};

asio::awaitable<int> area(Clip clip) { co_return clip.width * clip.height; }

// Runs on the io_context: proves Asio's coroutines are enabled (Clang needs reel::reel's defines).
asio::awaitable<void> measure(int& out) {
  Clip clip{16, 9, 5.0};  // a named local, never a temporary, across co_await (GCC 12)
  out = co_await area(clip);
}

}  // namespace

int main() {
  static_assert(reel::json::field_count<Clip> == 3);
  if (reel::json::field_names<Clip>[2] != std::string_view{"seconds"}) return 2;
  const Clip original{1280, 720, 5.5};
  auto json = reel::json::write_string(original);
  if (!json) return 2;
  auto back = reel::json::read_as<Clip>(*json);
  if (!back || back->width != 1280 || back->height != 720 || back->seconds != 5.5) return 2;

  asio::io_context io;
  int measured = 0;
  asio::co_spawn(io, measure(measured), asio::detached);
  io.run();
  if (measured != 16 * 9) return 3;

#if defined(REEL_HAS_OPENSSL)
  if (OpenSSL_version_num() == 0) return 4;  // links libcrypto
#endif
  std::printf("reel %d.%d.%d\n", REEL_VERSION_MAJOR, REEL_VERSION_MINOR, REEL_VERSION_PATCH);
  return 0;
}
