// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::detail::Download<P, H>`: the video side of a `VideoJob`: the output file (a part file
/// renamed once complete), the download with Range resume and its retries, the one-time link's
/// fetch budget, the checks that make a file safe (complete, the announced size, a video and not
/// an error page: `not_a_video`, `size_mismatch`), a video that comes inline with a poll, and
/// adopting a file an earlier process saved.
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/engine/detail/request_engine.hpp>
#include <reel/engine/job_options.hpp>
#include <reel/engine/output_file.hpp>
#include <reel/http/client_concept.hpp>
#include <reel/http/detail/chars.hpp>
#include <reel/http/message.hpp>
#include <reel/job/error.hpp>
#include <reel/job/handle.hpp>
#include <reel/job/progress.hpp>
#include <reel/job/status.hpp>
#include <reel/policy/bucket.hpp>
#include <reel/policy/hints.hpp>
#include <reel/providers/provider.hpp>

#include <asio/awaitable.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace reel::detail {

/// Whether the file starts with an ISO-BMFF box of type `ftyp` (MP4, MOV, ...).
inline bool has_ftyp(const std::filesystem::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  unsigned char head[8] = {};
  const std::size_t n = std::fread(head, 1, sizeof head, f);
  std::fclose(f);
  return n == sizeof head && head[4] == 'f' && head[5] == 't' && head[6] == 'y' && head[7] == 'p';
}

/// Whether the answer's Content-Type is video/*.
inline bool video_type(const http::ResponseHead& head) {
  const auto type = head.headers.find("Content-Type");
  if (!type) return false;
  std::string_view t = *type;
  return t.size() > 6 && http::detail::iequals(t.substr(0, 6), "video/");
}

/// The video of one job (see the file comment). Refers to the job's engine, handle and options.
template <Provider P, http::HttpClient H>
class Download {
public:
  template <class T>
  using Awaitable = asio::awaitable<T, typename H::executor_type>;
  template <class T>
  using JobResult = Result<T, job::JobError>;
  /// Reports a stage (with the bytes so far) to the job's progress.
  using Report = std::function<void(job::Stage)>;

  /// The video side of the job whose requests `engine` sends.
  Download(RequestEngine<P, H>& engine, job::JobHandle& handle, JobOptions& options, Report report)
      : engine_(engine), handle_(handle), options_(options), report_(std::move(report)) {}
  Download(const Download&) = delete;
  Download& operator=(const Download&) = delete;

  /// The video is complete on disk, checked (cleanup may go ahead).
  bool safe() const noexcept { return safe_; }
  /// Bytes received (or adopted).
  std::uint64_t bytes() const noexcept { return bytes_; }
  /// The size the download announced, if known.
  const std::optional<std::uint64_t>& total_bytes() const noexcept { return total_bytes_; }
  /// A complete file whose size differs from the announced one (saved as received).
  const std::optional<std::filesystem::path>& mismatched_file() const noexcept { return mismatched_file_; }
  /// Where a video that comes inline goes.
  const std::filesystem::path& output() const noexcept { return output_; }
  /// Whether an output file was created (a video arrived or a download started).
  bool has_file() const noexcept { return file_ != nullptr; }

  /// Sends a video that comes inline to `output` (forgetting a part file of another path).
  void set_output(std::filesystem::path output) {
    if (!file_ || file_->final_path() != output) file_.reset();
    output_ = std::move(output);
  }
  /// Drops the part file (the next answer brings the whole video).
  void discard() { file_->discard(); }

  /// The sink chooser of polls whose answer may be the video itself. The output file is only
  /// created (and only touches the file system) once a video arrives.
  http::BodyChooser inline_chooser() {
    if (output_.empty()) return {};
    return [this](const http::ResponseHead& head) -> std::optional<http::SinkRef> {
      if (head.status != 206 && !P::status_body_is_video(head)) return std::nullopt;
      if (!file_) file_ = std::make_unique<job::OutputFile>(output_);
      return file_->choose(head);
    };
  }

  /// Downloads the ready video of `status` (or the handle's link) to `output`, resuming with
  /// Range after a drop and checking the size; the file appears under its name only when complete.
  Awaitable<JobResult<std::filesystem::path>> run(std::filesystem::path output, const std::optional<job::Status>& status) {
    if (safe_) co_return file_->final_path();
    if (!file_ || file_->final_path() != output) file_ = std::make_unique<job::OutputFile>(output);
    std::optional<std::string> url;
    if (status && status->download_url) url = status->download_url;
    if (!url) url = handle_.download_url;
    if (!url) co_return fail(job_error(job::Errc::job_not_found, "no download URL: wait for the job to be ready first"));
    // The one-time link (Venice private models) may be fetched only a few times in all.
    const bool one_time = handle_.download_url && *url == *handle_.download_url;
    const std::optional<std::uint64_t> announced = status ? status->size_bytes : std::nullopt;
    int attempt = 1;
    int rate_limited = 0;
    std::optional<job::JobError> last_failure;
    const typename RequestEngine<P, H>::OnProgress progress = [this](const http::Progress& p) {
      total_bytes_ = p.total;
      bytes_ = p.bytes;
      if (options_.on_progress) report_(job::Stage::downloading);
    };
    for (;;) {
      if (one_time) {
        if (handle_.link_fetches >= options_.max_link_fetches) {
          if (last_failure) {
            // This call's own GETs spent the budget: its last failure says why.
            last_failure->provider.message += " (the one-time link was fetched " + std::to_string(handle_.link_fetches) +
                                              " times, as often as allowed; the job is kept)";
            co_return fail(std::move(*last_failure));
          }
          co_return fail(job_error(job::Errc::link_budget_spent,
                                   "the one-time link was fetched " + std::to_string(handle_.link_fetches) +
                                       " times already; the job is kept (JobOptions::max_link_fetches)"));
        }
        ++handle_.link_fetches;
        if (options_.on_handle_changed) options_.on_handle_changed(handle_);
      }
      report_(job::Stage::downloading);
      // A provider whose video may come from its own API (OpenAiVideos: /videos/{id}/content)
      // builds the GET itself, with its key for its own origin only.
      http::Request get;
      if constexpr (requires { engine_.provider().download_request(*url, handle_); }) {
        get = engine_.provider().download_request(*url, handle_);
      } else {
        get = P::download_request(*url);
      }
      if (auto range = file_->range_header()) get.headers.set("Range", *range);
      http::BodyChooser choose = [this](const http::ResponseHead& head) { return file_->choose(head); };
      auto response = co_await engine_.call(get, policy::Bucket::download, Retry::none, choose, nullptr, progress);
      std::optional<job::JobError> failure;
      std::optional<policy::Duration> pause;
      if (!response) {
        failure = std::move(response.error());
      } else if (response->head.status != 200 && response->head.status != 206) {
        if (response->head.status == 416 || file_->mismatched_range()) {
          file_->discard();  // the part file does not fit what the server has: start over
          failure = job_error(job::Errc::download_incomplete, "range not satisfiable; restarting the download");
        } else {
          failure = download_error(*response);
          if (failure->code == job::Errc::rate_limited) {
            // One paced retry at most: a link host that keeps answering 429 is not hammered.
            if (++rate_limited > 1) co_return fail(std::move(*failure));
            pause = policy::parse_hints(response->head.headers, engine_.clock().system_now()).wait();
          }
        }
      } else if (auto kept = keep(*response, announced); !kept) {
        failure = std::move(kept.error());
      } else {
        co_return file_->final_path();
      }
      const std::error_code& ec = failure->code;
      const bool retry = transient(ec) || ec == job::Errc::download_incomplete;
      if (!retry || ec == job::Errc::cancelled || ec == job::Errc::deadline_exceeded) co_return fail(std::move(*failure));
      const auto delay = options_.retry.delay(++attempt, pause);
      if (!delay) co_return fail(std::move(*failure));
      last_failure = std::move(*failure);
      if (auto slept = co_await engine_.sleep(*delay); !slept) co_return fail(std::move(slept.error()));
    }
  }

  /// Commits a streamed video if it is complete and is the announced media: the size the
  /// provider announced, and a video/* Content-Type or an ISO-BMFF `ftyp` box at its start.
  JobResult<void> keep(const http::Response& r, std::optional<std::uint64_t> announced) {
    if (file_->open_error()) return fail(job_error(job::Errc::file_error, file_->open_error().message()));
    if (!r.streamed) return fail(job_error(job::Errc::unexpected_response, "video answer was not streamed"));
    bytes_ = file_->resume_offset();
    const std::optional<std::uint64_t> framed = file_->expected_size();  // what HTTP framing promised
    const std::optional<std::uint64_t> expected = framed ? framed : announced;
    if (!has_ftyp(job::OutputFile::part_path_of(file_->final_path())) && !video_type(r.head)) {
      const auto type = r.head.headers.find("Content-Type");
      file_->discard();
      return fail(job_error(job::Errc::not_a_video, "the download answered 200 with " +
                                                        (type ? std::string(*type) : std::string("no Content-Type")) +
                                                        ", not a video; the provider's copy is kept"));
    }
    bool size_ok = false;
    if (const std::error_code ec = file_->commit(expected, size_ok)) {
      return fail(job_error(job::Errc::file_error, ec.message()));
    }
    if (!size_ok) {
      if (expected && bytes_ > *expected) file_->discard();
      return fail(job_error(job::Errc::download_incomplete,
                            std::to_string(bytes_) + " of " + std::to_string(expected.value_or(0)) + " bytes"));
    }
    if (announced && *announced != bytes_) {
      // Complete as HTTP framed it, but not the size announced: saved as received, reported,
      // and not treated as safe (the provider's copy is kept).
      mismatched_file_ = file_->final_path();
      return fail(job_error(job::Errc::size_mismatch, "received " + std::to_string(bytes_) +
                                                          " bytes (complete), the provider announced " +
                                                          std::to_string(*announced) + "; saved as received at " +
                                                          file_->final_path().string() + ", the provider's copy is kept"));
    }
    safe_ = true;
    return {};
  }

  /// Marks a video already complete at `path` as safe, after the checks a download gets:
  /// `expected_size` when known, and an ISO-BMFF `ftyp` box at its start.
  JobResult<void> adopt(const std::filesystem::path& path, std::optional<std::uint64_t> expected_size) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return fail(job_error(job::Errc::file_error, "no saved video at " + path.string() + ": " + ec.message()));
    if (expected_size && *expected_size != size) {
      return fail(job_error(job::Errc::size_mismatch, "the saved file has " + std::to_string(size) + " bytes, not " +
                                                          std::to_string(*expected_size)));
    }
    if (!has_ftyp(path)) return fail(job_error(job::Errc::not_a_video, path.string() + " does not start with an MP4 ftyp box"));
    file_ = std::make_unique<job::OutputFile>(path);
    output_ = path;
    bytes_ = size;
    safe_ = true;
    return {};
  }

private:
  // A media host's refusal. No key is sent there, so a 401/403/404/410 means the link expired,
  // was used up or revoked, never that the key is wrong.
  static job::JobError download_error(const http::Response& r) {
    job::JobError e = P::error_of(r);
    const int st = r.head.status;
    if (st == 401 || st == 403 || st == 404 || st == 410) {
      e.code = make_error_code(job::Errc::link_expired);
      e.provider.message = "the download link answered HTTP " + std::to_string(st) +
                           " (expired, used up or revoked); the job is kept" +
                           (e.provider.message.empty() || e.provider.message.rfind("HTTP ", 0) == 0 ? std::string()
                                                                                                 : ": " + e.provider.message);
    }
    return e;
  }

  RequestEngine<P, H>& engine_;
  job::JobHandle& handle_;
  JobOptions& options_;
  Report report_;
  std::unique_ptr<job::OutputFile> file_;  // created when a video arrives or a download starts
  std::filesystem::path output_;            // where an inline video goes
  std::uint64_t bytes_ = 0;
  std::optional<std::uint64_t> total_bytes_;
  bool safe_ = false;
  std::optional<std::filesystem::path> mismatched_file_;
};

}  // namespace reel::detail
