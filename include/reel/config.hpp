// SPDX-License-Identifier: BSL-1.0
/// @file
/// reel's version and the compiler features it requires.
#pragma once

#define REEL_VERSION_MAJOR 0
#define REEL_VERSION_MINOR 1
#define REEL_VERSION_PATCH 0
/// The version as one number: major * 10000 + minor * 100 + patch.
#define REEL_VERSION (REEL_VERSION_MAJOR * 10000 + REEL_VERSION_MINOR * 100 + REEL_VERSION_PATCH)

#if !defined(__cplusplus) || __cplusplus < 202002L
#error "reel requires C++20: compile with -std=c++20 (CMake: link reel::reel, which sets cxx_std_20)."
#endif

#include <version>

#if !defined(__cpp_impl_coroutine) || !defined(__cpp_lib_coroutine)
#error "reel requires C++20 coroutines (<coroutine>, co_await). GCC needs 12 or newer; Clang needs 14 or newer with libstdc++ 12 or libc++ 14."
#endif

#if !defined(__cpp_concepts)
#error "reel requires C++20 concepts."
#endif

#if defined(__clang__) && !defined(ASIO_HAS_CO_AWAIT)
// Asio 1.22 detects co_await support for GCC only. reel::reel defines these for Clang; plain
// #include users get them here, before any Asio header is seen.
#define ASIO_HAS_CO_AWAIT 1
#define ASIO_HAS_STD_COROUTINE 1
#endif

#if defined(__GNUC__) || defined(__clang__)
#define REEL_ALWAYS_INLINE inline __attribute__((always_inline))
#define REEL_NOINLINE __attribute__((noinline))
#define REEL_LIKELY(x) __builtin_expect(!!(x), 1)
#define REEL_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define REEL_ALWAYS_INLINE inline
#define REEL_NOINLINE
#define REEL_LIKELY(x) (x)
#define REEL_UNLIKELY(x) (x)
#endif
