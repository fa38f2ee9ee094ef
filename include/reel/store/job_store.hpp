// SPDX-License-Identifier: BSL-1.0
/// @file
/// The `JobStore` concept: where journaled jobs (`reel::store::journaled_generate`, `resume`)
/// record their intent, handle and states. `reel::store::Journal` is the default, an embedded
/// append-only file; any type with these members works (a database table, a key-value store).
///
/// | member | meaning |
/// |---|---|
/// | `std::string new_id()` | a fresh local job id, unique in the store |
/// | `Result<void, StoreError> append(Entry)` | records one event; durable when it returns success |
/// | `std::optional<JobRecord> find(std::string_view id) const` | one job's folded record |
/// | `std::vector<JobRecord> unfinished() const` | the jobs not `finished`, with their last known state |
/// | `Result<void, StoreError> compact()` | drops finished jobs and superseded entries |
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/store/record.hpp>

#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reel::store {

/// A durable store of job records.
template <class S>
concept JobStore = requires(S& s, const S& cs, Entry e, std::string_view id) {
  { s.new_id() } -> std::convertible_to<std::string>;
  { s.append(std::move(e)) } -> std::same_as<Result<void, StoreError>>;
  { cs.find(id) } -> std::same_as<std::optional<JobRecord>>;
  { cs.unfinished() } -> std::same_as<std::vector<JobRecord>>;
  { s.compact() } -> std::same_as<Result<void, StoreError>>;
};

}  // namespace reel::store
