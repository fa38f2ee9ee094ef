// SPDX-License-Identifier: BSL-1.0
/// @file
/// Where a streamed response body goes: the `BodySink` concept, a type-erased `SinkRef`, and two
/// sinks: `StringSink` (in memory, bounded) and `FileSink` (a file, flushed to disk at the end).
///
/// | requirement | meaning |
/// |---|---|
/// | `s.write(std::string_view bytes) -> std::error_code` | take the next bytes of the body, in order |
/// | `s.finish() -> std::error_code` | the body is complete: make it durable; called once, after the last write |
///
/// A non-zero error from either ends the exchange with that error (stage `body`). A sink is not
/// told about failed exchanges beyond no `finish()` being called.
#pragma once

#include <reel/config.hpp>
#include <reel/http/error.hpp>

#include <cerrno>
#include <concepts>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

namespace reel::http {

/// A destination for a streamed response body (see the table above).
template <class S>
concept BodySink = requires(S& s, std::string_view bytes) {
  { s.write(bytes) } -> std::same_as<std::error_code>;
  { s.finish() } -> std::same_as<std::error_code>;
};

/// A non-owning reference to any `BodySink`, so the sink can be chosen at run time.
class SinkRef {
public:
  template <class S>
    requires(BodySink<S> && !std::same_as<std::remove_cvref_t<S>, SinkRef>)
  SinkRef(S& sink) noexcept  // NOLINT(google-explicit-constructor): a reference wrapper
      : object_(&sink),
        write_([](void* o, std::string_view b) { return static_cast<S*>(o)->write(b); }),
        finish_([](void* o) { return static_cast<S*>(o)->finish(); }) {}

  /// Forwards to the sink's `write`.
  std::error_code write(std::string_view bytes) const { return write_(object_, bytes); }
  /// Forwards to the sink's `finish`.
  std::error_code finish() const { return finish_(object_); }

private:
  void* object_;
  std::error_code (*write_)(void*, std::string_view);
  std::error_code (*finish_)(void*);
};
static_assert(BodySink<SinkRef>);

/// Collects the body in a string, failing with `body_too_large` past `limit` bytes.
class StringSink {
public:
  explicit StringSink(std::size_t limit = 16 * 1024 * 1024) noexcept : limit_(limit) {}
  /// Appends `bytes`, or fails when the limit would be passed.
  std::error_code write(std::string_view bytes) {
    if (bytes.size() > limit_ - data_.size()) return make_error_code(Errc::body_too_large);
    data_.append(bytes);
    return {};
  }
  /// Nothing to flush.
  std::error_code finish() noexcept { return {}; }
  /// The bytes collected so far.
  const std::string& data() const noexcept { return data_; }
  /// Moves the collected bytes out.
  std::string take() noexcept { return std::exchange(data_, {}); }

private:
  std::size_t limit_;
  std::string data_;
};

/// Writes the body to a file descriptor it owns; `finish()` fsyncs it. Opening with `create`
/// truncates or creates the file (mode 0644); `open_append` continues an existing file.
class FileSink {
public:
  FileSink() = default;
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;
  FileSink(FileSink&& other) noexcept : fd_(std::exchange(other.fd_, -1)), written_(other.written_) {}
  FileSink& operator=(FileSink&& other) noexcept {
    if (this != &other) {
      close();
      fd_ = std::exchange(other.fd_, -1);
      written_ = other.written_;
    }
    return *this;
  }
  ~FileSink() { close(); }

  /// Creates (or truncates) `path` for writing.
  std::error_code create(const std::string& path) { return open(path, O_WRONLY | O_CREAT | O_TRUNC); }
  /// Opens `path` to append to it (for resuming a download with `Range`).
  std::error_code open_append(const std::string& path) { return open(path, O_WRONLY | O_CREAT | O_APPEND); }

  /// Writes all of `bytes`, retrying short writes and EINTR.
  std::error_code write(std::string_view bytes) {
    if (fd_ < 0) return std::make_error_code(std::errc::bad_file_descriptor);
    while (!bytes.empty()) {
      const ::ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return {errno, std::system_category()};
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
      written_ += static_cast<std::size_t>(n);
    }
    return {};
  }
  /// Flushes the file to stable storage.
  std::error_code finish() {
    if (fd_ < 0) return std::make_error_code(std::errc::bad_file_descriptor);
    if (::fsync(fd_) != 0) return {errno, std::system_category()};
    return {};
  }
  /// Closes the file (also done by the destructor).
  void close() noexcept {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  }
  /// Bytes written through this sink.
  std::size_t written() const noexcept { return written_; }

private:
  std::error_code open(const std::string& path, int flags) {
    close();
    written_ = 0;
    do {
      fd_ = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
    } while (fd_ < 0 && errno == EINTR);
    if (fd_ < 0) return {errno, std::system_category()};
    return {};
  }

  int fd_ = -1;
  std::size_t written_ = 0;
};

static_assert(BodySink<StringSink>);
static_assert(BodySink<FileSink>);

}  // namespace reel::http
