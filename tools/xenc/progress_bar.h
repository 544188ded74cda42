// A progress line on stderr ("[=====>    ] 1200/5000 pairs  310 pairs/s  ETA 0:12"),
// drawn only when stderr is a terminal so logs and pipes stay clean.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace xenc::cli {

class ProgressBar {
 public:
  // total: nullopt when unknown (stdin); the bar then shows count and rate only.
  ProgressBar(std::string unit, std::optional<size_t> total);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void advance(size_t n);
  // Text shown after the rate from the next draw on (e.g. "loss 0.5312").
  void set_note(std::string note) { note_ = std::move(note); }
  // Clears the line so other output can be printed; the next advance redraws.
  void pause();
  // Draws the final state and ends the line.
  void finish();

 private:
  void draw();

  using Clock = std::chrono::steady_clock;
  std::string unit_;
  std::optional<size_t> total_;
  std::string note_;
  size_t done_ = 0;
  bool enabled_ = false;
  bool finished_ = false;
  Clock::time_point start_;
  Clock::time_point last_draw_;
};

}  // namespace xenc::cli
