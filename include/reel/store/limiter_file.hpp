// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::store::LimiterFile`: a `policy::LimiterStore` in a small file that the processes of
/// one machine share (POSIX `flock`), so N processes using one API key stay inside its limits
/// together: `account.limiter().share_through(&file)` in each. The file holds send times and
/// pauses only, never a key; name it after the account (e.g. a hash of provider and key).
///
/// Format, text: one line per bucket, `b <name> <paused_until> <grant>...` (the name is
/// `policy::to_string(bucket)`), and one line `f <failure>...`; times in nanoseconds of
/// CLOCK_MONOTONIC (`reel::SteadyClock`). A file that cannot be read as such is taken as empty (it
/// is only a pacing hint, rebuilt within a window). Files of reel versions that named buckets by
/// string read the same: Venice's "queue" and "retrieve" as `create` and `status`; other names
/// that are no bucket are skipped.
#pragma once

#include <reel/config.hpp>
#include <reel/policy/bucket.hpp>
#include <reel/policy/limiter_store.hpp>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace reel::store {

/// Limiter state shared through a locked file (see the file comment). Not thread-safe: one
/// limiter (one thread) per object.
class LimiterFile final : public policy::LimiterStore {
public:
  /// Uses the file at `path` (created, mode 0600, on first use; its directory must exist).
  explicit LimiterFile(std::filesystem::path path) : path_(std::move(path)) {}
  LimiterFile(const LimiterFile&) = delete;
  LimiterFile& operator=(const LimiterFile&) = delete;
  ~LimiterFile() override { close_fd(); }

  std::error_code load(policy::LimiterState& state) override {
    if (fd_ < 0) {
      fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
      if (fd_ < 0) return last_error();
    }
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) return last_error();
    }
    std::string text;
    char buf[8192];
    for (off_t at = 0;;) {
      const ssize_t n = ::pread(fd_, buf, sizeof buf, at);
      if (n < 0) {
        if (errno == EINTR) continue;
        const std::error_code ec = last_error();
        unlock();
        return ec;
      }
      if (n == 0) break;
      text.append(buf, static_cast<std::size_t>(n));
      at += n;
      if (text.size() > max_size) break;  // not ours: start afresh
    }
    state = parse(text);
    return {};
  }

  std::error_code save(const policy::LimiterState& state) override {
    const std::string text = format(state);
    std::error_code ec;
    for (std::size_t at = 0; at < text.size();) {
      const ssize_t n = ::pwrite(fd_, text.data() + at, text.size() - at, static_cast<off_t>(at));
      if (n < 0) {
        if (errno == EINTR) continue;
        ec = last_error();
        break;
      }
      at += static_cast<std::size_t>(n);
    }
    if (!ec && ::ftruncate(fd_, static_cast<off_t>(text.size())) != 0) ec = last_error();
    unlock();
    return ec;
  }

  void unlock() noexcept override {
    if (fd_ >= 0) ::flock(fd_, LOCK_UN);
  }

  /// The file's path.
  const std::filesystem::path& path() const noexcept { return path_; }

  /// The state written as the file holds it.
  static std::string format(const policy::LimiterState& state) {
    std::string out;
    for (const auto& [name, bucket] : state.buckets) {
      out += "b ";
      out += policy::to_string(name);
      out += ' ';
      out += std::to_string(bucket.paused_until);
      for (const std::int64_t g : bucket.grants) {
        out += ' ';
        out += std::to_string(g);
      }
      out += '\n';
    }
    out += 'f';
    for (const std::int64_t f : state.failures) {
      out += ' ';
      out += std::to_string(f);
    }
    out += '\n';
    return out;
  }

  /// The state a file's text holds; lines that do not read as such are skipped.
  static policy::LimiterState parse(std::string_view text) {
    policy::LimiterState state;
    while (!text.empty()) {
      const std::size_t end = text.find('\n');
      std::string_view line = text.substr(0, end);
      text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
      if (line.size() >= 2 && line[0] == 'b' && line[1] == ' ') {
        line.remove_prefix(2);
        const std::size_t space = line.find(' ');
        if (space == 0 || space == std::string_view::npos) continue;
        const std::optional<policy::Bucket> name = bucket_named(line.substr(0, space));
        if (!name) continue;
        line.remove_prefix(space + 1);
        std::int64_t paused = 0;
        if (!number(line, paused)) continue;
        policy::LimiterState::BucketState bucket;
        bucket.paused_until = paused;
        for (std::int64_t g = 0; number(line, g);) {
          if (bucket.grants.empty() || bucket.grants.back() <= g) bucket.grants.push_back(g);
        }
        state.buckets[*name] = std::move(bucket);
      } else if (!line.empty() && line[0] == 'f') {
        line.remove_prefix(1);
        for (std::int64_t f = 0; number(line, f);) {
          if (state.failures.empty() || state.failures.back() <= f) state.failures.push_back(f);
        }
      }
    }
    return state;
  }

private:
  static constexpr std::size_t max_size = 4 << 20;

  // The bucket a line names, also in the older format's Venice names.
  static std::optional<policy::Bucket> bucket_named(std::string_view name) {
    if (name == "queue") return policy::Bucket::create;
    if (name == "retrieve") return policy::Bucket::status;
    return policy::bucket_from_string(name);
  }

  // Reads one space-separated integer from the front of `s`.
  static bool number(std::string_view& s, std::int64_t& out) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    if (s.empty()) return false;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc() || (ptr != s.data() + s.size() && *ptr != ' ')) return false;
    s.remove_prefix(static_cast<std::size_t>(ptr - s.data()));
    return true;
  }
  static std::error_code last_error() { return {errno, std::generic_category()}; }
  void close_fd() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace reel::store
