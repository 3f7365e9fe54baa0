#include "bench/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "bench/bench_util.h"

namespace ddc::bench {
namespace {

constexpr size_t kInitialBufferBytes = 64 << 10;
constexpr size_t kStatusLineMin = 12;  // "HTTP/1.1 200".

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// True when `line` starts with `name` (lower-case, with its colon), ignoring case.
bool HasName(std::string_view line, std::string_view name) {
  if (line.size() < name.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (Lower(line[i]) != name[i]) return false;
  }
  return true;
}

bool ParseLength(std::string_view value, size_t* out) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty() || value.size() > 12) return false;
  size_t n = 0;
  for (const char c : value) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  *out = n;
  return true;
}

}  // namespace

HttpConnection::HttpConnection(uint16_t port) : buffer_(kInitialBufferBytes) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) Die(std::string("http client: socket: ") + std::strerror(errno));
  const int one = 1;
  if (setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0) {
    Die(std::string("http client: TCP_NODELAY: ") + std::strerror(errno));
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    Die("http client: connect 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno));
  }
}

HttpConnection::~HttpConnection() {
  if (fd_ >= 0) close(fd_);
}

bool HttpConnection::Fill(std::string* error) {
  if (end_ == buffer_.size()) {
    if (begin_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    } else {
      buffer_.resize(buffer_.size() * 2);
    }
  }
  while (true) {
    const ssize_t n = recv(fd_, buffer_.data() + end_, buffer_.size() - end_, 0);
    if (n > 0) {
      end_ += static_cast<size_t>(n);
      return true;
    }
    if (n == 0) {
      *error = "the server closed the connection";
      return false;
    }
    if (errno != EINTR) {
      *error = std::string("recv: ") + std::strerror(errno);
      return false;
    }
  }
}

bool HttpConnection::RoundTrip(std::string_view request, HttpReply* reply, std::string* error) {
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n = send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = std::string("send: ") + std::strerror(errno);
      return false;
    }
    sent += static_cast<size_t>(n);
  }
  // The header block: everything up to the first empty line. Offsets are relative to begin_,
  // which Fill may move.
  size_t header_bytes = 0;
  for (size_t scanned = 0;;) {
    const std::string_view have(buffer_.data() + begin_, end_ - begin_);
    const size_t at = have.find("\r\n\r\n", scanned);
    if (at != std::string_view::npos) {
      header_bytes = at + 4;
      break;
    }
    scanned = have.size() < 3 ? 0 : have.size() - 3;
    if (!Fill(error)) return false;
  }
  const std::string_view head(buffer_.data() + begin_, header_bytes);
  if (head.size() < kStatusLineMin || !head.starts_with("HTTP/1.") || head[8] != ' ') {
    *error = "not an HTTP/1.x status line";
    return false;
  }
  int status = 0;
  for (size_t i = 9; i < 12; ++i) {
    if (head[i] < '0' || head[i] > '9') {
      *error = "bad status code";
      return false;
    }
    status = status * 10 + (head[i] - '0');
  }
  size_t content_length = 0;
  bool has_length = false;
  bool close = false;
  for (size_t at = head.find("\r\n") + 2; at < header_bytes - 2;) {
    const size_t eol = head.find("\r\n", at);
    const std::string_view line = head.substr(at, eol - at);
    at = eol + 2;
    if (HasName(line, "content-length:")) {
      has_length = ParseLength(line.substr(15), &content_length);
    } else if (HasName(line, "connection:")) {
      close = HasName(line.substr(11), " close") || HasName(line.substr(11), "close");
    }
  }
  if (!has_length) {
    *error = "status " + std::to_string(status) + " without a valid Content-Length";
    return false;
  }
  while (end_ - begin_ < header_bytes + content_length) {
    if (!Fill(error)) return false;
  }
  reply->status = status;
  reply->body = std::string_view(buffer_.data() + begin_ + header_bytes, content_length);
  reply->close = close;
  begin_ += header_bytes + content_length;
  if (begin_ == end_) begin_ = end_ = 0;  // The body stays readable: nothing is overwritten yet.
  return true;
}

}  // namespace ddc::bench
