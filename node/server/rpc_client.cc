// GCC 12 at -O2 reports -Wnull-dereference inside Boost.Asio 1.74's scheduler (as in
// node/server/http_server.cc), which -Werror turns into a failed optimized build. The warning is
// about Boost's code, so it is silenced for the headers only and restored after them.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include "node/server/rpc_client.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>
#pragma GCC diagnostic pop

#include "engine/base/macros.h"

namespace ddc::node {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

namespace {

// The largest HTTP response header block accepted.
constexpr uint32_t kMaxResponseHeaderBytes = 64u << 10;
// How much of an unexpected answer a message quotes.
constexpr size_t kExcerptBytes = 160;
constexpr std::string_view kUserAgent = "ddc-rpc";

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

Status BadUrl(std::string_view url, const std::string& why) {
  return Status::InvalidArgument(
      "RPC URL '" + std::string(url) + "': " + why +
      " (want http[s]://HOST[:PORT][/PATH] or ws[s]://HOST[:PORT][/PATH])");
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsHostNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

bool IsIpLiteral(const std::string& host) {
  beast::error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

// The start of `bytes` with anything unprintable replaced, for messages about bad answers.
std::string Excerpt(std::string_view bytes) {
  std::string out;
  for (char c : bytes.substr(0, kExcerptBytes)) {
    out += std::isprint(static_cast<unsigned char>(c)) != 0 ? c : '?';
  }
  if (bytes.size() > kExcerptBytes) out += "...";
  return out;
}

// The connection was found closed: the peer's close, reset or end of stream.
bool IsClosed(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::connection_aborted ||
         ec == asio::error::broken_pipe || ec == asio::error::not_connected ||
         ec == ssl::error::stream_truncated || ec == websocket::error::closed;
}

}  // namespace

namespace {

// HOST[:PORT] (HOST a name, an IPv4 address or a bracketed IPv6 address) into `out`; the
// port stays `port` when absent.
Status ParseAuthority(std::string_view url, std::string_view authority, std::string_view port,
                      RpcUrl* out) {
  // Credentials in a URL end up in logs and error messages.
  if (authority.find('@') != std::string_view::npos) return BadUrl(url, "user info is not allowed");
  if (authority.starts_with("[")) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return BadUrl(url, "unclosed '[' of an IPv6 address");
    out->host = std::string(authority.substr(1, close - 1));
    beast::error_code ec;
    (void)asio::ip::make_address_v6(out->host, ec);
    if (ec) return BadUrl(url, "'" + out->host + "' is not an IPv6 address");
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(":")) return BadUrl(url, "junk after the IPv6 address");
      port = after.substr(1);
    }
  } else {
    const size_t colon = authority.find(':');
    if (colon != std::string_view::npos &&
        authority.find(':', colon + 1) != std::string_view::npos) {
      return BadUrl(url, "an IPv6 address must be in brackets");
    }
    out->host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    for (char c : out->host) {
      if (!IsHostNameChar(c)) return BadUrl(url, "host '" + out->host + "' has a bad character");
    }
  }
  if (out->host.empty()) return BadUrl(url, "no host");
  unsigned number = 0;
  const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || number == 0 ||
      number > 65535) {
    return BadUrl(url, "port '" + std::string(port) + "' is not a number in 1..65535");
  }
  out->port = std::to_string(number);
  return Status::OK();
}

}  // namespace

Result<RpcUrl> ParseRpcUrl(std::string_view url) {
  for (char c : url) {
    // Bytes that would end up in the request line or the Host header unescaped.
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return BadUrl(url, "a space or control character is not allowed");
    }
  }
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return BadUrl(url, "no scheme");
  const std::string scheme = Lower(url.substr(0, scheme_end));
  RpcUrl out;
  if (scheme == "http") {
    out.scheme = RpcUrl::Scheme::kHttp;
  } else if (scheme == "https") {
    out.scheme = RpcUrl::Scheme::kHttps;
  } else if (scheme == "ws") {
    out.scheme = RpcUrl::Scheme::kWs;
  } else if (scheme == "wss") {
    out.scheme = RpcUrl::Scheme::kWss;
  } else {
    return BadUrl(url, "scheme '" + scheme + "' is not supported");
  }
  const std::string_view rest = url.substr(scheme_end + 3);
  const size_t authority_end = rest.find_first_of("/?#");
  const std::string_view tail =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (tail.find('#') != std::string_view::npos) {
    return BadUrl(url, "a fragment ('#...') is never sent to the server");
  }
  DDC_RETURN_IF_ERROR(
      ParseAuthority(url, rest.substr(0, authority_end), out.tls() ? "443" : "80", &out));
  out.path = tail.empty()            ? "/"
             : tail.starts_with("?") ? "/" + std::string(tail)
                                     : std::string(tail);
  out.text = std::string(url);
  return out;
}

namespace {

// What every connection of one client shares. The io_context is run only by the thread in
// Call, under the client's mutex; every operation started on it carries the call's deadline
// (tcp_stream::expires_at), so running it until it has no work cannot outlast the deadline.
struct ClientCore {
  ClientCore(RpcUrl u, const RpcClientOptions& o)
      : url(std::move(u)),
        options(o),
        timeout_text(std::to_string(o.timeout_ms) + " ms"),
        default_port(url.tls() ? "443" : "80") {
    const bool ipv6 = url.host.find(':') != std::string::npos;
    host_header = ipv6 ? "[" + url.host + "]" : url.host;
    if (url.port != default_port) host_header += ":" + url.port;
  }

  void Run() {
    ioc.restart();
    ioc.run();
  }
  Status TimedOut(const std::string& doing) const {
    return Status::IOError("timed out after " + timeout_text + " " + doing);
  }

  const RpcUrl url;
  const RpcClientOptions options;
  const std::string timeout_text;
  const std::string default_port;
  std::string host_header;  // "HOST[:PORT]", brackets around IPv6; the port when not default.
  asio::io_context ioc;
  std::optional<ssl::context> tls;  // Set for https:// and wss://.
};

// One call's method, for messages.
struct CallContext {
  std::string_view method;
  const ClientCore& core;
  std::string Answer() const {
    return "the answer to " + std::string(method) + " from " + core.url.text;
  }
};

// One open connection: sends a request and returns the parsed reply with the request's id.
class Connection {
 public:
  virtual ~Connection() = default;
  // On a transport failure, *stale says the connection was found closed before any byte of
  // the answer came back, so the request may be resent on a new connection.
  virtual Result<Json> Exchange(const std::string& request, uint64_t id, Clock::time_point deadline,
                                const CallContext& call, bool* stale) = 0;
  // False after an error or when the server asked to close.
  virtual bool reusable() const = 0;
};

// Transport failures of a send or a receive, common to HTTP and WebSocket.
Status SendFailed(const CallContext& call, const beast::error_code& ec) {
  if (ec == beast::error::timeout) {
    return call.core.TimedOut("sending " + std::string(call.method) + " to " + call.core.url.text);
  }
  return Status::IOError("sending " + std::string(call.method) + " to " + call.core.url.text +
                         " failed: " + ec.message());
}
Status ReceiveFailed(const CallContext& call, const beast::error_code& ec, bool got_some,
                     bool* stale) {
  if (ec == beast::error::timeout) return call.core.TimedOut("waiting for " + call.Answer());
  if (ec == http::error::body_limit || ec == websocket::error::message_too_big ||
      ec == websocket::error::buffer_overflow) {
    return Status::IOError(call.Answer() + " is larger than max_response_bytes (" +
                           std::to_string(call.core.options.max_response_bytes) + ")");
  }
  if (!got_some && IsClosed(ec)) {
    *stale = true;
    return Status::IOError(call.core.url.text + " closed the connection without answering " +
                           std::string(call.method));
  }
  return Status::IOError("reading " + call.Answer() + " failed: " + ec.message());
}

// JSON-RPC over HTTP/1.1 POSTs, kept alive between calls.
template <class Stream>
class HttpConnection final : public Connection {
 public:
  template <class... Args>
  explicit HttpConnection(ClientCore* core, Args&&... args)
      : core_(core), stream_(std::forward<Args>(args)...) {}

  Stream& transport() { return stream_; }
  Status Handshake(Clock::time_point) { return Status::OK(); }
  bool reusable() const override { return open_; }

  Result<Json> Exchange(const std::string& request, uint64_t, Clock::time_point deadline,
                        const CallContext& call, bool* stale) override {
    http::request<http::string_body> req{http::verb::post, core_->url.path, 11};
    req.set(http::field::host, core_->host_header);
    req.set(http::field::user_agent, kUserAgent);
    req.set(http::field::content_type, "application/json");
    req.set(http::field::accept, "application/json");
    req.keep_alive(true);
    req.body() = request;
    req.prepare_payload();

    beast::error_code ec;
    beast::get_lowest_layer(stream_).expires_at(deadline);
    http::async_write(stream_, req, [&](const beast::error_code& e, size_t) { ec = e; });
    core_->Run();
    if (ec) {
      open_ = false;
      *stale = ec != beast::error::timeout;
      return SendFailed(call, ec);
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(core_->options.max_response_bytes);
    parser.header_limit(kMaxResponseHeaderBytes);
    // The header first, then the body: Beast 1.74's eager parse (http::async_read) loses the
    // body_limit error of a response whose Content-Length is over the limit when body bytes
    // arrived with the header, and then reads the whole body. Read alone, the header reports it.
    http::async_read_header(stream_, buffer_, parser,
                            [&](const beast::error_code& e, size_t) { ec = e; });
    core_->Run();
    if (!ec) {
      http::async_read(stream_, buffer_, parser,
                       [&](const beast::error_code& e, size_t) { ec = e; });
      core_->Run();
    }
    if (ec) {
      open_ = false;
      return ReceiveFailed(call, ec, parser.got_some(), stale);
    }
    const http::response<http::string_body>& res = parser.get();
    if (!res.keep_alive()) open_ = false;
    Json reply = Json::parse(res.body(), nullptr, /*allow_exceptions=*/false);
    const bool http_ok = res.result_int() / 100 == 2;
    if (!http_ok && !(reply.is_object() && reply.contains("jsonrpc"))) {
      return Status::Corruption(std::string(call.method) + " from " + core_->url.text + ": HTTP " +
                                std::to_string(res.result_int()) + " " + std::string(res.reason()) +
                                ", not a JSON-RPC response: " + Excerpt(res.body()));
    }
    if (reply.is_discarded()) {
      return Status::Corruption(call.Answer() + " is not JSON: " + Excerpt(res.body()));
    }
    return reply;
  }

 private:
  ClientCore* const core_;
  Stream stream_;
  beast::flat_buffer buffer_;
  bool open_ = true;
};

// JSON-RPC over WebSocket: one text message per request; the reply is the message with the
// request's id, and notifications or other replies that arrive first are dropped.
template <class Stream>
class WebSocketConnection final : public Connection {
 public:
  template <class... Args>
  explicit WebSocketConnection(ClientCore* core, Args&&... args)
      : core_(core), ws_(std::forward<Args>(args)...) {}

  Stream& transport() { return ws_.next_layer(); }
  bool reusable() const override { return open_; }

  Status Handshake(Clock::time_point deadline) {
    const std::string& url = core_->url.text;
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::request_type& req) { req.set(http::field::user_agent, kUserAgent); }));
    ws_.read_message_max(core_->options.max_response_bytes);
    websocket::response_type res;
    beast::error_code ec;
    beast::get_lowest_layer(ws_).expires_at(deadline);
    ws_.async_handshake(res, core_->host_header, core_->url.path,
                        [&](const beast::error_code& e) { ec = e; });
    core_->Run();
    if (!ec) return Status::OK();
    if (ec == beast::error::timeout)
      return core_->TimedOut("in the WebSocket handshake with " + url);
    if (ec == websocket::error::upgrade_declined) {
      return Status::IOError("WebSocket handshake with " + url +
                             " failed: the server answered HTTP " +
                             std::to_string(res.result_int()) + " " + std::string(res.reason()) +
                             " instead of switching protocols");
    }
    return Status::IOError("WebSocket handshake with " + url + " failed: " + ec.message());
  }

  Result<Json> Exchange(const std::string& request, uint64_t id, Clock::time_point deadline,
                        const CallContext& call, bool* stale) override {
    beast::error_code ec;
    ws_.text(true);
    beast::get_lowest_layer(ws_).expires_at(deadline);
    ws_.async_write(asio::buffer(request), [&](const beast::error_code& e, size_t) { ec = e; });
    core_->Run();
    if (ec) {
      open_ = false;
      *stale = ec != beast::error::timeout;
      return SendFailed(call, ec);
    }
    for (bool got_some = false;; got_some = true) {
      beast::flat_buffer buffer;
      ws_.async_read(buffer, [&](const beast::error_code& e, size_t) { ec = e; });
      core_->Run();
      if (ec) {
        open_ = false;
        return ReceiveFailed(call, ec, got_some, stale);
      }
      const std::string message = beast::buffers_to_string(buffer.data());
      Json reply = Json::parse(message, nullptr, /*allow_exceptions=*/false);
      if (reply.is_discarded()) {
        open_ = false;  // Whatever the server speaks, it is not JSON-RPC.
        return Status::Corruption("a message from " + core_->url.text + " while waiting for " +
                                  std::string(call.method) + " is not JSON: " + Excerpt(message));
      }
      if (IsAnswer(reply, id)) return reply;
    }
  }

 private:
  // The reply to request `id`; or an error the server could not tie to a request (id null),
  // which can only be ours as one request is in flight at a time.
  static bool IsAnswer(const Json& reply, uint64_t id) {
    if (!reply.is_object()) return false;
    const auto it = reply.find("id");
    if (it == reply.end()) return false;
    return *it == id || (it->is_null() && reply.contains("error"));
  }

  ClientCore* const core_;
  websocket::stream<Stream> ws_;
  bool open_ = true;
};

// The `result` of a JSON-RPC 2.0 response to request `id`, or why it is not one.
Result<Json> CheckReply(Json reply, uint64_t id, const CallContext& call) {
  const std::string method(call.method);
  auto bad = [&](const std::string& why) {
    return Status::Corruption(method + " from " + call.core.url.text +
                              ": not a JSON-RPC 2.0 response: " + why);
  };
  auto dump = [](const Json& v) {
    return Excerpt(v.dump(-1, ' ', false, Json::error_handler_t::replace));
  };
  if (!reply.is_object()) return bad("not an object: " + dump(reply));
  const auto version = reply.find("jsonrpc");
  if (version == reply.end() || *version != "2.0") return bad("\"jsonrpc\" is not \"2.0\"");
  const auto result = reply.find("result");
  const auto error = reply.find("error");
  const auto got_id = reply.find("id");
  if (got_id == reply.end()) return bad("no \"id\"");
  const bool untied_error = got_id->is_null() && error != reply.end();
  if (*got_id != id && !untied_error) {
    return bad("\"id\" " + dump(*got_id) + " is not the request's " + std::to_string(id));
  }
  if (result != reply.end() && error != reply.end()) return bad("both \"result\" and \"error\"");
  if (result != reply.end()) return Json(std::move(*result));
  if (error == reply.end()) return bad("neither \"result\" nor \"error\"");
  const auto code = error->is_object() ? error->find("code") : error->end();
  const auto message = error->is_object() ? error->find("message") : error->end();
  if (!error->is_object() || code == error->end() || !code->is_number_integer() ||
      message == error->end() || !message->is_string()) {
    return bad("malformed \"error\": " + dump(*error));
  }
  return Status::Failed(method + ": " + message->get<std::string>() + " (code " +
                        std::to_string(code->get<int64_t>()) + ")");
}

class RpcClientImpl final : public RpcClient {
 public:
  RpcClientImpl(RpcUrl url, const RpcClientOptions& options) : core_(std::move(url), options) {}
  ~RpcClientImpl() override { connection_.reset(); }

  const RpcUrl& url() const override { return core_.url; }

  // The TLS context: the peer must present a certificate chain to a trusted root.
  Status InitTls() {
    try {
      core_.tls.emplace(ssl::context::tls_client);
    } catch (const boost::system::system_error& e) {
      return Status::IOError("TLS for " + core_.url.text + ": " + e.what());
    }
    ssl::context& ctx = *core_.tls;
    ctx.set_verify_mode(ssl::verify_peer);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    beast::error_code ec;
    if (core_.options.ca_file.empty()) {
      ctx.set_default_verify_paths(ec);
      if (ec) {
        return Status::IOError("TLS for " + core_.url.text +
                               ": cannot load the system's trusted roots: " + ec.message());
      }
    } else {
      ctx.load_verify_file(core_.options.ca_file, ec);
      if (ec) {
        return Status::InvalidArgument("TLS for " + core_.url.text + ": ca_file '" +
                                       core_.options.ca_file + "': " + ec.message());
      }
    }
    return Status::OK();
  }

  Result<Json> Call(std::string_view method, const Json& params) override {
    if (!params.is_array() && !params.is_object()) {
      return Status::InvalidArgument(std::string(method) + ": params must be an array or object");
    }
    std::lock_guard lock(mu_);
    const uint64_t id = next_id_++;
    const Json request = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
    const std::string body = request.dump(-1, ' ', false, Json::error_handler_t::replace);
    const Clock::time_point deadline =
        Clock::now() + std::chrono::milliseconds(core_.options.timeout_ms);
    const CallContext call{method, core_};
    for (int attempt = 0;; ++attempt) {
      const bool reused = connection_ != nullptr;
      if (!reused) {
        DDC_ASSIGN_OR_RETURN(connection_, Connect(deadline));
      }
      bool stale = false;
      Result<Json> reply = connection_->Exchange(body, id, deadline, call, &stale);
      if (!connection_->reusable()) connection_.reset();
      if (reply.ok()) {
        Result<Json> result = CheckReply(std::move(reply).value(), id, call);
        // After a reply that is not JSON-RPC, later replies may not line up with requests.
        if (!result.ok() && result.status().IsCorruption()) connection_.reset();
        return result;
      }
      // A kept-alive connection the server had closed: the request never got there. Once
      // more on a new connection, within the same deadline.
      if (!(stale && reused && attempt == 0)) return reply.status();
    }
  }

 private:
  Result<std::vector<tcp::endpoint>> Resolve(Clock::time_point deadline) {
    const RpcUrl& url = core_.url;
    const auto port = static_cast<uint16_t>(std::stoul(url.port));
    beast::error_code ec;
    const asio::ip::address address = asio::ip::make_address(url.host, ec);
    if (!ec) return std::vector<tcp::endpoint>{tcp::endpoint(address, port)};
    // A name: the system's resolver, on asio's resolver thread, bounded by the deadline.
    tcp::resolver resolver(core_.ioc);
    std::vector<tcp::endpoint> endpoints;
    bool resolved = false;
    resolver.async_resolve(url.host, url.port,
                           [&](const beast::error_code& e, const tcp::resolver::results_type& r) {
                             ec = e;
                             for (const auto& entry : r) endpoints.push_back(entry.endpoint());
                             resolved = true;
                           });
    core_.ioc.restart();
    core_.ioc.run_until(deadline);
    if (!resolved) {
      resolver.cancel();
      core_.Run();  // Lets the cancelled handler run before the locals it uses go away.
      return core_.TimedOut("resolving host '" + url.host + "' of " + url.text);
    }
    if (ec || endpoints.empty()) {
      return Status::IOError("cannot resolve host '" + url.host + "' of " + url.text + ": " +
                             (ec ? ec.message() : std::string("no addresses")));
    }
    return endpoints;
  }

  Status ConnectTcp(beast::tcp_stream& stream, const std::vector<tcp::endpoint>& endpoints,
                    Clock::time_point deadline) {
    beast::error_code ec;
    stream.expires_at(deadline);
    stream.async_connect(endpoints,
                         [&](const beast::error_code& e, const tcp::endpoint&) { ec = e; });
    core_.Run();
    if (ec == beast::error::timeout) return core_.TimedOut("connecting to " + core_.url.text);
    if (ec) return Status::IOError("cannot connect to " + core_.url.text + ": " + ec.message());
    beast::error_code ignored;
    stream.socket().set_option(tcp::no_delay(true), ignored);
    return Status::OK();
  }

  // Sends the host as SNI (names only: RFC 6066 forbids addresses) and has OpenSSL check the
  // certificate's names against it during verification. OpenSSL's own check
  // (X509_VERIFY_PARAM_set1_host) is what asio's ssl::host_name_verification calls too, but
  // this way a mismatch is reported as the verification error ("hostname mismatch") rather
  // than as an anonymous verify-callback refusal.
  Status HandshakeTls(TlsStream& stream, Clock::time_point deadline) {
    const RpcUrl& url = core_.url;
    SSL* ssl = stream.native_handle();
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    bool set = false;
    if (IsIpLiteral(url.host)) {
      set = X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str()) == 1;
    } else {
      // SSL_set_tlsext_host_name, spelled out: the macro's C cast fails -Wold-style-cast.
      set = SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                     const_cast<char*>(url.host.c_str())) == 1 &&
            X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), url.host.size()) == 1;
    }
    if (!set) return Status::IOError("TLS for " + url.text + ": cannot set the host to verify");
    beast::error_code ec;
    beast::get_lowest_layer(stream).expires_at(deadline);
    stream.async_handshake(ssl::stream_base::client, [&](const beast::error_code& e) { ec = e; });
    core_.Run();
    if (!ec) return Status::OK();
    if (ec == beast::error::timeout) return core_.TimedOut("in the TLS handshake with " + url.text);
    const long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK) {
      const std::string roots = core_.options.ca_file.empty()
                                    ? "the system's trusted roots"
                                    : "the roots in ca_file '" + core_.options.ca_file + "'";
      return Status::IOError(
          "TLS handshake with " + url.text + " failed: certificate verify failed: " +
          X509_verify_cert_error_string(verify) + " (checked against " + roots + ")");
    }
    return Status::IOError("TLS handshake with " + url.text + " failed: " + ec.message());
  }

  // TCP, then TLS when the scheme asks, then the WebSocket handshake when it is one.
  template <class Conn>
  Result<std::unique_ptr<Connection>> Open(std::unique_ptr<Conn> connection,
                                           const std::vector<tcp::endpoint>& endpoints,
                                           Clock::time_point deadline) {
    auto& transport = connection->transport();
    DDC_RETURN_IF_ERROR(ConnectTcp(beast::get_lowest_layer(transport), endpoints, deadline));
    if constexpr (std::is_same_v<std::remove_reference_t<decltype(transport)>, TlsStream>) {
      DDC_RETURN_IF_ERROR(HandshakeTls(transport, deadline));
    }
    DDC_RETURN_IF_ERROR(connection->Handshake(deadline));
    return std::unique_ptr<Connection>(std::move(connection));
  }

  Result<std::unique_ptr<Connection>> Connect(Clock::time_point deadline) {
    DDC_ASSIGN_OR_RETURN(const std::vector<tcp::endpoint> endpoints, Resolve(deadline));
    switch (core_.url.scheme) {
      case RpcUrl::Scheme::kHttp:
        return Open(std::make_unique<HttpConnection<PlainStream>>(&core_, core_.ioc), endpoints,
                    deadline);
      case RpcUrl::Scheme::kHttps:
        return Open(std::make_unique<HttpConnection<TlsStream>>(&core_, core_.ioc, *core_.tls),
                    endpoints, deadline);
      case RpcUrl::Scheme::kWs:
        return Open(std::make_unique<WebSocketConnection<PlainStream>>(&core_, core_.ioc),
                    endpoints, deadline);
      case RpcUrl::Scheme::kWss:
        return Open(std::make_unique<WebSocketConnection<TlsStream>>(&core_, core_.ioc, *core_.tls),
                    endpoints, deadline);
    }
    return Status::InvalidArgument("RPC URL '" + core_.url.text + "': unknown scheme");
  }

  // Constant after construction, except the io_context, which only the caller holding mu_
  // runs.
  ClientCore core_;

  std::mutex mu_;
  // Guarded by mu_.
  uint64_t next_id_ = 1;
  std::unique_ptr<Connection> connection_;  // Null until the first call and after a failure.
};

}  // namespace

Result<std::unique_ptr<RpcClient>> OpenRpcClient(std::string_view url,
                                                 const RpcClientOptions& options) {
  DDC_ASSIGN_OR_RETURN(RpcUrl parsed, ParseRpcUrl(url));
  if (options.timeout_ms == 0) {
    return Status::InvalidArgument("RPC client for " + parsed.text + ": timeout_ms must be > 0");
  }
  if (options.max_response_bytes == 0) {
    return Status::InvalidArgument("RPC client for " + parsed.text +
                                   ": max_response_bytes must be > 0");
  }
  const bool tls = parsed.tls();
  auto client = std::make_unique<RpcClientImpl>(std::move(parsed), options);
  if (tls) DDC_RETURN_IF_ERROR(client->InitTls());
  return std::unique_ptr<RpcClient>(std::move(client));
}

}  // namespace ddc::node
