// SPDX-License-Identifier: BSL-1.0
// The disk fails during a download. Two real syscall faults on reel's write path (FileSink's
// ::write of the part file):
//   - ENOSPC, injected with libfiu: ctest runs this binary under `fiu-run -x` (fiu-utils), whose
//     preloaded POSIX wrappers fail ::write on demand; the test switches the failure point on once
//     part of the video is on disk, through libfiu's own fiu_enable (found with dlsym, so nothing
//     links libfiu; without fiu-run the test skips).
//   - EFBIG, from the kernel: RLIMIT_FSIZE lowered below the video's size (SIGXFSZ ignored).
// Both must end with a file_error outcome, the handle kept, no file under the final name, and a
// later download (the disk has room again) must complete the same job without a second create.
#include "fault_world.hpp"

#include <cerrno>
#include <csignal>

#include <dlfcn.h>
#include <sys/resource.h>

namespace reel_faults {
namespace {

using FiuEnable = int (*)(const char*, int, void*, unsigned int);
using FiuDisable = int (*)(const char*);

constexpr std::uint64_t video_bytes = 3'000'000;

asio::awaitable<reel::job::Outcome> finish_again(LumenfallJob& job, std::filesystem::path out) {
  co_return co_await job.finish(out);
}

/// The world of both tests: a 3 MB Lumenfall video, progress reported to `on_bytes`.
struct DiskWorld {
  DiskWorld() : w(options()) {}
  static reel_sim::Options options() {
    reel_sim::Options o = fast_options();
    o.config.job.output_bytes = video_bytes;
    return o;
  }
  World w;
};

/// Ends the download the way a full disk does; checks what must hold after it.
void expect_file_error(const reel::job::Outcome& o, const std::filesystem::path& out) {
  expect_ending(o, OutcomeKind::error, Errc::file_error, out);
  EXPECT_FALSE(o.cleaned_up);
}

TEST(DiskFaults, FullDiskDuringTheDownloadWithFiu) {
  const auto enable = reinterpret_cast<FiuEnable>(::dlsym(RTLD_DEFAULT, "fiu_enable"));
  const auto disable = reinterpret_cast<FiuDisable>(::dlsym(RTLD_DEFAULT, "fiu_disable"));
  if (enable == nullptr || disable == nullptr) GTEST_SKIP() << "not running under `fiu-run -x` (fiu-utils)";
  DiskWorld d;
  World& w = d.w;
  bool armed = false;
  reel::JobOptions options = w.options();
  // Once a third of the video is on disk, every later write(2) fails with ENOSPC.
  options.on_progress = [&](const reel::job::JobProgress& p) {
    if (!armed && p.stage == reel::job::Stage::downloading && p.bytes >= video_bytes / 3) {
      armed = true;
      enable("posix/io/rw/write", 1, reinterpret_cast<void*>(static_cast<long>(ENOSPC)), 0);
    }
  };
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, options);
  const auto o = w.run(generate(job, lumenfall_request("disk full"), w.out("full.mp4")));
  disable("posix/io/rw/write");
  ASSERT_TRUE(armed) << "the download never started";
  expect_file_error(o, w.out("full.mp4"));
  // The disk has room again: the same job downloads (resuming from the part file) and cleans up.
  job.options().on_progress = nullptr;
  const auto again = w.run(finish_again(job, w.out("full.mp4")));
  expect_ending(again, OutcomeKind::succeeded, std::nullopt, w.out("full.mp4"));
  EXPECT_EQ(reel_test::read_file(w.out("full.mp4")), expected_video(video_bytes));
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_TRUE(c.jobs.at(0).cleaned);
}

TEST(DiskFaults, FileSizeLimitDuringTheDownload) {
  DiskWorld d;
  World& w = d.w;
  // Writes past 1 MB fail with EFBIG instead of killing the process.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction previous {};
  ASSERT_EQ(::sigaction(SIGXFSZ, &ignore, &previous), 0);
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  rlimit small = saved;
  small.rlim_cur = 1'000'000;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, w.options());
  const auto o = w.run(generate(job, lumenfall_request("file too big"), w.out("big.mp4")));
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &saved), 0);
  ::sigaction(SIGXFSZ, &previous, nullptr);
  expect_file_error(o, w.out("big.mp4"));
  // With the limit lifted, the same job completes.
  const auto again = w.run(finish_again(job, w.out("big.mp4")));
  expect_ending(again, OutcomeKind::succeeded, std::nullopt, w.out("big.mp4"));
  EXPECT_EQ(std::filesystem::file_size(w.out("big.mp4")), video_bytes);
  EXPECT_EQ(w.sim.counters().jobs_created, 1);
}

}  // namespace
}  // namespace reel_faults
