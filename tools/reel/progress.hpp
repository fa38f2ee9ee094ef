// SPDX-License-Identifier: BSL-1.0
// Progress of a job on stderr: a live bar redrawn in place on a terminal (phase, percent, ETA,
// bytes), plain lines otherwise (one per stage change or poll). With --json, `progress` events
// also go to stdout (on a change of stage, percent or poll, or every MiB downloaded).
// Defined in progress.cpp.
#pragma once

#include "output.hpp"

#include <reel/job/outcome.hpp>
#include <reel/job/progress.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace reel_cli {

/// "1.4 MB", "512 B".
std::string human_bytes(std::uint64_t n);

/// Renders `JobProgress` reports.
class ProgressView {
public:
  ProgressView(std::string label, bool json);
  ProgressView(const ProgressView&) = delete;
  ProgressView& operator=(const ProgressView&) = delete;
  ~ProgressView() { done(); }

  void update(const reel::job::JobProgress& p);
  /// A message line on stderr (on a terminal, above the bar, which is redrawn by the next update).
  void message(const std::string& text);
  /// Ends the bar's line (on a terminal).
  void done();

private:
  static ProgressEvent event(const reel::job::JobProgress& p);
  std::string describe(const reel::job::JobProgress& p) const;
  void draw(const reel::job::JobProgress& p, bool force);

  std::string label_;
  bool json_;
  bool tty_;
  bool drawn_ = false;
  std::optional<reel::job::JobProgress> last_;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace reel_cli
