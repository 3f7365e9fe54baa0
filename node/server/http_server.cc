// GCC 12 at -O2 reports -Wnull-dereference inside Boost.Asio 1.74's scheduler
// (compensating_work_started, inlined into the epoll reactor), which -Werror turns into a failed
// optimized build. The warning is about Boost's code, not ours, so it is silenced for the
// headers only; the pop below restores it for this file's own code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include "node/server/http_server.h"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#pragma GCC diagnostic pop

namespace ddc::node {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// What the server and its sessions share; sessions hold it by shared_ptr so that it outlives
// any handler still queued when the server stops.
struct HttpServer::Shared {
  Handler handler;
  std::map<std::string, WebSocketHandler, std::less<>> websockets;
  ServerLimits limits;
  std::function<void(std::string_view)> log;

  std::atomic<uint32_t> connections{0};
  std::atomic<bool> stopping{false};

  std::mutex mu;
  std::condition_variable drained;  // Signalled when in_flight drops to 0.
  uint64_t in_flight = 0;           // Guarded by mu: requests read and not yet answered.

  void Log(std::string_view line) const {
    if (log) log(line);
  }
  void RequestStarted() {
    std::lock_guard lock(mu);
    ++in_flight;
  }
  void RequestDone() {
    std::lock_guard lock(mu);
    if (--in_flight == 0) drained.notify_all();
  }
};

namespace {

// Bytes read at a time while a kept-alive connection waits for its next request.
constexpr size_t kIdleReadBytes = 4096;
// How long a closing connection drains what the client still sends, so that the error response
// we just wrote is not destroyed by a TCP reset.
constexpr std::chrono::milliseconds kLingerTime{1000};

std::chrono::milliseconds Ms(uint32_t ms) { return std::chrono::milliseconds(ms); }

// A WebSocket connection after its upgrade: reads a message, has the handler answer it, writes
// the reply, repeats. One operation at a time, so replies keep the order of the messages.
class WebSocketSession : public std::enable_shared_from_this<WebSocketSession> {
 public:
  // Takes over the connection (and its place in the connection count) from an HTTP session.
  WebSocketSession(beast::tcp_stream&& stream, std::shared_ptr<HttpServer::Shared> shared,
                   const WebSocketHandler* handler)
      : ws_(std::move(stream)), shared_(std::move(shared)), handler_(handler) {}
  ~WebSocketSession() { shared_->connections.fetch_sub(1); }
  WebSocketSession(const WebSocketSession&) = delete;
  WebSocketSession& operator=(const WebSocketSession&) = delete;

  // Answers the upgrade request with 101 Switching Protocols, then serves messages.
  void Accept(Request upgrade) {
    upgrade_ = std::move(upgrade);
    ws_.read_message_max(shared_->limits.max_body_bytes);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "ddc-node"); }));
    Stream().expires_after(Ms(shared_->limits.request_timeout_ms));
    ws_.async_accept(upgrade_, [self = shared_from_this()](beast::error_code ec) {
      self->upgrade_ = {};
      if (!ec) self->Read();
    });
  }

 private:
  beast::tcp_stream& Stream() { return beast::get_lowest_layer(ws_); }

  // Waits for the next message; a connection silent for idle_timeout_ms is closed by the
  // stream's timeout. A message over read_message_max makes Beast close with code 1009.
  void Read() {
    buffer_.clear();
    Stream().expires_after(Ms(shared_->limits.idle_timeout_ms));
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (!ec) self->OnMessage();
      // Otherwise the client closed, the connection broke or timed out: the session ends and
      // its socket closes with it.
    });
  }

  void OnMessage() {
    const std::string message = beast::buffers_to_string(buffer_.data());
    buffer_.clear();
    shared_->RequestStarted();
    try {
      reply_ = (*handler_)(message);
    } catch (const std::exception& e) {
      shared_->RequestDone();
      shared_->Log(std::string("ddc-node: websocket handler failed: ") + e.what());
      Close(websocket::close_code::internal_error);
      return;
    }
    if (reply_.empty()) {
      shared_->RequestDone();
      Next();
      return;
    }
    ws_.text(true);
    Stream().expires_after(Ms(shared_->limits.request_timeout_ms));
    ws_.async_write(net::buffer(reply_), [self = shared_from_this()](beast::error_code ec, size_t) {
      self->reply_.clear();
      self->shared_->RequestDone();
      if (!ec) self->Next();
    });
  }

  void Next() {
    if (shared_->stopping.load()) {
      Close(websocket::close_code::going_away);
    } else {
      Read();
    }
  }

  void Close(websocket::close_code code) {
    Stream().expires_after(kLingerTime);
    ws_.async_close(code, [self = shared_from_this()](beast::error_code) {});
  }

  websocket::stream<beast::tcp_stream> ws_;
  std::shared_ptr<HttpServer::Shared> shared_;
  const WebSocketHandler* const handler_;  // An entry of shared_->websockets.
  Request upgrade_;
  beast::flat_buffer buffer_;
  std::string reply_;
};

// The path of a request target, without its query.
std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

// One connection: reads a request, answers it, repeats while keep-alive holds.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<HttpServer::Shared> shared)
      : stream_(std::move(socket)),
        request_timer_(stream_.get_executor()),
        shared_(std::move(shared)) {}
  ~Session() {
    if (counted_) shared_->connections.fetch_sub(1);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadRequest(); });
  }

  // Answers 503 and closes: the connection limit is reached.
  void Refuse() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      self->SendError(http::status::service_unavailable, "too_many_connections",
                      "the node has reached its connection limit (max_connections " +
                          std::to_string(self->shared_->limits.max_connections) + "); retry later");
    });
  }

 private:
  // A kept-alive connection: waits (idle timeout) for the first bytes of the next request.
  void WaitForRequest() {
    if (buffer_.size() > 0) {
      ReadRequest();
      return;
    }
    stream_.expires_after(Ms(shared_->limits.idle_timeout_ms));
    stream_.async_read_some(buffer_.prepare(kIdleReadBytes),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) {
                                self->Close();  // Idle timeout, end of stream or reset.
                                return;
                              }
                              self->buffer_.commit(n);
                              self->ReadRequest();
                            });
  }

  // Reads one whole request within request_timeout_ms. The timeout is our own timer rather than
  // the stream's, because the stream's closes the socket and we want to answer 408 first.
  void ReadRequest() {
    parser_.emplace();
    parser_->body_limit(shared_->limits.max_body_bytes);
    parser_->header_limit(shared_->limits.max_header_bytes);
    stream_.expires_never();
    timed_out_ = false;
    const uint64_t generation = ++read_generation_;
    request_timer_.expires_after(Ms(shared_->limits.request_timeout_ms));
    request_timer_.async_wait([self = shared_from_this(), generation](beast::error_code ec) {
      if (ec || generation != self->read_generation_) return;
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    ++read_generation_;
    request_timer_.cancel();
    if (ec) {
      OnReadError(ec);
      return;
    }
    Request request = parser_->release();
    if (websocket::is_upgrade(request) && !shared_->stopping.load()) {
      const auto it = shared_->websockets.find(PathOf(request.target()));
      if (it != shared_->websockets.end()) {
        // The WebSocket session owns the connection (and its count) from here on.
        counted_ = false;
        std::make_shared<WebSocketSession>(std::move(stream_), shared_, &it->second)
            ->Accept(std::move(request));
        return;
      }
    }
    shared_->RequestStarted();
    Response response;
    try {
      response = shared_->handler(request);
    } catch (const std::exception& e) {
      response = ErrorResponse(http::status::internal_server_error, "internal", e.what());
    }
    response.version(request.version());
    response.keep_alive(request.keep_alive() && !shared_->stopping.load());
    Write(std::move(response), /*counted=*/true);
  }

  void OnReadError(beast::error_code ec) {
    if (timed_out_) {
      if (parser_->got_some()) {
        SendError(http::status::request_timeout, "request_timeout",
                  "the request was not received within " +
                      std::to_string(shared_->limits.request_timeout_ms) + " ms");
      } else {
        Close();
      }
      return;
    }
    if (ec == http::error::body_limit) {
      SendError(http::status::payload_too_large, "body_too_large",
                "the request body exceeds max_body_bytes (" +
                    std::to_string(shared_->limits.max_body_bytes) + ")");
    } else if (ec == http::error::header_limit) {
      SendError(http::status::request_header_fields_too_large, "headers_too_large",
                "the request line and headers exceed max_header_bytes (" +
                    std::to_string(shared_->limits.max_header_bytes) + ")");
    } else if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
               ec != http::error::end_of_stream && ec != http::error::partial_message) {
      SendError(http::status::bad_request, "bad_request", "malformed request: " + ec.message());
    } else {
      Close();  // End of stream, a reset, or a connection closed mid-request: nobody to answer.
    }
  }

  void SendError(http::status status, std::string_view code, const std::string& message) {
    Response response = ErrorResponse(status, code, message);
    response.keep_alive(false);
    Write(std::move(response), /*counted=*/false);
  }

  void Write(Response response, bool counted) {
    response.prepare_payload();
    response_ = std::make_shared<Response>(std::move(response));
    const bool close = response_->need_eof();
    stream_.expires_after(Ms(shared_->limits.request_timeout_ms));
    http::async_write(stream_, *response_,
                      [self = shared_from_this(), close, counted](beast::error_code ec, size_t) {
                        self->response_.reset();
                        if (counted) self->shared_->RequestDone();
                        if (ec || close) {
                          self->Linger();
                          return;
                        }
                        self->WaitForRequest();
                      });
  }

  // Half-closes and reads until the client closes too (or kLingerTime passes), discarding
  // what it still sends, then closes.
  void Linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTime);
    DrainSome();
  }
  void DrainSome() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(kIdleReadBytes),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) {
                                self->Close();
                                return;
                              }
                              self->DrainSome();
                            });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  net::steady_timer request_timer_;
  std::shared_ptr<HttpServer::Shared> shared_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<Response> response_;
  uint64_t read_generation_ = 0;
  bool timed_out_ = false;
  bool counted_ = true;  // False once a WebSocket session took the connection over.
};

}  // namespace

Response MakeResponse(http::status status, std::string body, std::string_view content_type) {
  Response response(status, 11);
  response.set(http::field::server, "ddc-node");
  response.set(http::field::content_type, content_type);
  response.body() = std::move(body);
  return response;
}

Response ErrorResponse(http::status status, std::string_view code, std::string_view message) {
  const nlohmann::json body = {{"error",
                                {{"status", static_cast<unsigned>(status)},
                                 {"code", std::string(code)},
                                 {"message", std::string(message)}}}};
  // Messages may quote client bytes that are not UTF-8: replace those rather than throw.
  return MakeResponse(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                      "application/json");
}

HttpServer::HttpServer(ServerOptions options, Handler handler)
    : options_(std::move(options)),
      shared_(std::make_shared<Shared>()),
      acceptor_(net::make_strand(ioc_)) {
  shared_->handler = std::move(handler);
  shared_->websockets = options_.websockets;
  shared_->limits = options_.limits;
  shared_->log = options_.log;
}

HttpServer::~HttpServer() { Stop(std::chrono::milliseconds(0)); }

Status HttpServer::Start() {
  beast::error_code ec;
  const std::string host = options_.host == "localhost" ? "127.0.0.1" : options_.host;
  const net::ip::address address = net::ip::make_address(host, ec);
  if (ec) return Status::InvalidArgument("listen: '" + options_.host + "' is not an IP address");
  const tcp::endpoint endpoint(address, options_.port);
  const std::string where = options_.host + ":" + std::to_string(options_.port);
  if (acceptor_.open(endpoint.protocol(), ec); ec) {
    return Status::IOError("listen " + where + ": " + ec.message());
  }
  if (acceptor_.set_option(net::socket_base::reuse_address(true), ec); ec) {
    return Status::IOError("listen " + where + ": " + ec.message());
  }
  if (acceptor_.bind(endpoint, ec); ec) {
    return Status::IOError("listen " + where + ": bind: " + ec.message());
  }
  if (acceptor_.listen(net::socket_base::max_listen_connections, ec); ec) {
    return Status::IOError("listen " + where + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint(ec).port();
  Accept();
  uint32_t n = options_.threads;
  // Handlers block their thread until the store's group commit is durable (milliseconds), so
  // the default runs several threads per core: more appends then share each commit.
  if (n == 0) n = std::max(16u, 4 * std::thread::hardware_concurrency());
  threads_.reserve(n);
  for (uint32_t i = 0; i < n; ++i) threads_.emplace_back([this] { ioc_.run(); });
  return Status::OK();
}

void HttpServer::Accept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (shared_->stopping.load() || !acceptor_.is_open()) return;
    if (ec) {
      shared_->Log("ddc-node: accept: " + ec.message());
      Accept();
      return;
    }
    const uint32_t open = shared_->connections.fetch_add(1) + 1;
    auto session = std::make_shared<Session>(std::move(socket), shared_);
    if (open > options_.limits.max_connections) {
      shared_->Log("ddc-node: refused a connection: " + std::to_string(open - 1) +
                   " open, max_connections " + std::to_string(options_.limits.max_connections));
      session->Refuse();
    } else {
      session->Start();
    }
    Accept();
  });
}

void HttpServer::Stop(std::chrono::milliseconds drain) {
  if (stopped_) return;
  stopped_ = true;
  shared_->stopping.store(true);
  if (!threads_.empty()) {
    net::post(acceptor_.get_executor(), [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
    });
    std::unique_lock lock(shared_->mu);
    shared_->drained.wait_for(lock, drain, [this] { return shared_->in_flight == 0; });
  }
  ioc_.stop();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

}  // namespace ddc::node
