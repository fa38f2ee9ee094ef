// SPDX-License-Identifier: BSL-1.0
// The CLI's job journal: its path and its shards (journal_file.hpp).
#include "journal_file.hpp"

#include <reel/store/journal.hpp>
#include <reel/store/record.hpp>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace reel_cli {

/// The default journal path (from the environment), or empty when no home is known.
std::filesystem::path default_journal_path() {
  if (const char* j = std::getenv("REEL_JOURNAL"); j != nullptr && *j != '\0') return j;
  if (const char* x = std::getenv("XDG_STATE_HOME"); x != nullptr && *x != '\0') {
    return std::filesystem::path(x) / "reel" / "journal";
  }
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') {
    return std::filesystem::path(h) / ".local" / "state" / "reel" / "journal";
  }
  return {};
}

/// The path of shard `k` of journal `base`.
std::filesystem::path shard_path(const std::filesystem::path& base, int k) {
  if (k == 0) return base;
  std::filesystem::path p = base;
  p += "." + std::to_string(k);
  return p;
}

/// Tries to take shard `k` of `base` (creating its directory). `error` is set on failure.
TakeResult take_shard(const std::filesystem::path& base, int k, std::optional<JournalShard>& out,
                             std::string& error) {
  const std::filesystem::path path = shard_path(base, k);
  std::error_code ec;
  if (!path.parent_path().empty()) std::filesystem::create_directories(path.parent_path(), ec);
  std::filesystem::path lock = path;
  lock += ".lock";
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = "cannot open the journal's lock file " + lock.string();
    return TakeResult::failed;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return TakeResult::held;
  }
  auto journal = reel::store::Journal::open(path);
  if (!journal) {
    ::close(fd);
    if (journal.error().code == make_error_code(reel::store::Errc::locked)) return TakeResult::held;
    error = "journal " + path.string() + ": " + journal.error().message();
    return TakeResult::failed;
  }
  out.emplace(fd, k, std::move(*journal));
  return TakeResult::taken;
}

/// The first shard of `base` no process holds; empty with `error` set when none can be taken.
std::optional<JournalShard> take_free_shard(const std::filesystem::path& base, std::string& error) {
  std::optional<JournalShard> shard;
  for (int k = 0; k < max_shards; ++k) {
    const TakeResult r = take_shard(base, k, shard, error);
    if (r == TakeResult::taken) return shard;
    if (r == TakeResult::failed) return std::nullopt;
  }
  error = "all " + std::to_string(max_shards) + " journal shards of " + base.string() + " are in use";
  return std::nullopt;
}

/// Every job of every shard of `base`, oldest first per shard (unreadable shards are skipped
/// and named in `problems`).
std::vector<ListedJob> list_jobs(const std::filesystem::path& base, std::vector<std::string>& problems) {
  std::vector<ListedJob> out;
  for (int k = 0; k < max_shards; ++k) {
    const std::filesystem::path path = shard_path(base, k);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) continue;
    auto parsed = reel::store::inspect_journal(path);
    if (!parsed) {
      problems.push_back(path.string() + ": " + parsed.error().message());
      continue;
    }
    std::map<std::string, std::size_t> index;
    for (const reel::store::Entry& e : parsed->entries) {
      auto [it, inserted] = index.try_emplace(e.job, out.size());
      if (inserted) {
        out.push_back(ListedJob{{}, k, e.at});
      }
      reel::store::apply(out[it->second].record, e);
    }
  }
  return out;
}

}  // namespace reel_cli
