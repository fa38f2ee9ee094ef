// SPDX-License-Identifier: BSL-1.0
// The CLI's job journal: where it lives (--journal, $REEL_JOURNAL, $XDG_STATE_HOME/reel/journal,
// ~/.local/state/reel/journal) and how several reel processes share it. A reel::store::Journal
// is owned by one process at a time, so the journal is a set of shards: FILE, FILE.1, FILE.2,
// ...; a process takes the first shard nobody holds (a `.lock` file beside it, flock'd for the
// process's life, never renamed, so a compaction's rename cannot race an opener). `reel jobs`
// reads every shard without locking; `reel resume` takes every shard no live process holds
// (a held shard's jobs are being run by that process).
#pragma once

#include <reel/store/journal.hpp>
#include <reel/store/record.hpp>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace reel_cli {

/// Shards FILE.1 ... FILE.<max_shards - 1> besides FILE itself.
inline constexpr int max_shards = 256;

/// The default journal path (from the environment), or empty when no home is known.
inline std::filesystem::path default_journal_path() {
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
inline std::filesystem::path shard_path(const std::filesystem::path& base, int k) {
  if (k == 0) return base;
  std::filesystem::path p = base;
  p += "." + std::to_string(k);
  return p;
}

/// A flock'd lock file, closed (and so released) at destruction.
class LockFd {
public:
  explicit LockFd(int fd) : fd_(fd) {}
  LockFd(LockFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  LockFd& operator=(LockFd&&) = delete;
  LockFd(const LockFd&) = delete;
  ~LockFd() {
    if (fd_ >= 0) ::close(fd_);
  }

private:
  int fd_;
};

/// One shard, held while this object lives (the journal is closed before the lock is released).
class JournalShard {
public:
  JournalShard(int lock_fd, int index, reel::store::Journal journal)
      : lock_(lock_fd), index_(index), journal_(std::move(journal)) {}
  JournalShard(JournalShard&&) noexcept = default;
  JournalShard& operator=(JournalShard&&) = delete;
  JournalShard(const JournalShard&) = delete;
  reel::store::Journal& journal() noexcept { return journal_; }
  int index() const noexcept { return index_; }

private:
  LockFd lock_;
  int index_;
  reel::store::Journal journal_;
};

/// Why a shard could not be taken.
enum class TakeResult { taken, held, failed };

/// Tries to take shard `k` of `base` (creating its directory). `error` is set on failure.
inline TakeResult take_shard(const std::filesystem::path& base, int k, std::optional<JournalShard>& out,
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
inline std::optional<JournalShard> take_free_shard(const std::filesystem::path& base, std::string& error) {
  std::optional<JournalShard> shard;
  for (int k = 0; k < max_shards; ++k) {
    const TakeResult r = take_shard(base, k, shard, error);
    if (r == TakeResult::taken) return shard;
    if (r == TakeResult::failed) return std::nullopt;
  }
  error = "all " + std::to_string(max_shards) + " journal shards of " + base.string() + " are in use";
  return std::nullopt;
}

/// A job as read from a shard without locking it.
struct ListedJob {
  reel::store::JobRecord record;
  int shard = 0;
  std::int64_t first_at = 0;  ///< when its first entry was written (Unix seconds)
};

/// Every job of every shard of `base`, oldest first per shard (unreadable shards are skipped
/// and named in `problems`).
inline std::vector<ListedJob> list_jobs(const std::filesystem::path& base, std::vector<std::string>& problems) {
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
