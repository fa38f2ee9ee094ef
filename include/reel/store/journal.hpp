// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::store::Journal`: the default `JobStore`, an embedded append-only file (POSIX). Every
/// append is one `write` of a framed record (length, CRC-32, JSON) followed by `fsync`, so an
/// entry is durable when `append` returns. Opening reads the whole file: a torn or corrupt last
/// record is ignored and truncated away; a damaged record in the middle is a typed error
/// (`corrupt_record`), never a crash. `compact()` rewrites the live jobs into a temporary file,
/// fsyncs it, renames it over the journal and fsyncs the directory. The file is locked (`flock`)
/// while a Journal has it open.
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/store/job_store.hpp>
#include <reel/store/journal_format.hpp>
#include <reel/store/record.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace reel::store {

namespace detail {
inline StoreError io_error(std::string what, int err) {
  return StoreError{make_error_code(Errc::io_error), 0, std::move(what) + ": " + std::strerror(err)};
}
inline Result<void, StoreError> write_all(int fd, std::string_view data, const char* what) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(io_error(what, errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}
inline Result<void, StoreError> sync_directory(const std::filesystem::path& file) {
  std::filesystem::path dir = file.parent_path();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail(io_error("open directory", errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return fail(io_error("fsync directory", err));
  return {};
}
inline Result<std::string, StoreError> read_all(int fd) {
  std::string data;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(io_error("read journal", errno));
    }
    if (n == 0) return data;
    data.append(buf, static_cast<std::size_t>(n));
  }
}
}  // namespace detail

/// Reads the journal at `path` without opening it for writing (no lock, no truncation): what a
/// new process would see. Errors as `read_journal`, or `io_error`.
inline Result<ParsedJournal, StoreError> inspect_journal(const std::filesystem::path& path,
                                                          std::uint32_t max_record = default_max_record) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(detail::io_error("open " + path.filename().string(), errno));
  auto data = detail::read_all(fd);
  ::close(fd);
  if (!data) return fail(std::move(data.error()));
  return read_journal(*data, max_record);
}

/// The default job store: an fsync'd append-only journal file. Not thread-safe: use it from
/// one thread (the jobs' executor); each `append` blocks for its `fsync`.
class Journal {
public:
  struct Options {
    /// fsync after every append (off only for benchmarks and tests that measure nothing durable).
    bool sync = true;
    /// The largest record accepted (reading and writing); at most `max_record_limit`.
    std::uint32_t max_record = default_max_record;
  };

  /// Opens (creating if needed) the journal at `path`, reads it and truncates a torn tail.
  static Result<Journal, StoreError> open(std::filesystem::path path, Options options) {
    Journal j;
    j.path_ = std::move(path);
    // A length read from JSON text is at least 0x20000000: such lengths must stay invalid, so
    // that the bytes of a torn record never pass for a later valid one.
    options.max_record = std::min(options.max_record, max_record_limit);
    j.options_ = options;
    std::error_code ec;
    std::filesystem::remove(temp_path(j.path_), ec);  // a compaction that never got renamed
    const bool existed = std::filesystem::exists(j.path_, ec);
    j.fd_ = ::open(j.path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (j.fd_ < 0) return fail(detail::io_error("open " + j.path_.filename().string(), errno));
    if (::flock(j.fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      if (err == EWOULDBLOCK) return fail(StoreError{make_error_code(Errc::locked), 0, j.path_.filename().string()});
      return fail(detail::io_error("flock", err));
    }
    auto data = detail::read_all(j.fd_);
    if (!data) return fail(std::move(data.error()));
    auto parsed = read_journal(*data, options.max_record);
    if (!parsed) return fail(std::move(parsed.error()));
    if (parsed->header_missing) {
      // New (or created by a process that died before the header was synced).
      if (::ftruncate(j.fd_, 0) != 0) return fail(detail::io_error("ftruncate", errno));
      if (auto w = detail::write_all(j.fd_, journal_header, "write header"); !w) return fail(std::move(w.error()));
      if (auto s = j.sync(); !s) return fail(std::move(s.error()));
      if (!existed || data->empty()) {
        if (auto s = detail::sync_directory(j.path_); !s) return fail(std::move(s.error()));
      }
      j.size_ = journal_header.size();
    } else {
      if (parsed->torn_tail) {
        j.dropped_bytes_ = data->size() - parsed->valid_size;
        if (::ftruncate(j.fd_, static_cast<off_t>(parsed->valid_size)) != 0) return fail(detail::io_error("ftruncate", errno));
        if (auto s = j.sync(); !s) return fail(std::move(s.error()));
      }
      j.size_ = parsed->valid_size;
      for (Entry& e : parsed->entries) j.apply_entry(std::move(e));
    }
    return j;
  }
  /// `open(path, Options{})`.
  static Result<Journal, StoreError> open(std::filesystem::path path) { return open(std::move(path), Options{}); }

  Journal(Journal&& o) noexcept { *this = std::move(o); }
  Journal& operator=(Journal&& o) noexcept {
    if (this != &o) {
      close();
      path_ = std::move(o.path_);
      options_ = o.options_;
      fd_ = std::exchange(o.fd_, -1);
      jobs_ = std::move(o.jobs_);
      next_seq_ = o.next_seq_;
      size_ = o.size_;
      dropped_bytes_ = o.dropped_bytes_;
      entries_ = o.entries_;
    }
    return *this;
  }
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  ~Journal() { close(); }

  /// A fresh local id ("j-" and 16 random hex digits), not used in this journal.
  std::string new_id() {
    static constexpr char hex[] = "0123456789abcdef";
    std::random_device rd;
    for (;;) {
      const std::uint64_t v = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
      std::string id = "j-";
      for (int i = 15; i >= 0; --i) id.push_back(hex[(v >> (4 * i)) & 0xFu]);
      if (!jobs_.contains(id)) return id;
    }
  }

  /// Records `e` (its `seq` assigned, `at` set to now when 0): written and fsync'd before this
  /// returns. On failure nothing is recorded and the file is cut back to its last good record.
  Result<void, StoreError> append(Entry e) {
    if (fd_ < 0) return fail(StoreError{make_error_code(Errc::io_error), 0, "the journal is closed"});
    e.seq = next_seq_;
    if (e.at == 0) e.at = now();
    auto record = encode_entry(e);
    if (!record) return fail(std::move(record.error()));
    if (record->size() - frame_header_size > options_.max_record) {
      return fail(StoreError{make_error_code(Errc::encode_error), 0, "entry larger than max_record"});
    }
    auto written = detail::write_all(fd_, *record, "append");
    if (written) written = sync();
    if (!written) {
      (void)::ftruncate(fd_, static_cast<off_t>(size_));  // keep the file well-formed
      return written;
    }
    size_ += record->size();
    apply_entry(std::move(e));
    return {};
  }

  /// The job `id`'s record.
  std::optional<JobRecord> find(std::string_view id) const {
    const auto it = jobs_.find(std::string(id));
    if (it == jobs_.end()) return std::nullopt;
    return it->second.job;
  }
  /// The jobs not finished, oldest first, with their last known state.
  std::vector<JobRecord> unfinished() const {
    std::vector<JobRecord> out;
    for (const auto& [order, r] : by_first_seq()) {
      if (!r->finished()) out.push_back(*r);
    }
    return out;
  }
  /// Every job in the journal (finished ones until the next compaction), oldest first.
  std::vector<JobRecord> jobs() const {
    std::vector<JobRecord> out;
    for (const auto& [order, r] : by_first_seq()) out.push_back(*r);
    return out;
  }

  /// Rewrites the journal with one entry per unfinished job (finished jobs are dropped):
  /// temporary file, fsync, atomic rename, fsync of the directory. A crash at any point leaves
  /// either the old or the new journal.
  Result<void, StoreError> compact() {
    if (fd_ < 0) return fail(StoreError{make_error_code(Errc::io_error), 0, "the journal is closed"});
    std::string data(journal_header);
    std::map<std::string, Record> kept;
    std::uint64_t seq = 0;
    for (const auto& [order, r] : by_first_seq()) {
      if (r->finished()) continue;
      Entry e = snapshot(*r);
      e.seq = ++seq;
      auto record = encode_entry(e);
      if (!record) return fail(std::move(record.error()));
      data += *record;
      kept[r->id] = Record{*r, seq};
    }
    const std::filesystem::path tmp = temp_path(path_);
    const int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return fail(detail::io_error("open compaction file", errno));
    auto done = [&]() -> Result<void, StoreError> {
      if (::flock(fd, LOCK_EX | LOCK_NB) != 0) return fail(detail::io_error("flock compaction file", errno));
      if (auto w = detail::write_all(fd, data, "write compaction file"); !w) return w;
      if (::fsync(fd) != 0) return fail(detail::io_error("fsync compaction file", errno));
      if (::rename(tmp.c_str(), path_.c_str()) != 0) return fail(detail::io_error("rename compaction file", errno));
      return detail::sync_directory(path_);
    }();
    if (!done) {
      ::close(fd);
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      return done;
    }
    ::close(fd_);
    fd_ = fd;
    size_ = data.size();
    jobs_ = std::move(kept);
    next_seq_ = seq + 1;
    entries_ = jobs_.size();
    return {};
  }

  /// The journal's path.
  const std::filesystem::path& path() const noexcept { return path_; }
  /// The file's size in bytes.
  std::uint64_t size_bytes() const noexcept { return size_; }
  /// Entries in the file (a compaction brings this down to the unfinished jobs).
  std::uint64_t entries() const noexcept { return entries_; }
  /// Bytes of a torn tail that opening cut off (0 when the file ended cleanly).
  std::uint64_t dropped_bytes() const noexcept { return dropped_bytes_; }

private:
  struct Record {
    JobRecord job;
    std::uint64_t first_seq = 0;
  };

  Journal() = default;

  static std::filesystem::path temp_path(const std::filesystem::path& p) {
    std::filesystem::path t = p;
    t += ".compact.tmp";
    return t;
  }
  static std::int64_t now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  }

  Result<void, StoreError> sync() const {
    if (!options_.sync) return {};
    if (::fsync(fd_) != 0) return fail(detail::io_error("fsync", errno));
    return {};
  }

  void apply_entry(Entry e) {
    if (e.seq >= next_seq_) next_seq_ = e.seq + 1;
    ++entries_;
    auto [it, inserted] = jobs_.try_emplace(e.job);
    if (inserted) it->second.first_seq = e.seq;
    apply(it->second.job, e);
  }

  // The jobs in the order they were first recorded.
  std::map<std::pair<std::uint64_t, std::string_view>, const JobRecord*> by_first_seq() const {
    std::map<std::pair<std::uint64_t, std::string_view>, const JobRecord*> out;
    for (const auto& [id, r] : jobs_) out.emplace(std::pair<std::uint64_t, std::string_view>(r.first_seq, id), &r.job);
    return out;
  }

  void close() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  std::filesystem::path path_;
  Options options_{};
  int fd_ = -1;
  std::map<std::string, Record> jobs_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t size_ = 0;
  std::uint64_t entries_ = 0;
  std::uint64_t dropped_bytes_ = 0;
};

static_assert(JobStore<Journal>);

}  // namespace reel::store
