// HttpConnection: the load generator's side of ddc-bench's http workload (http_bench.h). One
// keep-alive HTTP/1.1 connection over a plain blocking loopback socket.
//
// It is built to cost the machine as little as possible, since it shares the cores with the
// node it measures: a request is written as bytes made before the clock starts (one send), and a
// response is parsed just far enough to know its status, its Content-Length and where its body
// is (no header map, no copies). It does not speak chunked encoding or pipelining; the node
// never chunks and answers one request at a time.
//
// Thread safety: one thread per connection.
#ifndef DDC_BENCH_HTTP_CLIENT_H_
#define DDC_BENCH_HTTP_CLIENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ddc::bench {

// One response. `body` points into the connection's buffer and is valid until the next
// RoundTrip.
struct HttpReply {
  int status = 0;
  std::string_view body;
  bool close = false;  // The server said Connection: close.
};

class HttpConnection {
 public:
  // Connects to 127.0.0.1:`port` with TCP_NODELAY. Dies on failure.
  explicit HttpConnection(uint16_t port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends `request` (request line, headers and body) and reads one whole response. False on an
  // I/O error, a closed connection or a response it cannot parse; *error then says which.
  bool RoundTrip(std::string_view request, HttpReply* reply, std::string* error);

 private:
  // Reads more bytes into buffer_ (growing it when full). False on an error or end of stream.
  bool Fill(std::string* error);

  int fd_ = -1;
  std::vector<char> buffer_;
  size_t begin_ = 0;  // First unconsumed byte of buffer_.
  size_t end_ = 0;    // One past the last byte read.
};

}  // namespace ddc::bench

#endif  // DDC_BENCH_HTTP_CLIENT_H_
