// Access control of ddc-node: which buckets exist and who owns them, and whether a request may
// read or write a bucket (docs/node.md "Access control"; token and request formats in
// include/ddc/auth.h and docs/FORMAT.md).
//
// BucketDirectory holds each registered bucket's owner (an ed25519 key) and whether it is
// public. Buckets come from the node's config ("declared": fixed while the node runs) or are
// registered over HTTP by a request signed with the owner's key (kept in a JSON file in the
// data dir, replaced atomically and synced before the call returns). The chain layer will
// answer the same questions from the chain's bucket registry.
//
// AccessControl decides one request. Public buckets are readable by anyone; every write, every
// read of a private bucket and every use of the node's keys needs an access token rooted at the
// bucket's owner that allows the operation, and a request signature by the token's subject made
// within the time window and not seen before. Failures are 401 (no valid credentials: missing,
// malformed, badly signed, expired, outside the window, replayed) or 403 (valid credentials that
// do not allow this: another bucket, a root that is not the owner, a missing operation, an
// unregistered bucket), each with a JSON error naming the reason; 429 when one key sends more
// requests than its rate allows.
//
// Thread-safe.
#ifndef DDC_NODE_SERVER_ACCESS_H_
#define DDC_NODE_SERVER_ACCESS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "ddc/auth.h"
#include "ddc/event.h"
#include "ddc/status.h"
#include "node/server/http_server.h"

namespace ddc::node {

// The request headers of the scheme.
inline constexpr std::string_view kTimeHeader = "X-DDC-Time";
inline constexpr std::string_view kSignatureHeader = "X-DDC-Signature";
inline constexpr std::string_view kKeyHeader = "X-DDC-Key";
inline constexpr std::string_view kAuthScheme = "DDC ";

struct BucketInfo {
  PublicKey owner{};
  bool is_public = false;
  bool declared = false;  // From the node's config: not changeable over HTTP.
};

class BucketDirectory {
 public:
  // A directory kept in `path` (a JSON file, created on the first registration); an empty
  // path keeps it in memory only. Corruption when the file is not what Put writes.
  static Result<std::unique_ptr<BucketDirectory>> Open(std::string path);

  std::optional<BucketInfo> Lookup(uint64_t bucket) const;
  std::map<uint64_t, BucketInfo> All() const;

  // A bucket from the config. Replaces a registration of the same bucket while the node runs
  // (the file keeps it).
  void Declare(uint64_t bucket, const PublicKey& owner, bool is_public);
  // Registers or updates a bucket, durably. Conflict for a declared bucket.
  Status Put(uint64_t bucket, const PublicKey& owner, bool is_public);

 private:
  explicit BucketDirectory(std::string path) : path_(std::move(path)) {}
  Status SaveLocked() const;

  const std::string path_;
  mutable std::shared_mutex mu_;
  std::map<uint64_t, BucketInfo> buckets_;     // What requests see.
  std::map<uint64_t, BucketInfo> registered_;  // What the file holds.
};

struct AccessOptions {
  // Off: every request is allowed (a node for local development and benchmarks).
  bool enabled = true;
  // A signed request's X-DDC-Time may differ from the node's clock by at most this much.
  uint64_t request_window_ms = 300'000;
  // Signatures remembered to refuse replays inside the window; beyond it requests get 429.
  size_t max_remembered_requests = 1u << 20;
  // Requests per second one key (a token's subject) may make, with a burst of twice that.
  // 0: no limit.
  uint32_t requests_per_second_per_key = 0;
  // The clock (Unix milliseconds). Null: the system clock.
  std::function<uint64_t()> now_ms;
};

class AccessControl {
 public:
  AccessControl(const BucketDirectory* buckets, AccessOptions options);

  bool enabled() const { return options_.enabled; }

  // Whether `request` may do `op` on `bucket`: nullopt when it may, else the 401/403/429
  // response to send, or 402 when a write is refused by the write gate.
  std::optional<Response> Check(const Request& request, uint64_t bucket, AuthOp op);

  // Consulted for every write that passed the checks above (also with access control off): a
  // reason makes the write a 402 Payment Required naming it. Set before serving.
  using WriteGate = std::function<std::optional<std::string>(uint64_t bucket)>;
  void SetWriteGate(WriteGate gate) { write_gate_ = std::move(gate); }

  // For requests authenticated by a key rather than a token (bucket registration): the
  // X-DDC-Key header's key, once the request's signature by it, its time and its novelty are
  // checked; else `*error` is the response. Applies whether or not access control is enabled.
  std::optional<PublicKey> CheckKeySigned(const Request& request, Response* error);

 private:
  uint64_t Now() const;
  // The verified chain of a token's text, cached.
  Result<VerifiedAuthToken> Verify(std::string_view token);
  // Checks the X-DDC-Time and X-DDC-Signature headers of `request` against `key`, then
  // remembers the signature. nullopt when they are good.
  std::optional<Response> CheckSignedRequest(const Request& request, const PublicKey& key);
  std::optional<Response> CheckRate(const PublicKey& key);
  std::optional<Response> CheckAuth(const Request& request, uint64_t bucket, AuthOp op);

  const BucketDirectory* const buckets_;
  const AccessOptions options_;
  WriteGate write_gate_;

  std::mutex mu_;
  std::unordered_map<std::string, VerifiedAuthToken> token_cache_;
  // First 16 bytes of each remembered signature -> its request time.
  std::unordered_map<std::string, uint64_t> seen_;
  uint64_t next_sweep_ms_ = 0;
  struct Rate {
    double tokens = 0;
    uint64_t last_ms = 0;
  };
  std::map<PublicKey, Rate> rates_;
};

}  // namespace ddc::node

#endif  // DDC_NODE_SERVER_ACCESS_H_
