// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::json::ReadOptions`: limits and strictness of the JSON reader.
#pragma once

#include <reel/config.hpp>

#include <cstddef>

namespace reel::json {

/// How strictly to read. The defaults suit an API client: unknown keys are skipped (providers add
/// fields), a repeated key keeps its last value, and input size and nesting depth are bounded.
struct ReadOptions {
  std::size_t max_depth = 128;                    ///< arrays and objects nested deeper fail
  std::size_t max_input_size = 64 * 1024 * 1024;  ///< longer input fails before any parsing
  bool reject_unknown_keys = false;               ///< unknown object keys fail (`Errc::unknown_field`)
  bool reject_duplicate_keys = false;             ///< a key repeated in one struct fails
};

}  // namespace reel::json
