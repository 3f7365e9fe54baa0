// GCC 12 at -O2 reports -Wnull-dereference inside Boost.Asio 1.74's scheduler (as in
// node/server/http_server.cc), which -Werror turns into a failed optimized build. The warning is
// about Boost's code, so it is silenced for the headers only and restored after them.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include "node/cli/http_client.h"

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <string>
#include <utility>
#pragma GCC diagnostic pop

namespace ddc::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// The largest response header block accepted.
constexpr uint32_t kMaxResponseHeaderBytes = 64u << 10;

Status BadUrl(std::string_view url, const std::string& why) {
  return Status::InvalidArgument("node URL '" + std::string(url) + "': " + why +
                                 " (want http://HOST[:PORT])");
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return BadUrl(url, "no scheme");
  const std::string scheme = Lower(url.substr(0, scheme_end));
  if (scheme == "https") {
    return Status::InvalidArgument(
        "node URL '" + std::string(url) +
        "': https is not supported: ddc-node serves plain HTTP/1.1, so give its http:// URL "
        "(behind a TLS proxy, run the CLI where it reaches the node's own address)");
  }
  if (scheme != "http") return BadUrl(url, "scheme '" + scheme + "' is not supported");
  std::string_view rest = url.substr(scheme_end + 3);
  const size_t authority_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, authority_end);
  if (authority_end != std::string_view::npos && rest.substr(authority_end) != "/") {
    return BadUrl(url, "a node URL has no path, query or fragment: the routes start at /");
  }
  if (authority.find('@') != std::string_view::npos) return BadUrl(url, "user info is not allowed");
  HttpUrl out;
  std::string_view port = "80";
  if (authority.starts_with("[")) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return BadUrl(url, "unclosed '[' of an IPv6 address");
    out.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(":")) return BadUrl(url, "junk after the IPv6 address");
      port = after.substr(1);
    }
  } else {
    const size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return BadUrl(url, "no host");
  unsigned number = 0;
  const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || number == 0 ||
      number > 65535) {
    return BadUrl(url, "port '" + std::string(port) + "' is not a number in 1..65535");
  }
  out.port = std::to_string(number);
  out.text = "http://" + std::string(authority);
  return out;
}

struct HttpClient::Impl {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  bool open = false;

  // Runs the handlers of the operation just started until they are done. The operations
  // themselves carry the deadline (tcp_stream::expires_at), so this cannot wait longer.
  void Run() {
    ioc.restart();
    ioc.run();
  }
  void Close() {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
    buffer.consume(buffer.size());
    open = false;
  }
};

HttpClient::HttpClient(HttpUrl url, HttpClientOptions options)
    : url_(std::move(url)), options_(options), impl_(std::make_unique<Impl>()) {}

HttpClient::~HttpClient() {
  if (impl_->open) impl_->Close();
}

namespace {

std::string Describe(const HttpRequest& r) { return r.method + " " + r.target; }

}  // namespace

Result<HttpResponse> HttpClient::Send(HttpRequest request, const PrepareFn& prepare) {
  Impl& d = *impl_;
  const http::verb verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) {
    return Status::InvalidArgument("HTTP method '" + request.method + "' is unknown");
  }
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(options_.timeout_ms);
  const std::string timeout_text = std::to_string(options_.timeout_ms) + " ms";
  for (int attempt = 0;; ++attempt) {
    const bool reused = d.open;
    if (!d.open) {
      // Resolve (numeric hosts resolve at once; a name may need the system's resolver).
      tcp::resolver resolver(d.ioc);
      beast::error_code ec;
      tcp::resolver::results_type endpoints;
      bool resolved = false;
      resolver.async_resolve(url_.host, url_.port,
                             [&](const beast::error_code& e, tcp::resolver::results_type r) {
                               ec = e;
                               endpoints = std::move(r);
                               resolved = true;
                             });
      d.ioc.restart();
      d.ioc.run_until(deadline);
      if (!resolved) {
        resolver.cancel();
        d.Run();
        return Status::IOError("timed out after " + timeout_text + " resolving host '" + url_.host +
                               "' of " + url_.text);
      }
      if (ec) {
        return Status::IOError("cannot resolve host '" + url_.host + "' of " + url_.text + ": " +
                               ec.message());
      }
      d.stream.expires_at(deadline);
      d.stream.async_connect(endpoints,
                             [&](const beast::error_code& e, const tcp::endpoint&) { ec = e; });
      d.Run();
      if (ec) {
        d.Close();
        if (ec == beast::error::timeout) {
          return Status::IOError("timed out after " + timeout_text + " connecting to " + url_.text);
        }
        if (ec == asio::error::connection_refused) {
          return Status::IOError("cannot connect to " + url_.text +
                                 ": connection refused (is ddc-node running there?)");
        }
        return Status::IOError("cannot connect to " + url_.text + ": " + ec.message());
      }
      beast::error_code ignored;
      d.stream.socket().set_option(tcp::no_delay(true), ignored);
      d.open = true;
      ++connections_opened_;
    }
    if (prepare) prepare(&request);

    http::request<http::string_body> req{verb, request.target, 11};
    req.set(http::field::host, url_.text.substr(7));
    req.set(http::field::user_agent, "ddc-cli");
    for (const auto& [name, value] : request.headers) req.set(name, value);
    req.body() = request.body;
    req.prepare_payload();
    req.keep_alive(true);

    beast::error_code ec;
    d.stream.expires_at(deadline);
    http::async_write(d.stream, req, [&](const beast::error_code& e, size_t) { ec = e; });
    d.Run();
    bool stale = false;
    Status failed;
    HttpResponse out;
    if (ec) {
      stale = ec != beast::error::timeout;  // The node closed the kept-alive connection.
      failed = ec == beast::error::timeout
                   ? Status::IOError("timed out after " + timeout_text + " sending " +
                                     Describe(request) + " to " + url_.text)
                   : Status::IOError("sending " + Describe(request) + " to " + url_.text +
                                     " failed: " + ec.message());
    } else {
      http::response_parser<http::string_body> parser;
      parser.body_limit(options_.max_response_bytes);
      parser.header_limit(kMaxResponseHeaderBytes);
      // The header first, then the body: Beast 1.74 does not apply body_limit to body bytes
      // that arrive in the same read as the header.
      http::async_read_header(d.stream, d.buffer, parser,
                              [&](const beast::error_code& e, size_t) { ec = e; });
      d.Run();
      if (!ec && !parser.is_done()) {
        http::async_read(d.stream, d.buffer, parser,
                         [&](const beast::error_code& e, size_t) { ec = e; });
        d.Run();
      }
      if (!ec) {
        http::response<http::string_body> res = parser.release();
        out.status = res.result_int();
        out.content_type = std::string(res[http::field::content_type]);
        out.www_authenticate = std::string(res[http::field::www_authenticate]);
        out.body = std::move(res.body());
        if (!res.keep_alive()) d.Close();
        return out;
      }
      const std::string what = "the answer to " + Describe(request) + " from " + url_.text;
      if (ec == beast::error::timeout) {
        std::string message = "timed out after " + timeout_text + " waiting for ";
        message += what;
        failed = Status::IOError(message);
      } else if (ec == http::error::body_limit) {
        failed = Status::InvalidArgument(what + " is larger than the CLI's limit of " +
                                         std::to_string(options_.max_response_bytes) + " bytes");
      } else if (!parser.got_some() &&
                 (ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
                  ec == asio::error::eof)) {
        stale = true;
        failed = Status::IOError(url_.text + " closed the connection without answering " +
                                 Describe(request));
      } else {
        failed = Status::IOError("reading " + what + " failed: " + ec.message());
      }
    }
    d.Close();
    // A kept-alive connection the node had closed: the request never got there. Once more on
    // a new connection (a fresh attempt, so `prepare` signs it anew).
    if (!(stale && reused && attempt == 0)) return failed;
  }
}

}  // namespace ddc::cli
