// SPDX-License-Identifier: BSL-1.0
/// @file
/// The process-wide limiter state of each account: sessions on one API key share one budget.
#pragma once

#include <reel/config.hpp>
#include <reel/policy/memory_limiter_store.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace reel::detail {

/// The in-memory limiter state of the account `tag`, shared by every session of this process
/// on that account while one holds it.
inline std::shared_ptr<policy::MemoryLimiterStore> process_limits(const std::string& tag) {
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<policy::MemoryLimiterStore>> accounts;
  const std::lock_guard lock(mutex);
  std::weak_ptr<policy::MemoryLimiterStore>& slot = accounts[tag];
  std::shared_ptr<policy::MemoryLimiterStore> store = slot.lock();
  if (!store) {
    store = std::make_shared<policy::MemoryLimiterStore>();
    slot = store;
  }
  for (auto it = accounts.begin(); it != accounts.end();) it = it->second.expired() ? accounts.erase(it) : std::next(it);
  return store;
}

}  // namespace reel::detail
