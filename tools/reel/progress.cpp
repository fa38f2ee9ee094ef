// SPDX-License-Identifier: BSL-1.0
// Progress of a job on stderr (progress.hpp).
#include "progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>

namespace reel_cli {

/// "1.4 MB", "512 B".
std::string human_bytes(std::uint64_t n) {
  char buf[32];
  if (n < 1024) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
  } else if (n < 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(n) / 1024.0);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(n) / (1024.0 * 1024.0));
  }
  return buf;
}

ProgressView::ProgressView(std::string label, bool json) : label_(std::move(label)), json_(json), tty_(::isatty(2) == 1) {}

void ProgressView::update(const reel::job::JobProgress& p) {
  if (!p.warning.empty()) {
    // A warning is a line of its own (and, with --json, a progress event that carries it).
    if (json_) {
      ProgressEvent e = event(p);
      e.warning = p.warning;
      emit(e);
    }
    message(label_ + " warning: " + p.warning);
    return;
  }
  const bool stage_changed = !last_ || last_->stage != p.stage;
  const bool changed = stage_changed || last_->percent != p.percent || last_->polls != p.polls;
  const bool mib_step = last_ && p.bytes / (1024 * 1024) != last_->bytes / (1024 * 1024);
  if (json_ && (changed || mib_step)) emit(event(p));
  if (tty_) {
    draw(p, stage_changed || p.stage == reel::job::Stage::done);
  } else if (changed) {
    std::fprintf(stderr, "%s\n", describe(p).c_str());
  }
  last_ = p;
}

void ProgressView::message(const std::string& text) {
  if (tty_ && drawn_) std::fputs("\r\033[K", stderr);
  std::fprintf(stderr, "%s\n", text.c_str());
  drawn_ = false;
}

void ProgressView::done() {
  if (tty_ && drawn_) std::fputc('\n', stderr);
  drawn_ = false;
}

ProgressEvent ProgressView::event(const reel::job::JobProgress& p) {
  ProgressEvent e;
  e.stage = std::string(reel::job::to_string(p.stage));
  e.percent = p.percent;
  if (p.eta) e.eta_ms = p.eta->count();
  e.bytes = p.bytes;
  e.total_bytes = p.total_bytes;
  e.polls = p.polls;
  return e;
}

std::string ProgressView::describe(const reel::job::JobProgress& p) const {
  std::string s = label_ + " " + std::string(reel::job::to_string(p.stage));
  if (p.percent && p.stage != reel::job::Stage::downloading) s += " " + std::to_string(*p.percent) + "%";
  if (p.eta && p.stage == reel::job::Stage::running) s += ", ETA " + std::to_string((p.eta->count() + 999) / 1000) + "s";
  if (p.polls > 0 && p.stage != reel::job::Stage::done) s += " (poll " + std::to_string(p.polls) + ")";
  if (p.bytes > 0 || p.stage == reel::job::Stage::downloading) {
    s += " " + human_bytes(p.bytes);
    if (p.total_bytes) s += " of " + human_bytes(*p.total_bytes);
  }
  return s;
}

void ProgressView::draw(const reel::job::JobProgress& p, bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  std::optional<int> pct = p.percent;
  if (p.stage == reel::job::Stage::downloading) {
    pct.reset();
    if (p.total_bytes && *p.total_bytes > 0) pct = static_cast<int>(p.bytes * 100 / *p.total_bytes);
  }
  if (p.stage == reel::job::Stage::done) pct = 100;
  constexpr int width = 24;
  std::string bar(width, '.');
  if (pct) bar.replace(0, static_cast<std::size_t>(std::clamp(*pct, 0, 100) * width / 100), static_cast<std::size_t>(std::clamp(*pct, 0, 100) * width / 100), '#');
  std::fprintf(stderr, "\r\033[K[%s] %s", bar.c_str(), describe(p).c_str());
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace reel_cli
