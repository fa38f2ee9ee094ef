// SPDX-License-Identifier: BSL-1.0
// Shared by the job tests: a completion handler that stores a coroutine's result, and reading a
// file back whole.
#pragma once

#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

namespace reel_test {

/// A `co_spawn` completion handler that stores the result in `out` (and rethrows exceptions).
template <class T>
auto store_into(std::optional<T>& out) {
  return [&out](std::exception_ptr e, T value) {
    if (e) std::rethrow_exception(e);
    out.emplace(std::move(value));
  };
}

/// The whole content of `p`.
inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace reel_test
