// ONNX Runtime's side of `xenc bench`: bench/ort_runner.py in a Python
// subprocess, driven one JSON line at a time over a socket on its stdin and
// stdout, so that xenc and ONNX Runtime take turns and neither runs while
// the other is timed.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace xenc::cli {

class OrtRunnerClient {
 public:
  // Starts `python runner args...` and waits for its first line, which is
  // {"onnxruntime": version} when it is ready; a runner that reports
  // {"error": message} or fails to start is an Error saying so.
  OrtRunnerClient(const std::string& python, const std::filesystem::path& runner,
                  const std::vector<std::string>& args);
  // Closes the runner's stdin (it exits on end of input) and waits for it.
  ~OrtRunnerClient();
  OrtRunnerClient(const OrtRunnerClient&) = delete;
  OrtRunnerClient& operator=(const OrtRunnerClient&) = delete;

  const std::string& version() const { return version_; }

  // Sends one command line and returns the reply line; {"error": message} is an Error.
  nlohmann::json request(const std::string& command);

 private:
  nlohmann::json read_reply();
  void stop();  // closes the runner's stdin and waits for it to exit

  std::string what_;  // "bench/ort_runner.py (python3)", for messages
  pid_t pid_ = -1;
  int socket_ = -1;
  std::string buffered_;  // received bytes after the last complete line
  std::string version_;
};

}  // namespace xenc::cli
