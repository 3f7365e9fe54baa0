// End-to-end tests of ddc-node: each test starts the real binary (DDC_NODE) on a free loopback
// port with its own data directory, reads the port from its one "listening on" log line, and
// talks HTTP/1.1 to it with a small blocking client over plain sockets (one connection per
// request, or raw bytes for the tests of limits and timeouts). They prove the routes, every
// error status of this step (400, 404, 405, 408, 409, 413, 415, 416, 431, 503), and that a
// SIGTERM under load exits 0 with every acknowledged event present when the store is reopened.
// Waits are bounded by socket timeouts that only turn a hang into a failure; no assertion
// depends on a sleep.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ddc/event.h"
#include "ddc/store.h"
#include "ddc/verify.h"
#include "engine/base/hex.h"
#include "tests/store/event_test_util.h"
#include "tests/test_util.h"

namespace ddc::test {
namespace {

using Json = nlohmann::json;

// A test that hangs fails instead: no socket read waits longer than this.
constexpr int kSocketTimeoutSeconds = 30;

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
HttpResponse ParseResponse(const std::string& raw) {
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

HttpResponse Call(uint16_t port, const std::string& method, const std::string& target,
                  const std::string& body = "", const std::vector<std::string>& headers = {}) {
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

HttpResponse PostEvent(uint16_t port, uint64_t bucket, const std::string& bytes) {
  return Call(port, "POST", "/v1/buckets/" + std::to_string(bucket) + "/events", bytes,
              {"Content-Type: application/cbor"});
}

// The running ddc-node child process.
class Node {
 public:
  explicit Node(const std::string& data_dir, const std::string& config_json = "") {
    std::vector<std::string> args = {DDC_NODE, "--listen", "127.0.0.1:0", "--data-dir", data_dir};
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

class NodeHttpTest : public ::testing::Test {
 protected:
  void StartNode(const std::string& config = "") {
    node_ = std::make_unique<Node>(dir_.Sub("data"), config);
    ASSERT_NE(node_->port(), 0) << "no listening line; log:\n" << node_->log();
    port_ = node_->port();
  }
  std::string Signed(uint64_t bucket, const KeyPair& user, const std::string& id,
                     uint64_t time_ms) {
    return SignAndEncode(MakeEvent(rng_, bucket, user, id, time_ms), user);
  }

  TempDir dir_;
  std::mt19937_64 rng_{TestSeed()};
  std::unique_ptr<Node> node_;
  uint16_t port_ = 0;
  KeyPair alice_ = UserKey(1);
};

TEST_F(NodeHttpTest, StartsAndReportsHealth) {
  StartNode();
  EXPECT_NE(node_->log().find("ddc-node: listening on http://127.0.0.1:" + std::to_string(port_) +
                              " (data dir " + dir_.Sub("data") + ")"),
            std::string::npos)
      << node_->log();
  const HttpResponse r = Call(port_, "GET", "/health");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json(), (Json{{"status", "ok"}, {"events", 0}, {"records", 0}}));
  EXPECT_EQ(node_->Terminate(), 0);
}

TEST_F(NodeHttpTest, AppendsAnEventAndReadsItBack) {
  StartNode();
  const std::string bytes = Signed(7, alice_, "e1", 1000);
  const std::string cid =
      EventCid(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size())).ToString();
  HttpResponse r = PostEvent(port_, 7, bytes);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json(),
            (Json{{"cid", cid}, {"position", 0}, {"journal_index", 0}, {"existed", false}}));
  r = PostEvent(port_, 7, bytes);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["existed"], true);

  r = Call(port_, "GET", "/v1/events/" + cid);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "application/vnd.ipld.dag-cbor");
  EXPECT_EQ(r.body, bytes);

  r = Call(port_, "GET", "/v1/events/" + cid, "", {"Accept: application/json"});
  ASSERT_EQ(r.status, 200);
  const Json j = r.json();
  EXPECT_EQ(j["cid"], cid);
  EXPECT_EQ(j["bucket"], 7);
  EXPECT_EQ(j["user"], Hex(alice_.public_key));
  EXPECT_EQ(j["id"], "e1");
  EXPECT_EQ(j["time_ms"], 1000);
  EXPECT_EQ(j["type"], "page_view");
  EXPECT_EQ(j["scopes"].size(), 3u);
  EXPECT_EQ(j["scopes"][0]["sealed"], true);
  EXPECT_EQ(j["scopes"][0]["nonce"].get<std::string>().size(), 48u);

  r = Call(port_, "GET", "/health");
  EXPECT_EQ(r.json()["events"], 1);
}

TEST_F(NodeHttpTest, RejectsBadEventsWithTheRightStatus) {
  StartNode();
  // The path's bucket must be the event's.
  HttpResponse r = PostEvent(port_, 8, Signed(7, alice_, "e1", 1000));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.json()["error"]["message"].get<std::string>().find("bucket 7"), std::string::npos);
  // Garbage: a JSON error with the decoder's message.
  r = PostEvent(port_, 7, "not an event");
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.json()["error"]["status"], 400);
  EXPECT_EQ(r.json()["error"]["code"], "invalid_argument");
  EXPECT_NE(r.json()["error"]["message"].get<std::string>().find("event"), std::string::npos);
  // The same id with different content: a conflict.
  ASSERT_EQ(PostEvent(port_, 7, Signed(7, alice_, "dup", 1000)).status, 201);
  r = PostEvent(port_, 7, Signed(7, alice_, "dup", 2000));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "conflict");
  // Wrong content type, bad bucket, bad and unknown CIDs.
  r = Call(port_, "POST", "/v1/buckets/7/events", Signed(7, alice_, "x", 3000),
           {"Content-Type: application/json"});
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(PostEvent(port_, 0, "").status, 400);
  EXPECT_EQ(
      Call(port_, "POST", "/v1/buckets/-1/events", "x", {"Content-Type: application/cbor"}).status,
      400);
  EXPECT_EQ(Call(port_, "GET", "/v1/events/nonsense").status, 400);
  const Cid unknown = Cid::Of(Codec::kDagCbor, std::string_view("nothing"));
  r = Call(port_, "GET", "/v1/events/" + unknown.ToString());
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json()["error"]["code"], "not_found");
}

TEST_F(NodeHttpTest, RoutesUnknownPathsAndWrongMethods) {
  StartNode();
  HttpResponse r = Call(port_, "GET", "/v1/nothing/here");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json()["error"]["code"], "not_found");
  r = Call(port_, "DELETE", "/v1/checkpoints");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("allow"), "GET, POST");
  EXPECT_EQ(r.json()["error"]["status"], 405);
  r = Call(port_, "GET", "/v1/buckets/7/events");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("allow"), "POST");
}

TEST_F(NodeHttpTest, AnswersOversizedBodiesAndHeaders) {
  StartNode(R"({"limits":{"max_body_bytes":1024,"max_header_bytes":2048}})");
  HttpResponse r = Call(port_, "PUT", "/v1/blobs", std::string(1024, 'a'));
  EXPECT_EQ(r.status, 201) << r.body;  // At the limit: accepted.
  r = Call(port_, "PUT", "/v1/blobs", std::string(1025, 'a'));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.json()["error"]["code"], "body_too_large");
  r = Call(port_, "GET", "/health", "", {"X-Big: " + std::string(4096, 'h')});
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(r.json()["error"]["code"], "headers_too_large");
}

TEST_F(NodeHttpTest, UnknownConfigKeyIsAnErrorNamingIt) {
  Node node(dir_.Sub("data"), R"({"limits":{"max_bodybytes":1}})");
  EXPECT_EQ(node.port(), 0);
  EXPECT_EQ(node.Terminate(), 1);
  EXPECT_NE(node.log().find("unknown key 'max_bodybytes'"), std::string::npos) << node.log();
}

TEST_F(NodeHttpTest, StalledClientGets408AndIsClosed) {
  StartNode(R"({"limits":{"request_timeout_ms":300,"idle_timeout_ms":300}})");
  {  // Half a body, then silence.
    Conn conn(port_);
    ASSERT_TRUE(conn.Send("PUT /v1/blobs HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"));
    bool eof = false;
    const HttpResponse r = ParseResponse(conn.ReadAll(&eof));
    EXPECT_TRUE(eof) << "the connection was not closed within the socket timeout";
    EXPECT_EQ(r.status, 408);
    EXPECT_EQ(r.json()["error"]["code"], "request_timeout");
  }
  {  // Half a header block.
    Conn conn(port_);
    ASSERT_TRUE(conn.Send("GET /health HTTP/1.1\r\nHost:"));
    bool eof = false;
    const HttpResponse r = ParseResponse(conn.ReadAll(&eof));
    EXPECT_TRUE(eof);
    EXPECT_EQ(r.status, 408);
  }
  {  // Connected and silent: closed without a word.
    Conn conn(port_);
    bool eof = false;
    EXPECT_EQ(conn.ReadAll(&eof), "");
    EXPECT_TRUE(eof);
  }
  {  // Keep-alive: a second request on one connection is served, then the idle one is closed.
    Conn conn(port_);
    ASSERT_TRUE(
        conn.Send("GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\n"
                  "Host: x\r\n\r\n"));
    bool eof = false;
    const std::string raw = conn.ReadAll(&eof);
    EXPECT_TRUE(eof);
    size_t responses = 0;
    for (size_t at = raw.find("HTTP/1.1 200"); at != std::string::npos;
         at = raw.find("HTTP/1.1 200", at + 1)) {
      ++responses;
    }
    EXPECT_EQ(responses, 2u) << raw;
  }
  EXPECT_EQ(Call(port_, "GET", "/health").status, 200);  // The node still serves.
}

TEST_F(NodeHttpTest, RefusesConnectionsOverTheLimitWith503) {
  StartNode(R"({"limits":{"max_connections":1}})");
  Conn first(port_);
  ASSERT_TRUE(first.connected());
  // The first connection is served (so it has been accepted and counts) ...
  ASSERT_TRUE(first.Send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
  char buf[512];
  ASSERT_GT(recv(first.fd(), buf, sizeof(buf), 0), 0);
  // ... and while it stays open the next one is answered 503.
  const HttpResponse r = Call(port_, "GET", "/health");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.json()["error"]["code"], "too_many_connections");
}

TEST_F(NodeHttpTest, StoresBlobsAndServesRanges) {
  StartNode();
  const std::string blob = "0123456789abcdef";
  HttpResponse r = Call(port_, "PUT", "/v1/blobs", blob);
  ASSERT_EQ(r.status, 201);
  const std::string cid = r.json()["cid"];
  EXPECT_EQ(cid, Cid::Of(Codec::kRaw, std::string_view(blob)).ToString());
  r = Call(port_, "GET", "/v1/blobs/" + cid);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, blob);
  EXPECT_EQ(r.Header("content-type"), "application/octet-stream");
  EXPECT_EQ(r.Header("accept-ranges"), "bytes");
  r = Call(port_, "GET", "/v1/blobs/" + cid, "", {"Range: bytes=2-5"});
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.body, "2345");
  EXPECT_EQ(r.Header("content-range"), "bytes 2-5/16");
  r = Call(port_, "GET", "/v1/blobs/" + cid, "", {"Range: bytes=-3"});
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.body, "def");
  r = Call(port_, "GET", "/v1/blobs/" + cid, "", {"Range: bytes=10-"});
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.body, "abcdef");
  r = Call(port_, "GET", "/v1/blobs/" + cid, "", {"Range: bytes=16-20"});
  EXPECT_EQ(r.status, 416);
  EXPECT_EQ(r.Header("content-range"), "bytes */16");
  const Cid unknown = Cid::Of(Codec::kRaw, std::string_view("nothing"));
  EXPECT_EQ(Call(port_, "GET", "/v1/blobs/" + unknown.ToString()).status, 404);
}

std::string Frame(const std::string& event) {
  std::string out;
  const auto n = static_cast<uint32_t>(event.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  return out + event;
}

TEST_F(NodeHttpTest, BatchAnswersPerEvent) {
  StartNode();
  const std::string good1 = Signed(7, alice_, "b1", 1000);
  const std::string good2 = Signed(7, alice_, "b2", 2000);
  const std::string body =
      Frame(good1) + Frame("garbage") + Frame(Signed(9, alice_, "other", 1500)) + Frame(good2);
  HttpResponse r = Call(port_, "POST", "/v1/buckets/7/events:batch", body,
                        {"Content-Type: application/x-ddc-event-batch"});
  ASSERT_EQ(r.status, 200) << r.body;
  const Json results = r.json()["results"];
  ASSERT_EQ(results.size(), 4u) << r.body;
  EXPECT_EQ(results[0]["position"], 0);
  EXPECT_EQ(
      results[0]["cid"],
      EventCid(std::span(reinterpret_cast<const uint8_t*>(good1.data()), good1.size())).ToString());
  EXPECT_EQ(results[1]["error"]["status"], 400);
  EXPECT_EQ(results[2]["error"]["code"], "invalid_argument");
  EXPECT_EQ(results[3]["position"], 1);
  // Broken framing rejects the whole request.
  r = Call(port_, "POST", "/v1/buckets/7/events:batch", Frame(good1).substr(0, 10),
           {"Content-Type: application/x-ddc-event-batch"});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Call(port_, "GET", "/health").json()["events"], 2);
}

TEST_F(NodeHttpTest, PagesATimeline) {
  StartNode();
  std::vector<std::string> cids;
  for (int i = 0; i < 5; ++i) {
    const HttpResponse r = PostEvent(
        port_, 7, Signed(7, alice_, "t" + std::to_string(i), 1000 + static_cast<uint64_t>(i)));
    ASSERT_EQ(r.status, 201);
    cids.push_back(r.json()["cid"]);
  }
  const std::string base = "/v1/buckets/7/users/" + Hex(alice_.public_key) + "/timeline";
  HttpResponse r = Call(port_, "GET", base + "?limit=2");
  ASSERT_EQ(r.status, 200) << r.body;
  Json j = r.json();
  ASSERT_EQ(j["events"].size(), 2u);
  EXPECT_EQ(j["events"][0]["cid"], cids[0]);
  EXPECT_EQ(j["events"][1]["position"], 1);
  EXPECT_EQ(j["events"][1]["time_ms"], 1001);
  EXPECT_EQ(j["next"], 2);
  r = Call(port_, "GET", base + "?from=" + std::to_string(j["next"].get<int>()) + "&limit=3");
  j = r.json();
  ASSERT_EQ(j["events"].size(), 3u);
  EXPECT_EQ(j["events"][2]["cid"], cids[4]);
  EXPECT_TRUE(j["next"].is_null());
  EXPECT_EQ(Call(port_, "GET", base).json()["events"].size(), 5u);
  EXPECT_EQ(Call(port_, "GET", base + "?limit=0").status, 400);
  EXPECT_EQ(Call(port_, "GET", base + "?limit=1001").status, 400);
  EXPECT_EQ(
      Call(port_, "GET", "/v1/buckets/7/users/" + Hex(UserKey(2).public_key) + "/timeline").status,
      404);
  EXPECT_EQ(Call(port_, "GET", "/v1/buckets/7/users/abc/timeline").status, 400);
}

TEST_F(NodeHttpTest, SignsAndListsCheckpoints) {
  StartNode();
  ASSERT_EQ(PostEvent(port_, 7, Signed(7, alice_, "c1", 1000)).status, 201);
  HttpResponse r = Call(port_, "POST", "/v1/checkpoints");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["size"], 1);
  r = Call(port_, "GET", "/v1/checkpoints");
  ASSERT_EQ(r.status, 200);
  const Json j = r.json();
  ASSERT_EQ(j["checkpoints"].size(), 1u);
  Result<CheckpointRecord> checked = VerifyCheckpoint(
      j["checkpoints"][0]["note"].get<std::string>(), j["verifier_key"].get<std::string>());
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  EXPECT_EQ(checked->size, 1u);
}

// While four clients append as fast as they can, SIGTERM: the node exits 0 and every event it
// acknowledged with a 2xx is in the store when it is reopened.
TEST_F(NodeHttpTest, GracefulShutdownLosesNothingAcknowledged) {
  StartNode();
  constexpr int kClients = 4;
  constexpr int kAckedBeforeStop = 5;  // Per client, before the signal is sent.
  std::vector<std::vector<std::string>> acked(kClients);
  std::atomic<int> ready{0};
  std::vector<std::thread> clients;
  clients.reserve(kClients);
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      std::mt19937_64 rng(static_cast<uint64_t>(c) + 1);
      const KeyPair user = UserKey(100 + static_cast<uint32_t>(c));
      for (uint64_t i = 0;; ++i) {
        const std::string bytes =
            SignAndEncode(MakeEvent(rng, 7, user, "s" + std::to_string(i), 1000 + i), user);
        const HttpResponse r = PostEvent(port_, 7, bytes);
        if (r.status == 0) return;  // The node is gone.
        if (r.status / 100 == 2) {
          acked[static_cast<size_t>(c)].push_back(r.json()["cid"]);
          if (acked[static_cast<size_t>(c)].size() == kAckedBeforeStop) ready.fetch_add(1);
        } else if (r.status != 503) {
          ADD_FAILURE() << "status " << r.status << ": " << r.body;
          return;
        }
      }
    });
  }
  while (ready.load() < kClients) std::this_thread::yield();
  EXPECT_EQ(node_->Terminate(), 0) << node_->log();
  for (std::thread& t : clients) t.join();

  Options options;
  options.dir = dir_.Sub("data");
  options.create_if_missing = false;
  Result<std::unique_ptr<Store>> store = Store::Open(options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  size_t total = 0;
  for (const auto& list : acked) {
    for (const std::string& text : list) {
      Result<Cid> cid = Cid::Parse(text);
      ASSERT_TRUE(cid.ok());
      EXPECT_TRUE((*store)->GetEvent(*cid).ok()) << text << " was acknowledged but is missing";
      ++total;
    }
  }
  EXPECT_GE(total, static_cast<size_t>(kClients * kAckedBeforeStop));
  EXPECT_GE((*store)->Stats().events, total);
}

}  // namespace
}  // namespace ddc::test
