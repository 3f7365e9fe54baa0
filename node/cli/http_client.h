// HttpClient: the small synchronous HTTP/1.1 client of the ddc CLI's client mode (--node URL).
//
// One client talks to one node, named by a URL "http://HOST[:PORT]" (no path: the node's routes
// start at "/"; https is refused, the node speaks plain HTTP). It keeps one TCP connection open
// between requests (keep-alive), so a command that makes many requests (paging a timeline,
// fetching its events) pays for one connection; it reconnects when the node closed it, and
// resends a request once on a new connection when a kept-alive connection turned out to be
// closed before any byte of the answer came back (the node closes idle connections).
//
// Limits: every request (resolve, connect, send, receive) must finish within timeout_ms, and a
// response body larger than max_response_bytes is refused, so that a stalled or misbehaving
// node cannot hang a script or exhaust its memory. Errors name the URL and what failed:
// "cannot connect to http://127.0.0.1:1: connection refused (is ddc-node running there?)",
// "timed out after 30000 ms waiting for the answer to GET /v1/... from http://...".
//
// Not thread-safe: one command uses its client from one thread.
#ifndef DDC_NODE_CLI_HTTP_CLIENT_H_
#define DDC_NODE_CLI_HTTP_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ddc/status.h"

namespace ddc::cli {

// A node's address, from "http://HOST[:PORT][/]". HOST is a name, an IPv4 address or a
// bracketed IPv6 address; PORT defaults to 80.
struct HttpUrl {
  std::string host;  // Without brackets.
  std::string port;  // Decimal.
  std::string text;  // "http://HOST:PORT" as given (brackets kept), for messages.
};

// InvalidArgument naming what is wrong: another scheme (https:// is refused with a note that
// the node speaks plain HTTP), no host, a bad port, a path, query or user part.
Result<HttpUrl> ParseHttpUrl(std::string_view url);

struct HttpRequest {
  std::string method;  // "GET", "POST", "PUT".
  std::string target;  // Path and query, starting with '/', sent as given.
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Besides Host and Content-Length.
};

struct HttpResponse {
  unsigned status = 0;
  std::string content_type;      // The Content-Type header ("" when absent).
  std::string www_authenticate;  // The WWW-Authenticate header of a 401.
  std::string body;
};

struct HttpClientOptions {
  // Time for one whole request: resolving the host, connecting, sending the request and
  // receiving the full response. Longer lets slow links move big blobs; shorter makes a dead
  // node fail a script sooner.
  uint32_t timeout_ms = 30'000;
  // Largest response body accepted. Bigger than the node's largest answer (a 16 MiB blob),
  // small enough that a runaway response cannot exhaust the CLI's memory.
  uint64_t max_response_bytes = 64ull << 20;
};

class HttpClient {
 public:
  // Called before each attempt to send a request (a resend on a new connection is a new
  // attempt) to set headers that must differ per attempt, such as a signature over the time.
  using PrepareFn = std::function<void(HttpRequest*)>;

  // Connects lazily, on the first Send().
  HttpClient(HttpUrl url, HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request` and returns the node's response, whatever its status. Errors (IOError;
  // InvalidArgument for an oversized answer) are about the transport: resolving, connecting,
  // timeouts, a connection closed mid-answer, a malformed or oversized answer.
  Result<HttpResponse> Send(HttpRequest request, const PrepareFn& prepare = nullptr);

  const HttpUrl& url() const { return url_; }
  // TCP connections opened so far (keep-alive makes this 1 for a well-behaved node).
  uint64_t connections_opened() const { return connections_opened_; }

 private:
  struct Impl;

  const HttpUrl url_;
  const HttpClientOptions options_;
  std::unique_ptr<Impl> impl_;
  uint64_t connections_opened_ = 0;
};

}  // namespace ddc::cli

#endif  // DDC_NODE_CLI_HTTP_CLIENT_H_
