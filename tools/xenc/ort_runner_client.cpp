#include "tools/xenc/ort_runner_client.h"

#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "graph/error.h"

extern char** environ;

namespace xenc::cli {

namespace {

std::string errno_text(int code) { return std::strerror(code); }

// "exit status 3", "killed by signal 9".
std::string wait_status_text(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

}  // namespace

OrtRunnerClient::OrtRunnerClient(const std::string& python, const std::filesystem::path& runner,
                                 const std::vector<std::string>& args)
    : what_(runner.string() + " (run by " + python + ")") {
  // One socket serves as the runner's stdin and stdout; a socket rather than
  // pipes so that writing to a runner that died is an error, not SIGPIPE.
  int ends[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0)
    throw Error("cannot start " + what_ + ": socketpair: " + errno_text(errno));
  std::vector<std::string> words = {python, runner.string()};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, ends[1], STDIN_FILENO);  // dup2 clears close-on-exec
  posix_spawn_file_actions_adddup2(&actions, ends[1], STDOUT_FILENO);
  const int spawned = posix_spawnp(&pid_, python.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(ends[1]);
  socket_ = ends[0];
  if (spawned != 0) {
    close(socket_);
    throw Error("cannot start the Python interpreter '" + python + "' for " + runner.string() + ": " +
                errno_text(spawned) + " (choose one with --ort-python or XENC_PYTHON)");
  }
  try {
    version_ = read_reply().at("onnxruntime").get<std::string>();
  } catch (...) {
    stop();
    throw;
  }
}

OrtRunnerClient::~OrtRunnerClient() { stop(); }

void OrtRunnerClient::stop() {
  if (socket_ < 0) return;
  shutdown(socket_, SHUT_WR);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  close(socket_);
  socket_ = -1;
}

nlohmann::json OrtRunnerClient::request(const std::string& command) {
  const std::string line = command + "\n";
  for (size_t sent = 0; sent < line.size();) {
    const ssize_t n = send(socket_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(what_ + ": cannot send '" + command + "': " + errno_text(errno));
    sent += static_cast<size_t>(n);
  }
  return read_reply();
}

nlohmann::json OrtRunnerClient::read_reply() {
  size_t end;
  while ((end = buffered_.find('\n')) == std::string::npos) {
    char chunk[4096];
    const ssize_t n = recv(socket_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(what_ + ": " + errno_text(errno));
    if (n == 0) {
      int status = 0;
      while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      close(socket_);
      socket_ = -1;
      throw Error(what_ + " stopped without answering (" + wait_status_text(status) +
                  "); its messages, if any, are above");
    }
    buffered_.append(chunk, static_cast<size_t>(n));
  }
  const std::string line = buffered_.substr(0, end);
  buffered_.erase(0, end + 1);
  nlohmann::json reply = nlohmann::json::parse(line, nullptr, false);
  if (reply.is_discarded() || !reply.is_object()) throw Error(what_ + " wrote something other than JSON: " + line);
  if (reply.contains("error")) throw Error(reply["error"].get<std::string>());
  return reply;
}

}  // namespace xenc::cli
