// WebSocket on ddc-node's HTTP server (ServerOptions::websockets): registered paths upgrade,
// others are ordinary requests; replies come in message order and a message without a reply
// gets none; the limits hold (message size closes with 1009, silence closes after
// idle_timeout_ms, the connection counts against max_connections); the HTTP routes keep
// working on the same port; Stop() with open sessions returns.
//
// The client side is Beast's own WebSocket client driven asynchronously with a generous guard
// timeout, so that a server that fails to close shows as a failed expectation rather than a
// hang; nothing is asserted about elapsed time.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "ddc/chain.h"
#include "node/server/chain_rpc.h"
#include "node/server/http_server.h"
#include "node/server/rpc_client.h"
#include "tests/node/tls_test_util.h"
#include "tests/test_util.h"

// Boost.Asio 1.74 trips GCC 12's -Wnull-dereference at -O2 (see node/server/http_server.cc).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/beast/core/tcp_stream.hpp>
#pragma GCC diagnostic pop

namespace ddc::node {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;
namespace asio = test::asio;
namespace beast = test::beast;
namespace http = test::http;
namespace websocket = test::websocket;
using tcp = test::tcp;

// Far longer than any server limit in these tests: only keeps a broken test from hanging.
constexpr auto kGuard = 10s;

using test::Mentions;

// A WebSocket client whose every operation runs to completion or to kGuard.
class WsClient {
 public:
  // Handshakes on `path`; ok() says whether it worked.
  WsClient(uint16_t port, const std::string& path) {
    beast::tcp_stream& stream = beast::get_lowest_layer(ws_);
    stream.expires_after(kGuard);
    stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                         [&](beast::error_code e) { ec_ = e; });
    Run();
    if (ec_) return;
    ws_.async_handshake(response_, "127.0.0.1:" + std::to_string(port), path,
                        [&](beast::error_code e) { ec_ = e; });
    Run();
  }

  bool ok() const { return !ec_; }
  beast::error_code error() const { return ec_; }
  const websocket::response_type& handshake_response() const { return response_; }
  websocket::close_reason reason() const { return ws_.reason(); }

  beast::error_code Write(const std::string& message) {
    beast::get_lowest_layer(ws_).expires_after(kGuard);
    ws_.text(true);
    ws_.async_write(asio::buffer(message), [&](beast::error_code e, size_t) { ec_ = e; });
    Run();
    return ec_;
  }
  // The next message, or "" with error() set.
  std::string Read() {
    beast::get_lowest_layer(ws_).expires_after(kGuard);
    beast::flat_buffer buffer;
    ws_.async_read(buffer, [&](beast::error_code e, size_t) { ec_ = e; });
    Run();
    return ec_ ? "" : beast::buffers_to_string(buffer.data());
  }

 private:
  void Run() {
    ioc_.restart();
    ioc_.run();
  }

  asio::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_{ioc_};
  websocket::response_type response_;
  beast::error_code ec_;
};

std::string RpcRequest(uint64_t id, std::string_view method, const Json& params = Json::array()) {
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump();
}

class WebSocketServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chain_ = test::OpenTestDevChain(dir_.Sub("chain"));
    ASSERT_NE(chain_, nullptr);
  }
  void TearDown() override {
    if (server_) server_->Stop(0ms);
    server_.reset();
    if (chain_) EXPECT_OK(chain_->Close());
  }

  void StartServer(const ServerLimits& limits = {}) {
    ServerOptions so;
    so.port = 0;
    so.threads = 4;
    so.limits = limits;
    so.log = [](std::string_view) {};
    so.websockets["/rpc"] = [this](std::string_view m) {
      if (m == "throw") throw std::runtime_error("handler failed");
      return HandleChainRpc(chain_.get(), m);
    };
    server_ = std::make_unique<HttpServer>(so, [this](const Request& r) {
      if (r.target() == "/rpc" && r.method() == http::verb::post) {
        return MakeResponse(http::status::ok, HandleChainRpc(chain_.get(), r.body()),
                            "application/json");
      }
      if (r.target() == "/health") return MakeResponse(http::status::ok, "ok", "text/plain");
      return ErrorResponse(http::status::not_found, "not_found", "no such route");
    });
    ASSERT_OK(server_->Start());
  }

  uint16_t port() const { return server_->port(); }

  std::string Url(std::string_view scheme, std::string_view path = "/rpc") const {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(port()) + std::string(path);
  }

  // One JSON-RPC call on a fresh client.
  Result<Json> CallOnce(const std::string& url) {
    RpcClientOptions o;
    o.timeout_ms = 10'000;
    Result<std::unique_ptr<RpcClient>> client = OpenRpcClient(url, o);
    if (!client.ok()) return client.status();
    return (*client)->Call("system_chain", Json::array());
  }

  ::ddc::test::TempDir dir_;
  std::unique_ptr<chain::Chain> chain_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(WebSocketServerTest, RepliesInMessageOrderAndSkipsNotifications) {
  StartServer();
  WsClient ws(port(), "/rpc");
  ASSERT_TRUE(ws.ok()) << ws.error().message();
  EXPECT_EQ(ws.handshake_response()[http::field::server], "ddc-node");
  // Everything is sent before anything is read; a notification (no id) in the middle.
  constexpr uint64_t kRequests = 20;
  for (uint64_t id = 1; id <= kRequests; ++id) {
    ASSERT_FALSE(
        ws.Write(RpcRequest(id, id % 2 ? "system_chain" : "chain_getBlockHash", Json::array({0}))));
    if (id == 10) {
      ASSERT_FALSE(ws.Write(Json{{"jsonrpc", "2.0"}, {"method", "system_chain"}}.dump()));
    }
  }
  for (uint64_t id = 1; id <= kRequests; ++id) {
    const std::string message = ws.Read();
    ASSERT_TRUE(ws.ok()) << ws.error().message();
    const Json reply = Json::parse(message, nullptr, false);
    ASSERT_TRUE(reply.is_object()) << message;
    EXPECT_EQ(reply["id"], id) << message;
    EXPECT_TRUE(reply.contains("result")) << message;
  }
}

TEST_F(WebSocketServerTest, UpgradesOnlyRegisteredPaths) {
  StartServer();
  // An unrouted path: the HTTP handler's 404 refuses the upgrade.
  Result<Json> r = CallOnce(Url("ws", "/nope"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsIOError()) << r.status().ToString();
  EXPECT_TRUE(Mentions(r.status(), "HTTP 404"));
  // A routed HTTP path is answered as HTTP, which declines the upgrade too.
  WsClient health(port(), "/health");
  EXPECT_EQ(health.error(), websocket::error::upgrade_declined);
  EXPECT_EQ(health.handshake_response().result(), http::status::ok);
  // The registered path, with a query, upgrades.
  r = CallOnce(Url("ws", "/rpc?client=test"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "ddc-dev");
}

TEST_F(WebSocketServerTest, HttpRoutesStillWorkOnTheSamePort) {
  StartServer();
  WsClient ws(port(), "/rpc");  // A WebSocket session open meanwhile.
  ASSERT_TRUE(ws.ok()) << ws.error().message();
  Result<Json> r = CallOnce(Url("http"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "ddc-dev");
  // A plain GET of the WebSocket path is an ordinary request.
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port()));
  http::request<http::string_body> get(http::verb::get, "/health", 11);
  get.set(http::field::host, "127.0.0.1");
  http::write(stream, get);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res.body(), "ok");
  // And the WebSocket session is still served.
  ASSERT_FALSE(ws.Write(RpcRequest(1, "system_chain")));
  EXPECT_NE(ws.Read().find("ddc-dev"), std::string::npos);
}

TEST_F(WebSocketServerTest, AnOversizedMessageClosesTheConnectionWith1009) {
  ServerLimits limits;
  limits.max_body_bytes = 4096;
  StartServer(limits);
  WsClient ws(port(), "/rpc");
  ASSERT_TRUE(ws.ok()) << ws.error().message();
  const std::string big = RpcRequest(1, "system_chain", Json::array({std::string(8192, 'x')}));
  (void)ws.Write(big);  // May fail if the server closes before all of it is sent.
  (void)ws.Read();
  EXPECT_FALSE(ws.ok());
  EXPECT_NE(ws.error(), beast::error::timeout) << "the server did not close the connection";
  if (ws.error() == websocket::error::closed) {
    EXPECT_EQ(ws.reason().code, websocket::close_code::too_big);
  }
  // The server lives on: a message under the limit on a new connection is answered.
  WsClient again(port(), "/rpc");
  ASSERT_TRUE(again.ok()) << again.error().message();
  ASSERT_FALSE(again.Write(RpcRequest(2, "system_chain")));
  EXPECT_NE(again.Read().find("ddc-dev"), std::string::npos);
}

TEST_F(WebSocketServerTest, ASilentConnectionIsClosedAfterTheIdleTimeout) {
  ServerLimits limits;
  limits.idle_timeout_ms = 200;
  StartServer(limits);
  WsClient ws(port(), "/rpc");
  ASSERT_TRUE(ws.ok()) << ws.error().message();
  ASSERT_FALSE(ws.Write(RpcRequest(1, "system_chain")));  // Activity first: answered.
  EXPECT_NE(ws.Read().find("ddc-dev"), std::string::npos);
  (void)ws.Read();  // Then silence: the server closes.
  EXPECT_FALSE(ws.ok());
  EXPECT_NE(ws.error(), beast::error::timeout) << "the server did not close the connection";
}

TEST_F(WebSocketServerTest, AFailingHandlerClosesWithInternalError) {
  StartServer();
  WsClient ws(port(), "/rpc");
  ASSERT_TRUE(ws.ok()) << ws.error().message();
  ASSERT_FALSE(ws.Write("throw"));
  (void)ws.Read();
  ASSERT_EQ(ws.error(), websocket::error::closed) << ws.error().message();
  EXPECT_EQ(ws.reason().code, websocket::close_code::internal_error);
  EXPECT_TRUE(CallOnce(Url("ws")).ok());
}

TEST_F(WebSocketServerTest, SessionsCountAgainstMaxConnections) {
  ServerLimits limits;
  limits.max_connections = 1;
  StartServer(limits);
  {
    WsClient ws(port(), "/rpc");
    ASSERT_TRUE(ws.ok()) << ws.error().message();
    ASSERT_FALSE(ws.Write(RpcRequest(1, "system_chain")));
    ASSERT_NE(ws.Read().find("ddc-dev"), std::string::npos);
    // The session holds the only connection: another is refused with 503.
    Result<Json> r = CallOnce(Url("http"));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(Mentions(r.status(), "HTTP 503")) << r.status().ToString();
  }
  // Once the session is gone its connection is free again. The server notices the close
  // asynchronously, so this waits (bounded) for it rather than asserting when.
  Result<Json> r = Status::IOError("not tried");
  for (int i = 0; i < 200 && !r.ok(); ++i) {
    r = CallOnce(Url("http"));
    if (!r.ok()) std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "ddc-dev");
}

TEST_F(WebSocketServerTest, StopReturnsWithSessionsOpen) {
  StartServer();
  WsClient idle(port(), "/rpc");
  ASSERT_TRUE(idle.ok()) << idle.error().message();
  WsClient busy(port(), "/rpc");
  ASSERT_TRUE(busy.ok()) << busy.error().message();
  ASSERT_FALSE(busy.Write(RpcRequest(1, "system_chain")));
  EXPECT_NE(busy.Read().find("ddc-dev"), std::string::npos);
  server_->Stop(100ms);
  server_.reset();  // Sessions end with the server: their clients see the connection close.
  (void)idle.Read();
  EXPECT_FALSE(idle.ok());
  EXPECT_NE(idle.error(), beast::error::timeout);
}

}  // namespace
}  // namespace ddc::node
