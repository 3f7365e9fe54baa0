// End-to-end tests of ddc-node: each test starts the real binary (DDC_NODE) on a free loopback
// port with its own data directory, reads the port from its one "listening on" log line, and
// talks HTTP/1.1 to it with a small blocking client over plain sockets (node_test_util.h; one
// connection per request, or raw bytes for the tests of limits and timeouts). They prove the
// routes (proofs fetched over HTTP verify with verify.h alone), every error status of this step
// (400, 403, 404, 405, 408, 409, 410, 413, 415, 416, 431, 503), /metrics moving, and that a
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
#include <chrono>
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

#include "ddc/erasure.h"
#include "ddc/event.h"
#include "ddc/grants.h"
#include "ddc/store.h"
#include "ddc/verify.h"
#include "engine/base/hex.h"
#include "engine/timeline/base64.h"
#include "tests/store/event_test_util.h"
#include "tests/store/node_test_util.h"
#include "tests/test_util.h"

namespace ddc::test {
namespace {

class NodeHttpTest : public ::testing::Test {
 protected:
  // A node without access control (node_auth_test.cc tests that).
  void StartNode(const std::string& config = "") {
    node_ =
        std::make_unique<Node>(dir_.Sub("data"), config, std::vector<std::string>{"--auth", "off"});
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
           {"Content-Type: text/plain"});
  EXPECT_EQ(r.status, 415);
  // CBOR bytes sent as JSON are not JSON.
  r = Call(port_, "POST", "/v1/buckets/7/events", Signed(7, alice_, "x", 3000),
           {"Content-Type: application/json"});
  EXPECT_EQ(r.status, 400);
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

// A batch over the node's limit is 413, in either body form; the limit is configurable.
TEST_F(NodeHttpTest, BatchesOverTheLimitAre413) {
  StartNode(R"({"limits":{"max_batch_events":2}})");
  std::string body;
  std::vector<Json> events;
  for (int i = 0; i < 3; ++i) {
    const std::string e = Signed(7, alice_, "l" + std::to_string(i), 1000 + i);
    const uint32_t n = static_cast<uint32_t>(e.size());
    for (int b = 0; b < 4; ++b) body.push_back(static_cast<char>((n >> (8 * b)) & 0xff));
    body += e;
  }
  HttpResponse r = Call(port_, "POST", "/v1/buckets/7/events:batch", body,
                        {"Content-Type: application/x-ddc-event-batch"});
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "batch_too_large");
  r = Call(port_, "POST", "/v1/buckets/7/events:batch", R"({"events":[{},{},{}]})",
           {"Content-Type: application/json"});
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(Call(port_, "GET", "/health").json()["events"], 0);  // Nothing was appended.

  Node bad(dir_.Sub("bad"), "", {"--limit", "max_batch_events=0"});
  EXPECT_EQ(bad.Terminate(), 1);
  EXPECT_NE(bad.log().find("max_batch_events 0 is outside 1..4096"), std::string::npos)
      << bad.log();
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
  // By time: the first event at or after `since`; newest first with order=desc, paged by next.
  j = Call(port_, "GET", base + "?since=1003").json();
  ASSERT_EQ(j["events"].size(), 2u);
  EXPECT_EQ(j["events"][0]["cid"], cids[3]);
  j = Call(port_, "GET", base + "?order=desc&limit=2").json();
  ASSERT_EQ(j["events"].size(), 2u);
  EXPECT_EQ(j["events"][0]["cid"], cids[4]);
  EXPECT_EQ(j["events"][1]["cid"], cids[3]);
  EXPECT_EQ(j["next"], 2);
  j = Call(port_, "GET", base + "?order=desc&from=2&limit=5").json();
  ASSERT_EQ(j["events"].size(), 3u);
  EXPECT_EQ(j["events"][2]["cid"], cids[0]);
  EXPECT_TRUE(j["next"].is_null());
  j = Call(port_, "GET", base + "?order=desc&since=1002").json();  // The last at or before.
  ASSERT_EQ(j["events"].size(), 3u);
  EXPECT_EQ(j["events"][0]["cid"], cids[2]);
  EXPECT_EQ(Call(port_, "GET", base + "?since=x").status, 400);
  EXPECT_EQ(Call(port_, "GET", base + "?since=1&from=1").status, 400);
  EXPECT_EQ(Call(port_, "GET", base + "?order=up").status, 400);
  EXPECT_EQ(
      Call(port_, "GET", "/v1/buckets/7/users/" + Hex(UserKey(2).public_key) + "/timeline").status,
      404);
  EXPECT_EQ(Call(port_, "GET", "/v1/buckets/7/users/abc/timeline").status, 400);
}

// With an interval the node signs checkpoints by itself once the journal grew (and only then).
TEST_F(NodeHttpTest, MakesCheckpointsAtItsInterval) {
  node_ = std::make_unique<Node>(
      dir_.Sub("data"), "",
      std::vector<std::string>{"--auth", "off", "--checkpoint-interval-ms", "50"});
  ASSERT_NE(node_->port(), 0) << node_->log();
  port_ = node_->port();
  ASSERT_EQ(PostEvent(port_, 7, Signed(7, alice_, "c1", 1000)).status, 201);
  // Waits on the condition, bounded: a node that never checkpoints fails here.
  Json list;
  for (int i = 0; i < 600; ++i) {
    list = Call(port_, "GET", "/v1/checkpoints").json()["checkpoints"];
    if (!list.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(list.empty()) << "no checkpoint within 30 s at a 50 ms interval";
  EXPECT_EQ(list.back()["size"], 1);

  Node bad(dir_.Sub("bad"), "", {"--checkpoint-interval-ms", "soon"});
  EXPECT_EQ(bad.Terminate(), 1);
  EXPECT_NE(bad.log().find("--checkpoint-interval-ms 'soon'"), std::string::npos) << bad.log();
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

std::string CidOf(const std::string& event) {
  return EventCid(std::span(reinterpret_cast<const uint8_t*>(event.data()), event.size()))
      .ToString();
}

Hash32 HashFromHex(const std::string& hex) {
  Hash32 h{};
  EXPECT_TRUE(ParseHex(hex, h)) << hex;
  return h;
}

std::vector<Hash32> HashesFromJson(const Json& list) {
  std::vector<Hash32> out;
  for (const Json& h : list) out.push_back(HashFromHex(h.get<std::string>()));
  return out;
}

// Bodies are DAG-CBOR or JSON by content type: the JSON form GET answers posts back to the very
// same bytes (same CID), in one event or in a batch, and a JSON event is checked like any other.
TEST_F(NodeHttpTest, AcceptsEventsAsJson) {
  StartNode();
  const std::string bytes = Signed(7, alice_, "j1", 1000);
  HttpResponse r = PostEvent(port_, 7, bytes);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string cid = r.json()["cid"];
  // A second event, first seen as JSON: built from the first's JSON form via a scratch node.
  const std::string second = Signed(7, alice_, "j2", 2000);
  Json second_json;
  {
    TempDir scratch;
    Node other(scratch.Sub("data"), "", {"--auth", "off"});
    ASSERT_EQ(PostEvent(other.port(), 7, second).status, 201);
    const std::string second_cid = CidOf(second);
    second_json =
        Call(other.port(), "GET", "/v1/events/" + second_cid, "", {"Accept: application/json"})
            .json();
    ASSERT_EQ(second_json["cid"], second_cid);
  }
  const Json first_json =
      Call(port_, "GET", "/v1/events/" + cid, "", {"Accept: application/json"}).json();
  const std::vector<std::string> json_type = {"Content-Type: application/json"};
  r = Call(port_, "POST", "/v1/buckets/7/events", first_json.dump(), json_type);
  ASSERT_EQ(r.status, 200) << r.body;  // The same event: its bytes came back exactly.
  EXPECT_EQ(r.json()["cid"], cid);
  r = Call(port_, "POST", "/v1/buckets/7/events", second_json.dump(), json_type);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["cid"], CidOf(second));
  EXPECT_EQ(Call(port_, "GET", "/v1/events/" + CidOf(second)).body, second);

  // A changed field fails the signature; unknown keys, a wrong cid and bad hex are refused.
  Json changed = first_json;
  changed["id"] = "j9";
  changed.erase("cid");
  r = Call(port_, "POST", "/v1/buckets/7/events", changed.dump(), json_type);
  EXPECT_EQ(r.status, 400) << r.body;
  Json extra = first_json;
  extra["color"] = "red";
  r = Call(port_, "POST", "/v1/buckets/7/events", extra.dump(), json_type);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("unknown key 'color'"), std::string::npos) << r.body;
  Json wrong_cid = first_json;
  wrong_cid["cid"] = CidOf(second);
  r = Call(port_, "POST", "/v1/buckets/7/events", wrong_cid.dump(), json_type);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("cid does not match"), std::string::npos) << r.body;
  Json bad_hex = first_json;
  bad_hex["signature"] = "zz";
  EXPECT_EQ(Call(port_, "POST", "/v1/buckets/7/events", bad_hex.dump(), json_type).status, 400);
  EXPECT_EQ(Call(port_, "POST", "/v1/buckets/7/events", "[1]", json_type).status, 400);

  // A JSON batch answers per event.
  const Json batch = {{"events", {first_json, extra, second_json}}};
  r = Call(port_, "POST", "/v1/buckets/7/events:batch", batch.dump(), json_type);
  ASSERT_EQ(r.status, 200) << r.body;
  const Json results = r.json()["results"];
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0]["existed"], true);
  EXPECT_EQ(results[1]["error"]["status"], 400);
  EXPECT_EQ(results[2]["cid"], CidOf(second));
  EXPECT_EQ(Call(port_, "POST", "/v1/buckets/7/events:batch", R"({"events":[]})", json_type).status,
            400);
}

TEST_F(NodeHttpTest, ListsBucketsAndTheirUsers) {
  StartNode();
  const KeyPair bob = UserKey(2);
  EXPECT_EQ(Call(port_, "GET", "/v1/buckets").json()["buckets"], Json::array());
  ASSERT_EQ(PostEvent(port_, 9, Signed(9, alice_, "a9", 1000)).status, 201);
  ASSERT_EQ(PostEvent(port_, 7, Signed(7, alice_, "a1", 1000)).status, 201);
  const std::string a2 = Signed(7, alice_, "a2", 2000);
  ASSERT_EQ(PostEvent(port_, 7, a2).status, 201);
  const std::string b1 = Signed(7, bob, "b1", 1500);
  ASSERT_EQ(PostEvent(port_, 7, b1).status, 201);

  HttpResponse r = Call(port_, "GET", "/v1/buckets");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["buckets"], (Json{7, 9}));

  r = Call(port_, "GET", "/v1/buckets/7/users");
  ASSERT_EQ(r.status, 200) << r.body;
  const Json users = r.json()["users"];
  ASSERT_EQ(users.size(), 2u) << r.body;
  EXPECT_EQ(users[0]["user"], Hex(alice_.public_key));
  EXPECT_EQ(users[0]["size"], 2);
  EXPECT_EQ(users[0]["head"], CidOf(a2));
  EXPECT_EQ(users[1]["user"], Hex(bob.public_key));
  EXPECT_EQ(users[1]["size"], 1);
  EXPECT_EQ(users[1]["head"], CidOf(b1));
  // The listed root is the timeline's root: the one its consistency proof ends at.
  r = Call(port_, "GET",
           "/v1/buckets/7/users/" + Hex(alice_.public_key) + "/consistency?old=1&new=2");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(users[0]["root"], r.json()["new_root"]);

  EXPECT_EQ(Call(port_, "GET", "/v1/buckets/8/users").json()["users"], Json::array());
  EXPECT_EQ(Call(port_, "GET", "/v1/buckets/x/users").status, 400);
}

TEST_F(NodeHttpTest, ServesEventProofsThatVerify) {
  StartNode();
  const std::string event = Signed(7, alice_, "p1", 1000);
  ASSERT_EQ(PostEvent(port_, 7, event).status, 201);
  const std::string cid = CidOf(event);
  // Stored but not sealed yet: a 404 that says so.
  HttpResponse r = Call(port_, "GET", "/v1/events/" + cid + "/proof");
  ASSERT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "not_sealed");
  EXPECT_NE(r.json()["error"]["message"].get<std::string>().find("not sealed by a checkpoint"),
            std::string::npos)
      << r.body;
  const Cid unknown = Cid::Of(Codec::kDagCbor, std::string_view("nothing"));
  r = Call(port_, "GET", "/v1/events/" + unknown.ToString() + "/proof");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json()["error"]["code"], "not_found");

  ASSERT_EQ(Call(port_, "POST", "/v1/checkpoints").status, 201);
  r = Call(port_, "GET", "/v1/events/" + cid + "/proof");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "application/cbor");
  Result<EventProof> proof = DecodeEventProof(AsBytes(r.body));
  ASSERT_TRUE(proof.ok()) << proof.status().ToString();

  r = Call(port_, "GET", "/v1/node");
  ASSERT_EQ(r.status, 200);
  const std::string key = r.json()["verifier_key"];
  Result<VerifiedEvent> verified = VerifyEventProof(*proof, key);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->cid.ToString(), cid);
  EXPECT_EQ(verified->position, 0u);
  EXPECT_EQ(verified->checkpoint_size, 1u);
  EXPECT_EQ(verified->checkpoint_origin, r.json()["origin"]);
  // Under another node's key the same bundle does not verify.
  EXPECT_FALSE(VerifyEventProof(*proof, "other+01234567+AQ==").ok());

  // The JSON form carries the same bundle.
  r = Call(port_, "GET", "/v1/events/" + cid + "/proof", "", {"Accept: application/json"});
  ASSERT_EQ(r.status, 200);
  const Json j = r.json();
  EXPECT_EQ(j["checkpoint"], proof->checkpoint);
  EXPECT_EQ(j["position"], proof->position);
  EXPECT_EQ(j["journal_index"], proof->journal_index);
  EXPECT_EQ(HashesFromJson(j["journal_path"]), proof->journal_path);
  EXPECT_EQ(HashesFromJson(j["timeline_path"]), proof->timeline_path);
}

TEST_F(NodeHttpTest, ServesConsistencyProofsThatVerify) {
  StartNode();
  ASSERT_EQ(PostEvent(port_, 7, Signed(7, alice_, "k1", 1000)).status, 201);
  ASSERT_EQ(Call(port_, "POST", "/v1/checkpoints").status, 201);
  ASSERT_EQ(PostEvent(port_, 7, Signed(7, alice_, "k2", 2000)).status, 201);
  ASSERT_EQ(PostEvent(port_, 7, Signed(7, alice_, "k3", 3000)).status, 201);
  ASSERT_EQ(Call(port_, "POST", "/v1/checkpoints").status, 201);
  const Json checkpoints = Call(port_, "GET", "/v1/checkpoints").json()["checkpoints"];
  ASSERT_EQ(checkpoints.size(), 2u);
  const Hash32 root1 = HashFromHex(checkpoints[0]["root"]);
  const Hash32 root3 = HashFromHex(checkpoints[1]["root"]);

  // The journal: checked against the two signed checkpoints' roots.
  HttpResponse r = Call(port_, "GET", "/v1/journal/consistency?old=1&new=3");
  ASSERT_EQ(r.status, 200) << r.body;
  std::vector<Hash32> proof = HashesFromJson(r.json()["proof"]);
  ASSERT_FALSE(proof.empty());
  EXPECT_TRUE(VerifyConsistencyProof(1, 3, root1, root3, proof).ok());
  proof[0][0] ^= 1;
  EXPECT_FALSE(VerifyConsistencyProof(1, 3, root1, root3, proof).ok());

  // A timeline.
  const std::string base = "/v1/buckets/7/users/" + Hex(alice_.public_key) + "/consistency";
  r = Call(port_, "GET", base + "?old=1&new=3");
  ASSERT_EQ(r.status, 200) << r.body;
  const Json j = r.json();
  proof = HashesFromJson(j["proof"]);
  EXPECT_TRUE(
      VerifyConsistencyProof(1, 3, HashFromHex(j["old_root"]), HashFromHex(j["new_root"]), proof)
          .ok());
  EXPECT_FALSE(
      VerifyConsistencyProof(1, 3, HashFromHex(j["new_root"]), HashFromHex(j["new_root"]), proof)
          .ok());

  EXPECT_EQ(Call(port_, "GET", base + "?old=1").status, 400);
  EXPECT_EQ(Call(port_, "GET", base + "?old=1&new=4").status, 400);
  EXPECT_EQ(Call(port_, "GET", "/v1/journal/consistency?old=x&new=3").status, 400);
  EXPECT_EQ(Call(port_, "GET", "/v1/journal/consistency?old=1&new=9").status, 400);
  EXPECT_EQ(Call(port_, "GET",
                 "/v1/buckets/7/users/" + Hex(UserKey(2).public_key) + "/consistency?old=1&new=1")
                .status,
            404);
}

std::string EncodedTombstone(uint64_t bucket, const KeyPair& user, const std::optional<Cid>& event,
                             const KeyPair& signer) {
  Tombstone t;
  t.bucket = bucket;
  t.user = user.public_key;
  t.event = event;
  t.timestamp_ms = 5000;
  t.reason = "user request";
  EXPECT_TRUE(SignTombstone(&t, signer).ok());
  Result<std::string> bytes = EncodeTombstone(t);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : std::string();
}

HttpResponse PostCbor(uint16_t port, const std::string& target, const std::string& body) {
  return Call(port, "POST", target, body, {"Content-Type: application/cbor"});
}

TEST_F(NodeHttpTest, ErasesEventsAndAnswers410) {
  StartNode();
  const std::string e1 = Signed(7, alice_, "x1", 1000);
  ASSERT_EQ(PostEvent(port_, 7, e1).status, 201);
  ASSERT_EQ(PostEvent(port_, 7, Signed(7, alice_, "x2", 2000)).status, 201);
  const Cid cid = *Cid::Parse(CidOf(e1));

  // Signed by someone who is neither the user nor the bucket's owner.
  HttpResponse r = PostCbor(port_, "/v1/erase", EncodedTombstone(7, alice_, cid, UserKey(2)));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "permission_denied");
  EXPECT_EQ(Call(port_, "GET", "/v1/events/" + cid.ToString()).status, 200);
  r = Call(port_, "POST", "/v1/erase", EncodedTombstone(7, alice_, cid, alice_),
           {"Content-Type: text/plain"});
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(PostCbor(port_, "/v1/erase", "garbage").status, 400);
  // As JSON: {"bytes": base64} and nothing else.
  const std::vector<std::string> json = {"Content-Type: application/json"};
  EXPECT_EQ(Call(port_, "POST", "/v1/erase", EncodedTombstone(7, alice_, cid, alice_), json).status,
            400);
  EXPECT_EQ(Call(port_, "POST", "/v1/erase", R"({"bytes":"!!"})", json).status, 400);

  const std::string tombstone = EncodedTombstone(7, alice_, cid, alice_);
  const Json as_json = {{"bytes", timeline::Base64Encode(AsBytes(tombstone))}};
  EXPECT_EQ(
      Call(port_, "POST", "/v1/erase", Json{{"bytes", as_json["bytes"]}, {"x", 1}}.dump(), json)
          .status,
      400);
  r = Call(port_, "POST", "/v1/erase", as_json.dump(), json);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["tombstone"], TombstoneCid(AsBytes(tombstone)).ToString());
  EXPECT_EQ(r.json()["events_erased"], 1);
  EXPECT_EQ(r.json()["grants_destroyed"], 0);

  // Reading it now answers 410 with the store's message (who erased it and when).
  r = Call(port_, "GET", "/v1/events/" + cid.ToString());
  ASSERT_EQ(r.status, 410) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "erased");
  EXPECT_EQ(r.json()["error"]["status"], 410);
  const std::string message = r.json()["error"]["message"];
  EXPECT_NE(message.find("erased"), std::string::npos) << message;
  EXPECT_NE(message.find(Hex(alice_.public_key).substr(0, 8)), std::string::npos) << message;
  EXPECT_EQ(
      Call(port_, "GET", "/v1/events/" + cid.ToString(), "", {"Accept: application/json"}).status,
      410);
  EXPECT_EQ(Call(port_, "GET", "/v1/events/" + cid.ToString() + "/proof").status, 410);
  // The timeline steps over it.
  const Json events =
      Call(port_, "GET", "/v1/buckets/7/users/" + Hex(alice_.public_key) + "/timeline")
          .json()["events"];
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["position"], 1);
}

TEST_F(NodeHttpTest, StoresAndListsGrants) {
  StartNode();
  ASSERT_EQ(PostEvent(port_, 7, Signed(7, alice_, "g1", 1000)).status, 201);
  const BoxKeyPair grantee = BoxKeyPair::Generate();
  const MasterKey master = GenerateMasterKey();
  Result<Grant> grant =
      MakeGrant(master, 7, alice_.public_key, "profile", 1, grantee.public_key, alice_, 4000);
  ASSERT_TRUE(grant.ok()) << grant.status().ToString();
  Result<std::string> bytes = EncodeGrant(*grant);
  ASSERT_TRUE(bytes.ok());

  HttpResponse r = PostCbor(port_, "/v1/grants", *bytes);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["cid"], GrantCid(AsBytes(*bytes)).ToString());
  // A grant of alice's scope signed by someone else.
  Result<Grant> forged =
      MakeGrant(master, 7, alice_.public_key, "contact", 1, grantee.public_key, UserKey(2), 4000);
  ASSERT_TRUE(forged.ok());
  r = PostCbor(port_, "/v1/grants", *EncodeGrant(*forged));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(PostCbor(port_, "/v1/grants", "garbage").status, 400);
  // The same grant as JSON ({"bytes": base64}, as GET answers it) is the same record.
  r = Call(port_, "POST", "/v1/grants",
           Json{{"bytes", timeline::Base64Encode(AsBytes(*bytes))}}.dump(),
           {"Content-Type: application/json"});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["cid"], GrantCid(AsBytes(*bytes)).ToString());

  r = Call(port_, "GET", "/v1/grants?grantee=" + Hex(grantee.public_key));
  ASSERT_EQ(r.status, 200) << r.body;
  Json list = r.json()["grants"];
  ASSERT_EQ(list.size(), 1u) << r.body;
  EXPECT_EQ(list[0]["cid"], GrantCid(AsBytes(*bytes)).ToString());
  EXPECT_EQ(list[0]["bucket"], 7);
  EXPECT_EQ(list[0]["user"], Hex(alice_.public_key));
  EXPECT_EQ(list[0]["scope"], "profile");
  EXPECT_EQ(list[0]["key_version"], 1);
  EXPECT_EQ(list[0]["grantee"], Hex(grantee.public_key));
  EXPECT_EQ(list[0]["granter"], Hex(alice_.public_key));
  EXPECT_EQ(list[0]["created_ms"], 4000);
  Result<std::vector<uint8_t>> decoded =
      timeline::Base64Decode(list[0]["bytes"].get<std::string>());
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(std::string(decoded->begin(), decoded->end()), *bytes);

  EXPECT_EQ(Call(port_, "GET", "/v1/grants?bucket=7&scope=profile").json()["grants"].size(), 1u);
  EXPECT_EQ(Call(port_, "GET", "/v1/grants?bucket=7&scope=contact").json()["grants"].size(), 0u);
  EXPECT_EQ(Call(port_, "GET", "/v1/grants?grantee=" + Hex(UserKey(3).public_key))
                .json()["grants"]
                .size(),
            0u);
  EXPECT_EQ(Call(port_, "GET", "/v1/grants").status, 400);
  EXPECT_EQ(Call(port_, "GET", "/v1/grants?bucket=7").status, 400);
  EXPECT_EQ(Call(port_, "GET", "/v1/grants?grantee=zz").status, 400);

  // Erasing alice's whole timeline destroys her grants.
  r = PostCbor(port_, "/v1/erase", EncodedTombstone(7, alice_, std::nullopt, alice_));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["events_erased"], 1);
  EXPECT_EQ(r.json()["grants_destroyed"], 1);
  EXPECT_EQ(
      Call(port_, "GET", "/v1/grants?grantee=" + Hex(grantee.public_key)).json()["grants"].size(),
      0u);
}

// The value of the sample `series` (name and labels, exactly as exposed), or -1 when absent.
double Sample(const std::string& text, const std::string& series) {
  size_t at = 0;
  while (at < text.size()) {
    const size_t eol = text.find('\n', at);
    const std::string line = text.substr(at, eol - at);
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
    if (eol == std::string::npos) break;
    at = eol + 1;
  }
  return -1;
}

TEST_F(NodeHttpTest, MetricsCountRequestsBytesAndBucketUsage) {
  StartNode();
  HttpResponse r = Call(port_, "GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string health = R"(method="GET",route="/health")";
  EXPECT_EQ(Sample(r.body, "ddc_http_requests_total{" + health + ",status=\"200\"}"), -1);
  EXPECT_EQ(Sample(r.body, "ddc_http_request_body_bytes_total"), 0);
  EXPECT_EQ(Sample(r.body, R"(ddc_bucket_appends_total{bucket="7"})"), -1);

  ASSERT_EQ(Call(port_, "GET", "/health").status, 200);
  ASSERT_EQ(Call(port_, "GET", "/health").status, 200);
  const std::string event = Signed(7, alice_, "m1", 1000);
  ASSERT_EQ(PostEvent(port_, 7, event).status, 201);
  ASSERT_EQ(PostEvent(port_, 7, "junk").status, 400);
  ASSERT_EQ(Call(port_, "GET", "/v1/events/" + CidOf(event)).status, 200);
  ASSERT_EQ(Call(port_, "GET", "/v1/events/" + CidOf(event)).status, 200);
  ASSERT_EQ(Call(port_, "GET", "/v1/events/" + CidOf(event)).status, 200);

  r = Call(port_, "GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  const std::string& m = r.body;
  EXPECT_EQ(Sample(m, "ddc_http_requests_total{" + health + ",status=\"200\"}"), 2) << m;
  const std::string post = R"(method="POST",route="/v1/buckets/{bucket}/events")";
  EXPECT_EQ(Sample(m, "ddc_http_requests_total{" + post + ",status=\"201\"}"), 1) << m;
  EXPECT_EQ(Sample(m, "ddc_http_requests_total{" + post + ",status=\"400\"}"), 1) << m;
  EXPECT_EQ(Sample(m, R"(ddc_http_requests_total{method="GET",route="/metrics",status="200"})"), 1)
      << m;
  EXPECT_EQ(Sample(m, "ddc_http_request_duration_seconds_count{" + health + "}"), 2) << m;
  EXPECT_EQ(Sample(m, "ddc_http_request_duration_seconds_bucket{" + health + ",le=\"+Inf\"}"), 2)
      << m;
  EXPECT_LE(Sample(m, "ddc_http_request_duration_seconds_bucket{" + health + ",le=\"0.0005\"}"), 2);
  EXPECT_GE(Sample(m, "ddc_http_request_duration_seconds_sum{" + health + "}"), 0);
  EXPECT_EQ(Sample(m, "ddc_http_request_body_bytes_total"), static_cast<double>(event.size() + 4));
  EXPECT_GT(Sample(m, "ddc_http_response_body_bytes_total"), static_cast<double>(3 * event.size()));
  EXPECT_EQ(Sample(m, R"(ddc_bucket_appends_total{bucket="7"})"), 1) << m;
  EXPECT_EQ(Sample(m, R"(ddc_bucket_event_reads_total{bucket="7"})"), 3) << m;
  EXPECT_EQ(Sample(m, R"(ddc_bucket_stored_bytes_total{bucket="7"})"),
            static_cast<double>(event.size()))
      << m;
  EXPECT_EQ(Sample(m, R"(ddc_bucket_delivered_bytes_total{bucket="7"})"),
            static_cast<double>(3 * event.size()))
      << m;
  // Re-sending an event stores nothing new; a timeline page is delivered bytes of the bucket.
  ASSERT_EQ(PostEvent(port_, 7, event).status, 200);
  const HttpResponse page =
      Call(port_, "GET", "/v1/buckets/7/users/" + Hex(alice_.public_key) + "/timeline");
  ASSERT_EQ(page.status, 200);
  ASSERT_EQ(Call(port_, "PUT", "/v1/blobs?bucket=9", "blob bytes").status, 201);
  ASSERT_EQ(Call(port_, "PUT", "/v1/blobs?bucket=9", "blob bytes").status, 201);
  const std::string m2 = Call(port_, "GET", "/metrics").body;
  EXPECT_EQ(Sample(m2, R"(ddc_bucket_appends_total{bucket="7"})"), 2) << m2;
  EXPECT_EQ(Sample(m2, R"(ddc_bucket_stored_bytes_total{bucket="7"})"),
            static_cast<double>(event.size()))
      << m2;
  EXPECT_EQ(Sample(m2, R"(ddc_bucket_delivered_bytes_total{bucket="7"})"),
            static_cast<double>(3 * event.size() + page.body.size()))
      << m2;
  EXPECT_EQ(Sample(m2, R"(ddc_bucket_appends_total{bucket="9"})"), 2) << m2;
  EXPECT_EQ(Sample(m2, R"(ddc_bucket_stored_bytes_total{bucket="9"})"), 10) << m2;
  EXPECT_EQ(Sample(m, "ddc_store_events"), 1);
}

}  // namespace
}  // namespace ddc::test
