// Test servers for the JSON-RPC client tests (tests/node/rpc_*_test.cc):
//
//   ThreadServer  a TCP server on 127.0.0.1 that runs a script per connection on its own
//                 thread, with blocking I/O. Stop() wakes every blocked accept and read with
//                 shutdown(2), so a test never hangs on a client that went away or a script
//                 waiting for bytes that never come.
//   TestPki       a CA and server certificates made at test time with OpenSSL's C API (no
//                 openssl command), written as PEM files into a test directory.
//   ServeChainRpcOverTls  a ThreadServer script: TLS (Beast over asio::ssl), then JSON-RPC over
//                 HTTP POSTs or, after a WebSocket upgrade, over messages, answered by
//                 HandleChainRpc.
#ifndef DDC_TESTS_NODE_TLS_TEST_UTIL_H_
#define DDC_TESTS_NODE_TLS_TEST_UTIL_H_

// Boost.Asio 1.74 trips GCC 12's -Wnull-dereference at -O2 (see node/server/http_server.cc):
// silenced for Boost's headers only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>
#pragma GCC diagnostic pop

#include "ddc/chain.h"
#include "node/server/chain_rpc.h"

namespace ddc::node::test {

// True when `s`'s message holds `what`; else a failure showing the status.
inline ::testing::AssertionResult Mentions(const Status& s, std::string_view what) {
  if (s.message().find(what) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << s.ToString() << " does not mention '" << what << "'";
}

// A dev chain in `dir` with a fixed genesis time, for the servers of these tests.
inline std::unique_ptr<chain::Chain> OpenTestDevChain(const std::string& dir) {
  chain::DevChainOptions o;
  o.dir = dir;
  o.genesis.time_ms = 1700000000000;
  Result<std::unique_ptr<chain::Chain>> c = chain::OpenDevChain(o);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(c).value() : nullptr;
}

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

// A TCP server whose connections each run `serve(socket, n)` (n counts connections from 1) on
// a thread of their own. The socket is closed after `serve` returns.
class ThreadServer {
 public:
  using Serve = std::function<void(tcp::socket& socket, int connection)>;

  explicit ThreadServer(Serve serve)
      : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        serve_(std::move(serve)) {
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }
  ~ThreadServer() { Stop(); }
  ThreadServer(const ThreadServer&) = delete;
  ThreadServer& operator=(const ThreadServer&) = delete;

  uint16_t port() const { return port_; }
  int accepted() const { return accepted_.load(); }

  // Wakes the accept and every connection's blocked I/O, then joins their threads.
  void Stop() {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      stopping_ = true;
      ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    accept_thread_.join();
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mu_);
      threads.swap(threads_);
    }
    for (std::thread& t : threads) t.join();
  }

 private:
  void AcceptLoop() {
    for (int n = 1;; ++n) {
      tcp::socket socket(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      std::lock_guard lock(mu_);
      if (ec || stopping_) return;
      accepted_.fetch_add(1);
      const int fd = socket.native_handle();
      open_fds_.insert(fd);
      threads_.emplace_back([this, fd, n, s = std::move(socket)]() mutable {
        try {
          serve_(s, n);
        } catch (const std::exception&) {
          // A script's blocking call failed because the client went away or Stop() woke it.
        }
        // The descriptor leaves the set before it is closed, so Stop() never shuts down a
        // reused descriptor number.
        std::lock_guard closing(mu_);
        open_fds_.erase(fd);
        boost::system::error_code ignored;
        s.close(ignored);
      });
    }
  }

  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  const Serve serve_;
  uint16_t port_ = 0;
  std::atomic<int> accepted_{0};
  std::thread accept_thread_;

  std::mutex mu_;
  // Guarded by mu_.
  bool stopping_ = false;
  std::set<int> open_fds_;
  std::vector<std::thread> threads_;
};

// ---- Certificates ----

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;

inline Pkey NewEcKey() { return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); }

inline bool AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// A certificate for `key` named `common_name`, signed by `issuer_key` (self-signed when
// `issuer` is null), valid from an hour ago for a day. `extensions` are (NID, value) pairs in
// openssl.cnf syntax.
inline Cert MakeCert(EVP_PKEY* key, const std::string& common_name, X509* issuer,
                     EVP_PKEY* issuer_key, long serial,
                     const std::vector<std::pair<int, std::string>>& extensions) {
  Cert cert(X509_new());
  if (!cert) return nullptr;
  X509* x = cert.get();
  X509_set_version(x, 2);  // v3
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(x, issuer != nullptr ? X509_get_subject_name(issuer) : name);
  for (const auto& [nid, value] : extensions) {
    if (!AddExtension(x, issuer != nullptr ? issuer : x, nid, value.c_str())) return nullptr;
  }
  if (X509_sign(x, issuer_key, EVP_sha256()) == 0) return nullptr;
  return cert;
}

inline bool WritePem(const std::string& path, X509* cert, EVP_PKEY* key) {
  BIO* bio = BIO_new_file(path.c_str(), "w");
  if (bio == nullptr) return false;
  bool ok = true;
  if (cert != nullptr) ok = ok && PEM_write_bio_X509(bio, cert) == 1;
  if (key != nullptr) {
    ok = ok && PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  }
  BIO_free(bio);
  return ok;
}

// A test CA and server certificates it signed, as PEM files under `dir`.
class TestPki {
 public:
  explicit TestPki(std::string dir) : dir_(std::move(dir)) {}

  // Makes the CA; false on any OpenSSL failure.
  bool Init() {
    ca_key_ = NewEcKey();
    if (!ca_key_) return false;
    ca_ = MakeCert(ca_key_.get(), "ddc test CA", nullptr, ca_key_.get(), 1,
                   {{NID_basic_constraints, "critical,CA:TRUE"},
                    {NID_key_usage, "critical,keyCertSign,cRLSign"},
                    {NID_subject_key_identifier, "hash"}});
    return ca_ && WritePem(ca_file(), ca_.get(), nullptr);
  }

  // The CA's certificate (the trusted root to give clients).
  std::string ca_file() const { return dir_ + "/ca.pem"; }

  // A server certificate for `subject_alt_names` ("DNS:localhost,IP:127.0.0.1"), written with
  // its key to `name`.pem; the path, or "" on failure.
  std::string IssueServerCert(const std::string& name, const std::string& subject_alt_names) {
    Pkey key = NewEcKey();
    if (!key) return "";
    Cert cert = MakeCert(key.get(), name, ca_.get(), ca_key_.get(), ++serial_,
                         {{NID_basic_constraints, "critical,CA:FALSE"},
                          {NID_key_usage, "critical,digitalSignature"},
                          {NID_ext_key_usage, "serverAuth"},
                          {NID_subject_alt_name, subject_alt_names},
                          {NID_authority_key_identifier, "keyid:always"}});
    const std::string path = dir_ + "/" + name + ".pem";
    if (!cert || !WritePem(path, cert.get(), key.get())) return "";
    return path;
  }

 private:
  const std::string dir_;
  Pkey ca_key_;
  Cert ca_;
  long serial_ = 1;
};

// ---- A TLS JSON-RPC server ----

// A ThreadServer script serving `chain` over TLS with the certificate and key in `pem`: HTTP
// POSTs (any path) and, after a WebSocket upgrade (any path), messages, each answered by
// HandleChainRpc. A failed handshake (the client refused our certificate) ends the connection.
inline ThreadServer::Serve ServeChainRpcOverTls(const std::string& pem, chain::Chain* chain) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  ctx->use_certificate_chain_file(pem);
  ctx->use_private_key_file(pem, asio::ssl::context::pem);
  return [ctx, chain](tcp::socket& socket, int) {
    asio::ssl::stream<tcp::socket&> tls(socket, *ctx);
    boost::system::error_code ec;
    tls.handshake(asio::ssl::stream_base::server, ec);
    if (ec) return;
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      http::read(tls, buffer, req, ec);
      if (ec) return;
      if (websocket::is_upgrade(req)) {
        websocket::stream<asio::ssl::stream<tcp::socket&>&> ws(tls);
        ws.accept(req, ec);
        while (!ec) {
          beast::flat_buffer message;
          ws.read(message, ec);
          if (ec) return;
          const std::string reply = HandleChainRpc(chain, beast::buffers_to_string(message.data()));
          ws.text(true);
          if (!reply.empty()) ws.write(asio::buffer(reply), ec);
        }
        return;
      }
      http::response<http::string_body> res(http::status::ok, req.version());
      res.set(http::field::content_type, "application/json");
      res.body() = HandleChainRpc(chain, req.body());
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      http::write(tls, res, ec);
      if (ec || !req.keep_alive()) return;
    }
  };
}

}  // namespace ddc::node::test

#endif  // DDC_TESTS_NODE_TLS_TEST_UTIL_H_
