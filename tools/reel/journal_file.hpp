// SPDX-License-Identifier: BSL-1.0
// The CLI's job journal: where it lives (--journal, $REEL_JOURNAL, $XDG_STATE_HOME/reel/journal,
// ~/.local/state/reel/journal) and how several reel processes share it. A reel::store::Journal
// is owned by one process at a time, so the journal is a set of shards: FILE, FILE.1, FILE.2,
// ...; a process takes the first shard nobody holds (a `.lock` file beside it, flock'd for the
// process's life, never renamed, so a compaction's rename cannot race an opener). `reel jobs`
// reads every shard without locking; `reel resume` takes every shard no live process holds
// (a held shard's jobs are being run by that process). Defined in journal_file.cpp.
#pragma once

#include <reel/store/journal.hpp>
#include <reel/store/record.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

namespace reel_cli {

/// Shards FILE.1 ... FILE.<max_shards - 1> besides FILE itself.
inline constexpr int max_shards = 256;

/// The default journal path (from the environment), or empty when no home is known.
std::filesystem::path default_journal_path();

/// The path of shard `k` of journal `base`.
std::filesystem::path shard_path(const std::filesystem::path& base, int k);

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
TakeResult take_shard(const std::filesystem::path& base, int k, std::optional<JournalShard>& out,
                      std::string& error);

/// The first shard of `base` no process holds; empty with `error` set when none can be taken.
std::optional<JournalShard> take_free_shard(const std::filesystem::path& base, std::string& error);

/// A job as read from a shard without locking it.
struct ListedJob {
  reel::store::JobRecord record;
  int shard = 0;
  std::int64_t first_at = 0;  ///< when its first entry was written (Unix seconds)
};

/// Every job of every shard of `base`, oldest first per shard (unreadable shards are skipped
/// and named in `problems`).
std::vector<ListedJob> list_jobs(const std::filesystem::path& base, std::vector<std::string>& problems);

}  // namespace reel_cli
