// HttpServer: a small HTTP/1.1 server on Boost.Beast/Asio for ddc-node.
//
// One io_context is run by `threads` threads. An acceptor hands each connection to a session
// that reads requests one at a time (keep-alive; no pipelining of responses), calls the handler
// and writes its response. Every limit is a plain field of ServerLimits and is answered with
// its own status and a JSON error body {"error":{"status":N,"code":"...","message":"..."}}:
//   body larger than max_body_bytes        413 body_too_large, then close;
//   header block larger than max_header_bytes  431 headers_too_large, then close;
//   more than max_connections open         503 too_many_connections on the new connection, a
//                                          log line, then close (we answer rather than leave
//                                          the client in the listen backlog, so it can back off);
//   request not fully read within request_timeout_ms of its first byte (or of the accept, for
//   a connection's first request)          408 request_timeout if any byte came, then close —
//                                          a slow or half-open client holds no thread, only a
//                                          socket, and only for this long;
//   kept-alive connection silent for idle_timeout_ms  closed without a response;
//   malformed request                      400 bad_request, then close.
//
// WebSocket: a request that asks to upgrade (RFC 6455) on a path in `websockets` hands its
// connection to that path's WebSocketHandler. The session reads one message at a time, calls
// the handler and writes its reply as a text message before reading the next, so replies come
// in request order. Its limits:
//   message larger than max_body_bytes      closed with code 1009 (message too big);
//   no message within idle_timeout_ms        closed;
//   the connection                           counts against max_connections until it closes;
//   the handler throws                       a log line, closed with code 1011.
// An upgrade request for any other path is an ordinary request: the handler answers it (404 for
// a path it does not route), and the client sees its upgrade declined.
//
// Handlers (HTTP and WebSocket) run on the I/O threads and may block: the store's calls are short
// (a group commit is a few milliseconds), so a blocked handler costs one of `threads` threads for
// that long. Handlers must be thread-safe: several run at once.
//
// Thread safety: Start() and Stop() are called from one controlling thread, not from a handler.
#ifndef DDC_NODE_SERVER_HTTP_SERVER_H_
#define DDC_NODE_SERVER_HTTP_SERVER_H_

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ddc/status.h"

namespace ddc::node {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

struct ServerLimits {
  // Largest request body. Bigger allows bigger batches and blobs; each request holds its body
  // in memory, so this times max_connections bounds the memory bodies can take.
  uint64_t max_body_bytes = 32ull << 20;
  // Largest request line plus headers.
  uint32_t max_header_bytes = 16u << 10;
  // Open connections at most; each costs a socket and a read buffer.
  uint32_t max_connections = 1024;
  // Time to receive one whole request. Short values cut off slow uploads of large bodies;
  // long ones let a stalled client keep its socket longer.
  uint32_t request_timeout_ms = 30'000;
  // Time a kept-alive connection may wait for its next request.
  uint32_t idle_timeout_ms = 60'000;
};

// One WebSocket message in (text or binary), the reply to send as a text message out; an empty
// reply sends nothing (a JSON-RPC notification has no answer).
using WebSocketHandler = std::function<std::string(std::string_view message)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8844;  // 0: the kernel picks a free port; see HttpServer::port().
  uint32_t threads = 0;  // 0: max(16, 4 x std::thread::hardware_concurrency()).
  ServerLimits limits;
  // Where connection-level events go (refused connections, accept errors). Null: dropped.
  std::function<void(std::string_view line)> log;
  // Paths (without the query) served over WebSocket, e.g. "/rpc" for JSON-RPC as Substrate
  // nodes serve it. Plain HTTP requests to these paths still go to the HTTP handler.
  std::map<std::string, WebSocketHandler, std::less<>> websockets;
};

// The response a handler returns for a request; the server sets keep-alive and the length.
using Handler = std::function<Response(const Request&)>;

// A JSON error response: {"error":{"status":N,"code":code,"message":message}}.
Response ErrorResponse(boost::beast::http::status status, std::string_view code,
                       std::string_view message);
// A response with `body` of `content_type` and `status`.
Response MakeResponse(boost::beast::http::status status, std::string body,
                      std::string_view content_type);

class HttpServer {
 public:
  HttpServer(ServerOptions options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the threads. InvalidArgument for a bad host, IOError when the
  // address cannot be bound.
  Status Start();
  // The bound port (after Start()).
  uint16_t port() const { return port_; }

  // Stops accepting, lets requests already being handled finish and their responses go out
  // (every response written from now on says Connection: close), waiting at most `drain`, then
  // stops the threads. After it returns no handler runs. Idempotent. A WebSocket session
  // whose reply is being handled finishes it and then closes (code 1001, going away).
  void Stop(std::chrono::milliseconds drain);

  // Shared with the sessions (http_server.cc).
  struct Shared;

 private:
  void Accept();

  // Constant after construction.
  const ServerOptions options_;
  std::shared_ptr<Shared> shared_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;

  uint16_t port_ = 0;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
};

}  // namespace ddc::node

#endif  // DDC_NODE_SERVER_HTTP_SERVER_H_
