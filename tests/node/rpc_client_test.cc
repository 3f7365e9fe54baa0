// The JSON-RPC client (node/server/rpc_client.h) over HTTP and WebSocket.
//
// Against the real thing: ddc-node's HttpServer serving a dev chain's JSON-RPC (HandleChainRpc)
// on POST /rpc and on WebSocket /rpc, in process. Against scripted servers (ThreadServer,
// tests/node/tls_test_util.h) for what a real server rarely does on demand: closing a kept-alive
// connection between calls, never answering, answering with the wrong id, with something that
// is not JSON-RPC, or with too much. Every expectation is on a Status code and message, never
// on elapsed time.
#include "node/server/rpc_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "ddc/chain.h"
#include "engine/base/hex.h"
#include "node/server/chain_rpc.h"
#include "node/server/http_server.h"
#include "tests/node/tls_test_util.h"
#include "tests/test_util.h"

namespace ddc::node {
namespace {

using Json = nlohmann::json;
using test::ThreadServer;
using namespace std::chrono_literals;

using test::Mentions;

std::string Url(std::string_view scheme, uint16_t port, std::string_view path = "/rpc") {
  return std::string(scheme) + "://127.0.0.1:" + std::to_string(port) + std::string(path);
}

std::unique_ptr<RpcClient> OpenOrDie(const std::string& url, const RpcClientOptions& o = {}) {
  Result<std::unique_ptr<RpcClient>> client = OpenRpcClient(url, o);
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return client.ok() ? std::move(client).value() : nullptr;
}

// ---- URLs ----

TEST(RpcUrlTest, ParsesGoodForms) {
  struct Case {
    const char* url;
    RpcUrl::Scheme scheme;
    const char* host;
    const char* port;
    const char* path;
  };
  const Case cases[] = {
      {"http://127.0.0.1", RpcUrl::Scheme::kHttp, "127.0.0.1", "80", "/"},
      {"https://rpc.example.com", RpcUrl::Scheme::kHttps, "rpc.example.com", "443", "/"},
      {"ws://node:9944", RpcUrl::Scheme::kWs, "node", "9944", "/"},
      {"wss://node/rpc/v1?token=x", RpcUrl::Scheme::kWss, "node", "443", "/rpc/v1?token=x"},
      {"WSS://Node:8443/", RpcUrl::Scheme::kWss, "Node", "8443", "/"},
      {"http://[::1]:8844/rpc", RpcUrl::Scheme::kHttp, "::1", "8844", "/rpc"},
      {"ws://[fe80::1]", RpcUrl::Scheme::kWs, "fe80::1", "80", "/"},
      {"http://h:08080?q", RpcUrl::Scheme::kHttp, "h", "8080", "/?q"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);
    Result<RpcUrl> url = ParseRpcUrl(c.url);
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    EXPECT_EQ(url->scheme, c.scheme);
    EXPECT_EQ(url->host, c.host);
    EXPECT_EQ(url->port, c.port);
    EXPECT_EQ(url->path, c.path);
    EXPECT_EQ(url->text, c.url);
    const bool tls = c.scheme == RpcUrl::Scheme::kHttps || c.scheme == RpcUrl::Scheme::kWss;
    const bool websocket = c.scheme == RpcUrl::Scheme::kWs || c.scheme == RpcUrl::Scheme::kWss;
    EXPECT_EQ(url->tls(), tls);
    EXPECT_EQ(url->websocket(), websocket);
  }
}

TEST(RpcUrlTest, RefusesBadFormsSayingWhy) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "no scheme"},
      {"127.0.0.1:9944", "no scheme"},
      {"ftp://host", "scheme 'ftp' is not supported"},
      {"http://", "no host"},
      {"ws://:9944", "no host"},
      {"http://host:0", "port '0'"},
      {"http://host:65536", "port '65536'"},
      {"http://host:", "port ''"},
      {"http://host:9x", "port '9x'"},
      {"https://user:secret@host", "user info"},
      {"http://[::1", "unclosed '['"},
      {"http://[::1]9944", "junk after the IPv6 address"},
      {"http://[not-v6]:1", "is not an IPv6 address"},
      {"http://::1:9944", "must be in brackets"},
      {"http://ho%st", "bad character"},
      {"http://host/a b", "space or control character"},
      {"http://host/\r\nX-Injected: 1", "space or control character"},
      {"http://host/rpc#frag", "fragment"},
  };
  for (const auto& [text, why] : cases) {
    SCOPED_TRACE(text);
    Result<RpcUrl> url = ParseRpcUrl(text);
    ASSERT_FALSE(url.ok());
    EXPECT_TRUE(url.status().IsInvalidArgument()) << url.status().ToString();
    EXPECT_TRUE(Mentions(url.status(), why));
    // OpenRpcClient refuses the same URLs the same way.
    Result<std::unique_ptr<RpcClient>> client = OpenRpcClient(text);
    ASSERT_FALSE(client.ok());
    EXPECT_TRUE(Mentions(client.status(), why));
  }
}

TEST(RpcClientOpenTest, RefusesZeroLimits) {
  RpcClientOptions o;
  o.timeout_ms = 0;
  Result<std::unique_ptr<RpcClient>> client = OpenRpcClient("http://127.0.0.1:1/", o);
  ASSERT_FALSE(client.ok());
  EXPECT_TRUE(Mentions(client.status(), "timeout_ms"));
  o = {};
  o.max_response_bytes = 0;
  client = OpenRpcClient("ws://127.0.0.1:1/", o);
  ASSERT_FALSE(client.ok());
  EXPECT_TRUE(Mentions(client.status(), "max_response_bytes"));
}

// ---- Against ddc-node's HTTP server and a dev chain ----

class RpcClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chain_ = test::OpenTestDevChain(dir_.Sub("chain"));
    ASSERT_NE(chain_, nullptr);
    ServerOptions so;
    so.port = 0;
    so.threads = 4;
    so.websockets["/rpc"] = [this](std::string_view m) { return HandleChainRpc(chain_.get(), m); };
    server_ = std::make_unique<HttpServer>(so, [this](const Request& r) { return Route(r); });
    ASSERT_OK(server_->Start());
  }
  void TearDown() override {
    if (server_) server_->Stop(0ms);
    if (chain_) EXPECT_OK(chain_->Close());
  }

  Response Route(const Request& r) {
    if (r.target() == "/rpc" && r.method() == boost::beast::http::verb::post) {
      return MakeResponse(boost::beast::http::status::ok, HandleChainRpc(chain_.get(), r.body()),
                          "application/json");
    }
    return ErrorResponse(boost::beast::http::status::not_found, "not_found", "no such route");
  }

  std::string GenesisHex() {
    Result<chain::ChainInfo> info = chain_->Info();
    EXPECT_TRUE(info.ok());
    return info.ok() ? "0x" + Hex(info->genesis_hash) : "";
  }

  ::ddc::test::TempDir dir_;
  std::unique_ptr<chain::Chain> chain_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(RpcClientTest, AnswersOverHttpAndWebSocket) {
  const std::string genesis = GenesisHex();
  ASSERT_EQ(genesis.size(), 66u);
  for (const char* scheme : {"http", "ws"}) {
    SCOPED_TRACE(scheme);
    std::unique_ptr<RpcClient> client = OpenOrDie(Url(scheme, server_->port()));
    ASSERT_NE(client, nullptr);
    Result<Json> name = client->Call("system_chain", Json::array());
    ASSERT_TRUE(name.ok()) << name.status().ToString();
    EXPECT_EQ(*name, "ddc-dev");
    Result<Json> hash = client->Call("chain_getBlockHash", Json::array({0}));
    ASSERT_TRUE(hash.ok()) << hash.status().ToString();
    EXPECT_EQ(*hash, genesis);
    // The same connection serves many calls.
    for (int i = 0; i < 20; ++i) {
      Result<Json> again = client->Call("chain_getBlockHash", Json::array({0}));
      ASSERT_TRUE(again.ok()) << again.status().ToString();
      EXPECT_EQ(*again, genesis);
    }
  }
}

TEST_F(RpcClientTest, JsonRpcErrorsAreFailedWithMethodMessageAndCode) {
  for (const char* scheme : {"http", "ws"}) {
    SCOPED_TRACE(scheme);
    std::unique_ptr<RpcClient> client = OpenOrDie(Url(scheme, server_->port()));
    ASSERT_NE(client, nullptr);
    Result<Json> r = client->Call("no_such_method", Json::array());
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsFailed()) << r.status().ToString();
    EXPECT_TRUE(Mentions(r.status(), "no_such_method: Method not found: no_such_method"));
    EXPECT_TRUE(Mentions(r.status(), "(code -32601)"));
    r = client->Call("chain_getBlockHash", Json::array({"not a number"}));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(Mentions(r.status(), "(code -32602)"));
    // The connection is still good after an error response.
    EXPECT_TRUE(client->Call("system_chain", Json::array()).ok());
  }
}

TEST_F(RpcClientTest, NullResultsAreReturnedAsNull) {
  for (const char* scheme : {"http", "ws"}) {
    SCOPED_TRACE(scheme);
    std::unique_ptr<RpcClient> client = OpenOrDie(Url(scheme, server_->port()));
    ASSERT_NE(client, nullptr);
    Result<Json> r = client->Call("chain_getBlockHash", Json::array({123456789}));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->is_null()) << r->dump();
  }
}

TEST_F(RpcClientTest, ParamsMustBeAnArrayOrObject) {
  std::unique_ptr<RpcClient> client = OpenOrDie(Url("http", server_->port()));
  ASSERT_NE(client, nullptr);
  Result<Json> r = client->Call("system_chain", Json("x"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
}

TEST_F(RpcClientTest, ConcurrentCallsAgainstTheChainGetTheirOwnAnswers) {
  const std::string genesis = GenesisHex();
  for (const char* scheme : {"http", "ws"}) {
    SCOPED_TRACE(scheme);
    std::unique_ptr<RpcClient> client = OpenOrDie(Url(scheme, server_->port()));
    ASSERT_NE(client, nullptr);
    std::vector<std::thread> threads;
    std::atomic<int> wrong{0};
    for (int t = 0; t < 6; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 15; ++i) {
          switch ((t + i) % 3) {
            case 0: {
              Result<Json> r = client->Call("chain_getBlockHash", Json::array({0}));
              if (!r.ok() || *r != genesis) ++wrong;
              break;
            }
            case 1: {
              Result<Json> r = client->Call("chain_getBlockHash", Json::array({1000 + i}));
              if (!r.ok() || !r->is_null()) ++wrong;
              break;
            }
            default: {
              Result<Json> r = client->Call("system_chain", Json::array());
              if (!r.ok() || *r != "ddc-dev") ++wrong;
              break;
            }
          }
        }
      });
    }
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(wrong.load(), 0);
  }
}

// ---- Transport failures, against scripted servers ----

// What a scripted server does with one request.
struct Scripted {
  std::vector<std::string> messages;  // HTTP: [0] is the body; WebSocket: sent in order.
  unsigned status = 200;              // HTTP only.
  bool close = false;                 // Shut the connection down after answering.
};
using Script = std::function<Scripted(const Json& request, int connection)>;

// Counts events another thread waits for.
class Counter {
 public:
  void Add() {
    std::lock_guard lock(mu_);
    ++count_;
    cv_.notify_all();
  }
  // Whether the count reached `n`; the 10 s bound only keeps a broken test from hanging.
  bool WaitFor(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 10s, [&] { return count_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int count_ = 0;
};

std::string Reply(const Json& id, const Json& result) {
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", result}}.dump();
}

// A script for HTTP: reads requests, answers each with the script's first message.
ThreadServer::Serve ServeHttp(Script script, Counter* closed = nullptr) {
  return [script = std::move(script), closed](test::tcp::socket& socket, int connection) {
    test::beast::flat_buffer buffer;
    for (;;) {
      test::http::request<test::http::string_body> req;
      boost::system::error_code ec;
      test::http::read(socket, buffer, req, ec);
      if (ec) return;
      const Scripted s = script(Json::parse(req.body(), nullptr, false), connection);
      if (!s.messages.empty()) {
        test::http::response<test::http::string_body> res(static_cast<test::http::status>(s.status),
                                                          11);
        res.set(test::http::field::content_type, "application/json");
        res.body() = s.messages[0];
        res.keep_alive(true);
        res.prepare_payload();
        test::http::write(socket, res, ec);
        if (ec) return;
      }
      if (s.close) {
        socket.shutdown(test::tcp::socket::shutdown_both, ec);
        if (closed != nullptr) closed->Add();
        return;
      }
    }
  };
}

// A script for WebSocket: accepts the upgrade, then sends the script's messages for each
// message received.
ThreadServer::Serve ServeWebSocket(Script script, Counter* closed = nullptr) {
  return [script = std::move(script), closed](test::tcp::socket& socket, int connection) {
    test::websocket::stream<test::tcp::socket&> ws(socket);
    boost::system::error_code ec;
    ws.accept(ec);
    if (ec) return;
    for (;;) {
      test::beast::flat_buffer buffer;
      ws.read(buffer, ec);
      if (ec) return;
      const Scripted s = script(
          Json::parse(test::beast::buffers_to_string(buffer.data()), nullptr, false), connection);
      for (const std::string& m : s.messages) {
        ws.text(true);
        ws.write(test::asio::buffer(m), ec);
        if (ec) return;
      }
      if (s.close) {
        socket.shutdown(test::tcp::socket::shutdown_both, ec);
        if (closed != nullptr) closed->Add();
        return;
      }
    }
  };
}

ThreadServer::Serve Serve(std::string_view scheme, Script script, Counter* closed = nullptr) {
  return scheme == "ws" ? ServeWebSocket(std::move(script), closed)
                        : ServeHttp(std::move(script), closed);
}

Scripted Echo(const Json& request) { return {{Reply(request["id"], request["params"])}}; }

TEST(RpcTransportTest, UnreachablePortIsIOErrorNamingTheUrl) {
  uint16_t port = 0;
  {
    // A port nobody listens on: bound by us, then released.
    test::asio::io_context ioc;
    test::tcp::acceptor acceptor(ioc, {test::asio::ip::make_address("127.0.0.1"), 0});
    port = acceptor.local_endpoint().port();
  }
  for (const char* scheme : {"http", "ws"}) {
    SCOPED_TRACE(scheme);
    const std::string url = Url(scheme, port);
    std::unique_ptr<RpcClient> client = OpenOrDie(url);
    ASSERT_NE(client, nullptr);
    Result<Json> r = client->Call("system_chain", Json::array());
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsIOError()) << r.status().ToString();
    EXPECT_TRUE(Mentions(r.status(), "cannot connect to " + url));
  }
}

TEST(RpcTransportTest, AServerThatNeverAnswersTimesOut) {
  RpcClientOptions o;
  o.timeout_ms = 300;
  // Accepts, reads the request (or completes the WebSocket handshake), never answers.
  for (const char* scheme : {"http", "ws"}) {
    SCOPED_TRACE(scheme);
    ThreadServer server(Serve(scheme, [](const Json&, int) { return Scripted{}; }));
    std::unique_ptr<RpcClient> client = OpenOrDie(Url(scheme, server.port()), o);
    ASSERT_NE(client, nullptr);
    Result<Json> r = client->Call("system_chain", Json::array());
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsIOError()) << r.status().ToString();
    EXPECT_TRUE(Mentions(r.status(),
                         "timed out after 300 ms waiting for the answer to "
                         "system_chain from " +
                             Url(scheme, server.port())));
  }
  // Never even accepts: the kernel completes the TCP handshake from the listen backlog, so
  // the WebSocket handshake is what times out.
  test::asio::io_context ioc;
  test::tcp::acceptor backlog(ioc, {test::asio::ip::make_address("127.0.0.1"), 0});
  std::unique_ptr<RpcClient> client = OpenOrDie(Url("ws", backlog.local_endpoint().port()), o);
  ASSERT_NE(client, nullptr);
  Result<Json> r = client->Call("system_chain", Json::array());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsIOError()) << r.status().ToString();
  EXPECT_TRUE(Mentions(r.status(), "timed out after 300 ms in the WebSocket handshake"));
}

TEST(RpcTransportTest, ResendsOnceWhenAKeptAliveConnectionWasClosed) {
  for (const char* scheme : {"http", "ws"}) {
    SCOPED_TRACE(scheme);
    Counter closed;
    // Answers one request per connection (saying keep-alive), then closes it.
    ThreadServer server(Serve(
        scheme,
        [](const Json& request, int) {
          Scripted s = Echo(request);
          s.close = true;
          return s;
        },
        &closed));
    std::unique_ptr<RpcClient> client = OpenOrDie(Url(scheme, server.port()));
    ASSERT_NE(client, nullptr);
    Result<Json> first = client->Call("echo", Json::array({1}));
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    ASSERT_TRUE(closed.WaitFor(1));  // The connection the client kept is now closed.
    Result<Json> second = client->Call("echo", Json::array({2}));
    ASSERT_TRUE(second.ok()) << second.status().ToString();
    EXPECT_EQ(*second, Json::array({2}));
    EXPECT_EQ(server.accepted(), 2);
  }
}

TEST(RpcTransportTest, ResendsOnlyOnce) {
  for (const char* scheme : {"http", "ws"}) {
    SCOPED_TRACE(scheme);
    Counter closed;
    // The first connection answers one request and closes; later ones close unanswered.
    ThreadServer server(Serve(
        scheme,
        [](const Json& request, int connection) {
          Scripted s = connection == 1 ? Echo(request) : Scripted{};
          s.close = true;
          return s;
        },
        &closed));
    std::unique_ptr<RpcClient> client = OpenOrDie(Url(scheme, server.port()));
    ASSERT_NE(client, nullptr);
    ASSERT_TRUE(client->Call("echo", Json::array()).ok());
    ASSERT_TRUE(closed.WaitFor(1));
    Result<Json> r = client->Call("echo", Json::array());
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsIOError()) << r.status().ToString();
    EXPECT_TRUE(Mentions(r.status(), "closed the connection without answering echo"));
    EXPECT_EQ(server.accepted(), 2);
  }
}

// Scripted answers by method name, for the checks on what comes back.
Scripted Misbehave(const Json& request, int) {
  const Json id = request["id"];
  const std::string method = request["method"];
  if (method == "wrong_id") return {{Reply(id.get<uint64_t>() + 1, 1)}};
  if (method == "not_json") return {{"<html>hello</html>"}};
  if (method == "no_version") return {{Json{{"id", id}, {"result", 1}}.dump()}};
  if (method == "not_an_object") return {{Json::array({Json::parse(Reply(id, 1))}).dump()}};
  if (method == "both") {
    return {{Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", 1}, {"error", 2}}.dump()}};
  }
  if (method == "neither") return {{Json{{"jsonrpc", "2.0"}, {"id", id}}.dump()}};
  if (method == "bad_error") {
    return {{Json{{"jsonrpc", "2.0"}, {"id", id}, {"error", "boom"}}.dump()}};
  }
  if (method == "http_500") return {{"internal trouble"}, 500};
  if (method == "untied_error") {
    return {{Json{{"jsonrpc", "2.0"},
                  {"id", nullptr},
                  {"error", {{"code", -32700}, {"message", "Parse error"}}}}
                 .dump()}};
  }
  if (method == "error") {
    return {{Json{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", 7}, {"message", "nope"}}}}
                 .dump()}};
  }
  if (method == "big") return {{Reply(id, std::string(4096, 'x'))}};
  return Echo(request);
}

// Each (method, what the message must say) of `corrupt`, called on `client` of `url`, is
// Corruption naming the method, the URL and what is wrong.
void ExpectCorruption(RpcClient* client, const std::string& url,
                      std::span<const std::pair<const char*, const char*>> corrupt) {
  for (const auto& [method, why] : corrupt) {
    SCOPED_TRACE(method);
    Result<Json> r = client->Call(method, Json::array());
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
    EXPECT_TRUE(Mentions(r.status(), method));
    EXPECT_TRUE(Mentions(r.status(), url));
    EXPECT_TRUE(Mentions(r.status(), why));
  }
}

TEST(RpcTransportTest, AnswersThatAreNotJsonRpcAreCorruptionOverHttp) {
  ThreadServer server(ServeHttp(Misbehave));
  const std::string url = Url("http", server.port());
  std::unique_ptr<RpcClient> client = OpenOrDie(url);
  ASSERT_NE(client, nullptr);
  const std::pair<const char*, const char*> corrupt[] = {
      {"wrong_id", "\"id\""},
      {"not_json", "is not JSON: <html>hello</html>"},
      {"no_version", "\"jsonrpc\" is not \"2.0\""},
      {"not_an_object", "not an object"},
      {"both", "both \"result\" and \"error\""},
      {"neither", "neither \"result\" nor \"error\""},
      {"bad_error", "malformed \"error\""},
      {"http_500", "HTTP 500"},
  };
  ExpectCorruption(client.get(), url, corrupt);
  // Errors, tied to the request or not (id null), are Failed.
  Result<Json> r = client->Call("error", Json::array());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsFailed()) << r.status().ToString();
  EXPECT_EQ(r.status().message(), "error: nope (code 7)");
  r = client->Call("untied_error", Json::array());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsFailed()) << r.status().ToString();
  EXPECT_EQ(r.status().message(), "untied_error: Parse error (code -32700)");
  // And the client still works.
  r = client->Call("echo", Json::array({5}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, Json::array({5}));
}

TEST(RpcTransportTest, WebSocketDropsNotificationsAndOtherAnswers) {
  ThreadServer server(ServeWebSocket([](const Json& request, int) {
    const Json id = request["id"];
    return Scripted{{Json{{"jsonrpc", "2.0"}, {"method", "sub"}, {"params", {1}}}.dump(),
                     Reply(id.get<uint64_t>() + 100, "not yours"), Reply(nullptr, "no id"),
                     Reply(id, "yours")}};
  }));
  std::unique_ptr<RpcClient> client = OpenOrDie(Url("ws", server.port()));
  ASSERT_NE(client, nullptr);
  for (int i = 0; i < 3; ++i) {
    Result<Json> r = client->Call("anything", Json::array());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, "yours");
  }
  EXPECT_EQ(server.accepted(), 1);
}

TEST(RpcTransportTest, AnswersThatAreNotJsonRpcAreCorruptionOverWebSocket) {
  ThreadServer server(ServeWebSocket(Misbehave));
  const std::string url = Url("ws", server.port());
  std::unique_ptr<RpcClient> client = OpenOrDie(url);
  ASSERT_NE(client, nullptr);
  const std::pair<const char*, const char*> corrupt[] = {
      {"not_json", "is not JSON: <html>hello</html>"},
      {"no_version", "\"jsonrpc\" is not \"2.0\""},
      {"both", "both \"result\" and \"error\""},
      {"bad_error", "malformed \"error\""},
  };
  ExpectCorruption(client.get(), url, corrupt);
  Result<Json> r = client->Call("error", Json::array());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "error: nope (code 7)");
  r = client->Call("echo", Json::array({5}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, Json::array({5}));
}

TEST(RpcTransportTest, OversizeAnswersAreIOError) {
  RpcClientOptions o;
  o.max_response_bytes = 1024;
  for (const char* scheme : {"http", "ws"}) {
    SCOPED_TRACE(scheme);
    ThreadServer server(Serve(scheme, Misbehave));
    std::unique_ptr<RpcClient> client = OpenOrDie(Url(scheme, server.port()), o);
    ASSERT_NE(client, nullptr);
    Result<Json> r = client->Call("big", Json::array());
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsIOError()) << r.status().ToString();
    EXPECT_TRUE(Mentions(r.status(), "the answer to big from " + Url(scheme, server.port()) +
                                         " is larger than max_response_bytes (1024)"));
    // The connection is dropped; the next call makes a new one.
    r = client->Call("echo", Json::array({1}));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(server.accepted(), 2);
  }
}

TEST(RpcTransportTest, ConcurrentCallsGetTheirOwnAnswersWithIncreasingIds) {
  for (const char* scheme : {"http", "ws"}) {
    SCOPED_TRACE(scheme);
    std::mutex mu;
    std::vector<uint64_t> ids;  // In the order the server saw them.
    ThreadServer server(Serve(scheme, [&](const Json& request, int) {
      std::lock_guard lock(mu);
      ids.push_back(request["id"].get<uint64_t>());
      return Echo(request);
    }));
    std::unique_ptr<RpcClient> client = OpenOrDie(Url(scheme, server.port()));
    ASSERT_NE(client, nullptr);
    constexpr int kThreads = 8;
    constexpr int kCalls = 25;
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kCalls; ++i) {
          const Json params = Json::array({t, i});
          Result<Json> r = client->Call("echo", params);
          if (!r.ok() || *r != params) ++wrong;
        }
      });
    }
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(wrong.load(), 0);
    EXPECT_EQ(server.accepted(), 1);  // One kept-alive connection served every call.
    std::lock_guard lock(mu);
    ASSERT_EQ(ids.size(), static_cast<size_t>(kThreads * kCalls));
    for (size_t i = 1; i < ids.size(); ++i) EXPECT_LT(ids[i - 1], ids[i]);
  }
}

}  // namespace
}  // namespace ddc::node
