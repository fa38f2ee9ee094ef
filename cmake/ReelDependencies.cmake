# SPDX-License-Identifier: BSL-1.0
# Finds what reel::reel needs: standalone Asio, Threads and (optionally) OpenSSL.
include(CMakeFindDependencyMacro)
find_package(Threads REQUIRED)
if(REEL_WITH_OPENSSL)
  find_package(OpenSSL REQUIRED)
endif()

find_package(Asio 1.22 QUIET)
if(NOT Asio_FOUND)
  if(REEL_FETCH_ASIO)
    # Fallback for machines without a packaged Asio. Pinned to a release tag; never used when
    # Asio is installed (Debian: libasio-dev), and off unless REEL_FETCH_ASIO=ON.
    include(FetchContent)
    FetchContent_Declare(reel_asio
      GIT_REPOSITORY https://github.com/chriskohlhoff/asio.git
      GIT_TAG asio-1-22-1
      GIT_SHALLOW TRUE)
    FetchContent_MakeAvailable(reel_asio)
    add_library(reel_asio_headers INTERFACE)
    target_include_directories(reel_asio_headers SYSTEM INTERFACE "${reel_asio_SOURCE_DIR}/asio/include")
    target_compile_definitions(reel_asio_headers INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED)
    add_library(Asio::asio ALIAS reel_asio_headers)
  else()
    message(FATAL_ERROR
      "reel needs standalone Asio 1.22 or newer. Install it (Debian/Ubuntu: apt-get install libasio-dev), "
      "point Asio_ROOT at it, or configure with -DREEL_FETCH_ASIO=ON to download it.")
  endif()
endif()
