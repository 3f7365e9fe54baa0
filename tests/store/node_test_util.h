// Helpers of the ddc-node end-to-end tests: start the real binary (DDC_NODE) on a free loopback
// port with its own data directory, read the port from its one "listening on" log line, and
// talk HTTP/1.1 to it with a small blocking client over plain sockets.
#ifndef DDC_TESTS_STORE_NODE_TEST_UTIL_H_
#define DDC_TESTS_STORE_NODE_TEST_UTIL_H_

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace ddc::test {

using Json = nlohmann::json;

// The wall clock in Unix milliseconds, as the node reads it (tokens, signed requests).
inline uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

inline std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A test that hangs fails instead: no socket read waits longer than this.
inline constexpr int kSocketTimeoutSeconds = 30;

// A connected loopback socket, closed on destruction.
class Conn {
 public:
  explicit Conn(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{kSocketTimeoutSeconds, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~Conn() {
    if (fd_ >= 0) close(fd_);
  }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  bool connected() const { return connected_; }
  int fd() const { return fd_; }
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // Everything until the peer closes (or an error or the socket timeout); `eof` says which.
  std::string ReadAll(bool* eof) {
    std::string out;
    char buf[16384];
    while (true) {
      const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
      if (n > 0) {
        out.append(buf, static_cast<size_t>(n));
        continue;
      }
      *eof = n == 0 || errno == ECONNRESET;
      return out;
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

struct HttpResponse {
  int status = 0;  // 0: no response (connection failed or closed early).
  std::map<std::string, std::string> headers;  // Names lower-cased.
  std::string body;

  Json json() const { return Json::parse(body, nullptr, false); }
  std::string Header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// Parses one response (status line, headers, Content-Length body) from raw bytes.
inline HttpResponse ParseResponse(const std::string& raw) {
  HttpResponse r;
  const size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos || !raw.starts_with("HTTP/1.1 ")) return r;
  r.status = std::atoi(raw.c_str() + 9);
  size_t at = raw.find("\r\n") + 2;
  while (at < end) {
    const size_t eol = raw.find("\r\n", at);
    const std::string line = raw.substr(at, eol - at);
    const size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
    at = eol + 2;
  }
  const size_t length =
      std::stoul(r.Header("content-length").empty() ? "0" : r.Header("content-length"));
  r.body = raw.substr(end + 4, length);
  return r;
}

inline HttpResponse Call(uint16_t port, const std::string& method, const std::string& target,
                         const std::string& body = "",
                         const std::vector<std::string>& headers = {}) {
  Conn conn(port);
  if (!conn.connected()) return {};
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                        "Connection: close\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\n";
  for (const std::string& h : headers) request += h + "\r\n";
  request += "\r\n" + body;
  if (!conn.Send(request)) return {};
  bool eof = false;
  return ParseResponse(conn.ReadAll(&eof));
}

inline HttpResponse PostEvent(uint16_t port, uint64_t bucket, const std::string& bytes) {
  return Call(port, "POST", "/v1/buckets/" + std::to_string(bucket) + "/events", bytes,
              {"Content-Type: application/cbor"});
}

// The running ddc-node child process.
class Node {
 public:
  // `extra_args` go after the others (e.g. {"--auth", "off"}). Periodic checkpoints are off
  // (tests make checkpoints when they need one) unless `extra_args` or the config set them.
  explicit Node(const std::string& data_dir, const std::string& config_json = "",
                const std::vector<std::string>& extra_args = {}) {
    std::vector<std::string> args = {DDC_NODE, "--listen", "127.0.0.1:0", "--data-dir", data_dir};
    if (config_json.find("checkpoint_interval_ms") == std::string::npos &&
        std::find(extra_args.begin(), extra_args.end(), "--checkpoint-interval-ms") ==
            extra_args.end()) {
      args.insert(args.end(), {"--checkpoint-interval-ms", "0"});
    }
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    if (!config_json.empty()) {
      config_path_ = data_dir + ".config.json";
      std::ofstream(config_path_) << config_json;
      args.push_back("--config");
      args.push_back(config_path_);
    }
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      // The node dies with the test process (an aborted test must not leave it running), and
      // does not hold the test's standard output open (ctest waits for that to close).
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      const int null = open("/dev/null", O_WRONLY);
      if (null >= 0) dup2(null, STDOUT_FILENO);
      dup2(fds[1], STDERR_FILENO);
      close(fds[0]);
      close(fds[1]);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(fds[1]);
    err_fd_ = fds[0];
    ReadPort();
    reader_ = std::thread([this] { Drain(); });
  }
  ~Node() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (reader_.joinable()) reader_.join();
    if (err_fd_ >= 0) close(err_fd_);
    if (!config_path_.empty()) std::remove(config_path_.c_str());
  }
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  uint16_t port() const { return port_; }
  // Sends SIGTERM and returns the exit code (-1 if it did not exit normally).
  int Terminate() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string log() {
    std::lock_guard lock(mu_);
    return log_;
  }

 private:
  // Reads stderr until the "listening on" line (or EOF, or the socket timeout as a bound).
  void ReadPort() {
    const std::string marker = "listening on http://127.0.0.1:";
    char buf[4096];
    while (port_ == 0) {
      pollfd p{err_fd_, POLLIN, 0};
      if (poll(&p, 1, kSocketTimeoutSeconds * 1000) <= 0) return;
      const ssize_t n = read(err_fd_, buf, sizeof(buf));
      if (n <= 0) return;
      std::lock_guard lock(mu_);
      log_.append(buf, static_cast<size_t>(n));
      const size_t at = log_.find(marker);
      if (at != std::string::npos && log_.find('\n', at) != std::string::npos) {
        port_ = static_cast<uint16_t>(std::atoi(log_.c_str() + at + marker.size()));
      }
    }
  }
  void Drain() {
    char buf[4096];
    ssize_t n = 0;
    while ((n = read(err_fd_, buf, sizeof(buf))) > 0) {
      std::lock_guard lock(mu_);
      log_.append(buf, static_cast<size_t>(n));
    }
  }

  pid_t pid_ = -1;
  int err_fd_ = -1;
  uint16_t port_ = 0;
  std::string config_path_;
  std::thread reader_;
  std::mutex mu_;
  std::string log_;
};

}  // namespace ddc::test

#endif  // DDC_TESTS_STORE_NODE_TEST_UTIL_H_
