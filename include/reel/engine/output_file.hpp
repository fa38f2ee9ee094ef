// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::job::OutputFile`: a video on its way to disk. Bytes go to `<name>.part`; a broken
/// transfer resumes from the part's length (HTTP Range); only a complete file of the expected
/// size is fsync'd and renamed to its final name (and the directory fsync'd), so a final name
/// never holds a partial video.
#pragma once

#include <reel/config.hpp>
#include <reel/http/body.hpp>
#include <reel/http/message.hpp>
#include <reel/job/error.hpp>

#include <charconv>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace reel::job {

/// The output file of one job.
class OutputFile {
public:
  /// The output `final_path`; a part file left by an earlier process is resumed from.
  explicit OutputFile(std::filesystem::path final_path)
      : final_(std::move(final_path)), part_(part_path_of(final_)) {
    std::error_code ec;
    started_ = std::filesystem::exists(part_, ec);
  }

  /// Where the bytes of `final_path` go until the file is complete: `<final_path>.part`.
  static std::filesystem::path part_path_of(const std::filesystem::path& final_path) { return final_path.string() + ".part"; }

  const std::filesystem::path& final_path() const noexcept { return final_; }
  const std::filesystem::path& part_path() const noexcept { return part_; }

  /// Bytes already in the part file (where a resumed transfer starts).
  std::uint64_t resume_offset() const {
    std::error_code ec;
    const auto size = std::filesystem::file_size(part_, ec);
    return ec ? 0 : size;
  }

  /// A `Range` header value for resuming, when there is something to resume from (no file
  /// system call before this job has written to its part file).
  std::optional<std::string> range_header() const {
    if (!started_) return std::nullopt;
    const std::uint64_t offset = resume_offset();
    if (offset == 0) return std::nullopt;
    return "bytes=" + std::to_string(offset) + "-";
  }

  /// Chooses the sink for a response head: a 200 starts the part file over, a 206 whose
  /// Content-Range starts at the part's end appends to it. Anything else: no sink (the body is
  /// an error to read). Remembers the total size the head announces.
  std::optional<http::SinkRef> choose(const http::ResponseHead& head) {
    expected_.reset();
    error_.clear();
    if (head.status == 200) {
      if ((error_ = sink_.create(part_.string()))) return std::nullopt;
      started_ = true;
      if (head.content_length) expected_ = *head.content_length;
      return part_sink();
    }
    if (head.status == 206) {
      const auto range = head.headers.find("Content-Range");
      std::uint64_t first = 0;
      std::uint64_t total = 0;
      if (!range || !parse_content_range(*range, first, total) || first != resume_offset()) {
        mismatched_range_ = true;
        return std::nullopt;
      }
      if ((error_ = sink_.open_append(part_.string()))) return std::nullopt;
      expected_ = total;
      return part_sink();
    }
    return std::nullopt;
  }

  /// The file error from the last `choose`, if opening failed.
  std::error_code open_error() const noexcept { return error_; }
  /// The system's error of the last failed write or sync of the part file (e.g. ENOSPC).
  std::error_code write_error() const noexcept { return write_error_; }
  /// True when a 206 did not continue where the part file ends (start over without Range).
  bool mismatched_range() const noexcept { return mismatched_range_; }
  /// The size announced by the last head (Content-Length, or Content-Range's total).
  std::optional<std::uint64_t> expected_size() const noexcept { return expected_; }

  /// Closes the part file; if it has exactly `expected` bytes (when known), renames it to the
  /// final name and fsyncs the directory. Returns `download_incomplete` size mismatches as false.
  std::error_code commit(std::optional<std::uint64_t> expected, bool& size_ok) {
    sink_.close();
    const std::uint64_t have = resume_offset();
    size_ok = !expected || *expected == have;
    if (!size_ok) return {};
    std::error_code ec;
    std::filesystem::rename(part_, final_, ec);
    if (ec) return ec;
    const std::filesystem::path dir = final_.has_parent_path() ? final_.parent_path() : std::filesystem::path(".");
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return {errno, std::system_category()};
    const int rc = ::fsync(fd);
    const int saved = errno;
    ::close(fd);
    if (rc != 0) return {saved, std::system_category()};
    return {};
  }

  /// Deletes the part file (a transfer that must start over).
  void discard() {
    sink_.close();
    std::error_code ec;
    std::filesystem::remove(part_, ec);
    mismatched_range_ = false;
  }

  /// "bytes first-last/total" → first, total.
  static bool parse_content_range(std::string_view v, std::uint64_t& first, std::uint64_t& total) {
    if (v.rfind("bytes ", 0) != 0) return false;
    v.remove_prefix(6);
    const auto dash = v.find('-');
    const auto slash = v.find('/');
    if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) return false;
    auto num = [](std::string_view s, std::uint64_t& out) {
      const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
      return !s.empty() && ec == std::errc() && end == s.data() + s.size();
    };
    std::uint64_t last = 0;
    return num(v.substr(0, dash), first) && num(v.substr(dash + 1, slash - dash - 1), last) &&
           num(v.substr(slash + 1), total) && first <= last && last < total;
  }

private:
  // The part file's sink as the HTTP client sees it: a failed write or sync (a full disk, a file
  // size limit) ends the transfer with `Errc::file_error`, which is not retried like a network
  // failure; the system's error is kept in `write_error()`.
  struct PartSink {
    OutputFile* file = nullptr;
    std::error_code write(std::string_view bytes) { return check(file->sink_.write(bytes)); }
    std::error_code finish() { return check(file->sink_.finish()); }
    std::error_code check(std::error_code ec) {
      if (!ec) return ec;
      file->write_error_ = ec;
      return make_error_code(Errc::file_error);
    }
  };
  http::SinkRef part_sink() {
    write_error_.clear();
    part_sink_.file = this;
    return http::SinkRef(part_sink_);
  }

  std::filesystem::path final_;
  std::filesystem::path part_;
  http::FileSink sink_;
  PartSink part_sink_;
  std::error_code write_error_;
  std::optional<std::uint64_t> expected_;
  std::error_code error_;
  bool mismatched_range_ = false;
  bool started_ = false;  ///< this object wrote to the part file (or was told it exists)
};

}  // namespace reel::job
