// SPDX-License-Identifier: BSL-1.0
// Shared by the libFuzzer targets: report a broken invariant with the input in hex, and abort.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace reel_fuzz {

/// The fuzzer's name, printed first; each fuzzer defines it.
extern const char* const fuzzer_name;

/// Prints what broke, optional extra words and the input in hex, then aborts (libFuzzer saves the input).
[[noreturn]] inline void die(const char* what, std::string_view input, const std::string& extra = {}) {
  std::fprintf(stderr, "%s: %s\n", fuzzer_name, what);
  if (!extra.empty()) std::fprintf(stderr, "  %s\n", extra.c_str());
  std::fprintf(stderr, "  input (%zu bytes): ", input.size());
  for (const char c : input) std::fprintf(stderr, "%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
  std::fprintf(stderr, "\n");
  std::abort();
}

}  // namespace reel_fuzz
