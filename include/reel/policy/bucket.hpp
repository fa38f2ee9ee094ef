// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::policy::Bucket`: the rate-limit buckets of a provider account, one per kind of call
/// (creates, status polls, downloads, ...), with their names (`to_string`, `bucket_from_string`).
#pragma once

#include <reel/config.hpp>

#include <cstddef>
#include <optional>
#include <string_view>

namespace reel::policy {

/// A kind of call a `RateLimiter` limits separately (Venice's queue and retrieve limits are
/// `create` and `status`).
enum class Bucket : unsigned char {
  create,    ///< the billable create (Venice `/video/queue`)
  status,    ///< status polls (Venice `/video/retrieve`)
  download,  ///< video downloads and revoking a download link
  cleanup,   ///< deleting the provider's copy
  cancel,    ///< stopping a running job
  quote,     ///< price quotes
  models,    ///< model discovery
};

/// How many buckets there are (`Bucket` values are 0 to `bucket_count - 1`).
inline constexpr std::size_t bucket_count = 7;

/// The bucket's name: "create", "status", "download", "cleanup", "cancel", "quote", "models".
constexpr std::string_view to_string(Bucket b) noexcept {
  switch (b) {
    case Bucket::create: return "create";
    case Bucket::status: return "status";
    case Bucket::download: return "download";
    case Bucket::cleanup: return "cleanup";
    case Bucket::cancel: return "cancel";
    case Bucket::quote: return "quote";
    case Bucket::models: return "models";
  }
  return "unknown";
}

/// The bucket of a name `to_string` gives; none for other names.
constexpr std::optional<Bucket> bucket_from_string(std::string_view name) noexcept {
  for (std::size_t i = 0; i < bucket_count; ++i) {
    const auto b = static_cast<Bucket>(i);
    if (to_string(b) == name) return b;
  }
  return std::nullopt;
}

}  // namespace reel::policy
