// SPDX-License-Identifier: BSL-1.0
// The `reel` program against the simulator program, both run as processes: every exit code,
// both providers end to end, the saved-handle steps, cancel, deadline and resume, usage errors,
// a missing key, --dry-run and --verbose. Every run's stdout and stderr are checked for the API
// keys, and --json output is parsed line by line.
#include "cli_support.hpp"

#include <reel/config.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace reel_cli_test;

constexpr const char* venice_key = "vk-SECRET-cli-test-8f3a1c";
constexpr const char* lumenfall_key = "lk-SECRET-cli-test-2b7d9e";

/// Jobs finish at their second status request; Lumenfall hints 20 ms polls.
constexpr const char* fast_config = R"({"job":{"polls":2},"poll_after_ms":20})";

struct Options {
  std::map<std::string, std::string> env = {{"VENICE_API_KEY", venice_key}, {"LUMENFALL_API_KEY", lumenfall_key}};
  std::string stdin_text;
};

class Cli : public ::testing::Test {
protected:
  void SetUp() override {
    static int n = 0;
    dir_ = fs::temp_directory_path() / ("reel-cli-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    sim_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void start_sim(const std::string& config = fast_config, const std::string& rules = "") {
    sim_ = std::make_unique<Simulator>(REEL_SIM_BINARY, dir_, config, rules);
    ASSERT_NE(sim_->port(), 0);
  }
  std::string venice() const { return sim_->venice_url(); }
  std::string lumenfall() const { return sim_->lumenfall_url(); }
  fs::path path(const std::string& name) const { return dir_ / name; }

  /// Starts `reel args...`; see `finish`.
  pid_t start(const std::vector<std::string>& args, const Options& o = {}) {
    std::vector<std::string> argv = {REEL_CLI_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    fs::path in;
    if (!o.stdin_text.empty()) {
      in = path("stdin-" + std::to_string(runs_));
      write_file(in, o.stdin_text);
    }
    out_ = path("out-" + std::to_string(runs_));
    err_ = path("err-" + std::to_string(runs_));
    ++runs_;
    return spawn(argv, environment(o.env), in, out_, err_);
  }

  /// Waits for `pid` and collects its run; the keys must appear nowhere in its output.
  ProcessRun finish(pid_t pid) {
    ProcessRun r;
    r.code = wait_exit(pid);
    r.out = read_file(out_);
    r.err = read_file(err_);
    parse_lines(r);
    EXPECT_EQ(r.out.find(venice_key), std::string::npos) << "API key on stdout";
    EXPECT_EQ(r.err.find(venice_key), std::string::npos) << "API key on stderr";
    EXPECT_EQ(r.out.find(lumenfall_key), std::string::npos) << "API key on stdout";
    EXPECT_EQ(r.err.find(lumenfall_key), std::string::npos) << "API key on stderr";
    return r;
  }

  ProcessRun reel(const std::vector<std::string>& args, const Options& o = {}) { return finish(start(args, o)); }

  /// A --json run: every stdout line is JSON and the last is the result with the exit code.
  ProcessRun reel_json(std::vector<std::string> args, const Options& o = {}) {
    args.push_back("--json");
    ProcessRun r = reel(args, o);
    EXPECT_TRUE(r.all_lines_json) << r.text();
    const reel::json::Value* result = r.result();
    EXPECT_NE(result, nullptr) << r.text();
    EXPECT_EQ(num(result, "exit_code"), r.code) << r.text();
    EXPECT_EQ(&r.events.back(), result) << "the result is the last line\n" << r.text();
    return r;
  }

  std::vector<std::string> venice_generate(const std::string& prompt, const std::string& out) {
    return {"generate", "--base-url", venice(), "--model", "wan-2.5-preview-text-to-video", "--prompt", prompt,
            "--aspect-ratio", "16:9", "--duration", "5", "--poll", "fixed:20ms", "--output", path(out).string()};
  }
  std::vector<std::string> lumenfall_generate(const std::string& prompt, const std::string& out) {
    return {"generate", "--provider", "lumenfall", "--base-url", lumenfall(), "--model", "sora-2", "--prompt", prompt,
            "--duration", "4", "--poll", "fixed:20ms", "--output", path(out).string()};
  }

  /// The `handle` member of `event` written to a file, for --handle.
  fs::path save_handle(const reel::json::Value* event, const std::string& name) {
    const reel::json::Value* h = member(event, "handle");
    EXPECT_NE(h, nullptr);
    std::string text;
    if (h != nullptr) (void)reel::json::write(*h, text);
    write_file(path(name), text);
    return path(name);
  }

  /// Checks a generated MP4: it exists, has `size` bytes and starts with an ftyp box.
  void expect_mp4(const fs::path& p, std::int64_t size) {
    ASSERT_TRUE(fs::exists(p)) << p;
    EXPECT_EQ(static_cast<std::int64_t>(fs::file_size(p)), size);
    EXPECT_EQ(read_file(p).substr(4, 4), "ftyp");
    EXPECT_FALSE(fs::exists(p.string() + ".part"));
  }

  /// Where ffprobe is installed, it reads the file as a video without errors.
  void expect_ffprobe_accepts(const fs::path& p) {
    if (!fs::exists("/usr/bin/ffprobe")) return;
    const pid_t pid = spawn({"/usr/bin/ffprobe", "-v", "error", p.string()}, environment({}), {}, path("ffprobe.out"),
                            path("ffprobe.err"));
    ASSERT_GT(pid, 0);
    EXPECT_EQ(wait_exit(pid), 0) << read_file(path("ffprobe.err"));
    EXPECT_EQ(read_file(path("ffprobe.err")), "");
  }

  std::unique_ptr<Simulator> sim_;
  fs::path dir_, out_, err_;
  int runs_ = 0;
};

/// A loopback port nothing listens on.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// ---- success (0) ----------------------------------------------------------------------------

TEST_F(Cli, GenerateVeniceWritesTheAnnouncedMp4) {
  start_sim(R"({"job":{"polls":2,"output_bytes":300000},"poll_after_ms":20})");
  const ProcessRun r = reel_json(venice_generate("A gondola at sunset", "v.mp4"));
  ASSERT_EQ(r.code, 0) << r.text();
  const auto* result = r.result();
  EXPECT_EQ(str(result, "outcome"), "succeeded");
  EXPECT_EQ(str(result, "file"), path("v.mp4").string());
  EXPECT_EQ(num(result, "size_bytes"), 300000);
  EXPECT_EQ(num(result, "bytes"), 300000);
  EXPECT_EQ(num(result, "polls"), 2);
  EXPECT_EQ(member(result, "cleaned_up")->if_bool() != nullptr && *member(result, "cleaned_up")->if_bool(), true);
  expect_mp4(path("v.mp4"), 300000);
  expect_ffprobe_accepts(path("v.mp4"));
  // Events came in order: submitted with the handle, progress, result.
  ASSERT_NE(r.event("submitted"), nullptr);
  EXPECT_EQ(str(member(r.event("submitted"), "handle"), "provider"), "venice");
  EXPECT_NE(r.event("progress"), nullptr);
  EXPECT_LT(r.event("submitted"), r.result());
}

TEST_F(Cli, TheBaseUrlComesFromTheProvidersVariableWithoutBaseUrl) {
  // reel::connect_from_env reads VENICE_BASE_URL / LUMENFALL_BASE_URL; --base-url wins over it.
  start_sim(R"({"job":{"polls":1,"output_bytes":300000},"poll_after_ms":20})");
  Options env;
  env.env["VENICE_BASE_URL"] = venice();
  env.env["LUMENFALL_BASE_URL"] = "http://127.0.0.1:1/openai/v1";  // nothing listens there
  const ProcessRun v = reel_json({"generate", "--model", "wan-2.5-preview-text-to-video", "--prompt", "A cat", "--aspect-ratio", "16:9", "--poll",
                                  "fixed:20ms", "--output", path("env.mp4").string()},
                                 env);
  ASSERT_EQ(v.code, 0) << v.text();
  EXPECT_EQ(str(member(v.result(), "handle"), "base_url"), venice());
  expect_mp4(path("env.mp4"), 300000);
  std::vector<std::string> args = lumenfall_generate("A dog", "l.mp4");
  const ProcessRun l = reel_json(args, env);
  ASSERT_EQ(l.code, 0) << l.text();
  EXPECT_EQ(str(member(l.result(), "handle"), "base_url"), lumenfall());
}

TEST_F(Cli, GenerateLumenfallWritesTheAnnouncedMp4) {
  start_sim(R"({"job":{"polls":2,"output_bytes":123457},"poll_after_ms":20})");
  const ProcessRun r = reel_json(lumenfall_generate("A capybara in a hot spring", "l.mp4"));
  ASSERT_EQ(r.code, 0) << r.text();
  const auto* result = r.result();
  EXPECT_EQ(str(result, "outcome"), "succeeded");
  EXPECT_EQ(num(result, "size_bytes"), 123457);
  EXPECT_EQ(str(member(result, "handle"), "provider"), "lumenfall");
  EXPECT_NE(member(result, "cost"), nullptr);
  expect_mp4(path("l.mp4"), 123457);
  expect_ffprobe_accepts(path("l.mp4"));
}

TEST_F(Cli, GeneratePlainOutputPrintsTheFileAndProgressLines) {
  start_sim();
  const ProcessRun r = reel(lumenfall_generate("A lighthouse", "plain.mp4"));
  ASSERT_EQ(r.code, 0) << r.text();
  EXPECT_EQ(r.out, path("plain.mp4").string() + "\n");
  EXPECT_NE(r.err.find("lumenfall running"), std::string::npos) << r.err;  // not a terminal: plain lines
  EXPECT_EQ(r.err.find('\r'), std::string::npos);
  EXPECT_NE(r.err.find("saved "), std::string::npos);
}

TEST_F(Cli, SavedHandleSubmitStatusWaitDownloadCleanup) {
  start_sim(R"({"job":{"polls":3},"poll_after_ms":20})");
  // A private Venice model: a one-time download link in the handle, revoked at cleanup.
  const ProcessRun submitted = reel({"submit", "--base-url", venice(), "--model", "grok-imagine-text-to-video-private",
                              "--prompt", "A fox", "--duration", "6", "--aspect-ratio", "16:9"});
  ASSERT_EQ(submitted.code, 0) << submitted.text();
  write_file(path("h.json"), submitted.out);
  reel::json::Value handle;
  ASSERT_FALSE(reel::json::read(submitted.out, handle)) << submitted.out;
  EXPECT_FALSE(str(&handle, "job_id").empty());
  EXPECT_FALSE(str(&handle, "download_url").empty());

  const ProcessRun status = reel_json({"status", "--handle", path("h.json").string()});
  ASSERT_EQ(status.code, 0) << status.text();
  EXPECT_EQ(str(status.event("status"), "phase"), "running");

  const ProcessRun waited = reel_json({"wait", "--handle", path("h.json").string(), "--no-cleanup", "--poll", "fixed:20ms",
                                "--output", path("w.mp4").string()});
  ASSERT_EQ(waited.code, 0) << waited.text();
  EXPECT_FALSE(member(waited.result(), "cleaned_up")->if_bool() && *member(waited.result(), "cleaned_up")->if_bool());
  expect_mp4(path("w.mp4"), num(waited.result(), "size_bytes"));

  const ProcessRun ready = reel_json({"status", "--handle", path("h.json").string()});
  EXPECT_EQ(str(ready.event("status"), "phase"), "ready");

  const ProcessRun downloaded = reel_json({"download", "--handle", path("h.json").string(), "--output", path("d.mp4").string()});
  ASSERT_EQ(downloaded.code, 0) << downloaded.text();
  EXPECT_EQ(read_file(path("d.mp4")), read_file(path("w.mp4")));

  const ProcessRun cleaned = reel_json({"cleanup", "--handle", path("h.json").string()});
  ASSERT_EQ(cleaned.code, 0) << cleaned.text();

  // The job is gone: exit 1 (job_not_found).
  const ProcessRun gone = reel_json({"status", "--handle", path("h.json").string()});
  EXPECT_EQ(gone.code, 1) << gone.text();
  EXPECT_EQ(str(member(gone.result(), "error"), "code"), "job_not_found");
}

TEST_F(Cli, StatusOfAnInlineVeniceVideoIsReadyWithoutReadingIt) {
  start_sim(R"({"job":{"polls":2,"output_bytes":200000},"poll_after_ms":20})");
  const ProcessRun submitted = reel({"submit", "--base-url", venice(), "--model", "wan-2.5-preview-text-to-video",
                                     "--prompt", "A cat", "--aspect-ratio", "16:9"});
  ASSERT_EQ(submitted.code, 0) << submitted.text();
  write_file(path("h.json"), submitted.out);
  const ProcessRun first = reel_json({"status", "--handle", path("h.json").string()});
  EXPECT_EQ(str(first.event("status"), "phase"), "running") << first.text();
  EXPECT_GT(num(first.event("status"), "estimate_ms"), 0);
  const ProcessRun second = reel_json({"status", "--handle", path("h.json").string()});
  ASSERT_EQ(second.code, 0) << second.text();
  EXPECT_EQ(str(second.event("status"), "phase"), "ready");
  EXPECT_EQ(num(second.event("status"), "size_bytes"), 200000);
  const ProcessRun waited = reel_json({"wait", "--handle", path("h.json").string(), "--output", path("i.mp4").string()});
  ASSERT_EQ(waited.code, 0) << waited.text();
  expect_mp4(path("i.mp4"), 200000);
}

TEST_F(Cli, HandleFromStdinAndFromAJsonResultLine) {
  start_sim();
  const ProcessRun submitted = reel_json({"submit", "--provider", "lumenfall", "--base-url", lumenfall(), "--model", "sora-2",
                                   "--prompt", "A heron", "--duration", "4"});
  ASSERT_EQ(submitted.code, 0) << submitted.text();
  // The whole result line is accepted as a handle (its "handle" member).
  Options o;
  o.stdin_text = submitted.out.substr(submitted.out.rfind("{\"event\":\"result\""));
  const ProcessRun waited = reel_json({"wait", "--handle", "-", "--poll", "fixed:20ms", "--output", path("s.mp4").string()}, o);
  ASSERT_EQ(waited.code, 0) << waited.text();
  expect_mp4(path("s.mp4"), num(waited.result(), "size_bytes"));
  EXPECT_TRUE(*member(waited.result(), "cleaned_up")->if_bool());
}

TEST_F(Cli, CancelOnLumenfall) {
  start_sim(R"({"job":{"polls":1000},"poll_after_ms":20})");
  const ProcessRun submitted = reel({"submit", "--provider", "lumenfall", "--base-url", lumenfall(), "--model", "sora-2",
                              "--prompt", "A long take", "--duration", "4"});
  ASSERT_EQ(submitted.code, 0) << submitted.text();
  write_file(path("h.json"), submitted.out);
  const ProcessRun cancelled = reel_json({"cancel", "--handle", path("h.json").string()});
  ASSERT_EQ(cancelled.code, 0) << cancelled.text();
  EXPECT_EQ(str(cancelled.result(), "outcome"), "succeeded");
  const ProcessRun after = reel_json({"status", "--handle", path("h.json").string()});
  EXPECT_EQ(after.code, 1) << after.text();
  EXPECT_EQ(str(member(after.result(), "error"), "code"), "job_not_found");
}

TEST_F(Cli, QuoteAndModels) {
  start_sim();
  const ProcessRun q = reel_json({"quote", "--base-url", venice(), "--model", "wan-2.5-preview-text-to-video", "--duration",
                           "10", "--resolution", "720p"});
  ASSERT_EQ(q.code, 0) << q.text();
  const reel::json::Value* usd = member(q.event("quote"), "usd");
  ASSERT_NE(usd, nullptr);
  EXPECT_GT(usd->if_number()->to_double().value_or(0), 0.0);
  const ProcessRun lq = reel_json({"quote", "--provider", "lumenfall", "--base-url", lumenfall(), "--model", "sora-2",
                            "--prompt", "A quote", "--duration", "8"});
  ASSERT_EQ(lq.code, 0) << lq.text();
  const ProcessRun m = reel_json({"models", "--base-url", venice()});
  ASSERT_EQ(m.code, 0) << m.text();
  const reel::json::Value* list = member(m.event("models"), "models");
  ASSERT_TRUE(list != nullptr && list->if_array() != nullptr);
  EXPECT_GE(list->if_array()->size(), 4u);
}

TEST_F(Cli, OnATerminalProgressIsABarRedrawnInPlace) {
  start_sim(R"({"job":{"polls":3,"output_bytes":50000},"poll_after_ms":20})");
  // stderr is a pseudo-terminal, read while the program runs.
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  ASSERT_GE(master, 0);
  ASSERT_EQ(::grantpt(master), 0);
  ASSERT_EQ(::unlockpt(master), 0);
  const std::string slave = ::ptsname(master);
  std::vector<std::string> argv = {REEL_CLI_BINARY};
  const auto args = lumenfall_generate("A terminal cat", "t.mp4");
  argv.insert(argv.end(), args.begin(), args.end());
  const pid_t pid = spawn(argv, environment(Options{}.env), {}, path("t.out"), slave);
  ASSERT_GT(pid, 0);
  std::string screen;
  int code = -1;
  for (;;) {
    pollfd p{master, POLLIN, 0};
    if (::poll(&p, 1, 50) > 0) {
      char buf[4096];
      const ssize_t n = ::read(master, buf, sizeof buf);
      if (n > 0) screen.append(buf, static_cast<std::size_t>(n));
    }
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      break;
    }
  }
  for (;;) {  // what is left in the terminal's buffer
    pollfd p{master, POLLIN, 0};
    char buf[4096];
    if (::poll(&p, 1, 0) <= 0) break;
    const ssize_t n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;
    screen.append(buf, static_cast<std::size_t>(n));
  }
  ::close(master);
  EXPECT_EQ(code, 0) << screen;
  EXPECT_NE(screen.find("\r\033[K["), std::string::npos) << screen;  // redrawn in place
  EXPECT_NE(screen.find("] lumenfall running"), std::string::npos) << screen;
  EXPECT_NE(screen.find("[########################] lumenfall done"), std::string::npos) << screen;
  EXPECT_NE(screen.find("48.8 KiB of 48.8 KiB"), std::string::npos) << screen;  // bytes downloaded
  EXPECT_EQ(screen.find(lumenfall_key), std::string::npos);
  expect_mp4(path("t.mp4"), 50000);
}

// ---- usage (2) ------------------------------------------------------------------------------

TEST_F(Cli, UsageErrorsExit2) {
  EXPECT_EQ(reel({}).code, 2);
  const std::vector<std::vector<std::string>> bad = {
      {"frobnicate"},
      {"generate", "--model"},
      {"generate", "--bogus", "1"},
      {"generate", "--prompt", "no model"},
      {"generate", "--model", "m"},
      {"generate", "--model", "m", "--prompt", "p", "--timeout", "soon"},
      {"generate", "--model", "m", "--prompt", "p", "--poll", "sometimes"},
      {"generate", "--model", "m", "--prompt", "p", "--provider", "pika"},
      {"generate", "--model", "m", "--prompt", "p", "--duration", "five"},
      {"generate", "--model", "m", "--prompt-file", "/nonexistent/prompt.txt"},
      {"status"},
      {"status", "--handle", "/nonexistent/handle.json"},
      {"status", "--model", "m"},
      {"cancel", "--handle", "-"},
  };
  for (const auto& args : bad) {
    const ProcessRun r = reel_json(args);
    EXPECT_EQ(r.code, 2) << r.text();
    EXPECT_EQ(str(r.result(), "outcome"), "usage") << r.text();
    EXPECT_FALSE(str(member(r.result(), "error"), "message").empty());
  }
}

TEST_F(Cli, OperationsAProviderLacksExit2) {
  start_sim();
  const ProcessRun models = reel_json({"models", "--provider", "lumenfall", "--base-url", lumenfall()});
  EXPECT_EQ(models.code, 2) << models.text();
  write_file(path("v.json"), R"({"provider":"venice","base_url":")" + venice() + R"(","model":"m","job_id":"q1"})");
  const ProcessRun cancel = reel_json({"cancel", "--handle", path("v.json").string()});
  EXPECT_EQ(cancel.code, 2) << cancel.text();
  EXPECT_EQ(str(member(cancel.result(), "error"), "code"), "not_supported");
}

TEST_F(Cli, HelpExits0) {
  const ProcessRun general = reel({"--help"});
  EXPECT_EQ(general.code, 0);
  EXPECT_NE(general.out.find("exit codes:"), std::string::npos);
  EXPECT_NE(general.out.find("generate"), std::string::npos);
  const ProcessRun generate = reel({"generate", "--help"});
  EXPECT_EQ(generate.code, 0);
  EXPECT_NE(generate.out.find("--prompt-file"), std::string::npos);
  EXPECT_NE(generate.out.find("--dry-run"), std::string::npos);
}

TEST_F(Cli, VersionAndHelpOfEverySubcommand) {
  const ProcessRun version = reel({"--version"});
  EXPECT_EQ(version.code, 0) << version.text();
  EXPECT_EQ(version.out, "reel " + std::to_string(REEL_VERSION_MAJOR) + "." + std::to_string(REEL_VERSION_MINOR) + "." +
                             std::to_string(REEL_VERSION_PATCH) + "\n");
  const ProcessRun general = reel({"--help"});
  ASSERT_EQ(general.code, 0);
  EXPECT_NE(general.out.find("--version"), std::string::npos);
  for (const char* command : {"models", "quote", "generate", "submit", "status", "wait", "download", "cleanup", "cancel",
                              "jobs", "resume", "forget"}) {
    // Listed in the general help, and each has its own: usage line, flags, exit codes; no key needed.
    EXPECT_NE(general.out.find(std::string("\n  ") + command + " "), std::string::npos) << command;
    Options no_keys;
    no_keys.env.clear();
    const ProcessRun help = reel({command, "--help"}, no_keys);
    EXPECT_EQ(help.code, 0) << command << ": " << help.text();
    EXPECT_EQ(help.out.rfind(std::string("usage: reel ") + command, 0), 0u) << help.out;
    EXPECT_NE(help.out.find("--help"), std::string::npos) << command;
    EXPECT_NE(help.out.find("exit codes:"), std::string::npos) << command;
    EXPECT_TRUE(help.err.empty()) << command << ": " << help.err;
  }
}

// ---- authentication and balance (3) -------------------------------------------------------------

TEST_F(Cli, MissingKeyExits3) {
  Options no_keys;
  no_keys.env.clear();
  const ProcessRun r = reel_json({"generate", "--model", "m", "--prompt", "p"}, no_keys);
  EXPECT_EQ(r.code, 3) << r.text();
  EXPECT_NE(r.err.find("VENICE_API_KEY is not set"), std::string::npos) << r.err;
  const ProcessRun l = reel({"submit", "--provider", "lumenfall", "--model", "m", "--prompt", "p"}, no_keys);
  EXPECT_EQ(l.code, 3) << l.text();
  EXPECT_NE(l.err.find("LUMENFALL_API_KEY"), std::string::npos) << l.err;
}

TEST_F(Cli, RefusedKeyAndInsufficientBalanceExit3) {
  start_sim(R"({"job":{"polls":2},"api_keys":["some-other-key"]})");
  const ProcessRun venice_401 = reel_json(venice_generate("A cat", "a.mp4"));
  EXPECT_EQ(venice_401.code, 3) << venice_401.text();
  EXPECT_EQ(str(member(venice_401.result(), "error"), "code"), "unauthorized");
  const ProcessRun lumenfall_401 = reel_json(lumenfall_generate("A cat", "b.mp4"));
  EXPECT_EQ(lumenfall_401.code, 3) << lumenfall_401.text();

  sim_.reset();
  start_sim(R"({"job":{"polls":2},"balance_usd":0.01})");
  const ProcessRun broke = reel_json(lumenfall_generate("A cat", "c.mp4"));
  EXPECT_EQ(broke.code, 3) << broke.text();
  EXPECT_EQ(str(member(broke.result(), "error"), "code"), "insufficient_balance");
  EXPECT_FALSE(fs::exists(path("c.mp4")));
}

// ---- rejected (4) -------------------------------------------------------------------------------

TEST_F(Cli, RejectedByTheProviderExits4) {
  start_sim();
  auto missing_aspect = venice_generate("A cat", "r1.mp4");
  missing_aspect.erase(missing_aspect.begin() + 7, missing_aspect.begin() + 9);  // --aspect-ratio 16:9
  const ProcessRun invalid = reel_json(missing_aspect);
  EXPECT_EQ(invalid.code, 4) << invalid.text();
  EXPECT_EQ(str(member(invalid.result(), "error"), "code"), "invalid_request");
  EXPECT_EQ(str(invalid.result(), "outcome"), "refused");

  const ProcessRun blocked = reel_json(lumenfall_generate("a [blocked] scene", "r2.mp4"));
  EXPECT_EQ(blocked.code, 4) << blocked.text();
  EXPECT_EQ(str(member(blocked.result(), "error"), "code"), "content_policy");

  // Refused while running (Venice 422 at retrieve): still a content-policy rejection.
  const ProcessRun policy = reel_json(venice_generate("a [reject] scene", "r3.mp4"));
  EXPECT_EQ(policy.code, 4) << policy.text();
  EXPECT_EQ(str(member(policy.result(), "error"), "code"), "content_policy");
  EXPECT_EQ(str(policy.result(), "outcome"), "failed");

  // needs_consent comes with face-bearing media (an image) on a consent model (swagger's face_media_roles).
  auto consent = venice_generate("A dancer", "r4.mp4");
  consent[4] = "seedance-2-0-reference-to-video";
  consent.insert(consent.end(), {"--image", "http://127.0.0.1/face.png"});
  const ProcessRun needs = reel_json(consent);
  EXPECT_EQ(needs.code, 4) << needs.text();
  EXPECT_EQ(str(member(needs.result(), "error"), "code"), "needs_consent");
  EXPECT_FALSE(str(member(needs.result(), "error"), "policy_text").empty());
  const ProcessRun plain = reel(consent);  // the policy text is shown to a person too
  EXPECT_NE(plain.err.find("consent needed"), std::string::npos) << plain.err;
  consent.push_back("--accept-consent");  // once the person accepted it
  const ProcessRun accepted = reel_json(consent);
  EXPECT_EQ(accepted.code, 0) << accepted.text();
  expect_mp4(path("r4.mp4"), num(accepted.result(), "size_bytes"));
}

// ---- failed (5) -----------------------------------------------------------------------------

TEST_F(Cli, FailedAtTheProviderExits5) {
  start_sim();
  const ProcessRun r = reel_json(lumenfall_generate("please [fail]", "f.mp4"));
  EXPECT_EQ(r.code, 5) << r.text();
  EXPECT_EQ(str(r.result(), "outcome"), "failed");
  EXPECT_EQ(str(member(r.result(), "error"), "code"), "failed_at_provider");
  EXPECT_FALSE(fs::exists(path("f.mp4")));
}

// ---- deadline (6), then resumed ------------------------------------------------------------------

TEST_F(Cli, DeadlinePrintsAHandleThatWaitFinishes) {
  start_sim(R"({"job":{"polls":3},"poll_after_ms":20})");
  auto args = venice_generate("A slow sunrise", "late.mp4");
  args.insert(args.end(), {"--timeout", "1500ms"});
  args[12] = "fixed:10s";  // --poll: the first poll would come after the deadline
  const ProcessRun late = reel_json(args);
  ASSERT_EQ(late.code, 6) << late.text();
  EXPECT_EQ(str(late.result(), "outcome"), "deadline");
  EXPECT_FALSE(fs::exists(path("late.mp4")));
  const fs::path handle = save_handle(late.result(), "late.json");

  // Without --json the handle goes to stdout and a hint to stderr.
  auto plain_args = venice_generate("Another slow sunrise", "late2.mp4");
  plain_args.insert(plain_args.end(), {"--timeout", "1500ms"});
  plain_args[12] = "fixed:10s";
  const ProcessRun plain = reel(plain_args);
  EXPECT_EQ(plain.code, 6);
  EXPECT_NE(plain.out.find("\"job_id\""), std::string::npos) << plain.text();
  EXPECT_NE(plain.err.find("reel wait --handle"), std::string::npos) << plain.text();

  const ProcessRun resumed = reel_json({"wait", "--handle", handle.string(), "--poll", "fixed:20ms", "--output",
                                 path("late.mp4").string()});
  ASSERT_EQ(resumed.code, 0) << resumed.text();
  expect_mp4(path("late.mp4"), num(resumed.result(), "size_bytes"));
  EXPECT_EQ(str(member(resumed.result(), "handle"), "job_id"), str(member(late.result(), "handle"), "job_id"));
}

// ---- cancelled (7) ----------------------------------------------------------------------------

TEST_F(Cli, InterruptCancelsAndPrintsTheHandle) {
  start_sim(R"({"job":{"polls":1000},"poll_after_ms":20})");
  auto args = lumenfall_generate("An endless scene", "i.mp4");
  args.push_back("--json");
  const pid_t pid = start(args);
  ASSERT_GT(pid, 0);
  // Interrupt once the job was submitted.
  for (int i = 0; i < 400 && read_file(out_).find("\"submitted\"") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ::kill(pid, SIGINT);
  ProcessRun r = finish(pid);
  EXPECT_EQ(r.code, 7) << r.text();
  EXPECT_EQ(str(r.result(), "outcome"), "cancelled");
  EXPECT_FALSE(str(member(r.result(), "handle"), "job_id").empty());
}

// ---- ambiguous (8) ----------------------------------------------------------------------------

TEST_F(Cli, AmbiguousVeniceSubmitExits8) {
  start_sim(fast_config, R"([{"match":{"endpoint":"venice.queue"},"fault":{"reset_at":0}}])");
  const ProcessRun r = reel_json(venice_generate("A reset", "amb.mp4"));
  EXPECT_EQ(r.code, 8) << r.text();
  EXPECT_EQ(str(r.result(), "outcome"), "ambiguous");
  EXPECT_EQ(str(member(r.result(), "error"), "code"), "ambiguous_submit");
}

// ---- transport and other errors (1) -------------------------------------------------------------

TEST_F(Cli, TransportErrorExits1) {
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/openai/v1";
  write_file(path("h.json"), R"({"provider":"lumenfall","base_url":")" + url + R"(","model":"sora-2","job_id":"video_x"})");
  const ProcessRun r = reel_json({"status", "--handle", path("h.json").string()});
  EXPECT_EQ(r.code, 1) << r.text();
  EXPECT_EQ(str(r.result(), "outcome"), "error");
  EXPECT_NE(str(member(r.result(), "error"), "category"), "reel.job");
}

// ---- --dry-run and --verbose ------------------------------------------------------------------

TEST_F(Cli, DryRunPrintsRequestsWithTheKeyRedactedAndSendsNothing) {
  // A listener that must never see a connection.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(fd, 8), 0);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  const std::string base = "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port));

  write_file(path("img.png"), "hello");
  const ProcessRun v = reel({"generate", "--dry-run", "--base-url", base + "/api/v1", "--model", "wan-2.5-preview-image-to-video",
                      "--prompt", "A cat", "--image", path("img.png").string()});
  EXPECT_EQ(v.code, 0) << v.text();
  EXPECT_EQ(v.out.rfind("POST " + base + "/api/v1/video/queue\n", 0), 0u) << v.out;
  EXPECT_NE(v.out.find("Authorization: Bearer REDACTED"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find(R"("image_url":"data:image/png;base64,aGVsbG8=")"), std::string::npos) << v.out;

  const ProcessRun l = reel_json({"submit", "--dry-run", "--provider", "lumenfall", "--base-url", base + "/openai/v1",
                           "--model", "sora-2", "--prompt", "A cat", "--image", "https://example.com/cat.png"});
  EXPECT_EQ(l.code, 0) << l.text();
  const reel::json::Value* request = l.event("request");
  ASSERT_NE(request, nullptr) << l.text();
  EXPECT_EQ(str(request, "method"), "POST");
  EXPECT_EQ(str(request, "url"), base + "/openai/v1/videos");
  EXPECT_EQ(str(member(request, "headers"), "Authorization"), "Bearer REDACTED");
  EXPECT_NE(str(request, "body").find("https://example.com/cat.png"), std::string::npos);
  EXPECT_EQ(str(l.result(), "outcome"), "dry-run");

  write_file(path("h.json"), R"({"provider":"lumenfall","base_url":")" + base + R"(/openai/v1","model":"sora-2","job_id":"video_1"})");
  const ProcessRun c = reel_json({"cancel", "--dry-run", "--handle", path("h.json").string()});
  EXPECT_EQ(c.code, 0) << c.text();
  EXPECT_EQ(str(c.event("request"), "method"), "DELETE");

  // Nothing connected.
  ::fcntl(fd, F_SETFL, O_NONBLOCK);
  EXPECT_LT(::accept(fd, nullptr, nullptr), 0);
  ::close(fd);
}

TEST_F(Cli, DryRunWithTheDefaultUrlsNeedsNoKey) {
  Options no_keys;
  no_keys.env.clear();
  const ProcessRun v = reel({"generate", "--dry-run", "--model", "m", "--prompt", "p"}, no_keys);
  EXPECT_EQ(v.code, 0) << v.text();
  EXPECT_EQ(v.out.rfind("POST https://api.venice.ai/api/v1/video/queue\n", 0), 0u) << v.out;
  const ProcessRun l = reel({"quote", "--dry-run", "--provider", "lumenfall", "--model", "m", "--prompt", "p"}, no_keys);
  EXPECT_EQ(l.out.rfind("POST https://api.lumenfall.ai/openai/v1/videos?dryRun=true\n", 0), 0u) << l.out;
}

TEST_F(Cli, VerboseLogsRequestLinesToStderr) {
  start_sim();
  auto args = lumenfall_generate("A verbose cat", "vb.mp4");
  args.push_back("--verbose");
  const ProcessRun r = reel(args);
  ASSERT_EQ(r.code, 0) << r.text();
  EXPECT_NE(r.err.find("> POST " + lumenfall() + "/videos\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("< 202"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("> DELETE " + lumenfall() + "/videos/"), std::string::npos) << r.err;
}

}  // namespace
