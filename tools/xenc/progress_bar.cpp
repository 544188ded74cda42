#include "tools/xenc/progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace xenc::cli {

namespace {

constexpr int kBarWidth = 30;
constexpr auto kRedrawInterval = std::chrono::milliseconds(100);

std::string clock_text(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char text[32];
  if (s >= 3600)
    std::snprintf(text, sizeof(text), "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else
    std::snprintf(text, sizeof(text), "%ld:%02ld", s / 60, s % 60);
  return text;
}

}  // namespace

ProgressBar::ProgressBar(std::string unit, std::optional<size_t> total)
    : unit_(std::move(unit)), total_(total), enabled_(isatty(STDERR_FILENO) == 1), start_(Clock::now()) {}

ProgressBar::~ProgressBar() {
  if (enabled_ && !finished_ && done_ > 0) std::fputc('\n', stderr);
}

void ProgressBar::advance(size_t n) {
  done_ += n;
  if (!enabled_) return;
  const Clock::time_point now = Clock::now();
  if (now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  draw();
}

void ProgressBar::pause() {
  if (!enabled_ || finished_) return;
  std::fputs("\r\x1b[K", stderr);
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  if (done_ == 0) return;
  draw();
  std::fputc('\n', stderr);
}

void ProgressBar::draw() {
  const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(done_) / seconds : 0.0;
  std::string line = "\r";
  if (total_ && *total_ > 0) {
    const double fraction = std::min(1.0, static_cast<double>(done_) / static_cast<double>(*total_));
    const int filled = static_cast<int>(fraction * kBarWidth);
    line += '[';
    line += std::string(static_cast<size_t>(filled), '=');
    if (filled < kBarWidth) line += '>' + std::string(static_cast<size_t>(kBarWidth - filled - 1), ' ');
    line += "] " + std::to_string(done_) + "/" + std::to_string(*total_);
  } else {
    line += std::to_string(done_);
  }
  char rate_text[64];
  std::snprintf(rate_text, sizeof(rate_text), " %s  %.1f %s/s", unit_.c_str(), rate, unit_.c_str());
  line += rate_text;
  if (!note_.empty()) line += "  " + note_;
  if (total_ && rate > 0 && done_ < *total_)
    line += "  ETA " + clock_text(static_cast<double>(*total_ - done_) / rate);
  else
    line += "  " + clock_text(seconds);
  line += "\x1b[K";  // clear what a longer previous line left
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace xenc::cli
