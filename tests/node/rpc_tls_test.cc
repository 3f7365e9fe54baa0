// The JSON-RPC client over TLS (https:// and wss://): it verifies the server's certificate
// against the trusted roots and the URL's host, and says which check failed.
//
// A CA and server certificates are made at test time with OpenSSL's C API (TestPki); a TLS
// server in the test (ServeChainRpcOverTls) answers from a real dev chain, over HTTP POSTs and
// over WebSocket. Each refusal is checked by its Status code and message.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "ddc/chain.h"
#include "engine/base/hex.h"
#include "node/server/rpc_client.h"
#include "tests/node/tls_test_util.h"
#include "tests/test_util.h"

namespace ddc::node {
namespace {

using Json = nlohmann::json;
using test::ThreadServer;

using test::Mentions;

class RpcTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chain_ = test::OpenTestDevChain(dir_.Sub("chain"));
    ASSERT_NE(chain_, nullptr);
    Result<chain::ChainInfo> info = chain_->Info();
    ASSERT_TRUE(info.ok());
    genesis_ = "0x" + Hex(info->genesis_hash);

    ASSERT_TRUE(pki_.Init());
    const std::string good = pki_.IssueServerCert("localhost", "DNS:localhost,IP:127.0.0.1");
    const std::string other = pki_.IssueServerCert("other", "DNS:other.example,IP:10.9.8.7");
    ASSERT_FALSE(good.empty());
    ASSERT_FALSE(other.empty());
    server_ = std::make_unique<ThreadServer>(test::ServeChainRpcOverTls(good, chain_.get()));
    other_server_ = std::make_unique<ThreadServer>(test::ServeChainRpcOverTls(other, chain_.get()));
  }
  void TearDown() override {
    server_.reset();
    other_server_.reset();
    if (chain_) EXPECT_OK(chain_->Close());
  }

  RpcClientOptions WithCa() const {
    RpcClientOptions o;
    o.ca_file = pki_.ca_file();
    o.timeout_ms = 10'000;
    return o;
  }

  Result<Json> CallOnce(const std::string& url, const RpcClientOptions& o,
                        std::string_view method = "chain_getBlockHash",
                        const Json& params = Json::array({0})) {
    Result<std::unique_ptr<RpcClient>> client = OpenRpcClient(url, o);
    if (!client.ok()) return client.status();
    return (*client)->Call(method, params);
  }

  ::ddc::test::TempDir dir_;
  test::TestPki pki_{dir_.path()};
  std::unique_ptr<chain::Chain> chain_;
  std::string genesis_;
  std::unique_ptr<ThreadServer> server_;        // Certificate for localhost and 127.0.0.1.
  std::unique_ptr<ThreadServer> other_server_;  // Certificate for other.example only.
};

TEST_F(RpcTlsTest, HttpsAndWssAnswerWhenTheCaIsTrusted) {
  const std::string port = std::to_string(server_->port());
  // By name (SNI and a DNS name in the certificate) and by address (an IP address in it).
  for (const std::string& url :
       {"https://localhost:" + port + "/rpc", "wss://localhost:" + port + "/rpc",
        "https://127.0.0.1:" + port + "/rpc", "wss://127.0.0.1:" + port + "/"}) {
    SCOPED_TRACE(url);
    Result<std::unique_ptr<RpcClient>> client = OpenRpcClient(url, WithCa());
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    for (int i = 0; i < 3; ++i) {  // Kept alive across calls.
      Result<Json> hash = (*client)->Call("chain_getBlockHash", Json::array({0}));
      ASSERT_TRUE(hash.ok()) << hash.status().ToString();
      EXPECT_EQ(*hash, genesis_);
    }
    Result<Json> name = (*client)->Call("system_chain", Json::array());
    ASSERT_TRUE(name.ok()) << name.status().ToString();
    EXPECT_EQ(*name, "ddc-dev");
    Result<Json> missing = (*client)->Call("no_such_method", Json::array());
    ASSERT_FALSE(missing.ok());
    EXPECT_TRUE(missing.status().IsFailed()) << missing.status().ToString();
    EXPECT_TRUE(Mentions(missing.status(), "(code -32601)"));
  }
}

TEST_F(RpcTlsTest, WithoutTheCaTheCertificateIsNotVerified) {
  RpcClientOptions o;  // The system's trusted roots, which do not include the test CA.
  o.timeout_ms = 10'000;
  const std::string port = std::to_string(server_->port());
  for (const std::string& url : {"https://localhost:" + port + "/rpc", "wss://localhost:" + port}) {
    SCOPED_TRACE(url);
    Result<Json> r = CallOnce(url, o);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsIOError()) << r.status().ToString();
    EXPECT_TRUE(Mentions(r.status(), "TLS handshake with " + url + " failed"));
    EXPECT_TRUE(Mentions(r.status(), "certificate verify failed"));
    EXPECT_TRUE(Mentions(r.status(), "the system's trusted roots"));
  }
}

TEST_F(RpcTlsTest, ACertificateForAnotherHostFailsHostVerification) {
  const std::string port = std::to_string(other_server_->port());
  const std::pair<std::string, const char*> cases[] = {
      {"https://localhost:" + port + "/rpc", "hostname mismatch"},
      {"wss://localhost:" + port + "/rpc", "hostname mismatch"},
      {"https://127.0.0.1:" + port + "/rpc", "IP address mismatch"},
  };
  for (const auto& [url, why] : cases) {
    SCOPED_TRACE(url);
    Result<Json> r = CallOnce(url, WithCa());
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsIOError()) << r.status().ToString();
    EXPECT_TRUE(Mentions(r.status(), "TLS handshake with " + url + " failed"));
    EXPECT_TRUE(Mentions(r.status(), "certificate verify failed"));
    EXPECT_TRUE(Mentions(r.status(), why));
  }
}

TEST_F(RpcTlsTest, AMissingCaFileIsRefusedAtOpen) {
  RpcClientOptions o;
  o.ca_file = dir_.Sub("no-such-ca.pem");
  Result<std::unique_ptr<RpcClient>> client =
      OpenRpcClient("https://localhost:" + std::to_string(server_->port()), o);
  ASSERT_FALSE(client.ok());
  EXPECT_TRUE(client.status().IsInvalidArgument()) << client.status().ToString();
  EXPECT_TRUE(Mentions(client.status(), o.ca_file));
}

TEST_F(RpcTlsTest, TlsToAPlainServerFailsTheHandshake) {
  // A server that answers the ClientHello with plain HTTP bytes.
  ThreadServer plain([](test::tcp::socket& socket, int) {
    const std::string junk = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    boost::system::error_code ec;
    std::array<char, 512> in{};
    (void)socket.read_some(test::asio::buffer(in), ec);
    test::asio::write(socket, test::asio::buffer(junk), ec);
  });
  const std::string url = "https://127.0.0.1:" + std::to_string(plain.port()) + "/";
  Result<Json> r = CallOnce(url, WithCa());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsIOError()) << r.status().ToString();
  EXPECT_TRUE(Mentions(r.status(), "TLS handshake with " + url + " failed"));
}

}  // namespace
}  // namespace ddc::node
