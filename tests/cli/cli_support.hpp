// SPDX-License-Identifier: BSL-1.0
// Support of the reel CLI tests: running a program with a chosen environment (its stdout and
// stderr captured, its --json lines parsed), and the simulator program on an ephemeral loopback
// port that stops itself (idle timeout, and SIGTERM when the test ends).
#pragma once

#include <reel/json/read.hpp>
#include <reel/json/value.hpp>
#include <reel/json/write.hpp>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace reel_cli_test {

namespace fs = std::filesystem;

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

/// The environment of this process without the provider keys, plus `extra`. The CLI's default
/// job journal goes to a scratch state directory, never the user's.
inline std::vector<std::string> environment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    if (name == "VENICE_API_KEY" || name == "LUMENFALL_API_KEY" || name == "VENICE_BASE_URL" ||
        name == "LUMENFALL_BASE_URL" || name == "REEL_JOURNAL" || name == "XDG_STATE_HOME" || extra.count(name) != 0) {
      continue;
    }
    env.push_back(entry);
  }
  if (extra.count("XDG_STATE_HOME") == 0) env.push_back("XDG_STATE_HOME=" + (fs::temp_directory_path() / "reel-cli-test-state").string());
  for (const auto& [name, value] : extra) env.push_back(name + "=" + value);
  return env;
}

/// Starts `argv` with stdin from `in` (or /dev/null), stdout to `out`, stderr to `err`.
inline pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env, const fs::path& in,
                   const fs::path& out, const fs::path& err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in.empty() ? "/dev/null" : in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

/// `method` http://127.0.0.1:port/path with a JSON `body` (the simulator's admin API, no client
/// library): the answer's body, or "".
inline std::string http_call(int port, const std::string& method, const std::string& path, const std::string& body = {}) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string data;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!body.empty()) {
      request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    }
    request += "\r\n" + body;
    if (::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
      char buf[65536];
      for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) data.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  const auto at = data.find("\r\n\r\n");
  return at == std::string::npos ? std::string() : data.substr(at + 4);
}
/// GET http://127.0.0.1:port/path: the body, or "".
inline std::string http_get(int port, const std::string& path) { return http_call(port, "GET", path); }

/// The exit status of `pid` (128 + signal when killed).
inline int wait_exit(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

/// One finished run of a program: exit code, outputs, and stdout's JSON lines.
struct ProcessRun {
  int code = -1;
  std::string out;
  std::string err;
  std::vector<reel::json::Value> events;  ///< one per stdout line that parsed as JSON
  bool all_lines_json = true;

  /// The first event named `name` (from the end when `last`), or null.
  const reel::json::Value* event(std::string_view name, bool last = false) const {
    const reel::json::Value* found = nullptr;
    for (const auto& e : events) {
      const std::string* n = e.find_string("event");
      if (n != nullptr && *n == name) {
        found = &e;
        if (!last) return found;
      }
    }
    return found;
  }
  const reel::json::Value* result() const { return event("result", true); }
  std::string text() const { return "exit " + std::to_string(code) + "\nstdout:\n" + out + "\nstderr:\n" + err; }
};

inline void parse_lines(ProcessRun& r) {
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    reel::json::Value v;
    if (reel::json::read(line, v) || !v.is_object()) {
      r.all_lines_json = false;
      continue;
    }
    r.events.push_back(std::move(v));
  }
}

/// A string member, or "".
inline std::string str(const reel::json::Value* v, std::string_view key) {
  if (v == nullptr) return {};
  const std::string* s = v->find_string(key);
  return s != nullptr ? *s : std::string();
}
/// An integer member, or -1.
inline std::int64_t num(const reel::json::Value* v, std::string_view key) {
  if (v == nullptr) return -1;
  const reel::json::Value* n = v->find(key);
  if (n == nullptr || n->if_number() == nullptr) return -1;
  return n->if_number()->to_int64().value_or(-1);
}
inline const reel::json::Value* member(const reel::json::Value* v, std::string_view key) {
  return v == nullptr ? nullptr : v->find(key);
}

/// The simulator program on 127.0.0.1, with a configuration and rules; stopped at destruction.
class Simulator {
public:
  Simulator(const fs::path& binary, const fs::path& dir, const std::string& config, const std::string& rules) {
    const fs::path port_file = dir / "sim.port";
    std::error_code ec;
    fs::remove(port_file, ec);  // a previous simulator's
    std::vector<std::string> argv = {binary.string(), "--port", "0", "--port-file", port_file.string(),
                                     "--idle-timeout", "120", "--quiet"};
    if (!config.empty()) {
      write_file(dir / "sim-config.json", config);
      argv.insert(argv.end(), {"--config", (dir / "sim-config.json").string()});
    }
    if (!rules.empty()) {
      write_file(dir / "sim-rules.json", rules);
      argv.insert(argv.end(), {"--rules", (dir / "sim-rules.json").string()});
    }
    pid_ = spawn(argv, environment({}), {}, dir / "sim.out", dir / "sim.err");
    for (int i = 0; i < 400 && pid_ > 0; ++i) {
      const std::string text = read_file(port_file);
      if (!text.empty() && text.back() == '\n') {
        port_ = std::stoi(text);
        break;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    if (port_ == 0) {
      if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        wait_exit(pid_);
      }
      pid_ = -1;
      ADD_FAILURE() << "the simulator did not start: " << read_file(dir / "sim.err");
      return;
    }
  }
  ~Simulator() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      wait_exit(pid_);
    }
  }
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  int port() const { return port_; }
  std::string venice_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/api/v1"; }
  std::string lumenfall_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/openai/v1"; }

private:
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace reel_cli_test
