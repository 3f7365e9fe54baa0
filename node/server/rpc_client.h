// RpcClient: a JSON-RPC 2.0 client for Substrate nodes (and ddc-node's own POST /rpc), over
// HTTP(S) or WebSocket (ws:// and wss://), as Substrate nodes serve both on one port.
//
// URLs: "http://HOST[:PORT][/PATH]", "https://...", "ws://...", "wss://...". PORT defaults to
// 80 (http, ws) or 443 (https, wss); PATH to "/". TLS verifies the server's certificate
// against the system's trusted roots (or `ca_file`) and its name against HOST, and sends HOST
// as SNI.
//
// Each Call sends one request and waits for the response with the same id; WebSocket
// notifications and responses to other ids that arrive meanwhile are dropped. The connection is
// opened lazily and kept; when it was found closed before any byte of a response came back,
// the request is resent once on a new connection.
//
// Thread-safe: calls from several threads are made one at a time.
#ifndef DDC_NODE_SERVER_RPC_CLIENT_H_
#define DDC_NODE_SERVER_RPC_CLIENT_H_

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "ddc/status.h"

namespace ddc::node {

struct RpcUrl {
  enum class Scheme : uint8_t { kHttp, kHttps, kWs, kWss };
  Scheme scheme = Scheme::kHttp;
  std::string host;  // Without brackets.
  std::string port;  // Decimal.
  std::string path;  // Starts with '/'; may carry a query.
  std::string text;  // The URL as given, for messages.
  bool tls() const { return scheme == Scheme::kHttps || scheme == Scheme::kWss; }
  bool websocket() const { return scheme == Scheme::kWs || scheme == Scheme::kWss; }
};

// InvalidArgument naming what is wrong: another scheme, no host, a bad port, a user part.
Result<RpcUrl> ParseRpcUrl(std::string_view url);

struct RpcClientOptions {
  // Time for one call: connecting (and the TLS and WebSocket handshakes) when needed, sending
  // the request and receiving its response.
  uint32_t timeout_ms = 30'000;
  // Largest response accepted (a runtime's metadata is a few hundred KiB).
  uint64_t max_response_bytes = 64ull << 20;
  // PEM file of trusted roots for TLS; empty: the system's.
  std::string ca_file;
};

// A JSON-RPC error object's code and message, carried in the Status of a failed Call.
// Transport failures are IOError ("cannot connect to wss://...: ...", "timed out after N ms
// waiting for the answer to METHOD from URL", an answer larger than max_response_bytes); a
// JSON-RPC error response is Failed with "METHOD: MESSAGE (code N)"; a response that is not
// a JSON-RPC 2.0 answer to the request (not JSON, another id, a non-2xx HTTP status without a
// JSON-RPC body) is Corruption.
class RpcClient {
 public:
  virtual ~RpcClient() = default;
  // The `result` member of the response to `method` with `params` (a JSON array); null
  // results are returned as null.
  virtual Result<nlohmann::json> Call(std::string_view method, const nlohmann::json& params) = 0;
  virtual const RpcUrl& url() const = 0;
};

// Connects lazily: a bad URL fails here, an unreachable endpoint on the first Call.
Result<std::unique_ptr<RpcClient>> OpenRpcClient(std::string_view url,
                                                 const RpcClientOptions& options = {});

}  // namespace ddc::node

#endif  // DDC_NODE_SERVER_RPC_CLIENT_H_
